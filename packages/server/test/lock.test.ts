import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { acquireDirLock, DataDirLockedError } from '../src/db/lock.js';
import { createTestDatabase } from './helpers/databases.js';

const serverRoot = path.resolve(import.meta.dirname, '..');

describe('embedded data directory lock', () => {
  it('refuses a second opener in another process with a clear message, and frees the directory on close', async () => {
    const test = await createTestDatabase('pglite');
    const first = await openDatabase(test.config);
    try {
      const script = `import('${path.join(serverRoot, 'dist/db/database.js')}').then(m => m.openDatabase(${JSON.stringify(test.config)})).then(() => process.exit(0), e => { console.error(e.message); process.exit(3); })`;
      const second = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
      expect(second.status).toBe(3);
      expect(second.stderr).toMatch(new RegExp(`in use by PID ${process.pid}`));
      expect(second.stderr).toMatch(/Stop that process first/);
      // The refused opener must not have touched the data: our handle still works.
      expect(await first.query('select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await first.close();
    }
    expect(fs.existsSync(path.join(test.dataDir!, 'promptledger.lock'))).toBe(false);
    const again = await openDatabase(test.config);
    await again.close();
    await test.drop();
  });

  it('refuses a second opener in the same process', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-lock-'));
    const lockPath = path.join(dir, 'promptledger.lock');
    const lock = acquireDirLock(lockPath, dir);
    expect(() => acquireDirLock(lockPath, dir)).toThrow(DataDirLockedError);
    lock.release();
    acquireDirLock(lockPath, dir).release();
    fs.rmSync(dir, { recursive: true });
  });

  it('takes over the lock of a process that no longer exists (after kill -9)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-lock-'));
    const lockPath = path.join(dir, 'promptledger.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    fs.writeFileSync(
      lockPath,
      JSON.stringify({ pid: Number(dead.stdout), hostname: os.hostname(), command: 'x', started_at: '' }),
    );
    const lock = acquireDirLock(lockPath, dir);
    expect(JSON.parse(fs.readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    lock.release();
    fs.rmSync(dir, { recursive: true });
  });
});
