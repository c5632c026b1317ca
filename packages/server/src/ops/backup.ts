import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/database.js';

/** backup_YYYYMMDD_HHMMSS.sql, in UTC, as the original deployment scripts named them. */
export function backupFileName(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `backup_${date}_${time}.sql`;
}

/**
 * Writes a full dump into `dir` and returns its path; never overwrites an existing backup. A dump
 * holds every key hash and prompt: the file is the owner's alone (0600), and a folder this creates
 * is too (0700), whatever the umask.
 */
export async function backup(database: Database, dir: string): Promise<{ file: string; bytes: number }> {
  const created = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (created) fs.chmodSync(created, 0o700);
  let file = path.resolve(dir, backupFileName());
  for (let i = 1; fs.existsSync(file); i++)
    file = path.resolve(dir, backupFileName().replace('.sql', `_${i}.sql`));
  const partial = `${file}.partial`;
  try {
    // Created empty with its final mode first: the dumpers write into it and keep the mode.
    fs.writeFileSync(partial, '', { mode: 0o600, flag: 'wx' });
    fs.chmodSync(partial, 0o600);
    await database.dumpTo(partial);
    fs.renameSync(partial, file);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  return { file, bytes: fs.statSync(file).size };
}

/** Whether the database holds our schema at all (a fresh one has nothing worth backing up). */
export async function hasSchema(database: Database): Promise<boolean> {
  const [row] = await database.query<{ t: string | null }>(
    `select to_regclass('public.prompt_templates')::text as t`,
  );
  return Boolean(row?.t);
}
