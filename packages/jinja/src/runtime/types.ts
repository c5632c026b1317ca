/**
 * Types (and the shared keyword-argument objects) used by the language side (compiler, runtime)
 * and the value library (builtins). Kept dependency-free apart from the `Undefined` type so both
 * sides can import it early: the value library must not import the runtime, which imports the
 * sandbox, which imports the value library.
 */
import type { Undefined } from '../values.js';

export interface Budget {
  /** Spend `n` steps of fuel; throws LimitError('fuel') when exhausted. */
  spend(n: number): void;
  /** A string/collection is about to reach `size`; throws LimitError('string'|'collection'). */
  checkString(size: number): void;
  checkCollection(size: number): void;
  /** `range()` length check. */
  checkRange(size: number): void;
}

/** Keyword arguments of a call: a null-prototype object. */
export type Kwargs = Record<string, unknown>;

/**
 * A keyword-argument object the compiler builds once (no keywords, or all-constant keywords).
 * A fast-mode object inheriting only from an empty frozen null-prototype
 * object, so nothing is inherited and `Object.keys`/`for…in` on it stay cheap (an `Object.create(null)`
 * object is a dictionary-mode object in V8, where `Object.keys` costs ~4x more).
 */
export function sharedKwargs(entries: readonly (readonly [string, unknown])[]): Kwargs {
  const out = new KwargsObject() as Kwargs;
  for (const [k, v] of entries) out[k] = v;
  return Object.freeze(out);
}
const KwargsObject = function KwargsObject(this: object): void {} as unknown as new () => object;
KwargsObject.prototype = Object.freeze(Object.create(null));

export const EMPTY_KWARGS: Kwargs = sharedKwargs([]);

export interface CallContext {
  budget: Budget;
  /** Sandboxed attribute lookup (`x.name`), Undefined when missing. */
  getAttr(obj: unknown, name: string): unknown;
  /** Call a template-visible callable with Python-style arguments. */
  call(fn: unknown, args: unknown[], kwargs: Kwargs): unknown;
  callFilter(name: string, value: unknown, args: unknown[], kwargs: Kwargs): unknown;
  callTest(name: string, value: unknown, args: unknown[], kwargs: Kwargs): boolean;
  makeUndefined(name?: string, hint?: string): Undefined;
  autoescape: boolean;
  /**
   * The filter/test function `callFilter`/`callTest` would run for `name` (environment overrides
   * included), or undefined when there is none — so a builtin can resolve it once per call and
   * call it directly (passing this context).
   */
  getFilter?(name: string): FilterFn | undefined;
  getTest?(name: string): TestFn | undefined;
}

export type FilterFn = (ctx: CallContext, value: unknown, args: unknown[], kwargs: Kwargs) => unknown;
export type TestFn = (ctx: CallContext, value: unknown, args: unknown[], kwargs: Kwargs) => boolean;
export type GlobalFn = (ctx: CallContext, args: unknown[], kwargs: Kwargs) => unknown;

/** Anything a template may call: macros, globals, bound safe methods, wrapped host functions. */
export class Callable {
  constructor(
    readonly name: string,
    readonly invoke: (ctx: CallContext, args: unknown[], kwargs: Kwargs) => unknown,
  ) {}
}
