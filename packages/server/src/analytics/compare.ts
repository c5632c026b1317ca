/**
 * Two-arm comparison of prompt versions (A vs B) from their Sums: win rate and mean R, each with an
 * estimate, an interval and a test, the sample size that would settle it, and a plain-words verdict.
 * Differences are always B − A. Formulas and verdict rules: docs/metrics.md.
 */
import {
  agrestiCaffoInterval,
  fisherExactTest,
  type Interval,
  probabilityBGreaterThanA,
  sampleSizeTwoMeans,
  sampleSizeTwoProportions,
  twoProportionZTest,
  welchTTest,
} from './stats.js';
import { metricsFromSums, type Sums, type TradeMetrics } from './trade-metrics.js';

/** Below this many closed trades in either arm the verdict is "not enough data", whatever the p-values. */
export const MIN_CLOSED_PER_ARM = 10;
/** Two-sided significance level of the verdict. */
export const ALPHA = 0.05;
/** Fisher's exact test replaces the z test when an expected cell count falls below this (Cochran's rule). */
const MIN_EXPECTED_CELL = 5;

export interface WinRateComparison {
  a: number | null;
  b: number | null;
  diff: number | null;
  /** Agresti–Caffo 95% interval for B − A. */
  ci: Interval | null;
  z_test: { z: number; p: number } | null;
  /** Fisher's exact two-sided p, only when some expected cell of the 2×2 table is below 5. */
  fisher_p: number | null;
  /** P(p_B > p_A) with uniform Beta(1, 1) priors. */
  prob_b_better: number;
}

export interface MeanRComparison {
  a: number | null;
  b: number | null;
  diff: number | null;
  welch: { t: number; df: number; p: number; ci: Interval } | null;
}

export interface ArmComparison {
  win_rate: WinRateComparison;
  mean_r: MeanRComparison;
  /** Trades per arm for 80% power at α = 0.05 against the observed difference; null for a zero difference. */
  required_n_per_arm: { win_rate: number | null; mean_r: number | null };
  verdict: string;
}

export interface CompareOptions {
  /** How the verdict names the arms (default "A" and "B"). */
  labels?: { a: string; b: string };
}

/** True when some expected count r_i·c_j/N of the table [[a, b], [c, d]] is below MIN_EXPECTED_CELL. */
function smallExpectedCell(a: number, b: number, c: number, d: number): boolean {
  const n = a + b + c + d;
  const rows = [a + b, c + d];
  const cols = [a + c, b + d];
  return rows.some((r) => cols.some((col) => (r * col) / n < MIN_EXPECTED_CELL));
}

function compareWinRates(a: Sums, b: Sums, ma: TradeMetrics, mb: TradeMetrics): WinRateComparison {
  const z = twoProportionZTest(a.wins, ma.n_decided, b.wins, mb.n_decided);
  const testable = ma.n_decided > 0 && mb.n_decided > 0;
  return {
    a: ma.win_rate,
    b: mb.win_rate,
    diff: ma.win_rate === null || mb.win_rate === null ? null : mb.win_rate - ma.win_rate,
    ci: agrestiCaffoInterval(a.wins, ma.n_decided, b.wins, mb.n_decided),
    z_test: z === null ? null : { z: z.z, p: z.p_value },
    fisher_p:
      testable && smallExpectedCell(a.wins, a.losses, b.wins, b.losses)
        ? fisherExactTest(a.wins, a.losses, b.wins, b.losses)
        : null,
    prob_b_better: probabilityBGreaterThanA(a.wins, a.losses, b.wins, b.losses),
  };
}

function compareMeans(ma: TradeMetrics, mb: TradeMetrics): MeanRComparison {
  const welch =
    ma.expectancy_r === null || mb.expectancy_r === null || ma.sd_r === null || mb.sd_r === null
      ? null
      : welchTTest(ma.expectancy_r, ma.sd_r, ma.n_closed, mb.expectancy_r, mb.sd_r, mb.n_closed);
  return {
    a: ma.expectancy_r,
    b: mb.expectancy_r,
    diff: ma.expectancy_r === null || mb.expectancy_r === null ? null : mb.expectancy_r - ma.expectancy_r,
    welch: welch === null ? null : { t: welch.t, df: welch.df, p: welch.p_value, ci: welch.ci },
  };
}

