import { describe, expect, it } from 'vitest';
import { Environment } from '../src/environment.js';
import { TemplateSyntaxError } from '../src/errors.js';
import { tokenize } from '../src/lexer.js';
import type { Expr, Stmt } from '../src/nodes.js';
import { parseTokens } from '../src/parser.js';

const parse = (src: string) => parseTokens(tokenize(src));
const firstExpr = (src: string): Expr => {
  const out = parse(`{{ ${src} }}`).body[0] as Extract<Stmt, { kind: 'Output' }>;
  return out.nodes[0] as Expr;
};

function syntaxError(src: string): TemplateSyntaxError {
  try {
    new Environment().fromString(src);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return e;
    throw e;
  }
  throw new Error(`no syntax error for ${src}`);
}

describe('parser', () => {
  it('gives ** left associativity and binds unary minus tighter, like Jinja2', () => {
    const e = firstExpr('2 ** 3 ** 2');
    expect(e.kind).toBe('BinOp');
    if (e.kind === 'BinOp') expect(e.left.kind).toBe('BinOp');
    const n = firstExpr('-2 ** 2');
    expect(n.kind === 'BinOp' && n.left.kind === 'Unary').toBe(true);
  });

  it('parses filters, tests, calls and conditional expressions', () => {
    const e = firstExpr('x|f(1, k=2) is not defined');
    expect(e.kind).toBe('Unary');
    if (e.kind === 'Unary' && e.node.kind === 'Test') {
      expect(e.node.name).toBe('defined');
      expect(e.node.node.kind).toBe('Filter');
    } else throw new Error('expected a negated test');
    const c = firstExpr('a if b');
    expect(c.kind === 'CondExpr' && c.expr2 === null).toBe(true);
    const call = firstExpr('f(1, *xs, k=1, **kw)');
    expect(
      call.kind === 'Call' && call.dynArgs !== null && call.dynKwargs !== null && call.kwargs.length === 1,
    ).toBe(true);
  });

  it('parses tuples, slices and literal constants', () => {
    expect(firstExpr('(1,)').kind).toBe('Tuple');
    expect(firstExpr('()').kind).toBe('Tuple');
    const s = firstExpr('x[1:2:3]');
    expect(s.kind === 'Getitem' && s.arg.kind === 'Slice').toBe(true);
    const t = firstExpr('True');
    expect(t.kind === 'Const' && t.value === true).toBe(true);
  });

  it('parses statement structure', () => {
    const body = parse(
      '{% for a, b in xs if a recursive %}{% else %}{% endfor %}{% macro m(x, y=1) %}{% endmacro %}',
    ).body;
    expect(body.map((s) => s.kind)).toEqual(['For', 'Macro']);
    const f = body[0] as Extract<Stmt, { kind: 'For' }>;
    expect(f.recursive).toBe(true);
    expect(f.target.kind).toBe('Tuple');
    expect(f.test).not.toBeNull();
  });

  it('reports Jinja2 messages and lines', () => {
    expect(syntaxError('a\n{% if x %}\nb').message).toBe(
      "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.",
    );
    expect(syntaxError('a\n{% if x %}\nb').line).toBe(2);
    const unknown = syntaxError('a\nb\n{% frobnicate %}');
    expect(unknown.message).toBe("Encountered unknown tag 'frobnicate'.");
    expect(unknown.line).toBe(3);
    expect(syntaxError('{% for x in y %}{% endif %}').message).toContain(
      "Jinja was looking for the following tags: 'endfor' or 'else'",
    );
    expect(syntaxError('\n\n{% if %}').line).toBe(3);
    expect(syntaxError('{{ a b }}').message).toBe("expected token 'end of print statement', got 'b'");
    expect(syntaxError('{{ x').message).toBe(
      "unexpected end of template, expected 'end of print statement'.",
    );
    expect(syntaxError('{% set 1 = 2 %}').message).toBe("can't assign to 'const'");
    expect(syntaxError('{% macro m(a=1, b) %}{% endmacro %}').message).toBe(
      'non-default argument follows default argument',
    );
    expect(syntaxError("{% from 'x' import _a %}").message).toBe(
      'names starting with an underline can not be imported',
    );
    expect(syntaxError('{% block a %}{% endblock %}{% block a %}{% endblock %}').message).toBe(
      "block 'a' defined twice",
    );
    expect(syntaxError('{{ x|nofilter }}').message).toBe("No filter named 'nofilter'.");
    expect(syntaxError('{{ x is nofilter }}').message).toBe("No test named 'nofilter'.");
  });

  it('reports the first error in source order even when a later tag would fail to lex', () => {
    const e = syntaxError('a\n{{ 1 + }}\n{{ ) }}');
    expect(e.line).toBe(2);
    expect(e.sourceLine).toBe('{{ 1 + }}');
  });

  it('turns absurd nesting into a recursion limit error instead of a crash', () => {
    let caught: unknown;
    try {
      new Environment().fromString(`{{ ${'('.repeat(3000)}1${')'.repeat(3000)} }}`);
    } catch (e) {
      caught = e;
    }
    expect((caught as { type?: string }).type).toBe('limit');
  });
});
