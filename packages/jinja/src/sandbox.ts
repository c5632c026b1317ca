/**
 * The sandbox policy, consulted on every attribute access, subscription and call a template makes.
 *
 * A template only ever sees: own enumerable data properties of plain objects, array elements, Map
 * entries, the allow-listed Python methods of `builtins/methods.ts`, and the attributes our own
 * runtime objects declare. Prototypes, constructors, getters, inherited properties and the
 * `call`/`apply`/`bind`/`name` of functions are unreachable. Names starting with `_` on anything
 * that is not a mapping are refused like Jinja2's SandboxedEnvironment refuses unsafe attributes:
 * the result is an Undefined that raises SecurityError as soon as it is used for anything but
 * printing.
 */
import { lookupMethod, methodNames } from './builtins/methods.js';
import { SecurityError, TemplateError, TemplateRuntimeError } from './errors.js';
import {
  LoopContext,
  loopAttrReader,
  MacroCallable,
  TemplateModule,
  TemplateReference,
} from './runtime/objects.js';
import type { RenderState } from './runtime/state.js';
import { Callable, type CallContext, type Kwargs } from './runtime/types.js';
import {
  getItem,
  isMapping,
  Markup,
  MISSING,
  mappingGet,
  namedField,
  PyFloat,
  PyObject,
  repr,
  typeName,
  Undefined,
  undefinedError,
} from './values.js';

const DICT_METHODS: ReadonlySet<string> = new Set(methodNames('dict'));

/** An Undefined standing for an attribute the sandbox refused; using it raises SecurityError. */
export class UnsafeUndefined extends Undefined {}

/** Our own objects may expose attributes through this hook (Namespace, Cycler, Joiner…). */
interface AttrHook {
  pyGetAttr(name: string, ctx: CallContext): unknown;
}

function hasAttrHook(v: object): v is AttrHook {
  return typeof (v as Partial<AttrHook>).pyGetAttr === 'function';
}

/** Attributes a Python Undefined instance really has: reading them yields an unsafe Undefined. */
const UNDEFINED_DUNDERS = new Set(
  (
    '__add__ __aiter__ __bool__ __call__ __class__ __complex__ __delattr__ __dir__ __div__ __doc__ __eq__ ' +
    '__float__ __floordiv__ __format__ __ge__ __getattr__ __getattribute__ __getitem__ __getstate__ __gt__ ' +
    '__hash__ __init__ __init_subclass__ __int__ __iter__ __le__ __len__ __lt__ __mod__ __module__ __mul__ ' +
    '__ne__ __neg__ __new__ __pos__ __pow__ __radd__ __rdiv__ __reduce__ __reduce_ex__ __repr__ __rfloordiv__ ' +
    '__rmod__ __rmul__ __rpow__ __rsub__ __rtruediv__ __setattr__ __sizeof__ __slots__ __str__ __sub__ ' +
    '__subclasshook__ __truediv__'
  ).split(' '),
);

/** Jinja2's `object_type_repr`, as used in "has no attribute" hints. */
export function objectTypeRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  return `${typeName(v)} object`;
}

function missingAttr(rt: RenderState, obj: unknown, name: string): Undefined {
  return rt.makeUndefined(name, `'${objectTypeRepr(obj)}' has no attribute '${name}'`);
}

function unsafe(rt: RenderState, obj: unknown, name: string): Undefined {
  return new UnsafeUndefined(
    name,
    `access to attribute '${name}' of '${typeName(obj)}' object is unsafe.`,
    rt.env.strict,
  );
}

/** Fails for any use of an Undefined other than printing/testing (attribute, item, call). */
export function failUndefined(u: Undefined): never {
  if (u instanceof UnsafeUndefined) throw new SecurityError(u.hint ?? 'unsafe access');
  throw undefinedError(u);
}

const hostFunctionWrappers = new WeakMap<object, Callable>();

/**
 * Host functions become Callables: called with positional arguments and no `this`, their
 * properties never reachable. Keyword arguments are refused (JS has none).
 */
export function wrapHostFunction(
  fn: (...args: unknown[]) => unknown,
  name?: string,
  params?: readonly string[],
): Callable {
  const known = params === undefined ? hostFunctionWrappers.get(fn) : undefined;
  if (known) return known;
  const fname = name ?? 'function';
  const c = new Callable(fname, (_ctx, args, kwargs) => {
    const bound = bindHostArgs(fname, args, kwargs, params);
    let r: unknown;
    try {
      r = Reflect.apply(fn, undefined, bound);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      throw new TemplateRuntimeError(e instanceof Error ? e.message : String(e));
    }
    return r === undefined ? null : r;
  });
  if (params === undefined) hostFunctionWrappers.set(fn, c);
  return c;
}

