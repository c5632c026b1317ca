/**
 * Table-driven checks of every builtin filter and test against outputs recorded from CPython
 * Jinja2 3.1 (see helpers/gen_builtins_cases.py, which writes fixtures/values/builtins-cases.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinGlobals } from '../src/builtins/globals.js';
import { lookupMethod } from '../src/builtins/methods.js';
import { TemplateError } from '../src/errors.js';
import {
  binaryOp,
  type CompareOp,
  compare,
  contains,
  float,
  Markup,
  makeDict,
  escape as markupEscape,
  PyRange,
  toList,
  toStr,
  tuple,
  Undefined,
} from '../src/values.js';
import { kw, makeCtx } from './helpers/values-ctx.js';

interface Case {
  kind: 'filter' | 'test' | 'method' | 'op' | 'global';
  name: string;
  value: unknown;
  args: unknown[];
  kwargs: Record<string, unknown>;
  opts: { post?: 'list'; autoescape?: boolean; strict?: boolean };
  out?: string;
  error?: string;
  message?: string;
}

const cases = JSON.parse(
  readFileSync(new URL('./fixtures/values/builtins-cases.json', import.meta.url), 'utf8'),
) as Case[];

/** Decodes the generator's encoding of Python values ($f float, $t tuple, $d dict, …). */
function dec(v: unknown, strict = false): unknown {
  if (Array.isArray(v)) return v.map((x) => dec(x, strict));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('$f' in o) {
      const f = o.$f;
      return float(
        f === 'nan' ? Number.NaN : f === 'inf' ? Infinity : f === '-inf' ? -Infinity : (f as number),
      );
    }
    if ('$t' in o) return tuple(dec(o.$t, strict) as unknown[]);
    if ('$d' in o)
      return makeDict(
        (o.$d as [unknown, unknown][]).map(([k, x]) => [dec(k, strict), dec(x, strict)] as const),
      );
    if ('$m' in o) return new Markup(o.$m as string);
    if ('$u' in o) return new Undefined('v', undefined, strict);
    if ('$r' in o) {
      const [a, b, c] = o.$r as number[];
      return new PyRange(a ?? 0, b ?? 0, c ?? 1);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = dec(x, strict);
    return out;
  }
  return v;
}

function render(c: Case): string {
  const strict = c.opts.strict === true;
  const ctx = makeCtx({ autoescape: c.opts.autoescape === true, strict });
  const value = dec(c.value, strict);
  const args = dec(c.args, strict) as unknown[];
  const kwargs = kw(dec(c.kwargs, strict) as Record<string, unknown>);
  const show = (v: unknown): string => (ctx.autoescape ? markupEscape(v).value : toStr(v));
  const post = (v: unknown): unknown => (c.opts.post === 'list' ? toList(v) : v);
  switch (c.kind) {
    case 'filter':
      return show(post(ctx.callFilter(c.name, value, args, kwargs)));
    case 'test':
      return show(ctx.callTest(c.name, value, args, kwargs));
    case 'method': {
      const m = lookupMethod(value, c.name);
      if (!m) throw new Error(`no method ${c.name}`);
      const ret = post(m.invoke(ctx, args, kwargs));
      return `${show(ret)}|${show(value)}`;
    }
    case 'op':
      if (c.name === 'in') return show(contains(args[0], value));
      if (['==', '!=', '<', '<=', '>', '>='].includes(c.name))
        return show(compare(c.name as CompareOp, value, args[0]));
      return show(binaryOp(c.name, value, args[0], ctx.budget));
    case 'global': {
      const g = builtinGlobals[c.name];
      if (!g) throw new Error(`no global ${c.name}`);
      return show(post(g.invoke(ctx, args, kwargs)));
    }
  }
}

describe('builtins match CPython Jinja2', () => {
  for (const c of cases) {
    const label = `${c.kind} ${c.name} ${JSON.stringify(c.value).slice(0, 40)} ${JSON.stringify(c.args).slice(0, 30)} ${JSON.stringify(c.kwargs).slice(0, 40)}`;
    it(label, () => {
      if (c.error !== undefined) {
        let err: unknown;
        try {
          render(c);
        } catch (e) {
          err = e;
        }
        expect(err, `expected ${c.error} error: ${c.message}`).toBeInstanceOf(TemplateError);
        expect((err as TemplateError).type).toBe(c.error);
      } else {
        expect(render(c)).toBe(c.out);
      }
    });
  }
});
