/**
 * The value library's fast paths against its general paths (and CPython 3 / Jinja2 3.1.2 results
 * for the edge cases): one-directive `%` formats with a number, `floatRepr`'s shortest fixed
 * notation, `truncate` on plain strings, the argument tails of select/selectattr/map and the
 * format-spec cache.
 */
import { describe, expect, it } from 'vitest';
import { Environment, type EnvironmentOptions } from '../src/environment.js';
import { TemplateError } from '../src/errors.js';
import { formatValue, percentFormat, percentFormatArgs } from '../src/format.js';
import { floatRepr } from '../src/pyfloat.js';
import { float, Markup, tuple, Undefined } from '../src/values.js';

function render(src: string, ctx: Record<string, unknown> = {}, opts: EnvironmentOptions = {}): string {
  return new Environment(opts).fromString(src).render(ctx);
}

function outcome(f: () => unknown): unknown {
  try {
    const r = f();
    return r instanceof Markup ? { markup: r.value } : r;
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message };
  }
}

/** A deterministic PRNG (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The general `%` loop: a second directive (`%s` of '') keeps the fast path out. */
function general(fmt: string | Markup, v: unknown): unknown {
  const f = fmt instanceof Markup ? new Markup(`${fmt.value}%s`) : `${fmt}%s`;
  return outcome(() => percentFormatArgs(f, [v, ''], undefined));
}

// CPython: `'{{ f|format(v) }}'` rendered by Jinja2 3.1.2.
const PY_FLOAT = (n: number) => float(n);
const PERCENT_CASES: [string, unknown, string][] = [
  ['%.2f', 0.125, '0.12'],
  ['%.2f', 0.375, '0.38'],
  ['%.2f', 2.675, '2.67'],
  ['%.0f', 0.5, '0'],
  ['%.0f', 1.5, '2'],
  ['%.0f', 2.5, '2'],
  ['%.1f', 0.25, '0.2'],
  ['%+.2f', 0, '+0.00'],
  ['%+.2f', PY_FLOAT(-0), '-0.00'],
  ['%.2f', PY_FLOAT(-0), '-0.00'],
  ['% .1f', 1, ' 1.0'],
  ['%#.0f', PY_FLOAT(1), '1.'],
  ['%08.2f', -1.5, '-0001.50'],
  ['%-8.2f|', 1.5, '1.50    |'],
  ['%.2f', PY_FLOAT(1e16), '10000000000000000.00'],
  ['%.3f', 123456789012.3456, '123456789012.346'],
  ['%.4f', 1e-7, '0.0000'],
  ['%.2f', Number.NaN, 'nan'],
  ['%+.2f', Number.NaN, '+nan'],
  ['%+.1f', Number.POSITIVE_INFINITY, '+inf'],
  ['%05.1f', Number.POSITIVE_INFINITY, '00inf'],
  ['%.1f', Number.NEGATIVE_INFINITY, '-inf'],
  ['%2d', 5, ' 5'],
  ['%2d', -5, '-5'],
  ['%2d', 5.7, ' 5'],
  ['%2d', -0.5, ' 0'],
  ['%d', PY_FLOAT(1e20), '100000000000000000000'],
  ['%-5d|', 42, '42   |'],
  ['%05d', -42, '-0042'],
  ['%+d', 0, '+0'],
  ['%.3d', 7, '007'],
  ['x=%d!', 3, 'x=3!'],
  ['%.2f%%', 1.234, '1.23%'],
  ['%x', 255, 'ff'],
  ['%#o', 8, '0o10'],
  ['%s', 1.5, '1.5'],
  ['%r', 2, '2'],
  ['%e', 12345.678, '1.234568e+04'],
  ['%g', 0.0001, '0.0001'],
  ['%c', 65, 'A'],
  ['%.2f', true, '1.00'],
  ['%d', false, '0'],
  ['%10.4f', 12.34567, '   12.3457'],
  ['%.30f', 0.1, '0.100000000000000005551115123126'],
  ['%.2F', 1.005, '1.00'],
  ['%i', 7, '7'],
  ['%u', -7, '-7'],
  ['%.15f', 0.1, '0.100000000000000'],
  ['%.1f', 0.05, '0.1'],
  ['%.1f', 0.15, '0.1'],
  ['%.1f', 0.35, '0.3'],
  ['%.2f', PY_FLOAT(1), '1.00'],
  ['%.2f', PY_FLOAT(64000), '64000.00'],
  ['%+.1f', -373.6, '-373.6'],
  ['%.4f', 1.25, '1.2500'],
];

