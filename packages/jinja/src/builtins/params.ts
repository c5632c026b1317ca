/**
 * Python-style argument binding for builtins: positional arguments fill parameters in order,
 * keywords fill them by name, defaults fill the rest. Errors read like CPython's.
 */
import { TemplateRuntimeError } from '../errors.js';
import type { Kwargs } from '../runtime/types.js';
import { EMPTY_KWARGS } from '../runtime/types.js';

/** A parameter: its name and, when optional, its default value. */
export type Param = readonly [name: string] | readonly [name: string, defaultValue: unknown];

export interface Signature {
  readonly name: string;
  readonly params: readonly Param[];
  /** Accept extra positional arguments (returned in `rest`). */
  readonly varargs?: boolean;
  /** Accept unknown keywords (returned in `extra`). */
  readonly varkw?: boolean;
}

export interface Bound {
  values: unknown[];
  rest: unknown[];
  extra: Kwargs;
}

const REQUIRED = Symbol('required');

/**
 * Binds `args`/`kwargs` to `sig`. `offset` is how many leading parameters were already passed
 * (the filtered value), only used so error counts match what the template author wrote.
 */
export function bindArgs(sig: Signature, args: readonly unknown[], kwargs: Kwargs | undefined): Bound {
  const values = bindValues(sig, args, kwargs);
  const n = sig.params.length;
  const rest = args.length > n ? args.slice(n) : [];
  const extra = Object.create(null) as Kwargs;
  if (kwargs && sig.varkw) {
    for (const key in kwargs) {
      if (!sig.params.some((p) => p[0] === key)) extra[key] = kwargs[key];
    }
  }
  return { values, rest, extra };
}

/** `bindArgs(...).values` without building `rest`/`extra` (keywords left for `varkw` are skipped). */
function bindValues(sig: Signature, args: readonly unknown[], kwargs: Kwargs | undefined): unknown[] {
  const { params, name } = sig;
  const n = params.length;
  if (args.length > n && !sig.varargs) {
    const min = params.filter((p) => p.length === 1).length;
    const takes = min === n ? `${n}` : `from ${min} to ${n}`;
    throw new TemplateRuntimeError(
      `${name}() takes ${takes} positional argument${min === n && min === 1 ? '' : 's'} but ${args.length} ${args.length === 1 ? 'was' : 'were'} given`,
    );
  }
  // Plain loops: this runs on every filter call that passes keywords.
  const values = new Array<unknown>(n);
  let missingAny = false;
  for (let i = 0; i < n; i++) {
    const p = params[i] as Param;
    values[i] = i < args.length ? args[i] : p.length > 1 ? p[1] : REQUIRED;
  }
  if (kwargs) {
    for (const key in kwargs) {
      let idx = -1;
      for (let i = 0; i < n; i++) {
        if ((params[i] as Param)[0] === key) {
          idx = i;
          break;
        }
      }
      if (idx < 0) {
        if (sig.varkw) continue;
        throw new TemplateRuntimeError(`${name}() got an unexpected keyword argument '${key}'`);
      }
      if (idx < args.length)
        throw new TemplateRuntimeError(`${name}() got multiple values for argument '${key}'`);
      values[idx] = kwargs[key];
    }
  }
  for (let i = 0; i < n; i++) if (values[i] === REQUIRED) missingAny = true;
  if (missingAny) {
    const missing = params.filter((_, i) => values[i] === REQUIRED).map((p) => `'${p[0]}'`);
    const list =
      missing.length === 1
        ? missing[0]
        : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
    throw new TemplateRuntimeError(
      `${name}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${list}`,
    );
  }
  return values;
}

/** The last kwargs object seen that can never gain keys (the language passes one shared empty one). */
let sealedEmpty: object | undefined;

/** Frozen, and so is its whole prototype chain: `for…in` over it can never find a key later. */
function frozenChain(o: object | null): boolean {
  for (let p = o; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    if (!Object.isFrozen(p)) return false;
  }
  return true;
}

/** True when no keyword arguments were passed (allocates nothing). */
export function noKwargs(kwargs: Kwargs | undefined): boolean {
  if (kwargs === EMPTY_KWARGS || kwargs === undefined || kwargs === sealedEmpty) return true;
  for (const _ in kwargs) return false;
  if (frozenChain(kwargs)) sealedEmpty = kwargs;
  return true;
}

function hasKeys(kwargs: Kwargs | undefined): boolean {
  if (kwargs === EMPTY_KWARGS || kwargs === undefined) return false;
  for (const _ in kwargs) return true;
  return false;
}

/** Shorthand: bind and return just the parameter values (fast path for positional-only calls). */
export function bind(sig: Signature, args: readonly unknown[], kwargs: Kwargs | undefined): unknown[] {
  const params = sig.params;
  if (args.length <= params.length && !hasKeys(kwargs)) {
    const values = new Array<unknown>(params.length);
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as Param;
      if (i < args.length) values[i] = args[i];
      else if (p.length > 1) values[i] = p[1];
      else return bindValues(sig, args, kwargs); // missing required: let the slow path word it
    }
    return values;
  }
  return bindValues(sig, args, kwargs);
}

/** A no-argument filter's arity check: Python's TypeError for any argument or keyword. */
export function checkNoArgs(name: string, args: readonly unknown[], kwargs: Kwargs): void {
  if (args.length > 0 || !noKwargs(kwargs)) bindArgs({ name, params: [] }, args, kwargs);
}
