import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinFilters } from '../src/builtins/filters.js';
import { builtinGlobals, Cycler, Joiner, type Namespace } from '../src/builtins/globals.js';
import { lookupMethod, methodNames } from '../src/builtins/methods.js';
import { bind } from '../src/builtins/params.js';
import { builtinTests } from '../src/builtins/tests.js';
import { LimitError, SecurityError, TemplateRuntimeError } from '../src/errors.js';
import { Callable } from '../src/runtime/types.js';
import {
  Markup,
  MISSING,
  makeDict,
  namedField,
  PyRange,
  pyCompare,
  toList,
  toStr,
  Undefined,
} from '../src/values.js';
import { filter, kw, makeBudget, makeCtx, test } from './helpers/values-ctx.js';

const small = () => makeCtx({ budget: makeBudget({ string: 10_000, collection: 1000, range: 1000 }) });
const call = (
  obj: unknown,
  name: string,
  args: unknown[] = [],
  kwargs: Record<string, unknown> = {},
  ctx = makeCtx(),
) => {
  const m = lookupMethod(obj, name);
  if (!m) throw new Error(`no method ${name}`);
  return m.invoke(ctx, args, kw(kwargs));
};
const glob = (name: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, ctx = makeCtx()) => {
  const g = builtinGlobals[name];
  if (!g) throw new Error(`no global ${name}`);
  return g.invoke(ctx, args, kw(kwargs));
};

describe('registries', () => {
  it('has every Jinja2 builtin filter', () => {
    const jinja2Filters =
      'abs attr batch capitalize center count d default dictsort e escape filesizeformat first float forceescape format groupby indent int join last length list lower items map min max pprint random reject rejectattr replace reverse round safe select selectattr slice sort string striptags sum title trim truncate unique upper urlencode urlize wordcount wordwrap xmlattr tojson';
    expect(Object.keys(builtinFilters).sort()).toEqual(jinja2Filters.split(' ').sort());
  });
  it('has every Jinja2 builtin test', () => {
    const jinja2Tests =
      'odd even divisibleby defined undefined filter test none boolean false true integer float lower upper string mapping number sequence iterable callable sameas escaped in == eq equalto != ne > gt greaterthan ge >= < lt lessthan <= le';
    expect(Object.keys(builtinTests).sort()).toEqual(jinja2Tests.split(' ').sort());
  });
  it('has the default globals', () => {
    expect(Object.keys(builtinGlobals).sort()).toEqual([
      'cycler',
      'dict',
      'joiner',
      'lipsum',
      'namespace',
      'range',
    ]);
  });
  it('exposes no inherited names', () => {
    for (const reg of [builtinFilters, builtinTests, builtinGlobals]) {
      expect(Object.getPrototypeOf(reg)).toBeNull();
      expect('constructor' in reg).toBe(false);
    }
    expect(test('filter', 'constructor')).toBe(false);
    expect(test('test', 'toString')).toBe(false);
  });
});

describe('comparison test aliases', () => {
  it('maps symbols to Python comparisons', () => {
    expect(test('==', 1, [1.0])).toBe(true);
    expect(test('!=', 1, ['1'])).toBe(true);
    expect(test('<', 1, [2])).toBe(true);
    expect(test('<=', 2, [2])).toBe(true);
    expect(test('>', 3, [2])).toBe(true);
    expect(test('>=', 1, [2])).toBe(false);
    expect(() => test('<', 'a', [1])).toThrow("'<' not supported between instances of 'str' and 'int'");
  });
  it('treats callables as callable', () => {
    expect(test('callable', new Callable('f', () => null))).toBe(true);
    expect(test('callable', new Joiner(', '))).toBe(true);
    expect(test('callable', lookupMethod('x', 'upper'))).toBe(true);
    expect(test('callable', new Cycler([1]))).toBe(false);
  });
  it('uses the environment for the filter and test tests when the context offers it', () => {
    const ctx = Object.assign(makeCtx(), { hasFilter: (n: string) => n === 'custom', hasTest: () => false });
    expect(test('filter', 'custom', [], {}, ctx)).toBe(true);
    expect(test('filter', 'upper', [], {}, ctx)).toBe(false);
    expect(test('test', 'odd', [], {}, ctx)).toBe(false);
  });
});

describe('resolving filters and tests once per call', () => {
  it('uses getTest/getFilter when the context offers them', () => {
    let lookups = 0;
    const ctx = Object.assign(makeCtx(), {
      getTest: (n: string) => {
        lookups++;
        return n === 'odd' ? () => true : builtinTests[n];
      },
      getFilter: (n: string) => {
        lookups++;
        return builtinFilters[n];
      },
    });
    expect(toList(filter('select', [1, 2, 3, 4], ['odd'], {}, ctx))).toEqual([1, 2, 3, 4]);
    expect(toList(filter('rejectattr', [{ a: 1 }, { a: 2 }], ['a', 'eq', 2], {}, ctx))).toEqual([{ a: 1 }]);
    expect(toList(filter('map', ['a', 'b'], ['upper'], {}, ctx))).toEqual(['A', 'B']);
    expect(lookups).toBe(3);
  });
});

