/** Property checks of the value library's arithmetic and printing invariants (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentFormat, pyRound } from '../src/format.js';
import { floatRepr } from '../src/pyfloat.js';
import { binaryOp, compare, float, pyCompare, slice, toNumber, tuple } from '../src/values.js';

const safeInt = fc.integer({ min: -1e9, max: 1e9 });

describe('value library invariants', () => {
  it('float repr round-trips every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Number(floatRepr(x))).toBe(x);
        expect(floatRepr(x)).toMatch(/^-?(\d+\.\d+|\d(\.\d+)?e[+-]\d{2,3})$/);
      }),
      { numRuns: 2000 },
    );
  });
  it('int // and % satisfy a == b*(a//b) + a%b with the sign of the divisor', () => {
    fc.assert(
      fc.property(
        safeInt,
        safeInt.filter((b) => b !== 0),
        (a, b) => {
          const q = binaryOp('//', a, b) as number;
          const r = binaryOp('%', a, b) as number;
          expect(b * q + r).toBe(a);
          expect(r === 0 || Math.sign(r) === Math.sign(b)).toBe(true);
          expect(Math.abs(r)).toBeLessThan(Math.abs(b));
        },
      ),
    );
  });
  it('float % keeps the sign of the divisor and stays below it', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }).filter((b) => Math.abs(b) > 1e-3),
        (a, b) => {
          const r = toNumber(binaryOp('%', float(a), float(b)));
          expect(r === 0 || Math.sign(r) === Math.sign(b)).toBe(true);
          expect(Math.abs(r)).toBeLessThanOrEqual(Math.abs(b));
        },
      ),
    );
  });
  it('%.Nf agrees with toFixed whenever the value is not an exact binary tie', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e15, max: 1e15, noNaN: true }),
        fc.integer({ min: 0, max: 12 }),
        (x, p) => {
          fc.pre(!Number.isInteger(Math.abs(x) * 2 ** (p + 1)) || x === 0);
          expect(percentFormat(`%.${p}f`, tuple([float(x)]))).toBe(
            Object.is(x, -0) ? `-${x.toFixed(p)}` : x.toFixed(p),
          );
        },
      ),
    );
  });
  it('round() agrees with the exact decimal rounding of toFixed away from binary ties', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e12, max: 1e12, noNaN: true }),
        fc.integer({ min: 0, max: 10 }),
        (x, nd) => {
          fc.pre(!Number.isInteger(Math.abs(x) * 2 ** (nd + 1)) || x === 0);
          const want = Number(x.toFixed(nd));
          expect(pyRound(x, nd)).toBe(want === 0 && (x < 0 || Object.is(x, -0)) ? -0 : want);
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('sorting with pyCompare is consistent with compare', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.double({ noNaN: true }))), (xs) => {
        const sorted = [...xs].sort(pyCompare);
        for (let i = 1; i < sorted.length; i++) expect(compare('<=', sorted[i - 1], sorted[i])).toBe(true);
      }),
    );
  });
  it('slicing matches a direct index computation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 20 }),
        fc.option(fc.integer({ min: -25, max: 25 }), { nil: null }),
        fc.option(fc.integer({ min: -25, max: 25 }), { nil: null }),
        fc.integer({ min: -4, max: 4 }).filter((s) => s !== 0),
        (xs, start, stop, step) => {
          const n = xs.length;
          const norm = (v: number | null, dflt: number, lo: number, hi: number) => {
            if (v === null) return dflt;
            const w = v < 0 ? v + n : v;
            return Math.min(Math.max(w, lo), hi);
          };
          const want: number[] = [];
          if (step > 0) {
            for (let i = norm(start, 0, 0, n); i < norm(stop, n, 0, n); i += step) want.push(xs[i] as number);
          } else {
            for (let i = norm(start, n - 1, -1, n - 1); i > norm(stop, -1, -1, n - 1); i += step)
              want.push(xs[i] as number);
          }
          expect(slice(xs, start, stop, step)).toEqual(want);
        },
      ),
    );
  });
});
