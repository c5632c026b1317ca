import { spawn } from 'node:child_process';
import path from 'node:path';
import type { TestDatabase } from './databases.js';

export const CLI = path.resolve(import.meta.dirname, '../../dist/cli.js');

/** The environment that points the CLI at a test database (and at no running server). */
export function cliEnv(db: TestDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.PROMPTLEDGER_ADMIN_TOKEN;
  delete env.PROMPTLEDGER_DATA_DIR;
  Object.assign(env, { PORT: '0', LOG_LEVEL: 'warn' }, extra);
  if (db.config.kind === 'postgres') env.DATABASE_URL = db.config.url;
  else env.PROMPTLEDGER_DATA_DIR = db.config.dataDir;
  return env;
}

/** Runs `promptledger …` to completion. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