describe('filter arguments', () => {
  it('binds like Python and reports bad calls', () => {
    expect(() => filter('truncate', 'abc', [], { bogus: 1 })).toThrow(
      "do_truncate() got an unexpected keyword argument 'bogus'",
    );
    expect(() => filter('center', 'abc', [1, 2])).toThrow(
      'do_center() takes from 0 to 1 positional arguments but 2 were given',
    );
    expect(() => filter('upper', 'abc', [1])).toThrow(TemplateRuntimeError);
    expect(() => filter('batch', [1], [])).toThrow(
      "do_batch() missing 1 required positional argument: 'linecount'",
    );
    expect(() => filter('truncate', 'abc', [5], { length: 3 })).toThrow(
      "do_truncate() got multiple values for argument 'length'",
    );
  });
  it('keeps defaults and keyword order independent', () => {
    const sig = { name: 'f', params: [['a'], ['b', 2], ['c', 3]] as const };
    expect(bind(sig, [1], kw({ c: 9 }))).toEqual([1, 2, 9]);
    expect(() => bind(sig, [], kw({}))).toThrow("f() missing 1 required positional argument: 'a'");
  });
  it('rejects format with both positional and keyword arguments', () => {
    expect(() => filter('format', '%s', ['a'], { b: 1 })).toThrow(
      "can't handle positional and keyword arguments at the same time",
    );
  });
});

describe('groupby results', () => {
  it('are named tuples readable as .grouper and .list', () => {
    const groups = filter('groupby', [{ c: 'x' }, { c: 'y' }, { c: 'x' }], ['c']) as unknown[];
    expect(groups).toHaveLength(2);
    expect(namedField(groups[0], 'grouper')).toBe('x');
    expect(toStr(namedField(groups[0], 'list'))).toBe("[{'c': 'x'}, {'c': 'x'}]");
    expect(namedField(groups[0], 'nope')).toBe(MISSING);
    expect(toStr(groups[1])).toBe("('y', [{'c': 'y'}])");
  });
});

describe('attr and map through the context', () => {
  it('attr on a dict finds methods, never keys or prototype members', () => {
    const ctx = makeCtx();
    expect(filter('attr', { a: 1 }, ['a'], {}, ctx)).toBeInstanceOf(Undefined);
    expect(filter('attr', { a: 1 }, ['items'], {}, ctx)).toBeInstanceOf(Callable);
    expect(filter('attr', { a: 1 }, ['constructor'], {}, ctx)).toBeInstanceOf(Undefined);
    expect(filter('attr', { a: 1 }, ['__proto__'], {}, ctx)).toBeInstanceOf(Undefined);
  });
  it('first/last/min of empty sequences are Undefined with a hint', () => {
    const u = filter('first', []) as Undefined;
    expect(u).toBeInstanceOf(Undefined);
    expect(u.hint).toBe('No first item, sequence was empty.');
    expect((filter('max', []) as Undefined).hint).toBe('No aggregated item, sequence was empty.');
  });
  it('random picks an element', () => {
    for (let i = 0; i < 20; i++) expect([1, 2, 3]).toContain(filter('random', [1, 2, 3]));
    expect(filter('random', [])).toBeInstanceOf(Undefined);
  });
});

