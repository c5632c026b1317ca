import { describe, expect, it } from 'vitest';
import { dictLoader, Environment } from '../src/environment.js';
import { LimitError } from '../src/errors.js';
import { DEFAULT_LIMITS, RenderBudget, resolveLimits } from '../src/limits.js';

function limitOf(src: string, env = new Environment()): { limit: string; ms: number } {
  const t = performance.now();
  try {
    env.fromString(src).render();
  } catch (e) {
    if (e instanceof LimitError) return { limit: e.limit, ms: performance.now() - t };
    throw e;
  }
  throw new Error(`no limit hit by ${src}`);
}

describe('resource limits (defaults)', () => {
  it('stops runaway macro recursion', () => {
    expect(limitOf('{% macro r() %}{{ r() }}{% endmacro %}{{ r() }}').limit).toBe('recursion');
  });

  it('stops huge ranges and nested loops', () => {
    expect(limitOf('{% for i in range(10**9) %}{% endfor %}').limit).toBe('range');
    const nested = limitOf(
      '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}',
    );
    expect(nested.limit).toBe('fuel');
    expect(nested.ms).toBeLessThan(1500);
  });

  it('stops floods of output and string blow-ups', () => {
    expect(limitOf("{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}").limit).toBe('output');
    expect(limitOf("{{ 'x' * 10**9 }}").limit).toBe('string');
    expect(
      limitOf(
        "{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
      ).limit,
    ).toBe('string');
  });

  it('stops loops with expensive bodies by the clock', () => {
    const r = limitOf(
      '{% for i in range(100000) %}{% for j in range(100000) %}{% set x = "%.2f"|format(j) %}{% endfor %}{% endfor %}',
    );
    expect(r.limit).toBe('fuel');
    expect(r.ms).toBeLessThan(1500);
    const env = new Environment({ limits: { timeoutMs: 0, fuel: 20_000 } });
    expect(limitOf('{% for i in range(100000) %}{% set x = i * 2 %}{% endfor %}', env).limit).toBe('fuel');
  });

  it('stops include cycles', () => {
    const env = new Environment({ loader: dictLoader({ me: "{% include 'me' %}" }) });
    expect(limitOf("{% include 'me' %}", env).limit).toBe('recursion');
  });

  it('refuses oversized template sources', () => {
    const env = new Environment({ limits: { maxTemplateSize: 10 } });
    expect(() => env.fromString('x'.repeat(11))).toThrow(LimitError);
  });
});

describe('configurable limits', () => {
  it('applies host overrides and ignores nonsense', () => {
    const l = resolveLimits({ fuel: 10, maxOutput: -1 });
    expect(l.fuel).toBe(10);
    expect(l.maxOutput).toBe(DEFAULT_LIMITS.maxOutput);
  });

  it('counts fuel per loop iteration', () => {
    const env = new Environment({ limits: { fuel: 50 } });
    expect(env.fromString('{% for i in range(20) %}{% endfor %}').render()).toBe('');
    expect(limitOf('{% for i in range(100) %}{% endfor %}', env).limit).toBe('fuel');
  });

  it('caps output and recursion as configured', () => {
    expect(limitOf('{{ "x" * 20 }}', new Environment({ limits: { maxOutput: 10 } })).limit).toBe('output');
    const env = new Environment({ limits: { maxRecursion: 5 } });
    expect(
      env.fromString('{% macro r(n) %}{% if n %}{{ r(n - 1) }}{% endif %}{% endmacro %}{{ r(4) }}').render(),
    ).toBe('');
    expect(
      limitOf('{% macro r(n) %}{% if n %}{{ r(n - 1) }}{% endif %}{% endmacro %}{{ r(10) }}', env).limit,
    ).toBe('recursion');
  });

  it('budget methods throw the named limit', () => {
    const b = new RenderBudget(resolveLimits({ fuel: 3, maxString: 5, maxCollection: 5, maxRange: 5 }));
    b.spend(3);
    expect(() => b.spend(1)).toThrow(/fuel/);
    expect(() => b.checkString(6)).toThrow(LimitError);
    expect(() => b.checkCollection(6)).toThrow(LimitError);
    expect(() => b.checkRange(6)).toThrow(LimitError);
  });

  it('keeps the process alive after a JS stack overflow inside rendering', () => {
    const env = new Environment({ limits: { maxRecursion: 100000 } });
    const r = limitOf('{% macro r() %}{{ r() }}{% endmacro %}{{ r() }}', env);
    expect(r.limit).toBe('recursion');
    expect(env.fromString('{{ 1 + 1 }}').render()).toBe('2');
  });
});
