import { and, asc, count, eq, ilike, isNull, or, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { strategies } from '../db/schema.js';
import type { ListStrategiesQuery } from './schema.js';

export type StrategyRow = typeof strategies.$inferSelect;

const live = isNull(strategies.deleted_at);

export function findStrategy(db: Db, id: number): Promise<StrategyRow | undefined> {
  return db
    .select()
    .from(strategies)
    .where(and(eq(strategies.id, id), live))
    .then((r) => r[0]);
}

export function findStrategyByName(db: Db, name: string): Promise<StrategyRow | undefined> {
  return db
    .select()
    .from(strategies)
    .where(and(eq(strategies.name, name), live))
    .then((r) => r[0]);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listStrategies(
  db: Db,
  q: ListStrategiesQuery,
): Promise<{ rows: StrategyRow[]; total: number }> {
  const conditions: SQL[] = [live];
  if (q.is_active !== undefined) conditions.push(eq(strategies.is_active, q.is_active));
  if (q.search) {
    const pattern = `%${escapeLike(q.search)}%`;
    conditions.push(or(ilike(strategies.name, pattern), ilike(strategies.description, pattern))!);
  }
  const where = and(...conditions);
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(strategies)
      .where(where)
      .orderBy(asc(strategies.name), asc(strategies.id))
      .limit(q.page_size)
      .offset((q.page - 1) * q.page_size),
    db.select({ n: count() }).from(strategies).where(where),
  ]);
  return { rows, total: Number(totals[0]?.n ?? 0) };
}

export async function insertStrategy(db: Db, values: typeof strategies.$inferInsert): Promise<StrategyRow> {
  const [row] = await db.insert(strategies).values(values).returning();
  return row!;
}

export async function updateStrategy(
  db: Db,
  id: number,
  values: Partial<typeof strategies.$inferInsert>,
): Promise<StrategyRow | undefined> {
  const [row] = await db
    .update(strategies)
    .set({ ...values, updated_at: new Date() })
    .where(and(eq(strategies.id, id), live))
    .returning();
  return row;
}
