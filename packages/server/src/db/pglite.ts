import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { countAppliedMigrations } from './applied-migrations.js';
import { type Database, type Db, DUMP_ARGS, MIGRATIONS_FOLDER, RECOVER_SESSION } from './database.js';
import { acquireDirLock } from './lock.js';
import * as schema from './schema.js';

/**
 * The embedded store: PGlite (PostgreSQL compiled to WASM) in `<dataDir>/pglite`, guarded by
 * `<dataDir>/promptledger.lock`. Durability: PGlite runs with fsync off, so an acknowledged write
 * survives the process being killed (it is in the OS page cache) but not a power loss.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = acquireDirLock(path.join(dataDir, 'promptledger.lock'), dataDir);
  let client: PGlite;
  try {
    client = await PGlite.create(path.join(dataDir, 'pglite'));
  } catch (err) {
    lock.release();
    throw err;
  }
  const db = drizzle(client, { schema }) as unknown as Db;
  let closed = false;
  const database: Database = {
    kind: 'pglite',
    db,
    async exec(sqlText) {
      try {
        await client.exec(sqlText);
      } catch (err) {
        await client.exec(RECOVER_SESSION).catch(() => undefined);
        throw err;
      }
    },
    async query<T extends Record<string, unknown>>(sqlText: string, params: unknown[] = []) {
      return (await client.query<T>(sqlText, params)).rows;
    },
    async passthrough(sqlText, params) {
      if (params && params.length > 0)
        return { rows: (await client.query<Record<string, unknown>>(sqlText, params)).rows };
      const results = await client.exec(sqlText);
      return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
    },
    async refreshStatistics() {
      // autovacuum's default rule: 50 rows plus 10% of the table changed since the last analyze.
      const stale = await client.query<{ relname: string }>(
        `select relname from pg_stat_user_tables
          where schemaname = 'public' and n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0)`,
      );
      for (const { relname } of stale.rows) await client.exec(`analyze "${relname.replaceAll('"', '""')}"`);
    },
    async migrate() {
      const before = await countAppliedMigrations(database);
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
      return (await countAppliedMigrations(database)) - before;
    },
    async listen(channel, onPayload) {
      return client.listen(channel, onPayload);
    },
    async dumpTo(filePath) {
      const file = await pgDump({ pg: client, args: DUMP_ARGS });
      fs.writeFileSync(filePath, Buffer.from(await file.arrayBuffer()));
      // pg_dump ran on our one connection: it leaves a read-only transaction and an empty
      // search_path behind. Put the session back as it was.
      await client.exec(RECOVER_SESSION);
    },
    describe: () => `embedded PGlite in ${dataDir}`,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        lock.release();
      }
    },
  };
  return database;
}
