import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { DatabaseConfig } from '../../src/config/config.js';
import { type Database, openDatabase } from '../../src/db/database.js';

export type DriverKind = DatabaseConfig['kind'];

/**
 * The drivers every database test runs on. PostgreSQL is absent only outside CI when no server
 * answers (global-setup prints a warning then; under CI that is a failure, never a skip).
 */
export const DRIVERS: DriverKind[] = inject('postgresUrl') ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  config: DatabaseConfig;
  /** The embedded store's directory (PGlite only). */
  dataDir?: string;
  /** Removes the database and its files; the caller closes any open handle first. */
  drop(): Promise<void>;
}

async function adminQuery(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('postgresUrl')! });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

/**
 * A new, empty database of the given kind. `migrated` (default true) gives it our schema; false
 * gives a truly empty one (for migration tests; slow on PGlite, which must initialise).
 */
export async function createTestDatabase(kind: DriverKind, { migrated = true } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptledger-db-'));
    if (migrated) fs.cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
    return {
      config: { kind, dataDir },
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `pl_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(inject('postgresUrl')!);
  url.pathname = `/${name}`;
  const config: DatabaseConfig = { kind, url: url.toString() };
  if (migrated) {
    const db = await openDatabase(config);
    await db.migrate();
    await db.close();
  }
  return { config, drop: () => adminQuery(`drop database if exists ${name} with (force)`) };
}

/** Opens a fresh migrated database; `close()` closes it and drops it. */
export async function openTestDatabase(kind: DriverKind): Promise<Database & { drop(): Promise<void> }> {
  const test = await createTestDatabase(kind);
  const database = await openDatabase(test.config);
  return Object.assign(database, {
    async drop() {
      await database.close();
      await test.drop();
    },
  });
}