describe('one-directive % formats', () => {
  it('match CPython on edge cases, through the filter and the % operator', () => {
    for (const [fmt, v, want] of PERCENT_CASES) {
      expect(render('{{ f|format(v) }}', { f: fmt, v }), `${fmt} % ${String(v)}`).toBe(want);
      expect(percentFormat(fmt, v), `${fmt} % ${String(v)}`).toBe(want);
      expect(percentFormatArgs(fmt, [v], undefined), `${fmt} % ${String(v)}`).toBe(want);
    }
  });

  it('match the general loop for many numbers and formats', () => {
    const next = rng(42);
    const formats = [
      '%.2f',
      '%+.2f',
      '%+.1f',
      '%.4f',
      '%.0f',
      '%2d',
      '%d',
      '%05d',
      '%-6.3f',
      '%+08.2f',
      '%#.0f',
      '% .3f',
      '%10.1f',
      '%.17f',
      '%.64f',
      '%.65f',
      '%5.2f%%',
      'v=%.2f;',
      '%e',
      '%g',
      '%x',
      '%s',
      '%r',
      '%c',
    ];
    const specials = [
      0,
      -0,
      0.125,
      0.5,
      1.5,
      2.5,
      -2.5,
      1e16,
      -1e16,
      1e21,
      2 ** 53,
      2 ** 53 + 2,
      1e-300,
      5e-324,
    ];
    for (const fmt of formats) {
      const values: number[] = [...specials, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
      for (let i = 0; i < 300; i++) {
        const digits = Math.floor(next() * 6);
        const scale = 10 ** Math.floor(next() * 14 - 4);
        const raw = (next() - 0.5) * scale;
        values.push(i % 3 === 0 ? Math.round(raw * 10 ** digits) / 10 ** digits : raw);
        if (i % 7 === 0) values.push(Math.round(raw) + 0.5); // exact ties
      }
      for (const v of values) {
        const fast = outcome(() => percentFormatArgs(fmt, [v], undefined));
        const slow = general(fmt, v);
        expect(fast, `${fmt} % ${v}`).toEqual(slow);
        expect(
          outcome(() => percentFormat(fmt, v)),
          `${fmt} % ${v}`,
        ).toEqual(slow);
      }
    }
  });

  it('keep Markup formats, tuples, mappings and non-numbers on their own rules', () => {
    expect(percentFormat(new Markup('<b>%.1f</b>'), 1.25)).toEqual(new Markup('<b>1.2</b>'));
    expect(percentFormat(new Markup('<b>%s</b>'), 2)).toEqual(new Markup('<b>2</b>'));
    expect(general(new Markup('<i>%+.2f</i>'), -0.125)).toEqual({ markup: '<i>-0.12</i>' });
    expect(percentFormat('%.2f', tuple([1.5]))).toBe('1.50');
    expect(outcome(() => percentFormat('%.2f', tuple([1.5, 2])))).toMatchObject({
      message: 'not all arguments converted during string formatting',
    });
    expect(outcome(() => percentFormat('%.2f', tuple([])))).toMatchObject({
      message: 'not enough arguments for format string',
    });
    expect(outcome(() => percentFormat('%.2f', new Map([['a', 1]])))).toMatchObject({
      message: '%f format: a real number is required, not dict',
    });
    expect(outcome(() => percentFormat('%.2f', 'x'))).toMatchObject({
      message: '%f format: a real number is required, not str',
    });
    expect(outcome(() => percentFormat('%y', 1))).toMatchObject({
      message: "unsupported format character 'y' (0x79)",
    });
    expect(outcome(() => percentFormat('%(a)d', 1))).toMatchObject({ message: 'format requires a mapping' });
    expect(outcome(() => percentFormat('%*d', 1))).toMatchObject({
      message: 'not enough arguments for format string',
    });
    expect(percentFormat('%%%d', 3)).toBe('%3');
    // A strict Undefined argument fails with UndefinedError; a default one is not a number.
    expect(
      outcome(() => percentFormatArgs('%.2f', [new Undefined('x', undefined, true)], undefined)),
    ).toMatchObject({ error: 'UndefinedError' });
    expect(outcome(() => render('{{ "%.2f"|format(nope) }}', {}, { undefined: 'strict' }))).toMatchObject({
      error: 'UndefinedError',
    });
  });

  it('enforce the string limit on widths and on the result like the general loop', () => {
    const opts: EnvironmentOptions = { limits: { maxString: 5000 } };
    const err = (src: string, v: unknown): string => {
      try {
        render(src, { v }, opts);
      } catch (e) {
        if (e instanceof TemplateError) return e.message;
        throw e;
      }
      return 'no error';
    };
    expect(err('{{ "%100000000d"|format(v) }}', 1)).toContain('string of 100000000 characters');
    expect(err('{{ "%6000.2f"|format(v) }}', 1.5)).toContain('string of 6000 characters');
    expect(err('{{ "%4990.2f|xxxxxxxxxxxxxxxxxxxxxxx"|format(v) }}', 1.5)).toContain(
      'string of 5014 characters',
    );
    // Past 4096 characters the general loop checks after each directive, before the literal tail.
    expect(err(`{{ "${'y'.repeat(4998)}%.2fzz"|format(v) }}`, 1.5)).toContain('string of 5002 characters');
    expect(err(`{{ "${'y'.repeat(4990)}%.2fzzzzzzzz"|format(v) }}`, 1.5)).toContain(
      'string of 5002 characters',
    );
    expect(render('{{ "%4990.2f"|format(v) }}', { v: 1.5 }, opts)).toHaveLength(4990);
  });
});

describe('floatRepr', () => {
  /** The definition: JS's shortest round-trip digits in Python's layout. */
  function reference(n: number): string {
    if (Number.isNaN(n)) return 'nan';
    if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
    if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
    const a = Math.abs(n);
    if (a >= 1e-4 && a < 1e16) return Number.isInteger(n) ? `${n}.0` : String(n);
    return floatRepr(n); // exponent forms: not the fast path
  }

  it('prints like Python on edge cases', () => {
    const cases: [number, string][] = [
      [0.1 + 0.2, '0.30000000000000004'],
      [1 / 3, '0.3333333333333333'],
      [0.0001, '0.0001'],
      [0.00012345678901234, '0.00012345678901234'],
      [9.999999999999999e-5, '9.999999999999999e-05'],
      [123456789012345.6, '123456789012345.6'],
      [999999999999999.9, '999999999999999.9'],
      [1e15 + 0.5, '1000000000000000.5'],
      [1e16, '1e+16'],
      [64001.25, '64001.25'],
      [-0.0123, '-0.0123'],
      [71.23, '71.23'],
      [2.675, '2.675'],
      [1.0000000000000002, '1.0000000000000002'],
      [-0, '-0.0'],
      [Number.NaN, 'nan'],
      [Number.NEGATIVE_INFINITY, '-inf'],
      [64000, '64000.0'],
    ];
    for (const [n, want] of cases) expect(floatRepr(n), String(n)).toBe(want);
  });

  it('matches the shortest round-trip digits on random doubles', () => {
    const next = rng(7);
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 50000; i++) {
      let n: number;
      const mode = i % 4;
      if (mode === 0) n = (next() - 0.5) * 10 ** Math.floor(next() * 20 - 4);
      else if (mode === 1) {
        const d = Math.floor(next() * 16);
        n = Math.round((next() - 0.5) * 10 ** Math.floor(next() * 16)) / 10 ** d;
      } else if (mode === 2) {
        view.setUint32(0, Math.floor(next() * 2 ** 32));
        view.setUint32(4, Math.floor(next() * 2 ** 32));
        n = view.getFloat64(0);
      } else {
        // Neighbours of short decimals: one or two ulps away need all 16-17 digits.
        const base = Math.round(next() * 1e6) / 10 ** Math.floor(next() * 8);
        n = base * (1 + (Math.floor(next() * 5) - 2) * 2 ** -52);
      }
      expect(floatRepr(n), String(n)).toBe(reference(n));
    }
  });

  it('prints round results like Python', () => {
    expect(
      render('{{ x|round(2) }}|{{ y|round(1) }}|{{ z|round(3) }}', { x: 2.675, y: -0.05, z: 1e-5 }),
    ).toBe('2.67|-0.1|0.0');
  });
});

