import { and, asc, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
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

/** A prompt's closed trades in exit order (for the equity curve, drawdown and streaks). */
export async function closedTrades(
  db: Db,
  promptId: number,
  filter: { from?: string; to?: string; version?: number },
): Promise<{ r: number; pl: number | null; exit_time: Date }[]> {
  const uses = [sql`sp.template_id = ${promptId}`];
  if (filter.version !== undefined) uses.push(sql`sp.version = ${filter.version}`);
  const when: SQL[] = [];
  if (filter.from) when.push(sql`t.created_at >= (${filter.from}::date)::timestamp at time zone 'UTC'`);
  if (filter.to) when.push(sql`t.created_at < ((${filter.to}::date + 1)::timestamp at time zone 'UTC')`);
  const result = (await db.execute(sql`
    select t.actual_r_multiple as r, t.profit_loss as pl, t.exit_time
      from trading_signals t
     where t.id in (select sp.signal_id from signal_prompts sp where ${sql.join(uses, sql` and `)})
       and t.outcome in ('win', 'loss', 'breakeven')
       ${when.length > 0 ? sql`and ${sql.join(when, sql` and `)}` : sql``}
     order by t.exit_time, t.id`)) as unknown as {
    rows: { r: number; pl: number | null; exit_time: Date | string }[];
  };
  return result.rows.map((row) => ({
    r: Number(row.r),
    pl: row.pl === null ? null : Number(row.pl),
    exit_time: new Date(row.exit_time),
  }));
}

/**
 * What the performance figures depend on, cheaply: the newest signal write (index on change_xid),
 * the last rollup run, and whether an older transaction could still commit a write (then the
 * answer must not be cached: that write would carry a smaller change_xid than the newest one seen).
 */
export async function dataVersion(db: Db): Promise<{ key: string; settled: boolean }> {
  const result = (await db.execute(sql`
    select (select coalesce(max(change_xid), 0) from trading_signals)::text as newest,
           pg_snapshot_xmin(pg_current_snapshot())::text as xmin,
           (select coalesce(last_run_at::text, '') from performance_rollup_state where id = 1) as rollup`)) as unknown as {
    rows: { newest: string; xmin: string; rollup: string | null }[];
  };
  const row = result.rows[0]!;
  return { key: `${row.newest}|${row.rollup ?? ''}`, settled: BigInt(row.xmin) > BigInt(row.newest) };
}
