/**
 * Pure outcome metrics over rollup rows. Every figure comes from sums of the rows' sufficient
 * statistics, so any date range or set of versions is a sum of rows.
 *
 * Definitions: win rate = wins / (wins + losses) (breakevens are reported apart and stay in every
 * mean); average R = sum of R over closed trades / closed trades; cancelled and pending signals
 * never enter outcome metrics.
 */
export interface RollupRow {
  evaluation_date: string;
  signals_generated: number;
  win_count: number;
  loss_count: number;
  breakeven_count: number;
  closed_count: number;
  cancelled_count: number;
  pending_count: number;
  total_profit_loss: number;
  sum_r: number;
  sum_r2: number;
  sum_pl_pos: number;
  sum_pl_neg: number;
  max_r_multiple: number | null;
  min_r_multiple: number | null;
}

export interface Summary {
  signals_generated: number;
  closed: number;
  pending: number;
  cancelled: number;
  wins: number;
  losses: number;
  breakevens: number;
  win_rate: number | null;
  avg_r_multiple: number | null;
  std_r_multiple: number | null;
  total_profit_loss: number;
  avg_profit_per_trade: number | null;
  avg_win_pl: number | null;
  avg_loss_pl: number | null;
  max_r_multiple: number | null;
  min_r_multiple: number | null;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function summarize(rows: readonly RollupRow[]): Summary {
  const t = {
    signals: 0,
    wins: 0,
    losses: 0,
    breakevens: 0,
    closed: 0,
    cancelled: 0,
    pending: 0,
    pl: 0,
    sumR: 0,
    sumR2: 0,
    plPos: 0,
    plNeg: 0,
    max: null as number | null,
    min: null as number | null,
  };
  for (const r of rows) {
    t.signals += r.signals_generated;
    t.wins += r.win_count;
    t.losses += r.loss_count;
    t.breakevens += r.breakeven_count;
    t.closed += r.closed_count;
    t.cancelled += r.cancelled_count;
    t.pending += r.pending_count;
    t.pl += r.total_profit_loss;
    t.sumR += r.sum_r;
    t.sumR2 += r.sum_r2;
    t.plPos += r.sum_pl_pos;
    t.plNeg += r.sum_pl_neg;
    if (r.max_r_multiple !== null)
      t.max = t.max === null ? r.max_r_multiple : Math.max(t.max, r.max_r_multiple);
    if (r.min_r_multiple !== null)
      t.min = t.min === null ? r.min_r_multiple : Math.min(t.min, r.min_r_multiple);
  }
  const mean = ratio(t.sumR, t.closed);
  // Sample standard deviation from the sums: sqrt((Σr² − n·mean²) / (n − 1)).
  const variance =
    mean !== null && t.closed > 1 ? Math.max(0, (t.sumR2 - t.closed * mean * mean) / (t.closed - 1)) : null;
  return {
    signals_generated: t.signals,
    closed: t.closed,
    pending: t.pending,
    cancelled: t.cancelled,
    wins: t.wins,
    losses: t.losses,
    breakevens: t.breakevens,
    win_rate: ratio(t.wins, t.wins + t.losses),
    avg_r_multiple: mean,
    std_r_multiple: variance === null ? null : Math.sqrt(variance),
    total_profit_loss: t.pl,
    avg_profit_per_trade: ratio(t.pl, t.closed),
    avg_win_pl: ratio(t.plPos, t.wins),
    avg_loss_pl: ratio(t.plNeg, t.losses),
    max_r_multiple: t.max,
    min_r_multiple: t.min,
  };
}