/**
 * Python-style binding of keyword arguments onto a host function's declared positional parameters
 * (`params`); without `params`, keywords are refused (JS functions have none).
 */
export function bindHostArgs(
  name: string,
  args: unknown[],
  kwargs: Kwargs,
  params: readonly string[] | undefined,
): unknown[] {
  let out: unknown[] | null = null;
  for (const k in kwargs) {
    out ??= args.slice();
    const idx = params ? params.indexOf(k) : -1;
    if (idx < 0) throw new TemplateRuntimeError(`${name}() got an unexpected keyword argument '${k}'`);
    if (idx < args.length)
      throw new TemplateRuntimeError(`${name}() got multiple values for argument '${k}'`);
    out[idx] = kwargs[k];
  }
  return out ?? args;
}

/** Normalizes a value read out of host data: JS undefined is None, functions become Callables. */
export function fromHost(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'function') return wrapHostFunction(v as (...args: unknown[]) => unknown);
  if (typeof v === 'symbol') return null;
  return v;
}

/** `obj.name` (Jinja2's `SandboxedEnvironment.getattr`: attribute first, then item). */
export function getAttribute(rt: RenderState, obj: unknown, name: string): unknown {
  // Hot path first: a string key of a dict (Map; a string key only ever matches itself) that is
  // not a dict method name, or an own data property of a host plain object (most template data).
  if (obj instanceof Map) {
    if (!DICT_METHODS.has(name)) {
      const v: unknown = obj.get(name);
      if (v !== undefined) return typeof v === 'function' || typeof v === 'symbol' ? fromHost(v) : v;
    }
  } else if (typeof obj === 'object' && obj !== null) {
    const proto = Object.getPrototypeOf(obj);
    if ((proto === Object.prototype || proto === null) && !DICT_METHODS.has(name)) {
      const d = Object.getOwnPropertyDescriptor(obj, name);
      if (d !== undefined && d.enumerable === true && 'value' in d) {
        const v: unknown = d.value;
        return v === undefined || typeof v === 'function' || typeof v === 'symbol' ? fromHost(v) : v;
      }
    }
  }
  return getAttributeSlow(rt, obj, name);
}

export type AttrGetter = (rt: RenderState, obj: unknown) => unknown;

/**
 * Whether `dict.name` may be answered by a plain `Map#get` on a hit (not a dict method, not a
 * dunder): lets the compiler inline that case and call the full getter only on a miss.
 */
export function isPlainDictKey(name: string): boolean {
  return !DICT_METHODS.has(name) && !name.startsWith('_');
}

/**
 * `obj.name` for a name known at compile time: the same answers as `getAttribute`, with the checks
 * that depend only on the name (dict method? dunder?) and the "has no attribute" hint of dicts
 * decided once per call site.
 */
export function attrGetter(name: string): AttrGetter {
  if (DICT_METHODS.has(name) || name.startsWith('_')) return (rt, obj) => getAttribute(rt, obj, name);
  const dictHint = `'dict object' has no attribute '${name}'`;
  const loopAttr = loopAttrReader(name);
  if (loopAttr !== null) {
    // `loop.index` and friends: the loop object is the likely receiver, test for it first.
    return (rt, obj) => {
      if (obj instanceof LoopContext) return loopAttr(obj, rt);
      if (obj instanceof Map) {
        const v: unknown = obj.get(name);
        if (v !== undefined) return typeof v === 'function' || typeof v === 'symbol' ? fromHost(v) : v;
        return obj.has(name) ? null : rt.makeUndefined(name, dictHint);
      }
      return getAttribute(rt, obj, name);
    };
  }
  return (rt, obj) => {
    if (obj instanceof Map) {
      const v: unknown = obj.get(name);
      if (v !== undefined) return typeof v === 'function' || typeof v === 'symbol' ? fromHost(v) : v;
      return obj.has(name) ? null : rt.makeUndefined(name, dictHint);
    }
    if (obj instanceof LoopContext) {
      const v = obj.attr(rt, name);
      return v === MISSING ? missingAttr(rt, obj, name) : v;
    }
    if (typeof obj === 'object' && obj !== null) {
      // A host plain object (JSON data): its own enumerable data property, as getAttribute reads
      // it, without repeating the name checks this getter already made.
      const proto = Object.getPrototypeOf(obj);
      if (proto === Object.prototype || proto === null) {
        const d = Object.getOwnPropertyDescriptor(obj, name);
        if (d !== undefined && d.enumerable === true && 'value' in d) {
          const v: unknown = d.value;
          return v === undefined || typeof v === 'function' || typeof v === 'symbol' ? fromHost(v) : v;
        }
      }
    }
    return getAttribute(rt, obj, name);
  };
}

