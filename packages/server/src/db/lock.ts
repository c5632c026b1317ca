import fs from 'node:fs';
import os from 'node:os';

/**
 * An exclusive lock on the embedded data directory. PGlite itself takes none, and two processes
 * writing one directory silently lose data, so the second opener must be refused.
 *
 * A PID file rather than an mtime-refreshed lock (proper-lockfile and friends): after `kill -9`
 * the owner is provably gone (its PID no longer exists), so a restart can take the lock at once
 * instead of waiting out a staleness timeout.
 */
export class DataDirLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirLockedError';
  }
}

interface LockInfo {
  pid: number;
  hostname: string;
  command: string;
  started_at: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(lockPath: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

export interface DirLock {
  release(): void;
}

export function acquireDirLock(lockPath: string, dataDir: string): DirLock {
  const info: LockInfo = {
    pid: process.pid,
    hostname: os.hostname(),
    command: process.argv.slice(1).join(' '),
    started_at: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify(info), { flag: 'wx' });
      return {
        release() {
          if (readLock(lockPath)?.pid === process.pid) fs.rmSync(lockPath, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readLock(lockPath);
      const stale =
        owner === undefined ||
        (owner.hostname === info.hostname && owner.pid !== process.pid && !isAlive(owner.pid));
      if (stale && attempt === 0) {
        fs.rmSync(lockPath, { force: true });
        continue;
      }
      const who = owner
        ? `PID ${owner.pid} on ${owner.hostname} (${owner.command}, since ${owner.started_at})`
        : 'another process';
      throw new DataDirLockedError(
        `The embedded database in ${dataDir} is in use by ${who}. Stop that process first ` +
          `(only one process may open an embedded database), or set DATABASE_URL to share a PostgreSQL server. ` +
          `If no such process exists, delete ${lockPath}.`,
      );
    }
  }
  throw new DataDirLockedError(`Could not take the lock ${lockPath}`);
}
