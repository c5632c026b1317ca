/**
 * A minimal CallContext for calling builtins directly in unit tests: a budget with small limits,
 * attribute lookup on own data / safe methods / our objects, and filter/test dispatch through the
 * builtin registries.
 */
import { builtinFilters } from '../../src/builtins/filters.js';
import { lookupMethod } from '../../src/builtins/methods.js';
import { builtinTests } from '../../src/builtins/tests.js';
import { LimitError, TemplateRuntimeError } from '../../src/errors.js';
import { type Budget, Callable, type CallContext, type Kwargs } from '../../src/runtime/types.js';
import { isMapping, MISSING, mappingGet, namedField, PyObject, Undefined } from '../../src/values.js';

export interface TestBudget extends Budget {
  fuel: number;
}

export function makeBudget(
  limits: { string?: number; collection?: number; range?: number; fuel?: number } = {},
): TestBudget {
  const maxString = limits.string ?? 100_000;
  const maxCollection = limits.collection ?? 100_000;
  const maxRange = limits.range ?? 100_000;
  const budget: TestBudget = {
    fuel: limits.fuel ?? 10_000_000,
    spend(n: number) {
      budget.fuel -= n;
      if (budget.fuel < 0) throw new LimitError('fuel', 'fuel exhausted');
    },
    checkString(size: number) {
      if (size > maxString) throw new LimitError('string', `string too long (${size})`);
    },
    checkCollection(size: number) {
      if (size > maxCollection) throw new LimitError('collection', `collection too large (${size})`);
    },
    checkRange(size: number) {
      if (size > maxRange) throw new LimitError('range', `range too large (${size})`);
    },
  };
  return budget;
}

export function kw(obj: Record<string, unknown> = {}): Kwargs {
  return Object.assign(Object.create(null), obj);
}

export function makeCtx(opts: { autoescape?: boolean; budget?: Budget; strict?: boolean } = {}): CallContext {
  const ctx: CallContext = {
    budget: opts.budget ?? makeBudget(),
    autoescape: opts.autoescape ?? false,
    getAttr(obj, name) {
      const m = lookupMethod(obj, name);
      if (m) return m;
      if (isMapping(obj)) {
        const v = mappingGet(obj, name);
        return v === MISSING ? new Undefined(name) : v;
      }
      const f = namedField(obj, name);
      if (f !== MISSING) return f;
      if (obj instanceof PyObject && 'pyGetAttr' in obj) {
        const v = (obj as unknown as { pyGetAttr(n: string): unknown }).pyGetAttr(name);
        if (v !== MISSING) return v;
      }
      return new Undefined(name);
    },
    call(fn, args, kwargs) {
      if (fn instanceof Callable) return fn.invoke(ctx, args, kwargs);
      throw new TemplateRuntimeError('not callable');
    },
    callFilter(name, value, args, kwargs) {
      const f = builtinFilters[name];
      if (!f) throw new TemplateRuntimeError(`No filter named '${name}'.`);
      return f(ctx, value, args, kwargs);
    },
    callTest(name, value, args, kwargs) {
      const t = builtinTests[name];
      if (!t) throw new TemplateRuntimeError(`No test named '${name}'.`);
      return t(ctx, value, args, kwargs);
    },
    makeUndefined(name, hint) {
      return new Undefined(name, hint, opts.strict === true);
    },
  };
  return ctx;
}

/** Calls a builtin filter the way `{{ value|name(*args, **kwargs) }}` would. */
export function filter(
  name: string,
  value: unknown,
  args: unknown[] = [],
  kwargs: Record<string, unknown> = {},
  ctx = makeCtx(),
): unknown {
  return ctx.callFilter(name, value, args, kw(kwargs));
}

export function test(
  name: string,
  value: unknown,
  args: unknown[] = [],
  kwargs: Record<string, unknown> = {},
  ctx = makeCtx(),
): boolean {
  return ctx.callTest(name, value, args, kw(kwargs));
}
