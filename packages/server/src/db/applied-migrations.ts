import type { Database } from './database.js';

/** How many migrations drizzle has recorded as applied (0 on an empty database). */
export async function countAppliedMigrations(database: Pick<Database, 'query'>): Promise<number> {
  const [exists] = await database.query<{ t: string | null }>(
    `select to_regclass('drizzle.__drizzle_migrations')::text as t`,
  );
  if (!exists?.t) return 0;
  const [row] = await database.query<{ n: number }>(
    'select count(*)::int as n from drizzle.__drizzle_migrations',
  );
  return Number(row?.n ?? 0);
}
