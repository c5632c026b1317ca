import { describe, expect, it } from 'vitest';
import { TemplateSyntaxError } from '../src/errors.js';
import { decodeStringLiteral, normalizeSource, tokenize } from '../src/lexer.js';

const types = (src: string, opts = {}) =>
  tokenize(normalizeSource(src, false), opts).map((t) => `${t.type}:${t.value}`);

describe('lexer', () => {
  it('splits data, variables and blocks with line and column', () => {
    const toks = tokenize('ab\n{{ x }}\n{% if y %}');
    expect(toks.map((t) => [t.type, t.value, t.line, t.column])).toEqual([
      ['data', 'ab\n', 1, 1],
      ['variable_begin', '{{', 2, 1],
      ['name', 'x', 2, 4],
      ['variable_end', '}}', 2, 6],
      ['data', '\n', 2, 8],
      ['block_begin', '{%', 3, 1],
      ['name', 'if', 3, 4],
      ['name', 'y', 3, 7],
      ['block_end', '%}', 3, 9],
      ['eof', '', 3, 9],
    ]);
  });

  it('reads numbers like Python', () => {
    const nums = tokenize('{{ 0x1F 0b11 0o17 1_000 1.5 2e3 1_0.2_5 }}').filter(
      (t) => t.type === 'integer' || t.type === 'float',
    );
    expect(nums.map((t) => [t.type, t.num])).toEqual([
      ['integer', 31],
      ['integer', 3],
      ['integer', 15],
      ['integer', 1000],
      ['float', 1.5],
      ['float', 2000],
      ['float', 10.25],
    ]);
  });

  it('decodes Python string escapes', () => {
    expect(decodeStringLiteral('a\\nb\\t\\x41\\u00e9\\\\\\q')).toBe('a\nb\tA\u00e9\\\\q');
    const s = tokenize(`{{ 'it\\'s' "x" }}`).filter((t) => t.type === 'string');
    expect(s.map((t) => t.value)).toEqual(["it's", 'x']);
  });

  it('keeps brackets balanced so }} inside a dict does not end the tag', () => {
    const t = types("{{ {'a': {'b': 1}} }}");
    expect(t.filter((x) => x.startsWith('variable_end')).length).toBe(1);
  });

  it('applies - whitespace control on both sides', () => {
    expect(types('a  {%- if x -%}  b')).toEqual([
      'data:a',
      'block_begin:{%-',
      'name:if',
      'name:x',
      'block_end:-%}',
      'data:b',
      'eof:',
    ]);
  });

  it('applies trim_blocks and lstrip_blocks, but not to variables, and honours +', () => {
    const opts = { trimBlocks: true, lstripBlocks: true };
    expect(types('  {% if x %}\n  y\n', opts).filter((x) => x.startsWith('data'))).toEqual(['data:  y']);
    expect(types('  {{ x }}\nz', opts).filter((x) => x.startsWith('data'))).toEqual(['data:  ', 'data:\nz']);
    expect(types('  {%+ if x +%}\nz', opts).filter((x) => x.startsWith('data'))).toEqual([
      'data:  ',
      'data:\nz',
    ]);
  });

  it('drops comments and keeps raw blocks verbatim', () => {
    expect(types('a{# {{ x }} #}b')).toEqual(['data:a', 'data:b', 'eof:']);
    expect(types('{% raw %}{{ x }}{% endraw %}')).toEqual(['data:{{ x }}', 'eof:']);
  });

  it('normalizes newlines and drops one trailing newline unless kept', () => {
    expect(normalizeSource('a\r\nb\rc\n', false)).toBe('a\nb\nc');
    expect(normalizeSource('a\n\n', false)).toBe('a\n');
    expect(normalizeSource('a\n', true)).toBe('a\n');
  });

  it('defers lexing errors into an error token with its line', () => {
    const toks = tokenize('x\n{{ a ) }}');
    const err = toks.find((t) => t.type === 'error');
    expect(err?.error).toBeInstanceOf(TemplateSyntaxError);
    expect(err?.error?.message).toBe("unexpected ')'");
    expect(err?.line).toBe(2);
    expect(tokenize('{# open').find((t) => t.type === 'error')?.error?.message).toBe(
      'Missing end of comment tag',
    );
  });
});