function getAttributeSlow(rt: RenderState, obj: unknown, name: string): unknown {
  if (obj === null || obj === undefined) return missingAttr(rt, obj, name);
  if (obj instanceof Undefined) {
    // Python objects (Undefined included) have dunder attributes; the sandbox refuses them lazily.
    if (UNDEFINED_DUNDERS.has(name)) return unsafe(rt, obj, name);
    failUndefined(obj);
  }
  const t = typeof obj;
  if (
    t === 'string' ||
    t === 'number' ||
    t === 'boolean' ||
    obj instanceof Markup ||
    obj instanceof PyFloat ||
    Array.isArray(obj)
  ) {
    const m = lookupMethod(obj, name);
    if (m !== undefined) return m;
    const field = namedField(obj, name);
    if (field !== MISSING) return field;
    return name.startsWith('_') ? unsafe(rt, obj, name) : missingAttr(rt, obj, name);
  }
  if (t === 'object' && !(obj instanceof Map)) {
    // Fast path for host plain objects (the bulk of template data): one prototype check, one
    // descriptor read, and the method table only for names that are dict methods.
    const proto = Object.getPrototypeOf(obj);
    if (proto === Object.prototype || proto === null) {
      if (DICT_METHODS.has(name)) return lookupMethod(obj, name);
      const d = Object.getOwnPropertyDescriptor(obj, name);
      if (d !== undefined && d.enumerable === true && 'value' in d) return fromHost(d.value);
      return name.startsWith('__') ? unsafe(rt, obj, name) : missingAttr(rt, obj, name);
    }
  }
  if (isMapping(obj)) {
    const m = lookupMethod(obj, name);
    if (m !== undefined) return m;
    const v = mappingGet(obj, name);
    if (v !== MISSING) return fromHost(v);
    // Python dicts have dunder attributes; the sandbox refuses them.
    return name.startsWith('__') ? unsafe(rt, obj, name) : missingAttr(rt, obj, name);
  }
  if (name.startsWith('_')) return unsafe(rt, obj, name);
  if (obj instanceof LoopContext) {
    const v = obj.attr(rt, name);
    return v === MISSING ? missingAttr(rt, obj, name) : v;
  }
  if (obj instanceof TemplateModule) {
    return obj.exports.has(name)
      ? obj.exports.get(name)
      : rt.makeUndefined(name, `'${objectTypeRepr(obj)}' has no attribute '${name}'`);
  }
  if (obj instanceof TemplateReference) {
    return new Callable(name, (ctx) => obj.render(ctx as RenderState, name));
  }
  if (obj instanceof MacroCallable) {
    const v = obj.attr(name);
    return v === MISSING ? missingAttr(rt, obj, name) : v;
  }
  if (obj instanceof PyObject) {
    const m = lookupMethod(obj, name);
    if (m !== undefined) return m;
    if (hasAttrHook(obj)) {
      const v = obj.pyGetAttr(name, rt);
      if (v !== MISSING) return v;
    }
    return missingAttr(rt, obj, name);
  }
  // Functions, class instances, dates: nothing is reachable.
  return missingAttr(rt, obj, name);
}

/** `obj[key]` (Jinja2's `SandboxedEnvironment.getitem`: item first, then attribute for str keys). */
export function getItemSafe(rt: RenderState, obj: unknown, key: unknown): unknown {
  if (obj instanceof Undefined) failUndefined(obj);
  const v = getItem(obj, key, rt);
  if (v !== MISSING) return fromHost(v);
  const k = key instanceof Markup ? key.value : key;
  if (typeof k === 'string') return getAttribute(rt, obj, k);
  return rt.makeUndefined(undefined, `'${objectTypeRepr(obj)}' has no element ${repr(key)}`);
}

/** Calls anything a template may call; everything else is "not callable". */
export function callValue(rt: RenderState, fn: unknown, args: unknown[], kwargs: Kwargs): unknown {
  rt.budget.spend(1);
  if (fn instanceof Callable) return fn.invoke(rt, args, kwargs);
  if (fn instanceof LoopContext) {
    if (fn.recurse === null) throw new TemplateRuntimeError("'LoopContext' object is not callable");
    if (args.length !== 1)
      throw new TemplateRuntimeError(`loop() takes 1 positional argument but ${args.length} were given`);
    return fn.recurse(rt, args[0]);
  }
  if (fn instanceof Undefined) failUndefined(fn);
  if (typeof fn === 'function')
    return wrapHostFunction(fn as (...a: unknown[]) => unknown).invoke(rt, args, kwargs);
  throw new TemplateRuntimeError(`'${typeName(fn)}' object is not callable`);
}
