import { describe, expect, it } from 'vitest';
import { dictLoader, Environment, type EnvironmentOptions } from '../src/environment.js';
import { TemplateError } from '../src/errors.js';
import { float, Markup } from '../src/values.js';

function render(src: string, ctx: Record<string, unknown> = {}, opts: EnvironmentOptions = {}): string {
  return new Environment(opts).fromString(src).render(ctx);
}

function failure(
  src: string,
  ctx: Record<string, unknown> = {},
  opts: EnvironmentOptions = {},
): TemplateError {
  try {
    render(src, ctx, opts);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error(`expected ${src} to fail`);
}

describe('expressions', () => {
  it('evaluates literals and operators with Python semantics', () => {
    expect(
      render(
        '{{ 1 + 2 }}|{{ 7 // 2 }}|{{ -7 // 2 }}|{{ 7 / 2 }}|{{ 6 / 2 }}|{{ 2 ** 3 ** 2 }}|{{ -2 ** 2 }}',
      ),
    ).toBe('3|3|-4|3.5|3.0|64|4');
    expect(
      render("{{ 'ab' * 2 }}|{{ [1] + [2] }}|{{ 'a' ~ 1 ~ none }}|{{ (1,) }}|{{ {'a': [1, 2.0]} }}"),
    ).toBe("abab|[1, 2]|a1None|(1,)|{'a': [1, 2.0]}");
    expect(render('{{ true }} {{ False }} {{ none }} {{ None }}')).toBe('True False None None');
  });

  it('keeps value-returning and/or and chained comparisons', () => {
    expect(render("{{ 0 or 'x' }}|{{ 1 and 0 }}|{{ [] or 'e' }}|{{ not 0 }}")).toBe('x|0|e|True');
    expect(render('{{ 1 < 2 < 3 }}|{{ 3 > 2 > 5 }}|{{ 1 in [1] }}|{{ "a" not in "bc" }}')).toBe(
      'True|False|True|True',
    );
  });

  it('handles attribute, item and slice access', () => {
    const ctx = { d: { a: { b: 'x' } }, xs: [1, 2, 3], s: 'hello' };
    expect(
      render("{{ d.a.b }}|{{ d['a']['b'] }}|{{ xs[-1] }}|{{ xs[1:] }}|{{ s[::-1] }}|{{ xs.0 }}", ctx),
    ).toBe('x|x|3|[2, 3]|olleh|1');
    expect(render('{{ d.missing }}|{{ xs[10] }}|{{ none.x }}', ctx)).toBe('||');
  });

  it('supports inline if with and without else', () => {
    expect(render('{{ 1 if x else 2 }}|{{ "y" if x }}|', { x: false })).toBe('2||');
  });

  it('calls with keyword, *args and **kwargs', () => {
    const src =
      '{% macro m(a, b=2) %}{{ a }}-{{ b }}-{{ kwargs }}{% endmacro %}{{ m(*[1], **{"b": 3, "c": 4}) }}';
    expect(render(src)).toBe("1-3-{'c': 4}");
  });

  it('applies filters and tests, including chained ones', () => {
    expect(
      render(
        "{{ name|upper|replace('O', '0') }}|{{ 4 is even }}|{{ x is defined }}|{{ 3 is divisibleby 3 }}",
        { name: 'bob' },
      ),
    ).toBe('B0B|True|False|True');
  });

  it('keeps float-ness of integral floats', () => {
    expect(render('{{ x }}|{{ x + 1 }}', { x: float(43) })).toBe('43.0|44.0');
  });
});

describe('statements', () => {
  it('runs if / elif / else', () => {
    const src = '{% if x > 2 %}big{% elif x > 1 %}mid{% else %}small{% endif %}';
    expect([1, 2, 3].map((x) => render(src, { x }))).toEqual(['small', 'mid', 'big']);
  });

  it('exposes the loop variable', () => {
    expect(
      render(
        '{% for i in "abc" %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}',
      ),
    ).toBe('103TrueFalse3;212FalseFalse3;321FalseTrue3;');
    expect(render('{% for i in [1,2,3] %}{{ loop.previtem }}-{{ loop.nextitem }};{% endfor %}')).toBe(
      '-2;1-3;2-;',
    );
    expect(render("{% for i in [1,1,2] %}{{ loop.changed(i) }}{{ loop.cycle('a', 'b') }};{% endfor %}")).toBe(
      'Truea;Falseb;Truea;',
    );
    expect(
      render('{% for i in [1] %}{% for j in [2] %}{{ loop.depth }}{{ loop.depth0 }}{% endfor %}{% endfor %}'),
    ).toBe('10');
  });

  it('supports else, inline filters and tuple unpacking', () => {
    expect(render('{% for i in [] %}x{% else %}empty{% endfor %}')).toBe('empty');
    expect(
      render('{% for i in range(6) if i is odd %}{{ loop.index }}:{{ i }}/{{ loop.length }} {% endfor %}'),
    ).toBe('1:1/3 2:3/3 3:5/3 ');
    expect(render('{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}', { d: { b: 1, a: 2 } })).toBe(
      'b=1;a=2;',
    );
  });

  it('renders recursive loops', () => {
    const tree = [{ n: 1, c: [{ n: 2, c: [{ n: 3 }] }] }, { n: 4 }];
    const src =
      '{% for item in tree recursive %}<{{ item.n }}@{{ loop.depth }}{% if item.c %}:{{ loop(item.c) }}{% endif %}>{% endfor %}';
    expect(render(src, { tree })).toBe('<1@1:<2@2:<3@3>>><4@1>');
  });

  it('scopes loop assignments per iteration and does not leak them', () => {
    expect(render('{% for i in [1,2] %}[{{ x }}]{% set x = i %}{% endfor %}{{ x }}')).toBe('[][]');
    expect(render('{% if true %}{% set a = 2 %}{% endif %}{{ a }}')).toBe('2');
    expect(render('{% with a = 1 %}{{ a }}{% endwith %}[{{ a }}]')).toBe('1[]');
  });

  it('assigns multiple targets, blocks with filters and namespaces', () => {
    expect(render('{% set a, b = 1, 2 %}{{ a }}{{ b }}')).toBe('12');
    expect(render("{% set x | upper | replace('!', '?') %}hi {{ n }}!{% endset %}{{ x }}", { n: 'w' })).toBe(
      'HI W?',
    );
    expect(
      render(
        '{% set ns = namespace(t=0) %}{% for i in [1,2,3] %}{% set ns.t = ns.t + i %}{% endfor %}{{ ns.t }}',
      ),
    ).toBe('6');
    expect(failure('{% set a, b = [1] %}').message).toBe('not enough values to unpack (expected 2, got 1)');
    expect(failure('{% set n = 1 %}{% set n.x = 2 %}').message).toBe(
      'cannot assign attribute on non-namespace object',
    );
  });

  it('defines macros with defaults, varargs, kwargs and caller', () => {
    expect(
      render(
        '{% macro m(a, b=a) %}{{ a }}{{ b }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1) }}|{{ m(1, 2, 3, k=4) }}',
      ),
    ).toBe("11(){}|12(3,){'k': 4}");
    expect(
      render('{% macro m(v) %}[{{ caller(v) }}]{% endmacro %}{% call(x) m(5) %}<{{ x }}>{% endcall %}'),
    ).toBe('[<5>]');
    expect(render('{% macro m() %}{% endmacro %}{{ m.name }}')).toBe('m');
    expect(failure('{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}').message).toBe(
      "macro 'm' takes not more than 1 argument(s)",
    );
    expect(failure('{% macro m(a) %}{% endmacro %}{{ m(1, a=2) }}').message).toBe(
      "macro 'm' takes no keyword argument 'a'",
    );
    expect(failure('{% macro m() %}{{ caller() }}{% endmacro %}{{ m() }}').type).toBe('undefined');
  });

  it('runs filter blocks, raw blocks, print and autoescape blocks', () => {
    expect(render("{% filter replace('a', 'o')|title %}banana split{% endfilter %}")).toBe('Bonono Split');
    expect(render('{% raw %}{{ x }}{% endraw %}|{% print 1, 2 %}')).toBe('{{ x }}|12');
    expect(render("{% autoescape true %}{{ '<a>' }}{% endautoescape %}{{ '<a>' }}")).toBe('&lt;a&gt;<a>');
  });
});

describe('whitespace control', () => {
  it('matches Jinja2 for trim_blocks and lstrip_blocks', () => {
    const src = '<ul>\n  {% for i in [1,2] %}\n    <li>{{ i }}</li>\n  {% endfor %}\n</ul>\n';
    expect(render(src, {}, { trimBlocks: true, lstripBlocks: true })).toBe(
      '<ul>\n    <li>1</li>\n    <li>2</li>\n</ul>',
    );
    expect(render(src)).toBe('<ul>\n  \n    <li>1</li>\n  \n    <li>2</li>\n  \n</ul>');
    expect(render('x\n', {}, { keepTrailingNewline: true })).toBe('x\n');
    expect(render('{%- for i in range(3) -%}\n  {{ i }}\n{%- endfor %}')).toBe('012');
  });
});

describe('templates through a loader', () => {
  const loader = dictLoader({
    base: '<{% block a %}base{% endblock %}|{% block b %}B{% endblock %}>',
    mid: "{% extends 'base' %}{% block a %}M{{ super() }}{% endblock %}",
    inc: '{{ i }}{{ y }}',
    macros: '{% macro hello(n) %}Hi {{ n }}{{ g }}{% endmacro %}{% set v = 5 %}{% set _p = 1 %}',
    bad: 'a\nb\n{{ 1/0 }}',
    req: '[{% block r required %}{% endblock %}]',
    self_include: "{% include 'self_include' %}",
    cyc_a: "{% extends 'cyc_b' %}",
    cyc_b: "{% extends 'cyc_a' %}",
  });
  const env = new Environment({ loader });

  it('renders inheritance with super() over several levels', () => {
    expect(env.fromString("{% extends 'base' %}{% block a %}A{{ super() }}{% endblock %}").render()).toBe(
      '<Abase|B>',
    );
    expect(env.fromString("{% extends 'mid' %}{% block a %}C{{ super() }}{% endblock %}").render()).toBe(
      '<CMbase|B>',
    );
    expect(
      env
        .fromString("pre{% extends 'base' %}ignored{% block b %}{{ v }}{% endblock %}{% set v = 1 %}")
        .render(),
    ).toBe('pre<base|1>');
  });

  it('enforces required blocks and self references', () => {
    expect(() => env.fromString("{% extends 'req' %}").render()).toThrow("Required block 'r' not found.");
    expect(env.fromString("{% extends 'req' %}{% block r %}R{% endblock %}").render()).toBe('[R]');
    expect(env.fromString('{{ self.x() }}{% block x %}X{% endblock %}').render()).toBe('XX');
  });

  it('includes with and without context', () => {
    expect(env.fromString("{% set y = 2 %}{% for i in [1] %}{% include 'inc' %}{% endfor %}").render()).toBe(
      '12',
    );
    expect(env.fromString("{% set y = 2 %}{% include 'inc' without context %}").render()).toBe('');
    expect(env.fromString("{% include 'nope' ignore missing %}ok").render()).toBe('ok');
    expect(env.fromString("{% include ['nope', 'inc'] %}").render({ i: 'I' })).toBe('I');
  });

  it('imports macros and variables, hiding underscore names', () => {
    expect(
      env.fromString("{% import 'macros' as m %}{{ m.hello('x') }}{{ m.v }}[{{ m._p }}]").render({ g: '!' }),
    ).toBe('Hi x5[]');
    expect(
      env.fromString("{% set g = '!' %}{% import 'macros' as m with context %}{{ m.hello('x') }}").render(),
    ).toBe('Hi x!');
    expect(env.fromString("{% from 'macros' import hello as h, v %}{{ h('a') }}{{ v }}").render()).toBe(
      'Hi a5',
    );
    const e = (() => {
      try {
        env.fromString("{% from 'macros' import nope %}\n{{ nope() }}").render();
      } catch (err) {
        return err as TemplateError;
      }
      return null;
    })();
    expect(e?.type).toBe('undefined');
    expect(e?.line).toBe(2);
  });

  it('reports errors in included templates with their own name and line', () => {
    let err: TemplateError | undefined;
    try {
      env.fromString("x\n{% include 'bad' %}").render();
    } catch (e) {
      err = e as TemplateError;
    }
    expect(err?.type).toBe('runtime');
    expect(err?.line).toBe(3);
    expect(err?.templateName).toBe('bad');
    expect(err?.sourceLine).toBe('{{ 1/0 }}');
  });

  it('stops include and extends cycles with a recursion limit error', () => {
    expect(() => env.getTemplate('self_include').render()).toThrow(/recursion/);
    expect(() => env.getTemplate('cyc_a').render()).toThrow(/extends cycle/);
  });

  it('reports missing templates as runtime errors and caches by name', () => {
    expect(failure("{% include 'nope' %}", {}, { loader }).message).toBe("template 'nope' not found");
    expect(env.getTemplate('inc')).toBe(env.getTemplate('inc'));
    env.clearCache();
    expect(env.getTemplate('inc').render({ i: 1, y: 2 })).toBe('12');
  });
});

describe('undefined handling', () => {
  it('prints empty and iterates empty by default, fails on attribute access', () => {
    expect(render('[{{ x }}]{% for i in x %}no{% endfor %}{{ x|default("d") }}')).toBe('[]d');
    const e = failure('a\n{{ x.y }}');
    expect(e.type).toBe('undefined');
    expect(e.message).toBe("'x' is undefined");
    expect(e.line).toBe(2);
    expect(failure('{{ d.a.b }}', { d: {} }).message).toBe("'dict object' has no attribute 'a'");
  });

  it('raises on any use under strict, naming the variable and line', () => {
    const e = failure('\n{% if x %}yes{% endif %}', {}, { undefined: 'strict' });
    expect(e.type).toBe('undefined');
    expect(e.line).toBe(2);
    expect(e.message).toBe("'x' is undefined");
    expect(render('{{ x is defined }}{{ x|default(1) }}', {}, { undefined: 'strict' })).toBe('False1');
  });
});

describe('host integration', () => {
  it('runs host filters with keyword parameters bound by name', () => {
    const env = new Environment();
    env.addFilter('pct', (v, digits) => `${(Number(v) * 100).toFixed(Number(digits ?? 0))}%`, {
      params: ['digits'],
    });
    expect(env.fromString('{{ 0.1234|pct }} {{ 0.1234|pct(1) }} {{ 0.1234|pct(digits=2) }}').render()).toBe(
      '12% 12.3% 12.34%',
    );
    expect(() => env.fromString('{{ 1|pct(nope=1) }}').render()).toThrow(
      "pct() got an unexpected keyword argument 'nope'",
    );
  });

  it('runs host tests and globals without exposing function internals', () => {
    const env = new Environment();
    env.addTest('positive', (v) => Number(v) > 0);
    env.addGlobal('now', () => 'NOW');
    env.addGlobal('cfg', { a: 1 });
    expect(env.fromString('{{ 1 is positive }}{{ now() }}{{ cfg.a }}').render()).toBe('TrueNOW1');
    expect(
      env.fromString('[{{ now.call }}{{ now.apply }}{{ now.name }}{{ now.constructor }}]').render(),
    ).toBe('[]');
    expect(env.fromString('{{ f(2) }}').render({ f: (x: unknown) => Number(x) * 2 })).toBe('4');
  });

  it('autoescapes output but not Markup', () => {
    expect(render('{{ x }}{{ y }}', { x: '<a>', y: new Markup('<b>') }, { autoescape: true })).toBe(
      '&lt;a&gt;<b>',
    );
    expect(render('{% macro m() %}<i>{% endmacro %}{{ m() }}', {}, { autoescape: true })).toBe('<i>');
  });

  it('accepts a Map as context', () => {
    expect(new Environment().fromString('{{ a }}').render(new Map([['a', 1]]))).toBe('1');
  });
});

describe('Jinja2 frame quirks', () => {
  it('starts a name assigned later in the frame as undefined for inner frames', () => {
    const ctx = { a: 'A' };
    expect(render('{% for i in [1] %}{{ a }}{% endfor %}{% set a = 1 %}', ctx)).toBe('');
    expect(render('{{ a }}{% set a = 1 %}', ctx)).toBe('A');
    expect(render('{% if true %}{{ a }}{% endif %}{% set a = 1 %}', ctx)).toBe('A');
    expect(render('{% for i in [1] %}{{ a }}{% endfor %}{% if false %}{% set a = 1 %}{% endif %}', ctx)).toBe(
      'A',
    );
    expect(render('{% set a %}{{ a }}{% endset %}[{{ a }}]', ctx)).toBe('[]');
    expect(
      render('{% block b %}{% for i in [1] %}{{ a }}{% endfor %}{% set a = 1 %}{% endblock %}', ctx),
    ).toBe('');
  });

  it('lets includes see through unassigned locals to the context', () => {
    const env = new Environment({ loader: dictLoader({ inc: '({{ a }})' }) });
    expect(env.fromString("{% include 'inc' %}{% set a = 1 %}{% include 'inc' %}").render({ a: 'A' })).toBe(
      '(A)(1)',
    );
  });

  it('folds constant subscripts but raises for variables', () => {
    expect(render('[{{ none[:1] }}][{{ (1 == 1)[1:0] }}]')).toBe('[][]');
    expect(failure('{{ x[1:] }}', { x: 5 }).message).toBe("'int' object is not subscriptable");
  });
});

describe('autoescape follows Jinja2 evaluation contexts', () => {
  it('escapes output per the lexical autoescape state, macros return Markup per the caller', () => {
    const src =
      '{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% autoescape false %}{% call wrap() %}<b>{% endcall %}{% endautoescape %}';
    expect(render(src, {}, { autoescape: true })).toBe('[&lt;b&gt;]');
  });

  it('starts included templates in the environment mode', () => {
    const env = new Environment({ loader: dictLoader({ inc: '{{ s }}' }) });
    expect(
      env.fromString("{% autoescape true %}{% include 'inc' %}{{ s }}{% endautoescape %}").render({ s: '<' }),
    ).toBe('<&lt;');
  });

  it('folds constant output with the static mode inside a volatile autoescape block', () => {
    expect(
      render(
        '{% autoescape flag %}{{ "<x>" }}{{ s }}{% endautoescape %}',
        { flag: false, s: '<' },
        { autoescape: true },
      ),
    ).toBe('&lt;x&gt;<');
  });
});

describe('host globals with keyword parameters', () => {
  it('binds keywords by name when params are declared', () => {
    const env = new Environment();
    env.addGlobal('today', (tz: unknown) => `T:${String(tz ?? 'utc')}`, { params: ['tz'] });
    expect(env.fromString('{{ today() }} {{ today(tz="Asia/Tokyo") }}').render()).toBe('T:utc T:Asia/Tokyo');
    expect(() => env.fromString('{{ today(zz=1) }}').render()).toThrow(
      "today() got an unexpected keyword argument 'zz'",
    );
    expect(render('{{ (2.0).is_integer() }}')).toBe('True');
  });
});