describe('budget: no builtin can allocate without asking', () => {
  const limit = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(LimitError);
      return (e as LimitError).limit;
    }
    return 'no error';
  };
  it('checks string growth', () => {
    const ctx = small();
    expect(limit(() => filter('center', 'x', [10 ** 9], {}, ctx))).toBe('string');
    expect(limit(() => filter('indent', 'a\nb', [10 ** 9], {}, ctx))).toBe('string');
    expect(limit(() => filter('indent', 'a\n'.repeat(5000), ['xxxxxxxxxx'], {}, ctx))).toBe('string');
    expect(limit(() => filter('join', Array(999).fill('x'.repeat(100)), [], {}, ctx))).toBe('string');
    expect(limit(() => filter('join', ['a', 'b'], ['x'.repeat(20_000)], {}, ctx))).toBe('string');
    expect(limit(() => filter('replace', 'a'.repeat(1000), ['a', 'bbbbbbbbbbbbbbbbbbbb'], {}, ctx))).toBe(
      'string',
    );
    expect(limit(() => filter('format', '%1000000000s', ['x'], {}, ctx))).toBe('string');
    expect(limit(() => filter('tojson', [1, 2], [10 ** 9], {}, ctx))).toBe('string');
    expect(limit(() => filter('wordwrap', 'a b '.repeat(2000), [1], { wrapstring: 'xxxxxxxxxx' }, ctx))).toBe(
      'string',
    );
    expect(limit(() => call('x', 'ljust', [10 ** 9], {}, ctx))).toBe('string');
    expect(limit(() => call('x', 'center', [10 ** 9, '*'], {}, ctx))).toBe('string');
    expect(limit(() => call('x', 'zfill', [10 ** 9], {}, ctx))).toBe('string');
    expect(limit(() => call('\t', 'expandtabs', [10 ** 9], {}, ctx))).toBe('string');
    expect(limit(() => call('{:>1000000000}', 'format', ['x'], {}, ctx))).toBe('string');
    expect(limit(() => call(',', 'join', [Array(5000).fill('abc')], {}, ctx))).toBe('string');
    expect(limit(() => glob('lipsum', [10 ** 6], {}, ctx))).toBe('string');
  });
  it('refuses huge precisions before computing any digits', () => {
    const ctx = small();
    const t0 = performance.now();
    expect(limit(() => filter('format', '%.999999999f', [1.5], {}, ctx))).toBe('string');
    expect(limit(() => filter('format', '%.999999999e', [1.5], {}, ctx))).toBe('string');
    expect(limit(() => filter('format', '%.999999999d', [1], {}, ctx))).toBe('string');
    expect(limit(() => call('{:.999999999f}', 'format', [2.5], {}, ctx))).toBe('string');
    expect(limit(() => call('{:.999999999}', 'format', [2.5], {}, ctx))).toBe('string');
    expect(limit(() => call('{:0999999999}', 'format', [2], {}, ctx))).toBe('string');
    expect(performance.now() - t0).toBeLessThan(500);
    // Large but allowed precisions are exact (every double has a finite decimal expansion).
    expect(toStr(filter('format', '%.60f', [0.1], {}, ctx))).toBe(
      '0.100000000000000005551115123125782702118158340454101562500000',
    );
  });
  it('checks collection growth', () => {
    const ctx = small();
    // Generators: the check runs when they are consumed, as Jinja2's run their bodies then.
    expect(limit(() => toList(filter('batch', [1], [10 ** 9, 0], {}, ctx)))).toBe('collection');
    expect(limit(() => toList(filter('slice', [1], [10 ** 9], {}, ctx)))).toBe('collection');
    const list: unknown[] = Array(1000).fill(0);
    expect(limit(() => call(list, 'append', [1], {}, ctx))).toBe('collection');
    expect(limit(() => call([], 'extend', [Array(1001).fill(0)], {}, ctx))).toBe('collection');
    expect(
      limit(() => call(new Map(), 'update', [Array.from({ length: 1001 }, (_, i) => [i, i])], {}, ctx)),
    ).toBe('collection');
  });
  it('charges fuel in proportion to the input walked', () => {
    const ctx = makeCtx({ budget: makeBudget({ fuel: 1000 }) });
    expect(limit(() => filter('sum', new PyRange(0, 5000, 1), [], {}, ctx))).toBe('fuel');
    const ctx2 = makeCtx({ budget: makeBudget({ fuel: 1000 }) });
    expect(limit(() => call(Array(5000).fill(1), 'count', [1], {}, ctx2))).toBe('fuel');
    const ctx3 = makeCtx({ budget: makeBudget({ fuel: 1000 }) });
    // Constant-time filters and methods stay cheap however large their input is.
    for (let i = 0; i < 100; i++) {
      filter('first', new PyRange(0, 10 ** 6, 1), [], {}, ctx3);
      call(Array(5000).fill(1), 'append', [1], {}, ctx3);
    }
  });
  it('checks range length before allocating', () => {
    const ctx = small();
    expect(limit(() => glob('range', [10 ** 12], {}, ctx))).toBe('range');
    const r = glob('range', [0, 1000, 1], {}, ctx);
    expect(r).toBeInstanceOf(PyRange);
    expect(toStr(filter('list', glob('range', [3], {}, ctx)))).toBe('[0, 1, 2]');
  });
});