describe('truncate on plain strings', () => {
  const texts = [
    '',
    'short',
    'Spot ETF inflows reach a record for the third consecutive week in a row',
    'word '.repeat(20),
    'x'.repeat(100),
    'a b',
    '   leading spaces that go on and on and on',
    'emoji 😀 in the middle of a longish sentence here',
    '😀'.repeat(30),
  ];

  it('matches the general path (keywords force it) for lengths, killwords and leeway edges', () => {
    for (const s of texts) {
      for (const n of [3, 4, 5, 9, 10, 11, 20, 60, 255]) {
        for (const kill of ['', ', true', ', false']) {
          const fast = render(`{{ s|truncate(${n}${kill}) }}`, { s });
          const slow = render(`{{ s|truncate(${n}${kill}, end='...') }}`, { s });
          expect(fast, `${JSON.stringify(s)} ${n}${kill}`).toBe(slow);
        }
      }
      expect(render('{{ s|truncate }}', { s })).toBe(render("{{ s|truncate(end='...') }}", { s }));
    }
  });

  it('keeps Jinja2 3.1.2 results and errors', () => {
    const s = 'abcdefghij klmnopq';
    expect(render('{{ s|truncate(13) }}', { s })).toBe('abcdefghij klmnopq'); // 18 <= 13 + 5
    expect(render('{{ s|truncate(12) }}', { s })).toBe('abcdefghi...');
    expect(render('{{ s|truncate(12, true) }}', { s })).toBe('abcdefghi...');
    const long = 'abcdefghij klmnopqrstuvwxyz';
    expect(render('{{ s|truncate(15) }}', { s: long })).toBe('abcdefghij...');
    expect(render('{{ s|truncate(15, true) }}', { s: long })).toBe('abcdefghij k...');
    expect(render('{{ s|truncate(3) }}', { s: 'abcdefghijk' })).toBe('...');
    expect(render('{{ s|truncate(5) }}', { s: '😀'.repeat(11) })).toBe('😀😀...');
    expect(render('{{ s|truncate(5) }}', { s: '😀'.repeat(10) })).toBe('😀'.repeat(10));
    expect(outcome(() => render('{{ s|truncate(2) }}', { s }))).toMatchObject({
      message: 'expected length >= 3, got 2',
    });
    expect(outcome(() => render('{{ s|truncate(-0.0) }}', { s }))).toMatchObject({
      message: 'expected length >= 3, got -0.0',
    });
    expect(outcome(() => render('{{ s|truncate(12.0) }}', { s }))).toMatchObject({
      message: 'slice indices must be integers or None or have an __index__ method',
    });
    expect(render('{{ s|truncate(12, 1) }}', { s })).toBe('abcdefghi...');
    expect(render('{{ s|truncate(12) }}', { s: new Markup(`a<b ${'x'.repeat(20)}`) })).toBe('a<b...');
    expect(outcome(() => render('{{ s|truncate(12) }}', {}, { undefined: 'strict' }))).toMatchObject({
      error: 'UndefinedError',
    });
    expect(render('{{ s|truncate(12) }}|')).toBe('|');
  });

  it('checks the string limit on the result', () => {
    const s = 'y'.repeat(2000);
    expect(
      outcome(() => render('{{ s|truncate(1500) }}', { s }, { limits: { maxString: 1000 } })),
    ).toMatchObject({ error: 'LimitError' });
  });
});

