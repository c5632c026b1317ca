import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareArms,
  formatCount,
  formatNumber,
  formatP,
  MIN_CLOSED_PER_ARM,
} from '../src/analytics/compare.js';
import {
  agrestiCaffoInterval,
  fisherExactTest,
  sampleSizeTwoMeans,
  sampleSizeTwoProportions,
  twoProportionZTest,
  wilsonInterval,
} from '../src/analytics/stats.js';
import {
  addSums,
  type ClosedTrade,
  EMPTY_SUMS,
  equityCurve,
  maxDrawdown,
  metricsFromSums,
  type RollupSumsRow,
  type Sums,
  streaks,
  sumsFromRows,
  sumsFromTrades,
  type TradeMetrics,
} from '../src/analytics/trade-metrics.js';

const EPS = 0.05;
const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

/** Trades one hour apart, from R values (and optional P&L). */
const tradesOf = (rs: readonly number[], pls: readonly (number | null)[] = []): ClosedTrade[] =>
  rs.map((r, i) => ({ r, pl: pls[i] === undefined ? r * 100 : pls[i]!, exit_time: new Date(T0 + i * HOUR) }));

/** Two-pass mean and sample sd, straight from the definition. */
function direct(rs: readonly number[]) {
  const n = rs.length;
  const mean = rs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(rs.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1));
  return { mean, sd };
}

/** Brute-force max drawdown: max over i < j of E_i − E_j, with E_0 = 0 before the first trade. */
function bruteDrawdown(rs: readonly number[]): number {
  const e = [0];
  for (const r of rs) e.push(e[e.length - 1]! + r);
  let best = 0;
  for (let j = 0; j < e.length; j++) for (let i = 0; i < j; i++) best = Math.max(best, e[i]! - e[j]!);
  return best;
}

const closeTo = (a: number | null, b: number | null, rel = 1e-9) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

/** Every numeric field of two metric sets agrees within `rel` (nulls and flags exactly). */
function sameMetrics(x: TradeMetrics, y: TradeMetrics, rel = 1e-9): boolean {
  return Object.keys(x).every((k) => {
    const a = x[k as keyof TradeMetrics];
    const b = y[k as keyof TradeMetrics];
    if (typeof a === 'number' || typeof b === 'number')
      return closeTo(a as number | null, b as number | null, rel);
    if (a && b && typeof a === 'object' && typeof b === 'object')
      return closeTo(a.low, b.low, rel) && closeTo(a.high, b.high, rel);
    return a === b;
  });
}

describe('metricsFromSums on a worked example', () => {
  // wins 2, 1.5, 3; losses −1, −1, −0.5; one breakeven 0.02 (|R| ≤ 0.05); one P&L missing.
  const rs = [2, -1, 0.02, 1.5, -1, -0.5, 3];
  const pls = [200, -100, 5, null, -100, -50, 300];
  const s = sumsFromTrades(tradesOf(rs, pls), EPS, { pending: 2, cancelled: 1 });
  const m = metricsFromSums(s);

  it('counts: breakevens are closed but not decided; pending and cancelled only counted', () => {
    expect(s).toMatchObject({
      n_closed: 7,
      wins: 3,
      losses: 3,
      breakevens: 1,
      signals: 10,
      pending: 2,
      cancelled: 1,
    });
    expect(m).toMatchObject({ n_closed: 7, n_decided: 6, signals: 10 });
    expect(m.max_r).toBe(3);
    expect(m.min_r).toBe(-1);
  });

  it('win rate over decided trades, with its Wilson interval', () => {
    expect(m.win_rate).toBe(0.5);
    expect(m.win_rate_ci).toEqual(wilsonInterval(3, 6));
  });

  it('expectancy and sd over all closed trades, breakeven included', () => {
    const d = direct(rs);
    expect(m.expectancy_r).toBeCloseTo(d.mean, 14);
    expect(m.sd_r).toBeCloseTo(d.sd, 12);
    // t(0.975, 6) = 2.446911851144969
    const half = (2.446_911_851_144_969 * d.sd) / Math.sqrt(7);
    expect(m.expectancy_ci!.low).toBeCloseTo(d.mean - half, 12);
    expect(m.expectancy_ci!.high).toBeCloseTo(d.mean + half, 12);
    expect(m.sqn).toBeCloseTo((Math.sqrt(7) * d.mean) / d.sd, 12);
  });

  it('averages of wins and losses leave the breakeven out', () => {
    expect(m.avg_win_r).toBeCloseTo(6.5 / 3, 14);
    expect(m.avg_loss_r).toBeCloseTo(-2.5 / 3, 14);
    expect(m.avg_win_pl).toBeCloseTo(500 / 3, 12);
    expect(m.avg_loss_pl).toBeCloseTo(-250 / 3, 12);
    expect(m.total_pl).toBe(255);
    expect(m.avg_pl).toBeCloseTo(255 / 7, 12);
  });

  it('profit factor, payoff ratio and Kelly', () => {
    expect(m.profit_factor).toBeCloseTo(2.6, 14);
    expect(m.profit_factor_unbounded).toBe(false);
    expect(m.profit_factor_pl).toBeCloseTo(2, 14);
    expect(m.payoff_ratio).toBeCloseTo(2.6, 14);
    expect(m.kelly_fraction).toBeCloseTo(0.5 - 0.5 / 2.6, 14);
  });

  it('SQN caps N at 100', () => {
    const many = metricsFromSums(
      sumsFromTrades(tradesOf(Array.from({ length: 400 }, (_, i) => (i % 2 ? 2 : -1))), EPS),
    );
    expect(many.sqn).toBeCloseTo((10 * many.expectancy_r!) / many.sd_r!, 12);
  });
});