function requiredN(ma: TradeMetrics, mb: TradeMetrics, diffR: number | null) {
  return {
    win_rate:
      ma.win_rate === null || mb.win_rate === null
        ? null
        : sampleSizeTwoProportions(ma.win_rate, mb.win_rate),
    mean_r:
      diffR === null || ma.sd_r === null || mb.sd_r === null
        ? null
        : sampleSizeTwoMeans(diffR, ma.sd_r, mb.sd_r),
  };
}

/** The win-rate p the verdict uses: Fisher's when computed (small expected cells), else the z test's. */
export function winRatePValue(w: WinRateComparison): number | null {
  return w.fisher_p ?? w.z_test?.p ?? null;
}

/** Compares arm B against arm A. */
export function compareArms(a: Sums, b: Sums, options: CompareOptions = {}): ArmComparison {
  const ma = metricsFromSums(a);
  const mb = metricsFromSums(b);
  const winRate = compareWinRates(a, b, ma, mb);
  const meanR = compareMeans(ma, mb);
  const required = requiredN(ma, mb, meanR.diff);
  const labels = options.labels ?? { a: 'A', b: 'B' };
  const verdict = verdictOf({ winRate, meanR, required, nA: a.n_closed, nB: b.n_closed, labels });
  return { win_rate: winRate, mean_r: meanR, required_n_per_arm: required, verdict };
}

// ---------------------------------------------------------------------------------------------
// Verdict wording (deterministic: fixed templates, fixed rounding, no locale)
// ---------------------------------------------------------------------------------------------

const MINUS = '\u2212';

/** Fixed decimals with a typographic minus; a value that rounds to zero prints without a sign. */
export function formatNumber(x: number, decimals: number): string {
  const s = Math.abs(x).toFixed(decimals);
  return x < 0 && Number(s) !== 0 ? `${MINUS}${s}` : s;
}

/** Integer with comma thousands separators (1,240), independent of the runtime's locale data. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * "p = 0.003" (three decimals), "p < 0.001" below that; four decimals when three would round a
 * significant p up to 0.050 (or a non-significant one down to it), so the printed p never
 * contradicts the verdict.
 */
export function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  const three = p.toFixed(3);
  return Number(three) < ALPHA === p < ALPHA ? `p = ${three}` : `p = ${p.toFixed(4)}`;
}

const plural = (n: number, word: string) => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;

interface VerdictInput {
  winRate: WinRateComparison;
  meanR: MeanRComparison;
  required: { win_rate: number | null; mean_r: number | null };
  nA: number;
  nB: number;
  labels: { a: string; b: string };
}

type Side = 'a' | 'b';

/** One metric's difference B − A, its interval and p, ready to be worded from either arm's side. */
interface Evidence {
  diff: number;
  ci: Interval;
  p: number | null;
  /** "win rate" / "mean R"; points scale by 100 with one decimal, R by 1 with two. */
  metric: 'win rate' | 'mean R';
}

const scale = (e: Evidence) =>
  e.metric === 'win rate' ? { k: 100, dp: 1, unit: 'points' } : { k: 1, dp: 2, unit: 'R' };
const leader = (e: Evidence): Side => (e.diff < 0 ? 'a' : 'b');

/** "B's win rate is 4.0 points higher (95% CI −12.1 to 20.1" — seen from the arm that is ahead. */
function phrase(e: Evidence, labels: { a: string; b: string }, subject: 'name' | 'its'): string {
  const { k, dp, unit } = scale(e);
  const side = leader(e);
  const sign = side === 'b' ? 1 : -1;
  const low = side === 'b' ? e.ci.low : -e.ci.high;
  const high = side === 'b' ? e.ci.high : -e.ci.low;
  const who = subject === 'its' ? 'its' : `${labels[side]}'s`;
  if (e.diff === 0)
    return `the ${e.metric === 'win rate' ? 'win rates' : 'mean R values'} are equal (95% CI ${formatNumber(e.ci.low * k, dp)} to ${formatNumber(e.ci.high * k, dp)}`;
  return (
    `${who} ${e.metric} is ${formatNumber(sign * e.diff * k, dp)} ${unit} higher ` +
    `(95% CI ${formatNumber(low * k, dp)} to ${formatNumber(high * k, dp)}`
  );
}

