import { describe, expect, it } from 'vitest';
import { TemplateRuntimeError, UndefinedError } from '../src/errors.js';
import {
  binaryOp,
  compare,
  contains,
  equals,
  float,
  getItem,
  isFloat,
  isInt,
  isMapping,
  iterate,
  length,
  Markup,
  MISSING,
  makeDict,
  mappingGet,
  mappingKeys,
  escape as markupEscape,
  PyFloat,
  PyRange,
  repr,
  slice,
  sliceOrMissing,
  toStr,
  truthy,
  tuple,
  typeName,
  Undefined,
  unaryOp,
} from '../src/values.js';
import { makeBudget } from './helpers/values-ctx.js';

const s = (v: unknown) => toStr(v);

describe('printing', () => {
  it('prints None, booleans and ints like Python', () => {
    expect([null, undefined, true, false, 0, -5, 1e21, 10 ** 20].map(s)).toEqual([
      'None',
      'None',
      'True',
      'False',
      '0',
      '-5',
      '1000000000000000000000',
      '100000000000000000000',
    ]);
  });
  it('prints ints beyond 2^53 as the most likely Python value', () => {
    expect(s(2 ** 62)).toBe('4611686018427387904');
    expect(s(10 ** 30)).toBe('1000000000000000000000000000000');
    expect(s(3 * 2 ** 60)).toBe('3458764513820540928');
    expect(s(-(10 ** 25))).toBe('-10000000000000000000000000');
  });
  it('prints floats with Python repr', () => {
    const cases: [unknown, string][] = [
      [float(43), '43.0'],
      [1e-5, '1e-05'],
      [0.1, '0.1'],
      [float(1e16), '1e+16'],
      [float(1e15), '1000000000000000.0'],
      [123456789012345.6, '123456789012345.6'],
      [float(-0), '-0.0'],
      [Number.POSITIVE_INFINITY, 'inf'],
      [Number.NEGATIVE_INFINITY, '-inf'],
      [Number.NaN, 'nan'],
      [2.5e-7, '2.5e-07'],
      [1 / 3, '0.3333333333333333'],
      [0.0001, '0.0001'],
      [float(1.5e300), '1.5e+300'],
      [5e-324, '5e-324'],
    ];
    for (const [v, want] of cases) expect(s(v)).toBe(want);
  });
  it('reprs strings with Python quoting and escapes', () => {
    expect(repr(["a'b", 'a"b', 'a\'"b', 'x\n\\\x01\x7f\xa0é\u2028😀\t\r'])).toBe(
      `["a'b", 'a"b', 'a\\'"b', 'x\\n\\\\\\x01\\x7f\\xa0é\\u2028😀\\t\\r']`,
    );
  });
  it('escapes characters Python 3.11 (Unicode 14) does not know yet', () => {
    expect(repr('🫨🩷😀\u31ef')).toBe("'\\U0001fae8\\U0001fa77😀\\u31ef'");
  });
  it('reprs tuples, dicts and nested values', () => {
    expect(repr(tuple([1]))).toBe('(1,)');
    expect(repr(tuple([]))).toBe('()');
    const d = makeDict([
      ['a', 1],
      [tuple([1, 2]), null],
      [2, [true, false]],
    ]);
    expect(repr(d)).toBe("{'a': 1, (1, 2): None, 2: [True, False]}");
    expect(s({ b: [float(1), 'x'] })).toBe("{'b': [1.0, 'x']}");
    expect(repr(new Markup('<b>'))).toBe("Markup('<b>')");
    expect(s([new Markup('a')])).toBe("[Markup('a')]");
  });
  it('prints recursive lists without looping', () => {
    const l: unknown[] = [1];
    l.push(l);
    expect(s(l)).toBe('[1, [...]]');
  });
  it('prints ranges like Python', () => {
    expect(s(new PyRange(0, 3, 1))).toBe('range(0, 3)');
    expect(s(new PyRange(10, 0, -2))).toBe('range(10, 0, -2)');
  });
  it('prints default Undefined as empty and strict Undefined raises', () => {
    expect(s(new Undefined('x'))).toBe('');
    expect(() => s(new Undefined('x', undefined, true))).toThrow(UndefinedError);
    expect(() => s(new Undefined('x', undefined, true))).toThrow("'x' is undefined");
  });
  it('fails with a limit error instead of building a huge repr', () => {
    const big = 'x'.repeat(1000);
    const list = Array.from({ length: 1000 }, () => big);
    expect(() => toStr(list, makeBudget({ string: 50_000 }))).toThrow(/string too long/);
  });
});

