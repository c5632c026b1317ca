import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as stats from '../src/analytics/stats.js';

interface GoldenCase {
  fn: string;
  args: number[];
  expected: unknown;
  rtol: number;
}

const golden = JSON.parse(
  fs.readFileSync(new URL('./fixtures/stats-golden.json', import.meta.url), 'utf8'),
) as { scipy: string; cases: GoldenCase[] };

/** Absolute floor for reference values at (or within rounding of) zero, e.g. ln Γ(1) = 0. */
const ABS_FLOOR = 1e-14;

/** Every number in `expected` must match the same place in `actual` within rtol (relative). */
function mismatches(actual: unknown, expected: unknown, rtol: number, path = ''): string[] {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return [`${path}: expected ${expected}, got ${String(actual)}`];
    const ok = Math.abs(actual - expected) <= rtol * Math.abs(expected) + ABS_FLOOR;
    return ok
      ? []
      : [`${path}: expected ${expected}, got ${actual} (rel ${Math.abs(actual / expected - 1)})`];
  }
  if (expected === null) return actual === null ? [] : [`${path}: expected null`];
  if (typeof expected === 'object' && typeof actual === 'object' && actual !== null) {
    return Object.entries(expected as Record<string, unknown>).flatMap(([k, v]) =>
      mismatches((actual as Record<string, unknown>)[k], v, rtol, `${path}.${k}`),
    );
  }
  return [`${path}: cannot compare ${JSON.stringify(actual)} with ${JSON.stringify(expected)}`];
}

const functions = stats as unknown as Record<string, (...args: number[]) => unknown>;

describe(`golden values (SciPy ${golden.scipy})`, () => {
  const byFn = new Map<string, GoldenCase[]>();
  for (const c of golden.cases) byFn.set(c.fn, [...(byFn.get(c.fn) ?? []), c]);

  it('covers every function it names', () => {
    expect(byFn.size).toBeGreaterThanOrEqual(17);
    for (const fn of byFn.keys()) expect(typeof functions[fn], fn).toBe('function');
  });

  for (const [fn, cases] of byFn) {
    it(`${fn}: ${cases.length} cases agree`, () => {
      const problems = cases.flatMap((c) =>
        mismatches(functions[fn]!(...c.args), c.expected, c.rtol, `${fn}(${c.args.join(', ')})`),
      );
      expect(problems).toEqual([]);
    });
  }
});

describe('worked examples', () => {
  it('Wilson 95% for 8/10 is (0.4902, 0.9433)', () => {
    const w = stats.wilsonInterval(8, 10)!;
    expect(w.low).toBeCloseTo(0.4902, 4);
    expect(w.high).toBeCloseTo(0.9433, 4);
  });

  it("Fisher's tea tasting (3, 1, 1, 3): p = 34/70", () => {
    expect(stats.fisherExactTest(3, 1, 1, 3)).toBeCloseTo(34 / 70, 12);
  });

  it('one-sided 95% z is 1.6449 and two-sided is 1.96', () => {
    expect(stats.normalQuantile(0.95)).toBeCloseTo(1.644_853_626_951_472_2, 14);
    expect(stats.normalQuantile(0.975)).toBeCloseTo(1.959_963_984_540_054, 14);
  });

  it('Welch on Student’s sleep data: t = 1.8608 (B − A), df = 17.776, p = 0.07939', () => {
    const w = stats.welchTTest(0.75, 1.78901, 10, 2.33, 2.002249, 10)!;
    expect(w.t).toBeCloseTo(1.8608, 4);
    expect(w.df).toBeCloseTo(17.776, 3);
    expect(w.p_value).toBeCloseTo(0.07939, 5);
  });

  it('Fleiss sample size: 0.6 vs 0.8 needs 82 per arm; 0.5 sd needs 63', () => {
    expect(stats.sampleSizeTwoProportions(0.6, 0.8)).toBe(82);
    expect(stats.sampleSizeTwoMeans(0.5, 1, 1)).toBe(63);
  });
});