function winEvidence(v: VerdictInput): Evidence | null {
  const { diff, ci } = v.winRate;
  return diff === null || ci === null ? null : { diff, ci, p: winRatePValue(v.winRate), metric: 'win rate' };
}

function meanEvidence(v: VerdictInput): Evidence | null {
  const { diff, welch } = v.meanR;
  return diff === null || welch === null ? null : { diff, ci: welch.ci, p: welch.p, metric: 'mean R' };
}

const significant = (e: Evidence | null): e is Evidence => e !== null && e.p !== null && e.p < ALPHA;

function verdictOf(v: VerdictInput): string {
  const NOT_ENOUGH = 'Not enough data to tell these apart: ';
  if (v.nA < MIN_CLOSED_PER_ARM || v.nB < MIN_CLOSED_PER_ARM)
    return (
      `${NOT_ENOUGH}${v.labels.a} has ${plural(v.nA, 'closed trade')} and ${v.labels.b} has ${formatCount(v.nB)}; ` +
      `at least ${MIN_CLOSED_PER_ARM} each are needed.`
    );
  const win = winEvidence(v);
  const mean = meanEvidence(v);
  if (!significant(win) && !significant(mean)) return NOT_ENOUGH + undecided(win, mean, v);
  return decided(win, mean, v);
}

/** Body of a "not enough data" verdict: what is seen so far and how much data would settle it. */
function undecided(win: Evidence | null, mean: Evidence | null, v: VerdictInput): string {
  const need = (n: number | null, what: string) =>
    n === null
      ? `no number of trades would detect a ${what} difference of zero`
      : `about ${formatCount(n)} trades per prompt would be needed to detect a difference this size`;
  const first =
    win === null
      ? 'there are no decided trades to compare win rates'
      : `${phrase(win, v.labels, 'name')}), and ${need(v.required.win_rate, 'win-rate')}`;
  const second =
    mean === null
      ? ' Mean R cannot be compared yet (it needs two closed trades and some spread in each arm).'
      : ` ${capitalize(phrase(mean, v.labels, 'name'))}, ${formatP(mean.p ?? 1)}).`;
  return `${first}.${second}`;
}

/** "B is better: its win rate is … (…, p = 0.003) and its mean R is … (…, p = 0.014)." */
function decided(win: Evidence | null, mean: Evidence | null, v: VerdictInput): string {
  const detail = (e: Evidence) => `${phrase(e, v.labels, 'its')}, ${formatP(e.p ?? 1)})`;
  const notSignificant = (e: Evidence | null, metric: string) =>
    e === null
      ? `the ${metric} difference cannot be tested yet`
      : `the ${metric} difference is not significant (${formatP(e.p ?? 1)})`;
  if (significant(win) && significant(mean)) {
    if (leader(win) !== leader(mean)) {
      const w = `${phrase(win, v.labels, 'name')}, ${formatP(win.p ?? 1)})`;
      const m = `${phrase(mean, v.labels, 'name')}, ${formatP(mean.p ?? 1)})`;
      return `Mixed result: ${w}, but ${m}.`;
    }
    return `${v.labels[leader(win)]} is better: ${detail(win)} and ${detail(mean)}.`;
  }
  if (significant(win))
    return `${v.labels[leader(win)]} is better: ${detail(win)}; ${notSignificant(mean, 'mean R')}.`;
  if (significant(mean))
    return `${v.labels[leader(mean)]} is better: ${detail(mean)}; ${notSignificant(win, 'win-rate')}.`;
  throw new Error('decided() is only called with a significant result');
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