describe('metricsFromSums edges', () => {
  it('no trades: every ratio is null, never NaN or Infinity', () => {
    const m = metricsFromSums(EMPTY_SUMS);
    for (const [k, v] of Object.entries(m)) {
      if (typeof v === 'number') expect(Number.isFinite(v), k).toBe(true);
    }
    expect(m).toMatchObject({
      win_rate: null,
      win_rate_ci: null,
      expectancy_r: null,
      expectancy_ci: null,
      sd_r: null,
      profit_factor: null,
      profit_factor_unbounded: false,
      payoff_ratio: null,
      sqn: null,
      kelly_fraction: null,
    });
  });

  it('only wins: profit factor is unbounded (null + flag), payoff and Kelly undefined', () => {
    const m = metricsFromSums(sumsFromTrades(tradesOf([1, 2, 0.5]), EPS));
    expect(m.profit_factor).toBeNull();
    expect(m.profit_factor_unbounded).toBe(true);
    expect(m.profit_factor_pl_unbounded).toBe(true);
    expect(m.payoff_ratio).toBeNull();
    expect(m.kelly_fraction).toBeNull();
    expect(m.win_rate).toBe(1);
  });

  it('only breakevens: no win rate, mean 0, profit factor null and bounded', () => {
    const m = metricsFromSums(sumsFromTrades(tradesOf([0, 0.01, -0.05]), EPS));
    expect(m.win_rate).toBeNull();
    expect(m.n_decided).toBe(0);
    expect(m.expectancy_r).toBeCloseTo(-0.04 / 3, 15);
    expect(m.profit_factor).toBeNull();
    expect(m.profit_factor_unbounded).toBe(false);
  });

  it('one trade: a mean but no sd, interval or SQN', () => {
    const m = metricsFromSums(sumsFromTrades(tradesOf([1.5]), EPS));
    expect(m.expectancy_r).toBe(1.5);
    expect(m.sd_r).toBeNull();
    expect(m.expectancy_ci).toBeNull();
    expect(m.sqn).toBeNull();
  });

  it('refuses a trade without a finite R or P&L', () => {
    expect(() => sumsFromTrades([{ r: Number.NaN, pl: 1 }], EPS)).toThrow(RangeError);
    expect(() => sumsFromTrades([{ r: 1, pl: Number.POSITIVE_INFINITY }], EPS)).toThrow(RangeError);
  });

  it('identical trades: sd exactly 0 despite rounding in the sums, SQN null (not 10⁸)', () => {
    for (const r of [1, 0.1, 0.7, -1.3, 2.2, 9.87654321]) {
      const m = metricsFromSums(sumsFromTrades(tradesOf(Array.from({ length: 7 }, () => r)), EPS));
      expect(m.sd_r, String(r)).toBe(0);
      expect(m.sqn).toBeNull();
    }
  });
});