describe('numbers', () => {
  it('tells ints from floats', () => {
    expect([
      isInt(3),
      isInt(3.5),
      isInt(float(3)),
      isInt(true),
      isFloat(float(3)),
      isFloat(2.5),
      isFloat(1),
    ]).toEqual([true, false, false, false, true, true, false]);
    expect(float(2)).toBeInstanceOf(PyFloat);
    expect(float(2.5)).toBe(2.5);
  });
});

describe('binaryOp', () => {
  const b = makeBudget({ string: 1000, collection: 1000 });
  const op = (o: string, x: unknown, y: unknown) => s(binaryOp(o, x, y, b));
  it('divides like Python 3', () => {
    expect([
      op('/', 7, 2),
      op('/', 6, 3),
      op('//', 7, 2),
      op('//', -7, 2),
      op('//', 7, -2),
      op('//', 7.5, 2),
    ]).toEqual(['3.5', '2.0', '3', '-4', '-4', '3.0']);
  });
  it('takes the modulo sign from the divisor', () => {
    expect([
      op('%', -7, 3),
      op('%', 7, -3),
      op('%', -7.5, 2),
      op('%', 5, 0.5),
      op('%', float(-0), 5),
    ]).toEqual(['2', '-2', '0.5', '0.0', '0.0']);
  });
  it('keeps int**int an int unless the exponent is negative', () => {
    expect([op('**', 2, 10), op('**', 2, -1), op('**', float(2), 3), op('**', 10, 20)]).toEqual([
      '1024',
      '0.5',
      '8.0',
      '100000000000000000000',
    ]);
  });
  it('treats bools as ints', () => {
    expect(op('+', true, 1)).toBe('2');
    expect(op('*', true, 'ab')).toBe('ab');
  });
  it('repeats and concatenates sequences', () => {
    expect(op('*', '-', 5)).toBe('-----');
    expect(op('*', [1], 3)).toBe('[1, 1, 1]');
    expect(op('*', 'ab', -1)).toBe('');
    expect(op('+', tuple([1]), tuple([2]))).toBe('(1, 2)');
    expect(op('+', [1], [2])).toBe('[1, 2]');
    expect(op('+', 'a', 'b')).toBe('ab');
    expect(op('*', float(0), -1)).toBe('-0.0');
    expect(op('*', 1e308, 10)).toBe('inf');
  });
  it('escapes plain strings added to Markup', () => {
    const r = binaryOp('+', new Markup('<b>'), '<i>', b);
    expect(r).toBeInstanceOf(Markup);
    expect(s(r)).toBe('<b>&lt;i&gt;');
    expect(s(binaryOp('+', '<i>', new Markup('<b>'), b))).toBe('&lt;i&gt;<b>');
  });
  it('raises Python errors', () => {
    const err = (o: string, x: unknown, y: unknown) => {
      try {
        binaryOp(o, x, y, b);
      } catch (e) {
        expect(e).toBeInstanceOf(TemplateRuntimeError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err('/', 1, 0)).toBe('division by zero');
    expect(err('/', 1.5, 0)).toBe('float division by zero');
    expect(err('//', 1, 0)).toBe('integer division or modulo by zero');
    expect(err('%', 1, 0)).toBe('integer modulo by zero');
    expect(err('**', 0, -1)).toBe('0.0 cannot be raised to a negative power');
    expect(err('+', 'a', 1)).toBe('can only concatenate str (not "int") to str');
    expect(err('+', 1, 'a')).toBe("unsupported operand type(s) for +: 'int' and 'str'");
    expect(err('-', 'a', 1)).toBe("unsupported operand type(s) for -: 'str' and 'int'");
    expect(err('+', null, 1)).toBe("unsupported operand type(s) for +: 'NoneType' and 'int'");
    expect(err('+', [1], tuple([1]))).toBe('can only concatenate list (not "tuple") to list');
    expect(err('*', 'a', 1.5)).toBe("can't multiply sequence by non-int of type 'float'");
  });
  it('raises UndefinedError for arithmetic on Undefined', () => {
    expect(() => binaryOp('+', new Undefined('x'), 1, b)).toThrow(UndefinedError);
  });
  it('checks the budget before repeating', () => {
    expect(() => binaryOp('*', 'x', 10 ** 9, b)).toThrow(/string too long/);
    expect(() => binaryOp('*', [1, 2], 10 ** 9, b)).toThrow(/collection too large/);
    expect(() => binaryOp('+', 'x'.repeat(600), 'y'.repeat(600), b)).toThrow(/string too long/);
  });
  it('formats with % on strings', () => {
    expect(op('%', '%s-%r', tuple(['a', 'b']))).toBe("a-'b'");
    expect(op('%', '%d', 3.99)).toBe('3');
    expect(op('%', '%s', [1, 'a'])).toBe("[1, 'a']");
  });
});

describe('unaryOp', () => {
  it('negates with Python types', () => {
    expect(s(unaryOp('-', 0))).toBe('0');
    expect(s(unaryOp('-', float(0)))).toBe('-0.0');
    expect(s(unaryOp('-', true))).toBe('-1');
    expect(s(unaryOp('+', 2.5))).toBe('2.5');
    expect(() => unaryOp('-', 'a')).toThrow("bad operand type for unary -: 'str'");
  });
});

describe('compare and equals', () => {
  it('compares numbers across int, float and bool', () => {
    expect(equals(1, float(1))).toBe(true);
    expect(equals(1, true)).toBe(true);
    expect(equals(0, false)).toBe(true);
    expect(equals('1', 1)).toBe(false);
    expect(compare('<', 1, 1.5)).toBe(true);
    expect(compare('>=', true, 1)).toBe(true);
    expect(compare('<', Number.NaN, 1)).toBe(false);
  });
  it('orders strings by code point and sequences lexicographically', () => {
    expect(compare('<', 'B', 'a')).toBe(true);
    expect(compare('<', '\uffff', '😀')).toBe(true);
    expect(compare('<', [1, 2], [1, 3])).toBe(true);
    expect(compare('<', [1, 2], [1, 2, 0])).toBe(true);
    expect(compare('>', tuple([2]), tuple([1, 9]))).toBe(true);
  });
  it('compares containers for equality', () => {
    expect(equals([1, [2]], [1, [2]])).toBe(true);
    expect(equals([1], tuple([1]))).toBe(false);
    expect(equals(makeDict([['a', 1]]), { a: 1 })).toBe(true);
    expect(equals(new Markup('a'), 'a')).toBe(true);
    expect(equals(null, undefined)).toBe(true);
    expect(equals(new Undefined('a'), new Undefined('b'))).toBe(true);
    expect(equals(new Undefined('a'), null)).toBe(false);
  });
  it('raises for unorderable types', () => {
    expect(() => compare('<', 'a', 1)).toThrow("'<' not supported between instances of 'str' and 'int'");
    expect(() => compare('<', null, null)).toThrow(
      "'<' not supported between instances of 'NoneType' and 'NoneType'",
    );
    expect(() => compare('<', [1], tuple([1]))).toThrow(
      "'<' not supported between instances of 'list' and 'tuple'",
    );
    expect(() => compare('<', new Undefined('u'), 1)).toThrow(UndefinedError);
  });
});

describe('truthy, length, contains, iterate', () => {
  it('has Python truthiness', () => {
    const falsy = [
      null,
      undefined,
      false,
      0,
      float(0),
      '',
      [],
      tuple([]),
      new Map(),
      {},
      new Undefined('x'),
      new PyRange(0, 0, 1),
    ];
    for (const v of falsy) expect(truthy(v)).toBe(false);
    const truthyVals = [true, 1, 0.5, Number.NaN, ' ', [0], { a: 0 }, new Markup('x'), new PyRange(0, 1, 1)];
    for (const v of truthyVals) expect(truthy(v)).toBe(true);
  });
  it('counts code points and items', () => {
    expect(length('😀a')).toBe(2);
    expect(length({ a: 1, b: 2 })).toBe(2);
    expect(length(new PyRange(0, 10, 3))).toBe(4);
    expect(length(new Undefined('x'))).toBe(0);
    expect(() => length(null)).toThrow("object of type 'NoneType' has no len()");
  });
  it('tests membership like Python', () => {
    expect(contains('abc', 'bc')).toBe(true);
    expect(contains([1, 2], float(2))).toBe(true);
    expect(contains({ a: 1 }, 'a')).toBe(true);
    expect(contains({ a: 1 }, 1)).toBe(false);
    expect(contains(new PyRange(0, 10, 2), 4)).toBe(true);
    expect(contains(new PyRange(0, 10, 2), 5)).toBe(false);
    expect(contains(new Undefined('x'), 1)).toBe(false);
    expect(() => contains('a', 1)).toThrow("'in <string>' requires string as left operand, not int");
    expect(() => contains(3, 1)).toThrow("argument of type 'int' is not iterable");
  });
  it('iterates strings, dicts and ranges', () => {
    expect([...iterate('a😀')]).toEqual(['a', '😀']);
    expect([...iterate({ x: 1, y: 2 })]).toEqual(['x', 'y']);
    expect([...iterate(new PyRange(5, 0, -2))]).toEqual([5, 3, 1]);
    expect([...iterate(new Undefined('x'))]).toEqual([]);
    expect(() => iterate(3)).toThrow("'int' object is not iterable");
  });
});

describe('mappings and sandboxing', () => {
  it('reads only own enumerable data properties of host objects', () => {
    const proto = { inherited: 1 };
    const obj = Object.create(proto) as Record<string, unknown>;
    expect(isMapping(obj)).toBe(false);
    const host: Record<string, unknown> = { a: 1 };
    Object.defineProperty(host, 'getter', { get: () => 'boom', enumerable: true });
    Object.defineProperty(host, 'hidden', { value: 2, enumerable: false });
    expect(mappingGet(host, 'a')).toBe(1);
    expect(mappingGet(host, 'getter')).toBe(MISSING);
    expect(mappingGet(host, 'hidden')).toBe(MISSING);
    expect(mappingGet(host, 'toString')).toBe(MISSING);
    expect(mappingGet(host, '__proto__')).toBe(MISSING);
    expect(mappingKeys(host)).toEqual(['a']);
    expect(isMapping(new Date())).toBe(false);
  });
  it('uses Python key equality for dicts', () => {
    const d = makeDict([
      [1, 'a'],
      [true, 'b'],
      [float(1), 'c'],
    ]);
    expect(d.size).toBe(1);
    expect(s(d)).toBe("{1: 'c'}");
    expect(mappingGet(d, float(1))).toBe('c');
    expect(mappingGet(makeDict([[tuple([1, 2]), 'x']]), tuple([1, 2]))).toBe('x');
  });
});

describe('getItem and slice', () => {
  it('indexes with Python rules', () => {
    expect(getItem('abc', -1)).toBe('c');
    expect(getItem([1, 2, 3], true)).toBe(2);
    expect(getItem([1, 2, 3], 5)).toBe(MISSING);
    expect(getItem([1, 2, 3], 1.0)).toBe(2);
    expect(getItem([1, 2, 3], 1.5)).toBe(MISSING);
    expect(getItem({ a: 1 }, 'a')).toBe(1);
    expect(getItem({ a: 1 }, 'constructor')).toBe(MISSING);
    expect(getItem(new PyRange(0, 10, 2), -1)).toBe(8);
    expect(getItem(5, 0)).toBe(MISSING);
    expect(() => getItem(new Undefined('x'), 0)).toThrow(UndefinedError);
  });
  it('slices like Python', () => {
    expect(slice('abcdef', 1, 5, 2)).toBe('bd');
    expect(slice([1, 2, 3, 4, 5], null, null, -2)).toEqual([5, 3, 1]);
    expect(slice([1, 2, 3], 5, 1, -1)).toEqual([3]);
    expect(slice('abc', null, null, -1)).toBe('cba');
    expect(slice([1, 2], -5, 9, null)).toEqual([1, 2]);
    expect(s(slice(tuple([1, 2, 3]), 1, null, null))).toBe('(2, 3)');
    expect(s(slice(new PyRange(0, 3, 1), 1, null, null))).toBe('range(1, 3)');
    expect(slice(new Markup('<b>x'), 0, 2, null)).toEqual(new Markup('<b'));
    expect(() => slice('abc', null, null, 0)).toThrow('slice step cannot be zero');
  });
  it('raises for unsliceable values like a direct subscript, unless constant-folded', () => {
    expect(() => slice(5, 1, null, null)).toThrow("'int' object is not subscriptable");
    expect(() => slice(null, null, 1, null)).toThrow("'NoneType' object is not subscriptable");
    expect(() => slice({ a: 1 }, 0, 1, null)).toThrow("unhashable type: 'slice'");
    expect(() => slice([1], 'a', null, null)).toThrow('slice indices must be integers');
    expect(sliceOrMissing(true, 1, 0, null)).toBe(MISSING);
    expect(sliceOrMissing({ a: 1 }, 0, 1, null)).toBe(MISSING);
    expect(sliceOrMissing([1, 2], 1, null, null)).toEqual([2]);
    expect(() => sliceOrMissing([1], null, null, 0)).toThrow('slice step cannot be zero');
  });
});

describe('escape and typeName', () => {
  it('escapes the five HTML characters like markupsafe', () => {
    expect(markupEscape(`<a href="x">'&'</a>`).value).toBe(
      '&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    expect(markupEscape(null).value).toBe('None');
    const m = new Markup('<b>');
    expect(markupEscape(m)).toBe(m);
  });
  it('names Python types', () => {
    expect(
      [null, true, 1, 1.5, float(1), 'a', [], tuple([]), {}, new Map(), new PyRange(0, 1, 1)].map(typeName),
    ).toEqual(['NoneType', 'bool', 'int', 'float', 'float', 'str', 'list', 'tuple', 'dict', 'dict', 'range']);
  });
});
