/**
 * Every Jinja2 builtin test (`{% if x is odd %}`), with Python semantics: `odd`/`even`/
 * `divisibleby` go through Python `%` (so `'a' is odd` fails like it does in Python), `number`
 * includes booleans, `sequence` accepts dicts, and so on.
 */
import type { CallContext, Kwargs, TestFn } from '../runtime/types.js';
import { Callable } from '../runtime/types.js';
import {
  binaryOp,
  compare,
  contains,
  equals,
  isFloat,
  isInt,
  isIterable,
  isMapping,
  isNumeric,
  Markup,
  PyObject,
  PyRange,
  toStr,
  Undefined,
  undefinedError,
} from '../values.js';
import { builtinFilters } from './filters.js';
import { bind, noKwargs } from './params.js';

/** Optional hooks the language may add to its CallContext so `filter`/`test` see host additions. */
interface EnvLookup {
  hasFilter?(name: string): boolean;
  hasTest?(name: string): boolean;
}

function one(name: string, args: unknown[], kwargs: Kwargs): unknown {
  if (args.length === 1 && noKwargs(kwargs)) return args[0];
  return bind({ name, params: [['other']] }, args, kwargs)[0];
}

function cmpTest(op: '==' | '!=' | '<' | '<=' | '>' | '>=', name: string): TestFn {
  if (op === '==') return (_ctx, value, args, kwargs) => equals(value, one(name, args, kwargs));
  if (op === '!=') return (_ctx, value, args, kwargs) => !equals(value, one(name, args, kwargs));
  return (_ctx, value, args, kwargs) => compare(op, value, one(name, args, kwargs));
}

function isLower(s: string): boolean {
  return /\p{Ll}/u.test(s) && !/[\p{Lu}\p{Lt}]/u.test(s);
}

function isUpper(s: string): boolean {
  return /[\p{Lu}\p{Lt}]/u.test(s) && !/\p{Ll}/u.test(s);
}

export const builtinTests: Record<string, TestFn> = Object.create(null);

const t = builtinTests;
t.odd = (ctx, value) => equals(binaryOp('%', value, 2, ctx.budget), 1);
t.even = (ctx, value) => equals(binaryOp('%', value, 2, ctx.budget), 0);
t.divisibleby = (ctx, value, args, kwargs) => {
  const [num] = bind({ name: 'test_divisibleby', params: [['num']] }, args, kwargs);
  return equals(binaryOp('%', value, num, ctx.budget), 0);
};
t.defined = (_ctx, value) => !(value instanceof Undefined);
t.undefined = (_ctx, value) => value instanceof Undefined;
t.none = (_ctx, value) => value === null || value === undefined;
t.boolean = (_ctx, value) => typeof value === 'boolean';
t.false = (_ctx, value) => value === false;
t.true = (_ctx, value) => value === true;
t.integer = (_ctx, value) => isInt(value);
t.float = (_ctx, value) => isFloat(value);
t.number = (_ctx, value) => isNumeric(value);
t.string = (_ctx, value) => typeof value === 'string' || value instanceof Markup;
t.mapping = (_ctx, value) => isMapping(value);
t.sequence = (_ctx, value) =>
  (value instanceof Undefined && !value.strict) ||
  typeof value === 'string' ||
  value instanceof Markup ||
  Array.isArray(value) ||
  isMapping(value) ||
  value instanceof PyRange;
t.iterable = (_ctx, value) => {
  // iter() on a strict Undefined raises; on a default one it yields nothing.
  if (value instanceof Undefined && value.strict) throw undefinedError(value);
  return isIterable(value);
};
t.callable = (_ctx, value) =>
  value instanceof Undefined || // Undefined defines __call__ (it raises when called)
  value instanceof Callable ||
  typeof value === 'function' ||
  isCallableObject(value);
t.sameas = (_ctx, value, args, kwargs) => {
  const other = bind({ name: 'test_sameas', params: [['other']] }, args, kwargs)[0];
  if (value === undefined || other === undefined) return (value ?? null) === (other ?? null);
  return Object.is(value, other) || (value === 0 && other === 0);
};
t.escaped = (_ctx, value) => value instanceof Markup;
t.in = (_ctx, value, args, kwargs) => {
  const seq = bind({ name: 'test_in', params: [['seq']] }, args, kwargs)[0];
  return contains(seq, value);
};
t.lower = (_ctx, value) => isLower(toStr(value));
t.upper = (_ctx, value) => isUpper(toStr(value));
t.filter = (ctx, value) => {
  if (value instanceof Undefined && value.strict) throw undefinedError(value);
  const name = toStr(value);
  const env = ctx as CallContext & EnvLookup;
  return env.hasFilter ? env.hasFilter(name) : name in builtinFilters;
};
t.test = (ctx, value) => {
  if (value instanceof Undefined && value.strict) throw undefinedError(value);
  const name = toStr(value);
  const env = ctx as CallContext & EnvLookup;
  return env.hasTest ? env.hasTest(name) : name in builtinTests;
};
t['=='] = cmpTest('==', 'eq');
t.eq = t['=='];
t.equalto = t['=='];
t['!='] = cmpTest('!=', 'ne');
t.ne = t['!='];
t['>'] = cmpTest('>', 'gt');
t.gt = t['>'];
t.greaterthan = t['>'];
t['>='] = cmpTest('>=', 'ge');
t.ge = t['>='];
t['<'] = cmpTest('<', 'lt');
t.lt = t['<'];
t.lessthan = t['<'];
t['<='] = cmpTest('<=', 'le');
t.le = t['<='];

// Python raises TypeError when a one-argument test gets extra arguments (`x is odd(1)`).
for (const name of [
  'odd',
  'even',
  'defined',
  'undefined',
  'none',
  'boolean',
  'false',
  'true',
  'integer',
  'float',
  'number',
  'string',
  'mapping',
  'sequence',
  'iterable',
  'callable',
  'escaped',
  'lower',
  'upper',
  'filter',
  'test',
]) {
  const fn = builtinTests[name];
  if (fn) {
    builtinTests[name] = (ctx, value, args, kwargs) => {
      if (args.length > 0 || !noKwargs(kwargs)) {
        bind({ name: `test_${name}`, params: [] }, args, kwargs);
      }
      return fn(ctx, value, args, kwargs);
    };
  }
}

/** Our own objects that Python would consider callable (joiner is a Callable already). */
function isCallableObject(v: unknown): boolean {
  return v instanceof PyObject && v.pyMethod('__call__') !== undefined;
}
