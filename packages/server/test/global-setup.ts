import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL tests may create databases from, or null when none is reachable. */
    postgresUrl: string | null;
    /** A migrated, empty PGlite data directory that tests copy instead of initialising their own. */
    pgliteTemplate: string;
  }
}

const MACHINE_DEFAULT = 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Finds the PostgreSQL server the database tests also run against (TEST_DATABASE_URL, else this
 * machine's standard one), and builds one migrated PGlite directory for all PGlite tests to copy:
 * initialising PGlite takes seconds, copying a directory a fraction of one.
 */
export default async function setup(project: TestProject) {
  const explicit = process.env.TEST_DATABASE_URL;
  const candidate = explicit ?? MACHINE_DEFAULT;
  let postgresUrl: string | null = candidate;
  if (!(await reachable(candidate))) {
    if (process.env.CI || explicit) {
      throw new Error(
        `PostgreSQL is not reachable at ${candidate}. The database tests must run on PostgreSQL too; ` +
          'start it or set TEST_DATABASE_URL.',
      );
    }
    postgresUrl = null;
    process.stderr.write(
      `\n*** WARNING: no PostgreSQL at ${candidate}; the PostgreSQL half of the database tests is SKIPPED. ` +
        'Set TEST_DATABASE_URL to run it (CI always does). ***\n\n',
    );
  }

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promptledger-test-'));
  const template = path.join(root, 'template');
  const database = await openDatabase({ kind: 'pglite', dataDir: template });
  await database.migrate();
  await database.close();

  project.provide('postgresUrl', postgresUrl);
  project.provide('pgliteTemplate', template);
  return async () => {
    fs.rmSync(root, { recursive: true, force: true });
  };
}
