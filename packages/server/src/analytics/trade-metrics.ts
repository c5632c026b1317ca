/**
 * Outcome metrics for a prompt version (DESIGN §3), pure and without I/O.
 *
 * Two kinds of input:
 * - an exit-ordered list of closed trades (wins, losses and breakevens), for the path-dependent
 *   figures a sum cannot give: equity curve, maximum drawdown, streaks;
 * - `Sums`, the sufficient statistics a rollup row holds, for everything else, so any date range
 *   or set of versions is a sum of rows and its metrics are `metricsFromSums(addSums(...))`.
 *
 * Which trades enter what: cancelled and pending signals never enter an outcome metric (they are
 * only counted). Breakevens (|R| ≤ epsilon) are closed trades: they are in every mean, in the
 * standard deviation, in expectancy, SQN and P&L totals, but in neither the win rate (W/(W+L)) nor
 * the average win or average loss.
 */
import { classify } from '../signals/outcome.js';
import { type Interval, meanTInterval, wilsonInterval } from './stats.js';

export interface ClosedTrade {
  /** R-multiple of the trade. */
  r: number;
  /** Profit or loss in currency; null when none was recorded (counted as 0, as the rollups do). */
  pl: number | null;
  exit_time: Date;
}

// ---------------------------------------------------------------------------------------------
// Path metrics over trades
// ---------------------------------------------------------------------------------------------

export interface EquityPoint {
  exit_time: Date;
  cumulative_r: number;
  cumulative_pl: number;
}

/** Cumulative R and P&L after each trade, starting from 0 before the first (that start is not listed). */
export function equityCurve(trades: readonly ClosedTrade[]): EquityPoint[] {
  let r = 0;
  let pl = 0;
  return trades.map((t) => {
    r += t.r;
    pl += t.pl ?? 0;
    return { exit_time: t.exit_time, cumulative_r: r, cumulative_pl: pl };
  });
}

export interface Drawdown {
  /** Peak minus trough, ≥ 0; 0 when equity never fell below an earlier high. */
  depth: number;
  /** Equity at the peak and at the trough (the peak may be the 0 before the first trade). */
  peak: number;
  trough: number;
  /** Exit time of the trade that set the peak; null when the peak is the start (0, before any trade). */
  start: Date | null;
  /** Exit time of the trade at the trough; null when there is no drawdown. */
  end: Date | null;
  /** end − start in ms; null when either is unknown. */
  duration_ms: number | null;
  /** Trades from the peak to the trough (the trough trade included). */
  duration_trades: number;
  /** Exit time of the first trade after the trough that got equity back to the peak; null if not yet. */
  recovered_at: Date | null;
}

/**
 * Largest peak-to-trough fall of an equity series starting at 0: max over j of (max_{i≤j} E_i − E_j),
 * E_0 = 0 before the first trade. The first of equally deep drawdowns is reported.
 */
function drawdownOf(values: readonly number[], times: readonly Date[]): Drawdown {
  let peak = 0;
  let peakIndex = -1; // −1: the start, before the first trade
  let best = { depth: 0, peak: 0, trough: 0, peakIndex: -1, troughIndex: -1 };
  values.forEach((v, i) => {
    if (v > peak) {
      peak = v;
      peakIndex = i;
    } else if (peak - v > best.depth) {
      best = { depth: peak - v, peak, trough: v, peakIndex, troughIndex: i };
    }
  });
  if (best.troughIndex < 0)
    return {
      depth: 0,
      peak: 0,
      trough: 0,
      start: null,
      end: null,
      duration_ms: null,
      duration_trades: 0,
      recovered_at: null,
    };
  const start = best.peakIndex < 0 ? null : times[best.peakIndex]!;
  const end = times[best.troughIndex]!;
  const recovery = values.findIndex((v, i) => i > best.troughIndex && v >= best.peak);
  return {
    depth: best.depth,
    peak: best.peak,
    trough: best.trough,
    start,
    end,
    duration_ms: start === null ? null : end.getTime() - start.getTime(),
    duration_trades: best.troughIndex - best.peakIndex,
    recovered_at: recovery < 0 ? null : times[recovery]!,
  };
}

/** Maximum drawdown of the equity curve, in R and in currency (each on its own curve). */
export function maxDrawdown(trades: readonly ClosedTrade[]): { r: Drawdown; pl: Drawdown } {
  const curve = equityCurve(trades);
  const times = curve.map((p) => p.exit_time);
  return {
    r: drawdownOf(
      curve.map((p) => p.cumulative_r),
      times,
    ),
    pl: drawdownOf(
      curve.map((p) => p.cumulative_pl),
      times,
    ),
  };
}

