import { describe, expect, it } from 'vitest';
import { Environment } from '../src/environment.js';
import { referencedTemplates, undeclaredVariables, validate, variablePaths } from '../src/meta.js';

describe('undeclaredVariables', () => {
  it('matches jinja2.meta.find_undeclared_variables', () => {
    expect(undeclaredVariables('{{ x }}{% set x = 1 %}{{ x }}')).toEqual(['x']);
    expect(undeclaredVariables('{% if a %}{% set x = 1 %}{% endif %}{{ x }}')).toEqual(['a', 'x']);
    expect(
      undeclaredVariables('{% set x = 1 %}{% block b %}{{ x }}{{ super() }}{{ self }}{% endblock %}'),
    ).toEqual(['x']);
    expect(
      undeclaredVariables('{% for a in b if a > c %}{{ loop.index }}{{ d }}{% else %}{{ a }}{% endfor %}'),
    ).toEqual(['a', 'b', 'c', 'd']);
    expect(
      undeclaredVariables(
        '{% macro m(a, b=c) %}{{ a }}{{ e }}{{ caller }}{{ varargs }}{% endmacro %}{{ m }}',
      ),
    ).toEqual(['c', 'e']);
    expect(undeclaredVariables('{% set ns = namespace() %}{% set ns.a = y %}{{ range(3) }}')).toEqual(['y']);
    expect(undeclaredVariables('{% with a = b %}{{ a }}{% endwith %}{{ a }}')).toEqual(['a', 'b']);
    expect(
      undeclaredVariables('{% import "x" as m %}{{ m.a }}{% from "y" import k as kk %}{{ kk }}'),
    ).toEqual([]);
    expect(undeclaredVariables('{{ loop }}{{ caller }}')).toEqual(['caller', 'loop']);
    // Frame semantics: an inner frame's read of a name the root assigns later is not a context read.
    expect(undeclaredVariables('{% for a in [1] %}{{ c }}{% endfor %}{% set c = 1 %}')).toEqual([]);
    expect(undeclaredVariables('{{ self.a() }}{% block a %}A{% endblock %}')).toEqual([]);
  });
});

describe('variablePaths', () => {
  it('lists attribute paths read from the context', () => {
    expect(
      variablePaths(
        '{{ price.last }}{{ indicators["rsi"] }}{% for x in y %}{{ x.a }}{% endfor %}{{ s.upper() }}{{ d[k].v }}',
      ),
    ).toEqual(['d', 'indicators.rsi', 'k', 'price.last', 's', 'y']);
  });
});

describe('referencedTemplates', () => {
  it('matches jinja2.meta.find_referenced_templates', () => {
    expect(
      referencedTemplates(
        '{% extends "a" %}{% include ["b", x] %}{% import y as z %}{% include "c" ~ d %}{% from "e" import f %}',
      ),
    ).toEqual(['a', 'b', null, null, null, 'e']);
    expect(referencedTemplates("{% extends ['n', 'b'] %}")).toEqual(['n', 'b']);
  });
});

describe('validate', () => {
  it('accepts valid templates', () => {
    expect(validate('{% for x in y %}{{ x|upper }}{% endfor %}')).toEqual({ valid: true, errors: [] });
  });

  it('reports the first error as Jinja2 does and keeps going', () => {
    const r = validate('a\n{% if x %}\n{{ 1 + }}\n{{ ) }}\n{% frob %}');
    expect(r.valid).toBe(false);
    expect(r.errors[0]).toEqual({
      message: "unexpected 'end of print statement'",
      line: 3,
      column: 8,
      sourceLine: '{{ 1 + }}',
    });
    expect(r.errors.map((e) => e.line)).toEqual([3, 4, 5]);
    expect(r.errors[2]?.message).toBe("Encountered unknown tag 'frob'.");
  });

  it('checks filter names against an environment', () => {
    const env = new Environment();
    expect(validate('{{ x|percent }}', { environment: env }).valid).toBe(false);
    env.addFilter('percent', (v) => v);
    expect(env.validate('{{ x|percent }}').valid).toBe(true);
  });
});
