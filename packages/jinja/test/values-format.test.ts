/**
 * `format(value, spec)` and printf-style `%` checked against CPython on 1,500 pseudo-random specs
 * (helpers/gen_format_cases.py writes fixtures/values/format-cases.json; floats travel as float.hex()).
 * Errors only need to be errors: CPython's ValueError/TypeError messages are not compared.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TemplateRuntimeError } from '../src/errors.js';
import { formatValue, percentFormat } from '../src/format.js';
import { float, toStr, tuple } from '../src/values.js';

type Result = ['ok', string] | ['err', string];
interface FormatCase {
  v: unknown;
  spec: string;
  r1: Result;
  pct: string | null;
  r2: Result | null;
}

const cases = JSON.parse(
  readFileSync(new URL('./fixtures/values/format-cases.json', import.meta.url), 'utf8'),
) as FormatCase[];

function fromHex(h: string): number {
  const m = /^(-?)0x([01])\.([0-9a-f]*)p([+-]\d+)$/.exec(h);
  if (!m) throw new Error(`bad hex ${h}`);
  let mant = BigInt(m[2] ?? '0');
  for (const d of m[3] ?? '') mant = mant * 16n + BigInt(Number.parseInt(d, 16));
  const v = Number(mant) * 2 ** (Number(m[4]) - 4 * (m[3] ?? '').length);
  return m[1] ? -v : v;
}

function dec(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && '$f' in v) {
    const f = (v as { $f: string }).$f;
    return float(f === 'nan' ? Number.NaN : f === 'inf' ? Infinity : f === '-inf' ? -Infinity : fromHex(f));
  }
  return v;
}

function check(want: Result, run: () => unknown): void {
  if (want[0] === 'ok') {
    expect(toStr(run())).toBe(want[1]);
  } else {
    expect(run).toThrow(TemplateRuntimeError);
  }
}

describe('format specs match CPython', () => {
  it('has the sample', () => {
    expect(cases.length).toBe(1500);
  });
  cases.forEach((c, i) => {
    it(`#${i} format(${JSON.stringify(c.v)}, '${c.spec}')${c.pct ? ` and '${c.pct}'` : ''}`, () => {
      const v = dec(c.v);
      check(c.r1, () => formatValue(v, c.spec));
      if (c.pct !== null && c.r2 !== null) {
        const pct = c.pct;
        check(c.r2, () => percentFormat(pct, tuple([v])));
      }
    });
  });
});
