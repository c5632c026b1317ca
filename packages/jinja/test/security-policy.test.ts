import { describe, expect, it } from 'vitest';
import { Environment } from '../src/environment.js';
import { TemplateError } from '../src/errors.js';

function run(src: string, ctx: Record<string, unknown> = {}): string {
  return new Environment().fromString(src).render(ctx);
}
function errType(src: string, ctx: Record<string, unknown> = {}): string {
  try {
    run(src, ctx);
  } catch (e) {
    if (e instanceof TemplateError) return e.type;
    throw e;
  }
  return 'none';
}

describe('language-side sandbox policy', () => {
  it('never reaches prototypes, constructors or function internals', () => {
    const ctx = { o: { a: 1 }, f: () => 1, arr: [1] };
    expect(
      run(
        '[{{ o.constructor }}{{ o.__proto__ }}{{ o["__proto__"] }}{{ arr.constructor }}{{ f.call }}{{ f.bind }}]',
        ctx,
      ),
    ).toBe('[]');
    expect(errType("{{ ''.__class__.__mro__ }}")).toBe('security');
    expect(run("{{ ''.__class__ }}")).toBe('');
    expect(errType('{{ f.constructor("return process")() }}', ctx)).toBe('undefined');
  });

  it('does not run getters or read inherited properties of host objects', () => {
    let called = false;
    const o = Object.create({ inherited: 'no' }) as Record<string, unknown>;
    Object.defineProperty(o, 'g', {
      enumerable: true,
      get() {
        called = true;
        return 'secret';
      },
    });
    o.own = 'yes';
    expect(run('{{ o.g }}|{{ o.inherited }}|{{ o.own }}', { o: { g: o.g === undefined ? '' : '' } })).toBe(
      '||',
    );
    called = false;
    const plain: Record<string, unknown> = { own: 'yes' };
    Object.defineProperty(plain, 'g', {
      enumerable: true,
      get: () => {
        called = true;
        return 'secret';
      },
    });
    expect(run('{{ p.g }}|{{ p.own }}', { p: plain })).toBe('|yes');
    expect(called).toBe(false);
  });

  it('keeps template writes away from Object.prototype', () => {
    run(
      "{% set d = {} %}{% set _ = d.update({'__proto__': {'polluted': 1}}) %}{% set ns = namespace() %}{% set x = {'__proto__': 1} %}",
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(errType('{% set ns = namespace() %}{% set ns.__proto__ = 1 %}')).toBe('security');
    expect(run('{% set __proto__ = 5 %}{{ __proto__ }}')).toBe('5');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses to mutate host data', () => {
    const data = { xs: [1] as unknown[], d: { a: 1 } as Record<string, unknown> };
    expect(errType('{{ d.update({"b": 2}) }}', data)).toBe('security');
    expect(data.d.b).toBeUndefined();
  });
});