export interface Streaks {
  longest_win: number;
  longest_loss: number;
  /** The run the list ends on: its kind ('none' after a breakeven or with no trades) and length. */
  current: { kind: 'win' | 'loss' | 'none'; length: number };
}

/**
 * Longest runs of consecutive wins and of consecutive losses, classified by `epsilon` exactly as
 * outcomes are (|R| ≤ epsilon is breakeven). A breakeven ends both kinds of run: a streak means
 * "won every time" or "lost every time", and a flat trade is neither.
 */
export function streaks(trades: readonly ClosedTrade[], epsilon: number): Streaks {
  let longestWin = 0;
  let longestLoss = 0;
  let kind: 'win' | 'loss' | 'none' = 'none';
  let length = 0;
  for (const t of trades) {
    const outcome = classify(t.r, epsilon);
    if (outcome === 'breakeven') {
      kind = 'none';
      length = 0;
      continue;
    }
    length = outcome === kind ? length + 1 : 1;
    kind = outcome;
    if (kind === 'win') longestWin = Math.max(longestWin, length);
    else longestLoss = Math.max(longestLoss, length);
  }
  return { longest_win: longestWin, longest_loss: longestLoss, current: { kind, length } };
}

// ---------------------------------------------------------------------------------------------
// Sufficient statistics
// ---------------------------------------------------------------------------------------------

/**
 * Sufficient statistics of a set of signals. Closed = wins + losses + breakevens. The R sums run over
 * closed trades; sum_r_pos / sum_r_neg over wins / losses only (R > ε / R < −ε); sum_pl over closed
 * trades and sum_pl_pos / sum_pl_neg over wins / losses (a missing P&L counts as 0).
 * signals = closed + pending + cancelled.
 */
export interface Sums {
  n_closed: number;
  wins: number;
  losses: number;
  breakevens: number;
  sum_r: number;
  sum_r2: number;
  sum_r_pos: number;
  sum_r_neg: number;
  sum_pl: number;
  sum_pl_pos: number;
  sum_pl_neg: number;
  /** Largest / smallest R of a closed trade; null when there is none. */
  max_r: number | null;
  min_r: number | null;
  signals: number;
  pending: number;
  cancelled: number;
}

export const EMPTY_SUMS: Readonly<Sums> = Object.freeze({
  n_closed: 0,
  wins: 0,
  losses: 0,
  breakevens: 0,
  sum_r: 0,
  sum_r2: 0,
  sum_r_pos: 0,
  sum_r_neg: 0,
  sum_pl: 0,
  sum_pl_pos: 0,
  sum_pl_neg: 0,
  max_r: null,
  min_r: null,
  signals: 0,
  pending: 0,
  cancelled: 0,
});

const pickExtreme = (pick: (x: number, y: number) => number, x: number | null, y: number | null) =>
  x === null ? y : y === null ? x : pick(x, y);

/** Sums of two disjoint sets of signals: fieldwise +, and max/min of the extremes. Associative and commutative. */
export function addSums(a: Sums, b: Sums): Sums {
  return {
    n_closed: a.n_closed + b.n_closed,
    wins: a.wins + b.wins,
    losses: a.losses + b.losses,
    breakevens: a.breakevens + b.breakevens,
    sum_r: a.sum_r + b.sum_r,
    sum_r2: a.sum_r2 + b.sum_r2,
    sum_r_pos: a.sum_r_pos + b.sum_r_pos,
    sum_r_neg: a.sum_r_neg + b.sum_r_neg,
    sum_pl: a.sum_pl + b.sum_pl,
    sum_pl_pos: a.sum_pl_pos + b.sum_pl_pos,
    sum_pl_neg: a.sum_pl_neg + b.sum_pl_neg,
    max_r: pickExtreme(Math.max, a.max_r, b.max_r),
    min_r: pickExtreme(Math.min, a.min_r, b.min_r),
    signals: a.signals + b.signals,
    pending: a.pending + b.pending,
    cancelled: a.cancelled + b.cancelled,
  };
}

/**
 * Sums of closed trades, classified by `epsilon` as outcomes are; `open` adds the pending and
 * cancelled counts (they enter only `signals`, `pending` and `cancelled`).
 */
