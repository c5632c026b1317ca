/**
 * Float printing, %-formatting and round() checked digit for digit against CPython on a fixed sample
 * of doubles (helpers/gen_float_cases.py writes fixtures/values/float-cases.json; `x` is float.hex()).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatValue, percentFormat, pyRound } from '../src/format.js';
import { float, toStr, tuple } from '../src/values.js';

interface FloatCase {
  x: string;
  p: number;
  repr: string;
  f: string;
  e: string;
  g: string;
  round: string;
  fmt: string;
}

const cases = JSON.parse(
  readFileSync(new URL('./fixtures/values/float-cases.json', import.meta.url), 'utf8'),
) as FloatCase[];

/** Parses Python's float.hex() output exactly. */
function fromHex(h: string): number {
  const m = /^(-?)0x([01])\.([0-9a-f]*)p([+-]\d+)$/.exec(h);
  if (!m) throw new Error(`bad hex ${h}`);
  const [, sign, lead, frac = '', exp] = m;
  let mant = BigInt(lead ?? '0');
  for (const d of frac) mant = mant * 16n + BigInt(Number.parseInt(d, 16));
  const e = Number(exp) - 4 * frac.length;
  // Scale in two steps so subnormals do not underflow early.
  let v = Number(mant);
  v = e < -1000 ? v * 2 ** (e + 1000) * 2 ** -1000 : v * 2 ** e;
  return sign === '-' ? -v : v;
}

describe('floats match CPython', () => {
  it('decodes the sample exactly', () => {
    expect(fromHex('0x1.0000000000000p+0')).toBe(1);
    expect(fromHex('-0x1.8000000000000p+1')).toBe(-3);
    expect(fromHex('0x0.0000000000001p-1022')).toBe(5e-324);
    expect(cases.length).toBeGreaterThan(300);
  });
  for (const c of cases) {
    it(`${c.repr} p=${c.p}`, () => {
      const x = fromHex(c.x);
      const fx = float(x);
      expect(toStr(fx)).toBe(c.repr);
      expect(percentFormat(`%.${c.p}f|%.${c.p}e|%.${c.p}g`, tuple([fx, fx, fx]))).toBe(
        `${c.f}|${c.e}|${c.g}`,
      );
      expect(toStr(float(pyRound(x, c.p)))).toBe(c.round);
      expect(formatValue(fx, `,.${c.p}f`)).toBe(c.fmt);
    });
  }
});