describe('edges and refusals', () => {
  it('returns null where there is nothing to estimate', () => {
    expect(stats.wilsonInterval(0, 0)).toBeNull();
    expect(stats.wilsonLowerBound(0, 0)).toBeNull();
    expect(stats.meanTInterval(1, 0, 1)).toBeNull();
    expect(stats.meanLowerBound(1, 0, 1)).toBeNull();
    expect(stats.agrestiCaffoInterval(0, 0, 1, 2)).toBeNull();
    expect(stats.twoProportionZTest(1, 2, 0, 0)).toBeNull();
    expect(stats.welchTTest(0, 1, 1, 0, 1, 5)).toBeNull();
    expect(stats.welchTTest(0, 0, 5, 1, 0, 5)).toBeNull();
    expect(stats.sampleSizeTwoProportions(0.4, 0.4)).toBeNull();
    expect(stats.sampleSizeTwoMeans(0, 1, 1)).toBeNull();
  });

  it('identical all-win arms: z = 0, p = 1', () => {
    expect(stats.twoProportionZTest(5, 5, 9, 9)).toEqual({ z: 0, p_value: 1 });
  });

  it('quantiles at 0 and 1 are infinite; CDFs at ±∞ are 0 and 1', () => {
    expect(stats.normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(stats.normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(stats.studentTQuantile(0, 4)).toBe(Number.NEGATIVE_INFINITY);
    expect(stats.studentTQuantile(1, 4)).toBe(Number.POSITIVE_INFINITY);
    expect(stats.normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(stats.studentTCdf(Number.POSITIVE_INFINITY, 3)).toBe(1);
    expect(stats.studentTCdf(1e200, 3)).toBe(1);
    expect(stats.studentTCdf(1.5, Number.POSITIVE_INFINITY)).toBe(stats.normalCdf(1.5));
  });

  it('refuses impossible inputs', () => {
    expect(() => stats.normalQuantile(1.5)).toThrow(RangeError);
    expect(() => stats.studentTCdf(1, 0)).toThrow(RangeError);
    expect(() => stats.wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => stats.wilsonInterval(1.5, 10)).toThrow(RangeError);
    expect(() => stats.fisherExactTest(-1, 2, 3, 4)).toThrow(RangeError);
    expect(() => stats.meanTInterval(0, -1, 5)).toThrow(RangeError);
    expect(() => stats.wilsonInterval(1, 10, 1)).toThrow(RangeError);
    expect(() => stats.logGamma(0)).toThrow(RangeError);
  });

  it('switches P(B > A) to the normal approximation above the documented size, smoothly', () => {
    const big = stats.BAYES_EXACT_MAX_TERMS;
    const approx = stats.probabilityBGreaterThanA(big, big, big + 150, big - 150);
    // Just below the switch, the exact sum for nearly the same counts.
    const exact = stats.probabilityBGreaterThanA(big - 2, big, big + 148, big - 150);
    expect(approx).toBeGreaterThan(0.9);
    expect(Math.abs(approx - exact)).toBeLessThan(1e-3);
  });
});

const count = fc.integer({ min: 0, max: 400 });
const successesOf = (n: number) => fc.integer({ min: 0, max: n });
const arm = count.chain((n) => successesOf(n).map((x) => ({ x, n })));

describe('properties', () => {
  it('Wilson interval lies in [0, 1] and contains p̂; the one-sided bound is inside it', () => {
    fc.assert(
      fc.property(arm, fc.constantFrom(0.8, 0.9, 0.95, 0.99), ({ x, n }, conf) => {
        const w = stats.wilsonInterval(x, n, conf);
        if (n === 0) return w === null;
        const p = x / n;
        const lower = stats.wilsonLowerBound(x, n, conf)!;
        return w !== null && 0 <= w.low && w.low <= p && p <= w.high && w.high <= 1 && lower >= w.low - 1e-15;
      }),
    );
  });

  it('p-values lie in [0, 1]', () => {
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        const inUnit = (p: number) => p >= 0 && p <= 1;
        const z = stats.twoProportionZTest(a.x, a.n, b.x, b.n);
        const fisher = stats.fisherExactTest(a.x, a.n - a.x, b.x, b.n - b.x);
        const bayes = stats.probabilityBGreaterThanA(a.x, a.n - a.x, b.x, b.n - b.x);
        return (z === null || inUnit(z.p_value)) && inUnit(fisher) && inUnit(bayes);
      }),
    );
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        fc.integer({ min: 2, max: 500 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        fc.integer({ min: 2, max: 500 }),
        (m1, s1, n1, m2, s2, n2) => {
          const w = stats.welchTTest(m1, s1, n1, m2, s2, n2)!;
          return w.p_value >= 0 && w.p_value <= 1 && w.ci.low <= w.diff && w.diff <= w.ci.high;
        },
      ),
    );
  });

  it('P(B > A) + P(A > B) = 1 (ties have probability 0)', () => {
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        const ab = stats.probabilityBGreaterThanA(a.x, a.n - a.x, b.x, b.n - b.x);
        const ba = stats.probabilityBGreaterThanA(b.x, b.n - b.x, a.x, a.n - a.x);
        return Math.abs(ab + ba - 1) < 1e-9;
      }),
    );
  });

  it('quantiles invert their CDFs', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }),
        fc.double({ min: 1, max: 1e4, noNaN: true }),
        (p, df) => {
          const tol = 1e-9 * Math.min(p, 1 - p);
          return (
            Math.abs(stats.normalCdf(stats.normalQuantile(p)) - p) <= tol &&
            Math.abs(stats.studentTCdf(stats.studentTQuantile(p, df), df) - p) <= tol
          );
        },
      ),
    );
  });

  it('Fisher p is symmetric under swapping rows, columns and transposing', () => {
    fc.assert(
      fc.property(fc.tuple(count, count, count, count), ([a, b, c, d]) => {
        const p = stats.fisherExactTest(a, b, c, d);
        const same = (q: number) => Math.abs(q - p) <= 1e-9 * p + 1e-300;
        return (
          same(stats.fisherExactTest(c, d, a, b)) &&
          same(stats.fisherExactTest(b, a, d, c)) &&
          same(stats.fisherExactTest(a, c, b, d))
        );
      }),
    );
  });
});
