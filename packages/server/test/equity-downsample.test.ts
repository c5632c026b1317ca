import { describe, expect, it } from 'vitest';
import { downsampleCurve } from '../src/analytics/service.js';

describe('equity curve downsampling', () => {
  const curve = (values: number[]) => values.map((cumulative_r, i) => ({ cumulative_r, i }));

  it('leaves short curves alone', () => {
    const c = curve([1, 2, 3]);
    expect(downsampleCurve(c, 10)).toBe(c);
  });

  it('keeps at most max points, in time order, with the extremes and the last point', () => {
    const values = Array.from(
      { length: 50_000 },
      (_, i) => Math.sin(i / 500) * 10 + (i === 31_337 ? -40 : 0),
    );
    const out = downsampleCurve(curve(values), 1_000);
    expect(out.length).toBeLessThanOrEqual(1_000);
    expect(out.length).toBeGreaterThan(900);
    expect(out.map((p) => p.i)).toEqual([...out.map((p) => p.i)].sort((a, b) => a - b));
    expect(Math.min(...out.map((p) => p.cumulative_r))).toBe(Math.min(...values));
    expect(Math.max(...out.map((p) => p.cumulative_r))).toBe(Math.max(...values));
    expect(out.at(-1)!.i).toBe(49_999);
  });
});