describe('rollup rows', () => {
  const row = (over: Partial<RollupSumsRow>): RollupSumsRow => ({
    signals_generated: 0,
    win_count: 0,
    loss_count: 0,
    breakeven_count: 0,
    closed_count: 0,
    cancelled_count: 0,
    pending_count: 0,
    total_profit_loss: 0,
    sum_r: 0,
    sum_r2: 0,
    sum_r_pos: 0,
    sum_r_neg: 0,
    sum_pl_pos: 0,
    sum_pl_neg: 0,
    max_r_multiple: null,
    min_r_multiple: null,
    ...over,
  });
  const day = (rs: number[], _date: string, pending = 0, cancelled = 0): RollupSumsRow => {
    const s = sumsFromTrades(tradesOf(rs), EPS, { pending, cancelled });
    return row({
      signals_generated: s.signals,
      win_count: s.wins,
      loss_count: s.losses,
      breakeven_count: s.breakevens,
      closed_count: s.n_closed,
      cancelled_count: s.cancelled,
      pending_count: s.pending,
      total_profit_loss: s.sum_pl,
      sum_r: s.sum_r,
      sum_r2: s.sum_r2,
      sum_r_pos: s.sum_r_pos,
      sum_r_neg: s.sum_r_neg,
      sum_pl_pos: s.sum_pl_pos,
      sum_pl_neg: s.sum_pl_neg,
      max_r_multiple: s.max_r,
      min_r_multiple: s.min_r,
    });
  };

  it('a date range is the sum of its rows', () => {
    const rows = [
      day([2, -1, 0], '2026-01-01', 1),
      day([], '2026-01-02', 0, 2),
      day([1.5, -0.5, -1, 3], '2026-01-03'),
    ];
    const m = metricsFromSums(sumsFromRows(rows));
    const all = metricsFromSums(
      sumsFromTrades(tradesOf([2, -1, 0, 1.5, -0.5, -1, 3]), EPS, { pending: 1, cancelled: 2 }),
    );
    expect(sameMetrics(m, all)).toBe(true);
  });
});

describe('equity curve, drawdown, streaks', () => {
  it('equity curve accumulates R and P&L (a missing P&L counts as 0)', () => {
    const curve = equityCurve(tradesOf([1, -0.5, 2], [100, null, 150]));
    expect(curve.map((p) => [p.cumulative_r, p.cumulative_pl])).toEqual([
      [1, 100],
      [0.5, 100],
      [2.5, 250],
    ]);
    expect(curve[2]!.exit_time.getTime()).toBe(T0 + 2 * HOUR);
  });

  it('max drawdown: peak-to-trough with times, durations and recovery', () => {
    // Equity 1, 3, 2, 0, 1, 4, 3.5: from 3 (trade 2) to 0 (trade 4), recovered at trade 6.
    const dd = maxDrawdown(tradesOf([1, 2, -1, -2, 1, 3, -0.5])).r;
    expect(dd).toEqual({
      depth: 3,
      peak: 3,
      trough: 0,
      start: new Date(T0 + HOUR),
      end: new Date(T0 + 3 * HOUR),
      duration_ms: 2 * HOUR,
      duration_trades: 2,
      recovered_at: new Date(T0 + 5 * HOUR),
    });
  });

  it('a drawdown from the start has no start time; an unrecovered one no recovery', () => {
    const dd = maxDrawdown(tradesOf([-1, -1, 0.5])).r;
    expect(dd).toMatchObject({
      depth: 2,
      peak: 0,
      trough: -2,
      start: null,
      duration_ms: null,
      duration_trades: 2,
    });
    expect(dd.end).toEqual(new Date(T0 + HOUR));
    expect(dd.recovered_at).toBeNull();
  });

  it('drawdown in currency runs on the P&L curve', () => {
    const dd = maxDrawdown(tradesOf([1, -1, -1], [500, -50, -20])).pl;
    expect(dd).toMatchObject({ depth: 70, peak: 500, trough: 430, duration_trades: 2 });
  });

  it('rising equity or no trades: zero drawdown', () => {
    for (const trades of [tradesOf([1, 0, 2]), []]) {
      expect(maxDrawdown(trades).r).toMatchObject({ depth: 0, start: null, end: null, duration_trades: 0 });
    }
  });

  it('streaks: a breakeven ends both kinds of run', () => {
    expect(streaks(tradesOf([1, 1, 0, 1, -1, -1, -1, 2]), EPS)).toEqual({
      longest_win: 2,
      longest_loss: 3,
      current: { kind: 'win', length: 1 },
    });
    expect(streaks(tradesOf([-1, -1, 0.04]), EPS)).toEqual({
      longest_win: 0,
      longest_loss: 2,
      current: { kind: 'none', length: 0 },
    });
    expect(streaks([], EPS)).toEqual({
      longest_win: 0,
      longest_loss: 0,
      current: { kind: 'none', length: 0 },
    });
  });
});