export function sumsFromTrades(
  trades: readonly Pick<ClosedTrade, 'r' | 'pl'>[],
  epsilon: number,
  open: { pending?: number; cancelled?: number } = {},
): Sums {
  const s: Sums = { ...EMPTY_SUMS };
  for (const t of trades) {
    // A NaN would silently classify as a loss and poison every sum; refuse it instead.
    if (!Number.isFinite(t.r) || (t.pl !== null && !Number.isFinite(t.pl)))
      throw new RangeError(`a closed trade needs a finite R and P&L, got r=${t.r}, pl=${t.pl}`);
    const pl = t.pl ?? 0;
    const outcome = classify(t.r, epsilon);
    s.n_closed += 1;
    s.sum_r += t.r;
    s.sum_r2 += t.r * t.r;
    s.sum_pl += pl;
    if (outcome === 'win') {
      s.wins += 1;
      s.sum_r_pos += t.r;
      s.sum_pl_pos += pl;
    } else if (outcome === 'loss') {
      s.losses += 1;
      s.sum_r_neg += t.r;
      s.sum_pl_neg += pl;
    } else s.breakevens += 1;
    s.max_r = pickExtreme(Math.max, s.max_r, t.r);
    s.min_r = pickExtreme(Math.min, s.min_r, t.r);
  }
  s.pending = open.pending ?? 0;
  s.cancelled = open.cancelled ?? 0;
  s.signals = s.n_closed + s.pending + s.cancelled;
  return s;
}

/** The sufficient statistics of one prompt_performance row (one prompt version, strategy and day). */
export interface RollupSumsRow {
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
  sum_r_pos: number;
  sum_r_neg: number;
  sum_pl_pos: number;
  sum_pl_neg: number;
  max_r_multiple: number | null;
  min_r_multiple: number | null;
}

/** The Sums of one rollup row (total_profit_loss is the P&L sum over its closed trades). */
export function sumsFromRow(row: RollupSumsRow): Sums {
  return {
    n_closed: row.closed_count,
    wins: row.win_count,
    losses: row.loss_count,
    breakevens: row.breakeven_count,
    sum_r: row.sum_r,
    sum_r2: row.sum_r2,
    sum_r_pos: row.sum_r_pos,
    sum_r_neg: row.sum_r_neg,
    sum_pl: row.total_profit_loss,
    sum_pl_pos: row.sum_pl_pos,
    sum_pl_neg: row.sum_pl_neg,
    max_r: row.max_r_multiple,
    min_r: row.min_r_multiple,
    signals: row.signals_generated,
    pending: row.pending_count,
    cancelled: row.cancelled_count,
  };
}

/** Sums over any set of rollup rows (a date range, several versions…). */
export function sumsFromRows(rows: readonly RollupSumsRow[]): Sums {
  return rows.reduce<Sums>((acc, row) => addSums(acc, sumsFromRow(row)), { ...EMPTY_SUMS });
}

// ---------------------------------------------------------------------------------------------
// Metrics from sums
// ---------------------------------------------------------------------------------------------

/** SQN caps N at 100 (Van Tharp) so a long history does not inflate it without bound. */
const SQN_N_CAP = 100;

