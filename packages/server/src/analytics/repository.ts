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

/**
 * Recomputes one prompt's daily rows from its signals: every signal that names the prompt as its
 * own or in signal_prompts counts once per (version, strategy, UTC day it was generated).
 */
export async function recomputePrompt(db: Db, promptId: number, breakevenEpsilon: number): Promise<number> {
  await db.execute(`delete from prompt_performance where prompt_template_id = ${Number(promptId)}`);
  const rows = (await db.execute(`
    with used as (
      select id as signal_id, prompt_template_id as template_id, prompt_version as version
        from trading_signals where prompt_template_id = ${Number(promptId)} and prompt_version is not null
      union
      select signal_id, template_id, version from signal_prompts where template_id = ${Number(promptId)}
    ), s as (
      select u.template_id, u.version, t.strategy_id, (t.created_at at time zone 'UTC')::date as day,
             t.outcome, t.actual_r_multiple as r, coalesce(t.profit_loss, 0) as pl
        from used u join trading_signals t on t.id = u.signal_id
       where t.direction <> 'no_trade'
    )
    insert into prompt_performance (prompt_template_id, prompt_version, strategy_id, evaluation_date,
      signals_generated, total_profit_loss, win_count, loss_count, breakeven_count, avg_r_multiple, win_rate,
      avg_profit_per_trade, avg_loss_per_trade, max_r_multiple, min_r_multiple, closed_count, cancelled_count,
      pending_count, sum_r, sum_r2, sum_r_pos, sum_r_neg, sum_pl_pos, sum_pl_neg)
    select template_id, version, strategy_id, day,
      count(*),
      coalesce(sum(pl) filter (where outcome in ('win', 'loss', 'breakeven')), 0),
      count(*) filter (where outcome = 'win'),
      count(*) filter (where outcome = 'loss'),
      count(*) filter (where outcome = 'breakeven'),
      avg(r) filter (where outcome in ('win', 'loss', 'breakeven')),
      (count(*) filter (where outcome = 'win'))::float8 / nullif(count(*) filter (where outcome in ('win', 'loss')), 0),
      avg(pl) filter (where outcome in ('win', 'loss', 'breakeven')),
      avg(pl) filter (where outcome = 'loss'),
      max(r) filter (where outcome in ('win', 'loss', 'breakeven')),
      min(r) filter (where outcome in ('win', 'loss', 'breakeven')),
      count(*) filter (where outcome in ('win', 'loss', 'breakeven')),
      count(*) filter (where outcome = 'cancelled'),
      count(*) filter (where outcome = 'pending'),
      coalesce(sum(r) filter (where outcome in ('win', 'loss', 'breakeven')), 0),
      coalesce(sum(r * r) filter (where outcome in ('win', 'loss', 'breakeven')), 0),
      coalesce(sum(r) filter (where outcome in ('win', 'loss', 'breakeven') and r > ${Number(breakevenEpsilon)}), 0),
      coalesce(sum(r) filter (where outcome in ('win', 'loss', 'breakeven') and r < ${-Number(breakevenEpsilon)}), 0),
      coalesce(sum(pl) filter (where outcome = 'win'), 0),
      coalesce(sum(pl) filter (where outcome = 'loss'), 0)
    from s group by template_id, version, strategy_id, day
    returning id
  `)) as unknown as { rows?: unknown[] } | unknown[];
  return Array.isArray(rows) ? rows.length : (rows.rows?.length ?? 0);
}