describe('select/selectattr/map argument tails', () => {
  it('pass the test and filter arguments after the name', () => {
    const rows = [new Map<string, unknown>([['a', 1]]), new Map<string, unknown>([['a', 2]]), { a: 2 }];
    const ctx = { rows, nums: [1, 2, 3, 2.5] };
    expect(render("{{ rows|selectattr('a', 'equalto', 2)|list|length }}", ctx)).toBe('2');
    expect(render("{{ rows|rejectattr('a', 'equalto', 2)|list|length }}", ctx)).toBe('1');
    expect(render("{{ nums|select('equalto', 2)|list }}", ctx)).toBe('[2]');
    expect(render("{{ nums|select('odd')|list }}", ctx)).toBe('[1, 3]');
    expect(render("{{ rows|selectattr('a')|list|length }}", ctx)).toBe('3');
    expect(render("{{ nums|select('>', 1)|list }}", ctx)).toBe('[2, 3, 2.5]');
    expect(render("{{ nums|map('round', 0, 'floor')|list }}", ctx)).toBe('[1.0, 2.0, 3.0, 2.0]');
    expect(render("{{ nums|map('string')|join(',') }}", ctx)).toBe('1,2,3,2.5');
    expect(outcome(() => render("{{ nums|select('odd', 1)|list }}", ctx))).toMatchObject({
      error: 'TemplateRuntimeError',
    });
  });
});