export interface TradeMetrics {
  /** Counts the figures stand on: closed = wins + losses + breakevens; decided = wins + losses. */
  n_closed: number;
  n_decided: number;
  wins: number;
  losses: number;
  breakevens: number;
  signals: number;
  pending: number;
  cancelled: number;
  /** W / (W + L); null with no decided trade. */
  win_rate: number | null;
  /** Wilson 95% interval for the win rate, over the decided trades. */
  win_rate_ci: Interval | null;
  /** Mean R over closed trades (breakevens included). */
  expectancy_r: number | null;
  /** t 95% interval for the mean R; null below 2 closed trades. */
  expectancy_ci: Interval | null;
  /** Sample standard deviation of R over closed trades; null below 2. */
  sd_r: number | null;
  /** Mean R of wins / of losses (the latter negative); breakevens in neither. */
  avg_win_r: number | null;
  avg_loss_r: number | null;
  avg_win_pl: number | null;
  avg_loss_pl: number | null;
  /** Total and mean P&L over closed trades. */
  total_pl: number;
  avg_pl: number | null;
  /** Σ R of wins / |Σ R of losses|; null, with the flag set, when there are gains and no losses. */
  profit_factor: number | null;
  profit_factor_unbounded: boolean;
  /** The same in currency: Σ P&L of wins / |Σ P&L of losses|. */
  profit_factor_pl: number | null;
  profit_factor_pl_unbounded: boolean;
  /** avg_win_r / |avg_loss_r|. */
  payoff_ratio: number | null;
  /** √min(N, 100) · mean R / sd R. */
  sqn: number | null;
  /** Full-Kelly fraction of risk: W − (1 − W)/payoff. Negative: the edge is negative. */
  kelly_fraction: number | null;
  max_r: number | null;
  min_r: number | null;
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** Gains over losses; no losses with some gains is "unbounded" (reported as null + flag, never ∞). */
function profitFactor(gains: number, losses: number): { value: number | null; unbounded: boolean } {
  const loss = Math.abs(losses);
  if (loss > 0) return { value: gains / loss, unbounded: false };
  return { value: null, unbounded: gains > 0 };
}

/**
 * Sample sd from sums, √((Σr² − (Σr)²/n) / (n − 1)). The one-pass difference carries rounding of
 * about n·ε·Σr²; a difference inside that noise is a spread of exactly 0 (all R equal), not a tiny
 * positive one that would send SQN to 10⁸. (Digits are lost only when |mean| ≫ sd, which
 * R-multiples, of order 1, do not reach.)
 */
function sampleSd(s: Sums): number | null {
  if (s.n_closed < 2) return null;
  const centred = s.sum_r2 - (s.sum_r * s.sum_r) / s.n_closed;
  const noise = 4 * s.n_closed * Number.EPSILON * s.sum_r2;
  return centred <= noise ? 0 : Math.sqrt(centred / (s.n_closed - 1));
}

/**
 * Every outcome metric from sufficient statistics (formulas in docs/metrics.md):
 * win_rate = W/(W+L), Wilson 95% CI; expectancy = Σr/N over closed trades, t 95% CI;
 * sd = √((Σr² − (Σr)²/N)/(N−1)); avg win/loss = Σ over wins/W, Σ over losses/L;
 * profit factor = Σ R of wins / |Σ R of losses| (and in currency); payoff = avg win R / |avg loss R|;
 * SQN = √min(N,100)·mean/sd; Kelly = W − (1 − W)/payoff with W = wins/(wins + losses).
 */
export function metricsFromSums(s: Sums): TradeMetrics {
  const decided = s.wins + s.losses;
  const mean = ratio(s.sum_r, s.n_closed);
  const sd = sampleSd(s);
  const winRate = ratio(s.wins, decided);
  const avgWinR = ratio(s.sum_r_pos, s.wins);
  const avgLossR = ratio(s.sum_r_neg, s.losses);
  const payoff =
    avgWinR !== null && avgLossR !== null && avgLossR !== 0 ? avgWinR / Math.abs(avgLossR) : null;
  const pfR = profitFactor(s.sum_r_pos, s.sum_r_neg);
  const pfPl = profitFactor(s.sum_pl_pos, s.sum_pl_neg);
  return {
    n_closed: s.n_closed,
    n_decided: decided,
    wins: s.wins,
    losses: s.losses,
    breakevens: s.breakevens,
    signals: s.signals,
    pending: s.pending,
    cancelled: s.cancelled,
    win_rate: winRate,
    win_rate_ci: wilsonInterval(s.wins, decided),
    expectancy_r: mean,
    expectancy_ci: mean === null || sd === null ? null : meanTInterval(mean, sd, s.n_closed),
    sd_r: sd,
    avg_win_r: avgWinR,
    avg_loss_r: avgLossR,
    avg_win_pl: ratio(s.sum_pl_pos, s.wins),
    avg_loss_pl: ratio(s.sum_pl_neg, s.losses),
    total_pl: s.sum_pl,
    avg_pl: ratio(s.sum_pl, s.n_closed),
    profit_factor: pfR.value,
    profit_factor_unbounded: pfR.unbounded,
    profit_factor_pl: pfPl.value,
    profit_factor_pl_unbounded: pfPl.unbounded,
    payoff_ratio: payoff,
    sqn:
      mean !== null && sd !== null && sd > 0
        ? (Math.sqrt(Math.min(s.n_closed, SQN_N_CAP)) * mean) / sd
        : null,
    kelly_fraction: winRate !== null && payoff !== null ? winRate - (1 - winRate) / payoff : null,
    max_r: s.max_r,
    min_r: s.min_r,
  };
}
