import { and, asc, eq, gte, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { promptPerformance } from '../db/schema.js';

export type PerformanceRow = typeof promptPerformance.$inferSelect;

export function listRows(
  db: Db,
  promptId: number,
  filter: { from?: string; to?: string; version?: number },
): Promise<PerformanceRow[]> {
  const conditions: SQL[] = [eq(promptPerformance.prompt_template_id, promptId)];
  if (filter.version !== undefined) conditions.push(eq(promptPerformance.prompt_version, filter.version));
  if (filter.from) conditions.push(gte(promptPerformance.evaluation_date, filter.from));
  if (filter.to) conditions.push(lte(promptPerformance.evaluation_date, filter.to));
  return db
    .select()
    .from(promptPerformance)
    .where(and(...conditions))
    .orderBy(asc(promptPerformance.evaluation_date), asc(promptPerformance.prompt_version));
}

export function listAllRows(db: Db, strategyId?: number): Promise<PerformanceRow[]> {
  const query = db.select().from(promptPerformance);
  return strategyId === undefined ? query : query.where(eq(promptPerformance.strategy_id, strategyId));
}