describe('format spec cache', () => {
  it('gives the same results and errors on reuse', () => {
    for (let i = 0; i < 3; i++) {
      expect(formatValue(1234567.891, ',.0f')).toBe('1,234,568');
      expect(formatValue(-5, '08,')).toBe('-000,005');
      expect(formatValue('ab', '^6')).toBe('  ab  ');
      expect(outcome(() => formatValue(1, '.2q'))).toMatchObject({ message: 'Invalid format specifier' });
      expect(outcome(() => formatValue('x', ',s'))).toMatchObject({
        message: "Cannot specify ',' with 's'.",
      });
    }
    expect(render('{{ "{:,.0f}".format(v) }}|{{ "{:,.0f}".format(v) }}', { v: 1234567891.5 })).toBe(
      '1,234,567,892|1,234,567,892',
    );
  });
});

describe('filters that do their own registry checks', () => {
  const long = 'ab '.repeat(64 * 100); // 19,200 characters: 300 steps of input fuel
  const list = Array.from({ length: 2000 }, (_, i) => new Map<string, unknown>([['a', i % 7]]));
  const nums = Array.from({ length: 2000 }, (_, i) => i * 0.5);
  const cases: [string, Record<string, unknown>, number][] = [
    ['{{ v|upper|length }}', { v: long }, 300],
    ['{{ v|lower|length }}', { v: long }, 300],
    ['{{ v|trim|length }}', { v: long }, 300],
    ['{{ v|truncate(10) }}', { v: long }, 300],
    ['{{ v|format|length }}', { v: long }, 300],
    ['{{ v|list|length }}', { v: nums }, 2000],
    ['{{ v|join(",")|length }}', { v: nums }, 2000],
    ['{{ v|map("string")|list|length }}', { v: nums }, 2000],
    ['{{ v|select("odd")|list|length }}', { v: [...Array(2000).keys()] }, 2000],
    ['{{ v|reject("odd")|list|length }}', { v: [...Array(2000).keys()] }, 2000],
    ['{{ v|selectattr("a", "equalto", 1)|list|length }}', { v: list }, 2000],
    ['{{ v|rejectattr("a")|list|length }}', { v: list }, 2000],
    ['{{ v|sort(attribute="a")|length }}', { v: list }, 2000],
  ];

  it('spend fuel for their input before working', () => {
    for (const [src, ctx, size] of cases) {
      // The input alone exceeds this budget: the filter must fail before doing its work.
      const small = outcome(() => render(src, ctx, { limits: { fuel: size - 10, timeoutMs: 0 } }));
      expect(small, src).toMatchObject({ error: 'LimitError' });
      expect(typeof outcome(() => render(src, ctx, { limits: { fuel: 50 * size, timeoutMs: 0 } })), src).toBe(
        'string',
      );
    }
  });

  it('refuse arguments where Python does', () => {
    const msg = (src: string): unknown =>
      (outcome(() => render(src, { v: [1.5] })) as { message?: string }).message;
    for (const name of ['upper', 'lower', 'abs', 'list', 'first']) {
      expect(msg(`{{ v|${name}(1) }}`)).toBe(`${name}() takes 0 positional arguments but 1 was given`);
      expect(msg(`{{ v|${name}(x=1) }}`)).toBe(`${name}() got an unexpected keyword argument 'x'`);
    }
    expect(
      render('{{ v|first }}|{{ w|first }}|{{ "xy"|first }}|{{ range(3, 5)|first }}', { v: [1.5], w: [] }),
    ).toBe('1.5||x|3');
    expect(render('{{ -2.0|abs }}|{{ -3|abs }}|{{ "aB"|upper }}{{ "aB"|lower }}')).toBe('2.0|3|ABab');
  });
});

