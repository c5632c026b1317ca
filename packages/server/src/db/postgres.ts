import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { countAppliedMigrations } from './applied-migrations.js';
import {
  type Database,
  type Db,
  DUMP_ARGS,
  MIGRATIONS_FOLDER,
  RECOVER_SESSION,
  redactUrl,
} from './database.js';
import * as schema from './schema.js';

/** An arbitrary constant: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK_KEY = 727_274_001;

export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle pooled connection that the server drops (restart, failover, admin termination) emits
  // 'error' on the pool; unhandled, that would crash the process. The pool discards such clients
  // and the next query reconnects, so there is nothing else to do here.
  pool.on('error', () => undefined);
  // Fail at open, with the server's own words, rather than on the first request.
  const probe = await pool.connect().catch(async (err: Error) => {
    await pool.end();
    throw new Error(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${err.message}`);
  });
  probe.release();
  const db = drizzle(pool, { schema }) as unknown as Db;
  let closed = false;
  const database: Database = {
    kind: 'postgres',
    db,
    async exec(sqlText) {
      const client = await pool.connect();
      try {
        await client.query(sqlText);
      } catch (err) {
        await client.query(RECOVER_SESSION).catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async query<T extends Record<string, unknown>>(sqlText: string, params: unknown[] = []) {
      return (await pool.query<T>(sqlText, params)).rows;
    },
    async passthrough(sqlText, params) {
      const result = (await pool.query(sqlText, params && params.length > 0 ? params : undefined)) as
        | pg.QueryResult<Record<string, unknown>>
        | pg.QueryResult<Record<string, unknown>>[];
      return { rows: Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows };
    },
    async refreshStatistics() {
      // autovacuum keeps a server's statistics fresh.
    },
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        const before = await countAppliedMigrations(database);
        await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
        return (await countAppliedMigrations(database)) - before;
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
        client.release();
      }
    },
    async listen(channel, onPayload) {
      // A client outside the pool: a pooled connection would be handed to queries mid-LISTEN.
      // If it drops, notifications may have been missed: report an empty payload ("anything may
      // have changed") and reconnect.
      let stopped = false;
      let client: pg.Client | undefined;
      const connect = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: url });
        client = c;
        c.on('notification', (msg) => {
          if (msg.channel === channel) onPayload(msg.payload ?? '');
        });
        c.on('error', () => undefined);
        c.on('end', () => {
          if (stopped) return;
          onPayload('');
          setTimeout(() => connect().catch(() => c.emit('end')), 1_000).unref();
        });
        await c.connect();
        await c.query(`listen ${pg.escapeIdentifier(channel)}`);
      };
      await connect();
      return async () => {
        stopped = true;
        await client?.end().catch(() => undefined);
      };
    },
    dumpTo: (filePath) => runPgDump(url, filePath),
    describe: () => `PostgreSQL at ${redactUrl(url)}`,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  return database;
}

/** The server's own pg_dump, streamed to the file (its version must be at least the server's). */
async function runPgDump(url: string, filePath: string): Promise<void> {
  const child = spawn('pg_dump', [...DUMP_ARGS, '--dbname', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new Error(
              'pg_dump was not found on PATH; install the PostgreSQL client tools (Debian: postgresql-client).',
            )
          : err,
      ),
    );
    child.on('close', resolve);
  });
  const [code] = await Promise.all([exited, pipeline(child.stdout, fs.createWriteStream(filePath))]);
  if (code !== 0) throw new Error(`pg_dump failed (exit ${code}): ${stderr.trim()}`);
}
