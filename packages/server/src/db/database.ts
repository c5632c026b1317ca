import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { DatabaseConfig } from '../config/config.js';
import type * as schema from './schema.js';

/** Drizzle over either driver: repositories are written once against this type. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The one handle to the database the rest of the server sees, whichever driver is behind it. */
export interface Database {
  readonly kind: DatabaseConfig['kind'];
  readonly db: Db;
  /**
   * Run raw SQL, possibly several statements, with no parameters (restores). On failure any open
   * transaction is rolled back and session settings reset, so the connection is clean again.
   */
  exec(sqlText: string): Promise<void>;
  /** Run one parameterised statement and return its rows. */
  query<T extends Record<string, unknown>>(sqlText: string, params?: unknown[]): Promise<T[]>;
  /**
   * For libraries that bring their own SQL (pg-boss): with parameters one statement, without them
   * possibly several; returns the rows of the last statement.
   */
  passthrough(sqlText: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /**
   * Refresh the planner's statistics of tables that changed a lot since they were last analyzed.
   * PostgreSQL servers do this themselves (autovacuum); the embedded database has no such daemon,
   * and without statistics its planner scans whole tables where an index would do.
   */
  refreshStatistics(): Promise<void>;
  /** Apply pending migrations; returns how many were applied. Safe to call concurrently. */
  migrate(): Promise<number>;
  /** LISTEN on a channel with a connection of its own; resolves to a function that stops it. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Write a plain-SQL dump (INSERT statements, no owners or privileges) of the whole database. */
  dumpTo(filePath: string): Promise<void>;
  /** Where the data lives, for logs and messages (never includes a password). */
  describe(): string;
  close(): Promise<void>;
}

/**
 * pg_dump arguments shared by both drivers: INSERTs rather than COPY so that every driver (PGlite's
 * exec, pg's simple query) can replay the file, and no owners or grants so it restores anywhere.
 */
export const DUMP_ARGS = ['--inserts', '--rows-per-insert=500', '--no-owner', '--no-privileges'];

/** Run after a failed script: leave no aborted transaction or `set_config` behind. */
export const RECOVER_SESSION = 'rollback; reset all;';

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.kind === 'pglite') {
    const { openPglite } = await import('./pglite.js');
    return openPglite(config.dataDir);
  }
  const { openPostgres } = await import('./postgres.js');
  return openPostgres(config.url);
}

/** postgres://user:secret@host/db → postgres://user:***@host/db */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
