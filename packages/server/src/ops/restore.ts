import fs from 'node:fs';
import type { Database } from '../db/database.js';

/** Schemas a backup of ours can contain; restore replaces all of them. */
const OUR_SCHEMAS = ['public', 'drizzle', 'pgboss'];

/**
 * Turns a pg_dump file into SQL any driver can run: drops psql meta-commands (`\restrict`, which
 * recent pg_dump versions emit) and settings older servers do not know.
 */
export function prepareDump(text: string): string {
  if (!text.includes('PostgreSQL database dump')) {
    throw new Error('This file is not a PostgreSQL plain-SQL dump (made by `promptledger backup`).');
  }
  if (/^COPY .* FROM stdin;$/m.test(text)) {
    throw new Error('This dump uses COPY; make it with `promptledger backup` (pg_dump --inserts).');
  }
  return text
    .split('\n')
    .filter((line) => !line.startsWith('\\') && !/^SET transaction_timeout\b/.test(line))
    .map((line) => (line === 'CREATE SCHEMA public;' ? '-- (schema public recreated by restore)' : line))
    .join('\n');
}

/**
 * Replaces the database's contents with the dump, in one transaction: a dump that fails half-way
 * leaves the database exactly as it was.
 */
export async function restore(database: Database, file: string): Promise<void> {
  const sqlText = prepareDump(fs.readFileSync(file, 'utf8'));
  const drops = OUR_SCHEMAS.map((s) => `drop schema if exists ${s} cascade;`).join('\n');
  // pg_dump's set_config('search_path', '', false) would outlive the restore on this connection.
  await database.exec(`begin;\n${drops}\ncreate schema public;\n${sqlText}\ncommit;\nreset all;`);
}