describe('join', () => {
  it('joins str() of the items like Python', () => {
    const ctx = {
      v: [1, 2.5, 'a', null, tuple([1, 2]), [3]],
      w: [new Map([['a', 1]]), new Map([['a', 'x']])],
      d: new Map([
        ['k', 1],
        ['j', 2],
      ]),
    };
    expect(
      render(
        '{{ v|join(", ") }}|{{ v|join }}|{{ w|join("-", attribute="a") }}|{{ "abc"|join(".") }}|{{ []|join(",") }}|{{ d|join(",") }}',
        ctx,
      ),
    ).toBe('1, 2.5, a, None, (1, 2), [3]|12.5aNone(1, 2)[3]|1-x|a.b.c||k,j');
  });

  it('keeps its size checks and strict Undefined errors', () => {
    const big = Array.from({ length: 100 }, () => 'x'.repeat(50));
    expect(outcome(() => render('{{ v|join }}', { v: big }, { limits: { maxString: 4500 } }))).toMatchObject({
      error: 'LimitError',
      message: 'string of 4550 characters exceeds the limit of 4500',
    });
    expect(render('{{ v|join }}', { v: big }, { limits: { maxString: 5000 } })).toHaveLength(5000);
    expect(outcome(() => render('{{ [1, nope]|join }}', {}, { undefined: 'strict' }))).toMatchObject({
      error: 'UndefinedError',
    });
    expect(render('{{ ["<a>", m]|join("&") }}', { m: new Markup('<b>') }, { autoescape: true })).toBe(
      '&lt;a&gt;&amp;<b>',
    );
  });
});

describe('arithmetic with integral floats and concatenation', () => {
  it('matches Jinja2 3.1.2', () => {
    const src =
      '{{ 2.0 + 1 }}|{{ 1 - 2.0 }}|{{ 2.0 * 0.5 }}|{{ 3.0 / 2 }}|{{ 1 / 2.0 }}|{{ -0.0 + 0 }}|{{ -0.0 * 1 }}|' +
      '{{ 0 * -1.0 }}|{{ 1e308 * 10.0 }}|{{ "a" ~ 1.0 }}|{{ 1 ~ 2 }}|{{ 2.5 ~ "x" }}|{{ 2.0 ** 2 }}|' +
      '{{ 7.0 // 2 }}|{{ 7.0 % 2 }}|{{ x + 0.5 }}|{{ x - x }}|{{ -x ~ "" }}|{{ true + 1.0 }}|{{ 1.0 + true }}';
    expect(render(src, { x: float(4) })).toBe(
      '3.0|-1.0|1.0|1.5|0.5|0.0|-0.0|-0.0|inf|a1.0|12|2.5x|4.0|3.0|1.0|4.5|0.0|-4.0|2.0|2.0',
    );
    for (const s of ['{{ 2.0 / 0 }}', '{{ 2.0 / 0.0 }}', '{{ 1 / 0.0 }}', '{{ x / 0 }}']) {
      expect(
        outcome(() => render(s, { x: float(4) })),
        s,
      ).toMatchObject({ message: 'float division by zero' });
    }
    expect(outcome(() => render('{{ "ab" ~ 1.5 }}', {}, { limits: { maxString: 4 } }))).toMatchObject({
      error: 'LimitError',
    });
  });
});