describe('sandbox', () => {
  it('refuses to mutate host plain objects', () => {
    const host = { a: 1 };
    expect(() => call(host, 'update', [{ __proto__: 1 }])).toThrow(SecurityError);
    expect(() => call(host, 'setdefault', ['x', 1])).toThrow('host data is read-only');
    expect(() => call(host, 'pop', ['a'])).toThrow(SecurityError);
    expect(() => call(host, 'clear')).toThrow(SecurityError);
    expect(host).toEqual({ a: 1 });
    expect(call(host, 'get', ['a'])).toBe(1);
    expect(call(host, 'copy')).toEqual(makeDict([['a', 1]]));
  });
  it('never lets dict.update write onto a prototype', () => {
    const m = makeDict([]);
    call(m, 'update', [], JSON.parse('{"__proto__": "x", "constructor": "y"}'));
    expect(m.get('__proto__')).toBe('x');
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });
  it('refuses frozen (tuple) arrays for mutation and hides mutators from tuples', () => {
    expect(lookupMethod(Object.freeze([1]), 'append')).toBeDefined();
    expect(() => call(Object.freeze([1]), 'append', [2])).toThrow(SecurityError);
    expect(lookupMethod(toList(filter('items', { a: 1 }))[0], 'append')).toBeUndefined();
    expect(lookupMethod(toList(filter('items', { a: 1 }))[0], 'index')).toBeDefined();
  });
  it('has no method for prototype or dunder names', () => {
    for (const obj of ['s', [1], { a: 1 }, new Map(), new Markup('m'), 1, null]) {
      for (const name of [
        'constructor',
        '__proto__',
        'toString',
        'valueOf',
        '__class__',
        'hasOwnProperty',
        'call',
      ]) {
        expect(lookupMethod(obj, name)).toBeUndefined();
      }
    }
    expect(methodNames('list')).toContain('append');
  });
  it('namespace refuses prototype and dunder attributes', () => {
    const ns = glob('namespace', [], { a: 1 }) as Namespace;
    expect(() => ns.set('__proto__', 1)).toThrow(SecurityError);
    expect(() => ns.set('constructor', 1)).toThrow(SecurityError);
    expect(() => ns.set('__class__', 1)).toThrow(SecurityError);
    ns.set('b', 2);
    expect(ns.pyGetAttr('b')).toBe(2);
    expect(ns.pyGetAttr('toString')).toBe(MISSING);
    expect(toStr(ns)).toBe("<Namespace {'a': 1, 'b': 2}>");
    expect(() => glob('namespace', [], JSON.parse('{"__proto__": 1}'))).toThrow(SecurityError);
  });
});

describe('globals', () => {
  it('cycler cycles, resets and exposes current', () => {
    const c = glob('cycler', [1, 2, 3]) as Cycler;
    const next = c.pyMethod('next');
    const reset = c.pyMethod('reset');
    if (!next || !reset) throw new Error('missing methods');
    const ctx = makeCtx();
    const out = [next.invoke(ctx, [], kw()), next.invoke(ctx, [], kw()), c.pyGetAttr('current')];
    expect(reset.invoke(ctx, [], kw())).toBeNull();
    out.push(next.invoke(ctx, [], kw()));
    expect(out).toEqual([1, 2, 3, 1]);
    expect(() => glob('cycler')).toThrow('at least one item has to be provided');
  });
  it('joiner returns empty first, then the separator', () => {
    const j = glob('joiner', ['-']) as Callable;
    const ctx = makeCtx();
    expect([j.invoke(ctx, [], kw()), j.invoke(ctx, [], kw()), j.invoke(ctx, [], kw())]).toEqual([
      '',
      '-',
      '-',
    ]);
    const d = glob('joiner') as Callable;
    d.invoke(ctx, [], kw());
    expect(d.invoke(ctx, [], kw())).toBe(', ');
  });
  it('lipsum has the shape of Jinja2 output', () => {
    const html = glob('lipsum', [2]);
    expect(html).toBeInstanceOf(Markup);
    expect(toStr(html)).toMatch(/^<p>[A-Z][A-Za-z, .]+\.<\/p>\n<p>[A-Z][A-Za-z, .]+\.<\/p>$/);
    const text = toStr(glob('lipsum', [3, false, 5, 6]));
    const paras = text.split('\n\n');
    expect(paras).toHaveLength(3);
    for (const p of paras) expect(p.split(' ')).toHaveLength(5);
  });
  it('range follows Python', () => {
    expect(toStr(glob('range', [5]))).toBe('range(0, 5)');
    expect([...(glob('range', [10, 0, -3]) as PyRange)]).toEqual([10, 7, 4, 1]);
    expect(() => glob('range', [1], { step: 1 })).toThrow('range() takes no keyword arguments');
    expect(() => glob('range', ['a'])).toThrow(TemplateRuntimeError);
  });
});

describe('sort fast paths', () => {
  it('order numbers and strings exactly like the generic Python comparison', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.array(fc.oneof(fc.integer(), fc.double({ noNaN: true }))), fc.array(fc.string())),
        fc.boolean(),
        (xs: unknown[], reverse) => {
          const want = xs
            .map((x, i) => ({ x, i }))
            .sort((a, b) => (reverse ? pyCompare(b.x, a.x) : pyCompare(a.x, b.x)) || a.i - b.i)
            .map((e) => e.x);
          expect(filter('sort', xs, [reverse], { case_sensitive: true })).toEqual(want);
        },
      ),
    );
  });
});