// R in quarter steps and whole-unit P&L keep every sum exact in binary floating point, so sums of
// sums can be compared with toEqual; the double-valued properties below use a tolerance instead.
const quarterR = fc.integer({ min: -20, max: 20 }).map((k) => k / 4);
const exactTrade = fc.record({
  r: quarterR,
  pl: fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }),
});
const doubleR = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });
// P&L has the sign of R (position size × R), or is missing.
const doubleTrade = fc
  .record({ r: doubleR, size: fc.double({ min: 0.01, max: 1000, noNaN: true }), missing: fc.boolean() })
  .map(({ r, size, missing }) => ({ r, pl: missing ? null : r * size }));

/** Metrics from different summation orders: 1e-9 relative, except what divides by a near-zero sd. */
function sameUpToRounding(x: TradeMetrics, y: TradeMetrics, rs: readonly number[]): boolean {
  const scale = 1 + Math.max(0, ...rs.map(Math.abs));
  const { sd_r: sx, sqn: qx, expectancy_ci: cx, ...restX } = x;
  const { sd_r: sy, sqn: qy, expectancy_ci: cy, ...restY } = y;
  if (!sameMetrics(restX as TradeMetrics, restY as TradeMetrics, 1e-9)) return false;
  if (sx === null || sy === null) return sx === sy;
  if (Math.abs(sx - sy) > 1e-7 * scale) return false;
  // A spread at the level of rounding noise makes SQN meaningless; compare it only on real spread.
  if (sy < 1e-4 * scale) return true;
  return closeTo(qx, qy, 1e-6) && closeTo(cx!.low, cy!.low, 1e-6) && closeTo(cx!.high, cy!.high, 1e-6);
}
const withTimes = (ts: { r: number; pl: number | null }[]): ClosedTrade[] =>
  ts.map((t, i) => ({ ...t, exit_time: new Date(T0 + i * HOUR) }));

