import type { Db } from '../db/database.js';

/**
 * The rollup's SQL. A signal counts once for every distinct prompt version in its signal_prompts
 * (an analysis prompt used for three timeframes counts once), on the UTC day it was generated.
 * No-trade answers are not trades and never enter. Wins, losses and breakevens are as classified when
 * each signal was closed (the R epsilon applies there), so the sums by sign follow the outcomes.
 */
const CLOSED = `outcome in ('win', 'loss', 'breakeven')`;

function aggregateSql(dayFilter: string): string {
  return `
    insert into prompt_performance (prompt_template_id, prompt_version, strategy_id, evaluation_date,
      signals_generated, total_profit_loss, win_count, loss_count, breakeven_count, avg_r_multiple, win_rate,
      avg_profit_per_trade, avg_loss_per_trade, max_r_multiple, min_r_multiple, closed_count, cancelled_count,
      pending_count, sum_r, sum_r2, sum_r_pos, sum_r_neg, sum_pl_pos, sum_pl_neg)
    select u.template_id, u.version, t.strategy_id, (t.created_at at time zone 'UTC')::date,
      count(*),
      coalesce(sum(t.profit_loss) filter (where t.${CLOSED}), 0),
      count(*) filter (where t.outcome = 'win'),
      count(*) filter (where t.outcome = 'loss'),
      count(*) filter (where t.outcome = 'breakeven'),
      avg(t.actual_r_multiple) filter (where t.${CLOSED}),
      (count(*) filter (where t.outcome = 'win'))::float8 / nullif(count(*) filter (where t.outcome in ('win', 'loss')), 0),
      avg(t.profit_loss) filter (where t.${CLOSED}),
      avg(t.profit_loss) filter (where t.outcome = 'loss'),
      max(t.actual_r_multiple) filter (where t.${CLOSED}),
      min(t.actual_r_multiple) filter (where t.${CLOSED}),
      count(*) filter (where t.${CLOSED}),
      count(*) filter (where t.outcome = 'cancelled'),
      count(*) filter (where t.outcome = 'pending'),
      coalesce(sum(t.actual_r_multiple) filter (where t.${CLOSED}), 0),
      coalesce(sum(t.actual_r_multiple * t.actual_r_multiple) filter (where t.${CLOSED}), 0),
      coalesce(sum(t.actual_r_multiple) filter (where t.outcome = 'win'), 0),
      coalesce(sum(t.actual_r_multiple) filter (where t.outcome = 'loss'), 0),
      coalesce(sum(t.profit_loss) filter (where t.outcome = 'win'), 0),
      coalesce(sum(t.profit_loss) filter (where t.outcome = 'loss'), 0)
    from trading_signals t
    -- Driven by the day range (created_at index), then each signal's prompts (signal_id index);
    -- distinct, because one prompt can render several times in a signal (once per timeframe).
    cross join lateral (select distinct sp.template_id, sp.version from signal_prompts sp where sp.signal_id = t.id) u
    where t.direction <> 'no_trade' and ${dayFilter}
    group by u.template_id, u.version, t.strategy_id, (t.created_at at time zone 'UTC')::date`;
}

const utcMidnight = (day: string) => `('${day}'::date)::timestamp at time zone 'UTC'`;
const isDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d);

/**
 * Replaces the rows of the given UTC days with fresh aggregates (idempotent). `ranges` are runs of
 * consecutive days; each becomes one created_at index range, so scattered days cost no full scan.
 */
export async function rebuildDays(db: Db, ranges: readonly (readonly [string, string])[]): Promise<void> {
  if (ranges.length === 0) return;
  for (const [from, to] of ranges)
    if (!isDay(from) || !isDay(to)) throw new RangeError(`bad day range ${from}..${to}`);
  const dates = ranges.map(([from, to]) => `evaluation_date between '${from}' and '${to}'`).join(' or ');
  const created = ranges
    .map(
      ([from, to]) =>
        `(t.created_at >= ${utcMidnight(from)} and t.created_at < (('${to}'::date + 1)::timestamp at time zone 'UTC'))`,
    )
    .join(' or ');
  await db.execute(`delete from prompt_performance where ${dates}`);
  await db.execute(aggregateSql(`(${created})`));
}

/**
 * UTC days of signals written by transactions at or after `sinceXid`; when null, every day from the
 * first signal to the last (read from the created_at index: a distinct over every signal would
 * hold the embedded database's thread for seconds, and a day without signals costs nothing).
 */
export async function changedDays(db: Db, sinceXid: number | null): Promise<string[]> {
  if (sinceXid === null) {
    const span = (await db.execute(
      `select to_char((min(created_at) at time zone 'UTC')::date, 'YYYY-MM-DD') as first,
              to_char((max(created_at) at time zone 'UTC')::date, 'YYYY-MM-DD') as last from trading_signals`,
    )) as unknown as { rows: { first: string | null; last: string | null }[] };
    const { first, last } = span.rows[0] ?? { first: null, last: null };
    if (!first || !last) return [];
    const days: string[] = [];
    for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
      days.push(new Date(t).toISOString().slice(0, 10));
    }
    return days;
  }
  const where = `where change_xid >= ${Math.trunc(sinceXid)}`;
  const result = (await db.execute(
    `select distinct to_char((created_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day from trading_signals ${where} order by 1`,
  )) as unknown as { rows: { day: string }[] };
  return result.rows.map((r) => r.day);
}

/**
 * The oldest transaction still running now: every transaction before it has committed (or
 * aborted), so its writes are visible to a scan that starts after this call.
 */
export async function oldestRunningXid(db: Db): Promise<number> {
  const result = (await db.execute(
    'select pg_snapshot_xmin(pg_current_snapshot())::text as x',
  )) as unknown as {
    rows: { x: string }[];
  };
  return Number(result.rows[0]!.x);
}