describe('properties', () => {
  it('addSums is associative and commutative, with EMPTY_SUMS as identity', () => {
    const sums = fc.array(exactTrade, { maxLength: 30 }).map((ts) => sumsFromTrades(ts, EPS));
    fc.assert(
      fc.property(sums, sums, sums, (a, b, c) => {
        expect(addSums(addSums(a, b), c)).toEqual(addSums(a, addSums(b, c)));
        expect(addSums(a, b)).toEqual(addSums(b, a));
        expect(addSums(a, EMPTY_SUMS)).toEqual(a);
      }),
    );
  });

  it('sums of a concatenation equal the added sums (exact values)', () => {
    fc.assert(
      fc.property(
        fc.array(exactTrade, { maxLength: 40 }),
        fc.array(exactTrade, { maxLength: 40 }),
        (a, b) => {
          expect(addSums(sumsFromTrades(a, EPS), sumsFromTrades(b, EPS))).toEqual(
            sumsFromTrades([...a, ...b], EPS),
          );
        },
      ),
    );
  });

  it('metrics of a concatenation equal metrics of the summed sums, and match direct formulas', () => {
    fc.assert(
      fc.property(
        fc.array(doubleTrade, { maxLength: 40 }),
        fc.array(doubleTrade, { maxLength: 40 }),
        (a, b) => {
          const joined = [...a, ...b];
          const viaSums = metricsFromSums(addSums(sumsFromTrades(a, EPS), sumsFromTrades(b, EPS)));
          const direct1 = metricsFromSums(sumsFromTrades(joined, EPS));
          expect(
            sameUpToRounding(
              viaSums,
              direct1,
              joined.map((t) => t.r),
            ),
          ).toBe(true);
          if (joined.length >= 2) {
            const d = direct(joined.map((t) => t.r));
            expect(closeTo(viaSums.expectancy_r, d.mean, 1e-9)).toBe(true);
            // The one-pass variance loses ~|mean|²/var digits; R of order 1–10 keeps 1e-6 comfortably.
            expect(Math.abs(viaSums.sd_r! - d.sd)).toBeLessThanOrEqual(1e-6 * Math.max(1, d.sd));
          }
        },
      ),
    );
  });

  it('any permutation: same mean and sd, a drawdown ≥ 0 that matches brute force', () => {
    fc.assert(
      fc.property(
        fc
          .array(doubleTrade, { minLength: 1, maxLength: 40 })
          .chain((ts) =>
            fc.tuple(
              fc.constant(ts),
              fc.shuffledSubarray(ts, { minLength: ts.length, maxLength: ts.length }),
            ),
          ),
        ([ts, perm]) => {
          const m1 = metricsFromSums(sumsFromTrades(ts, EPS));
          const m2 = metricsFromSums(sumsFromTrades(perm, EPS));
          expect(closeTo(m1.expectancy_r, m2.expectancy_r, 1e-9)).toBe(true);
          expect(
            sameUpToRounding(
              m1,
              m2,
              ts.map((t) => t.r),
            ),
          ).toBe(true);
          const dd = maxDrawdown(withTimes(perm)).r;
          expect(dd.depth).toBeGreaterThanOrEqual(0);
          expect(Math.abs(dd.depth - bruteDrawdown(perm.map((t) => t.r)))).toBeLessThanOrEqual(1e-9);
          expect(dd.depth).toBeCloseTo(dd.peak - dd.trough, 9);
        },
      ),
    );
  });

  it('streaks never exceed the wins or losses they count', () => {
    fc.assert(
      fc.property(fc.array(doubleTrade, { maxLength: 60 }), (ts) => {
        const s = streaks(withTimes(ts), EPS);
        const sums = sumsFromTrades(ts, EPS);
        return s.longest_win <= sums.wins && s.longest_loss <= sums.losses && s.current.length <= ts.length;
      }),
    );
  });

  it('comparison p-values and probabilities lie in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(doubleTrade, { maxLength: 40 }),
        fc.array(doubleTrade, { maxLength: 40 }),
        (a, b) => {
          const c = compareArms(sumsFromTrades(a, EPS), sumsFromTrades(b, EPS));
          const ps = [c.win_rate.z_test?.p, c.win_rate.fisher_p, c.mean_r.welch?.p, c.win_rate.prob_b_better];
          for (const p of ps) if (p !== undefined && p !== null) expect(p >= 0 && p <= 1).toBe(true);
          expect(c.verdict.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});

/** An arm of `wins` at about +winR and `losses` at about −1, R spread by 0.1 steps so sd > 0. */
function arm(wins: number, losses: number, winR = 1.5, lossR = -1, breakevens = 0): Sums {
  const rs = [
    ...Array.from({ length: wins }, () => winR),
    ...Array.from({ length: losses }, () => lossR),
    ...Array.from({ length: breakevens }, () => 0),
  ].map((r, i) => (r === 0 ? 0 : r + (i % 3) * 0.1));
  return sumsFromTrades(tradesOf(rs), EPS);
}

describe('compareArms', () => {
  it('fills every figure from the primitives (B − A)', () => {
    const a = arm(20, 20);
    const b = arm(22, 18);
    const c = compareArms(a, b);
    expect(c.win_rate.a).toBe(0.5);
    expect(c.win_rate.b).toBe(0.55);
    expect(c.win_rate.diff).toBeCloseTo(0.05, 15);
    expect(c.win_rate.ci).toEqual(agrestiCaffoInterval(20, 40, 22, 40));
    const z = twoProportionZTest(20, 40, 22, 40)!;
    expect(c.win_rate.z_test).toEqual({ z: z.z, p: z.p_value });
    expect(c.win_rate.fisher_p).toBeNull();
    expect(c.win_rate.prob_b_better).toBeGreaterThan(0.5);
    expect(c.required_n_per_arm.win_rate).toBe(sampleSizeTwoProportions(0.5, 0.55));
    const ma = metricsFromSums(a);
    const mb = metricsFromSums(b);
    expect(c.mean_r.diff).toBeCloseTo(mb.expectancy_r! - ma.expectancy_r!, 15);
    expect(c.required_n_per_arm.mean_r).toBe(sampleSizeTwoMeans(c.mean_r.diff!, ma.sd_r!, mb.sd_r!));
    expect(c.mean_r.welch!.df).toBeGreaterThan(0);
  });

  it('uses Fisher only when an expected cell is below 5', () => {
    const small = compareArms(arm(12, 0), arm(5, 7));
    expect(small.win_rate.fisher_p).toBe(fisherExactTest(12, 0, 5, 7));
    expect(compareArms(arm(30, 30), arm(35, 25)).win_rate.fisher_p).toBeNull();
  });

  it('verdict: too few closed trades in either arm', () => {
    expect(compareArms(arm(3, 4), arm(10, 5)).verdict).toBe(
      'Not enough data to tell these apart: A has 7 closed trades and B has 15; at least 10 each are needed.',
    );
    expect(compareArms(arm(1, 0), arm(100, 100), { labels: { a: 'v1', b: 'v2' } }).verdict).toBe(
      'Not enough data to tell these apart: v1 has 1 closed trade and v2 has 200; at least 10 each are needed.',
    );
    expect(MIN_CLOSED_PER_ARM).toBe(10);
  });

  it('verdict: neither difference significant', () => {
    expect(compareArms(arm(20, 20), arm(22, 18)).verdict).toBe(
      "Not enough data to tell these apart: B's win rate is 5.0 points higher (95% CI −16.6 to 26.1), and about " +
        "1,565 trades per prompt would be needed to detect a difference this size. B's mean R is 0.13 R higher " +
        '(95% CI −0.44 to 0.69, p = 0.659).',
    );
    expect(compareArms(arm(50, 50, 1), arm(50, 50, 1.6)).verdict).toBe(
      'Not enough data to tell these apart: the win rates are equal (95% CI −13.7 to 13.7), and no number of ' +
        "trades would detect a win-rate difference of zero. B's mean R is 0.30 R higher (95% CI −0.03 to 0.63, p = 0.071).",
    );
  });

  it('verdict: no decided trades in one arm, no spread in either', () => {
    expect(compareArms(arm(0, 0, 1.5, -1, 12), arm(0, 0, 1.5, -1, 10)).verdict).toBe(
      'Not enough data to tell these apart: there are no decided trades to compare win rates. Mean R cannot be ' +
        'compared yet (it needs two closed trades and some spread in each arm).',
    );
  });

  it('verdict: B better on both', () => {
    expect(compareArms(arm(100, 100), arm(140, 60)).verdict).toBe(
      'B is better: its win rate is 20.0 points higher (95% CI 10.4 to 29.2, p < 0.001) and its mean R is ' +
        '0.50 R higher (95% CI 0.26 to 0.74, p < 0.001).',
    );
  });

  it('verdict: A better, with Fisher for the small table; labels used', () => {
    expect(compareArms(arm(12, 0), arm(5, 7), { labels: { a: 'v3', b: 'v4' } }).verdict).toBe(
      'v3 is better: its win rate is 58.3 points higher (95% CI 20.8 to 79.2, p = 0.005) and its mean R is ' +
        '1.46 R higher (95% CI 0.65 to 2.27, p = 0.002).',
    );
  });

  it('verdict: better on one metric only says the other is not significant', () => {
    // Same win rate, much bigger wins for B.
    expect(compareArms(arm(60, 60, 1), arm(60, 60, 2)).verdict).toBe(
      'B is better: its mean R is 0.50 R higher (95% CI 0.17 to 0.83, p = 0.003); the win-rate difference is ' +
        'not significant (p = 1.000).',
    );
    // Agresti–Caffo by hand: p̃ = 41/102, 61/102; 0.19608 ± 1.96 × 0.068656 = (0.0615, 0.3306).
    expect(compareArms(arm(40, 60, 2.2), arm(60, 40, 1)).verdict).toBe(
      'B is better: its win rate is 20.0 points higher (95% CI 6.2 to 33.1, p = 0.005); the mean R difference ' +
        'is not significant (p = 0.668).',
    );
  });

  it('verdict: mixed when the two significant differences point different ways', () => {
    expect(compareArms(arm(60, 40, 1), arm(45, 55, 3)).verdict).toBe(
      "Mixed result: A's win rate is 15.0 points higher (95% CI 1.1 to 28.3, p = 0.034), but B's mean R is " +
        '0.60 R higher (95% CI 0.16 to 1.04, p = 0.008).',
    );
  });
});

describe('verdict formatting', () => {
  it('numbers: typographic minus, no −0.0', () => {
    expect(formatNumber(-12.06, 1)).toBe('−12.1');
    expect(formatNumber(-0.01, 1)).toBe('0.0');
    expect(formatNumber(20.05, 1)).toBe('20.1');
  });

  it('counts: comma thousands', () => {
    expect(formatCount(1240)).toBe('1,240');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('p-values: three decimals, < 0.001, and never a misleading 0.050', () => {
    expect(formatP(0.003)).toBe('p = 0.003');
    expect(formatP(0.0004)).toBe('p < 0.001');
    expect(formatP(0.0496)).toBe('p = 0.0496');
    expect(formatP(0.0504)).toBe('p = 0.050');
    expect(formatP(0.5)).toBe('p = 0.500');
  });
});
