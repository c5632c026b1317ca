/**
 * The Python value model: how Python values live in JavaScript (see docs/internals.md), with
 * Python's printing, truthiness, operators, comparisons, iteration and subscription.
 *
 * Sandbox rule for everything here: host objects are read only through their own enumerable data
 * properties (never getters, never inherited properties, never prototypes), array elements and
 * Map entries.
 */
import { SecurityError, TemplateRuntimeError, UndefinedError } from './errors.js';
import { percentFormat } from './format.js';
import { floatRepr, intRepr } from './pyfloat.js';
import { assignedAfterUnicode14 } from './pyunicode.js';
import type { Budget, CallContext } from './runtime/types.js';
import { Callable } from './runtime/types.js';

// ---------------------------------------------------------------------------------------------
// Numbers

/** An integral Python float (`43.0`, `-0.0`, `1e20`): JS cannot tell those from ints otherwise. */
export class PyFloat {
  constructor(readonly value: number) {}
  toString(): string {
    return floatRepr(this.value);
  }
}

/** Makes a Python float from a JS number, boxing it when it would otherwise read as an int. */
export function float(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n; // -0 is an integer too
}

export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v)) || Object.is(v, -0);
}

/** A Python int (bool excluded: `isinstance(True, int)` questions are asked with `isIntLike`). */
export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && !Object.is(v, -0);
}

/** int or float, not bool. */
export function isNumber(v: unknown): boolean {
  return typeof v === 'number' || v instanceof PyFloat;
}

/** int, float or bool: what Python arithmetic accepts as a number. */
export function isNumeric(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
}

/** int or bool (an int subclass in Python): what sequence repetition and indexing accept. */
export function isIntLike(v: unknown): boolean {
  return typeof v === 'boolean' || isInt(v);
}

/** Numeric value of an int, float, PyFloat or bool; NaN for anything else. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return Number.NaN;
}

// ---------------------------------------------------------------------------------------------
// Markup

/** markupsafe.Markup: a string already safe for HTML. */
export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function isMarkup(v: unknown): v is Markup {
  return v instanceof Markup;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&#39;',
  '"': '&#34;',
};

/** markupsafe's escaping of a plain string (the five characters it escapes, same entities). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>'"]/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** markupsafe.escape: Markup passes through, everything else is `str()`-ed and escaped. */
// biome-ignore lint/suspicious/noShadowRestrictedNames: the contract's name (markupsafe.escape)
export function escape(v: unknown): Markup {
  if (v instanceof Markup) return v;
  return new Markup(escapeHtml(toStr(v)));
}

// ---------------------------------------------------------------------------------------------
// Tuples

export const TUPLE: unique symbol = Symbol('tuple');

type Marked = unknown[] & { [TUPLE]?: true; [FIELDS]?: readonly string[] };

const FIELDS: unique symbol = Symbol('fields');

/**
 * Tuples are plain arrays carrying the TUPLE symbol as an ordinary property: far cheaper than
 * defineProperty + freeze or a WeakSet (both measured ~10x slower), invisible to Object.keys,
 * for…in and JSON, and unreachable from templates. No template operation mutates a tuple (its only
 * methods are `index` and `count`).
 */
export function tuple(items: unknown[]): readonly unknown[] {
  const arr = items.slice() as Marked;
  arr[TUPLE] = true;
  return arr;
}

/** A named tuple (groupby's `(grouper, list)`): a tuple whose items are also readable by name. */
export function namedTuple(items: unknown[], fields: readonly string[]): readonly unknown[] {
  const arr = tuple(items) as Marked;
  arr[FIELDS] = fields;
  return arr;
}

/** The item of a named tuple called `name`, or MISSING. */
export function namedField(v: unknown, name: string): unknown {
  if (!Array.isArray(v)) return MISSING;
  const fields = (v as Marked)[FIELDS];
  if (fields === undefined) return MISSING;
  const i = fields.indexOf(name);
  return i < 0 ? MISSING : v[i];
}

export function isTuple(v: unknown): v is readonly unknown[] {
  return Array.isArray(v) && (v as Marked)[TUPLE] === true;
}

export function isList(v: unknown): v is unknown[] {
  return Array.isArray(v) && !isTuple(v);
}

// ---------------------------------------------------------------------------------------------
// Objects the value library defines (range, namespace, cycler, …)

/** Base of our own Python-like objects so printing, typing and iteration can dispatch on them. */
export abstract class PyObject {
  abstract pyTypeName(): string;
  pyRepr(_budget?: Budget): string {
    return `<${this.pyTypeName()} object>`;
  }
  /** A safe method of this object (bound), found by `lookupMethod`. */
  pyMethod(_name: string): Callable | undefined {
    return undefined;
  }
  /** Python `str()`; defaults to the repr. */
  pyStr(budget?: Budget): string {
    return this.pyRepr(budget);
  }
  /** Python `len()`, when the object has one (also decides truthiness). */
  pyLen(): number | undefined {
    return undefined;
  }
}

/** `dict.keys()/values()/items()`: a live view printing as `dict_items([...])`. */
export class DictView extends PyObject {
  constructor(
    readonly kind: 'dict_keys' | 'dict_values' | 'dict_items',
    readonly items: () => unknown[],
  ) {
    super();
  }
  pyTypeName(): string {
    return this.kind;
  }
  override pyRepr(budget?: Budget): string {
    return `${this.kind}(${repr(this.items(), budget)})`;
  }
  override pyLen(): number {
    return this.items().length;
  }
  *[Symbol.iterator](): Iterator<unknown> {
    yield* this.items();
  }
}

/** Python `range`: lazy, so `range(10**6)[:3]` or a `{% break %}` never allocates the rest. */
export class PyRange extends PyObject {
  readonly length: number;
  constructor(
    readonly start: number,
    readonly stop: number,
    readonly step: number,
  ) {
    super();
    const n = step > 0 ? Math.ceil((stop - start) / step) : Math.ceil((start - stop) / -step);
    this.length = Math.max(0, n);
  }
  pyTypeName(): string {
    return 'range';
  }
  override pyRepr(): string {
    return this.step === 1
      ? `range(${intRepr(this.start)}, ${intRepr(this.stop)})`
      : `range(${intRepr(this.start)}, ${intRepr(this.stop)}, ${intRepr(this.step)})`;
  }
  at(i: number): number {
    return this.start + i * this.step;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.length; i++) yield this.start + i * this.step;
  }
}

/**
 * Python prints the object's memory address, which differs on every run. A fixed one keeps a
 * render deterministic (rendered prompts are hashed), at the price of never equalling CPython's.
 */
export const ITERATOR_ADDRESS = '0x7f0000000000';

/**
 * Python iterators: what Jinja2's select/reject/selectattr/rejectattr, map, items, batch, slice,
 * unique (generators) and reverse (`reversed(…)`) return. Like Python's, they are single-pass and
 * lazy: no len() (`|length` raises), no subscripts (`[0]` is undefined), always true, printed as
 * `<generator object select_or_reject at 0x…>`, and a second iteration finds them exhausted.
 */
export class PyIterator extends PyObject implements Iterator<unknown> {
  /** The running iterator, made on first use (many are only ever drained whole). */
  private source: Iterator<unknown> | null = null;
  private drained = false;

  constructor(
    /** Python's type name: `generator`, `list_reverseiterator`, `range_iterator`… */
    private readonly type: string,
    /** A generator's function name (`select_or_reject`); null for the other iterators. */
    private readonly functionName: string | null,
    private readonly start: () => Iterator<unknown>,
    /**
     * The same items as a list, computed without a JS generator (resuming one per item costs more
     * than the work in `|list`, `|join`, `for`); used when the iterator is drained untouched.
     */
    private readonly all: (() => unknown[]) | null = null,
  ) {
    super();
  }

  pyTypeName(): string {
    return this.type;
  }

  override pyRepr(): string {
    return this.functionName === null
      ? `<${this.type} object at ${ITERATOR_ADDRESS}>`
      : `<generator object ${this.functionName} at ${ITERATOR_ADDRESS}>`;
  }

  next(): IteratorResult<unknown> {
    if (this.source === null) {
      if (this.drained) return { done: true, value: undefined };
      this.source = this.start();
    }
    return this.source.next();
  }

  /** `list(it)`: the remaining items. */
  drain(): unknown[] {
    if (this.source === null) {
      if (this.drained) return [];
      if (this.all !== null) {
        this.drained = true;
        return this.all();
      }
      this.source = this.start();
    }
    const out: unknown[] = [];
    const src = this.source;
    // A direct loop: V8 spreads custom iterators slowly.
    for (let r = src.next(); r.done !== true; r = src.next()) out.push(r.value);
    return out;
  }

  /**
   * Itself, without `return()`: a consumer that stops early (`|first`, `in`) leaves the rest for
   * the next one, as `next(iter(gen))` does in Python.
   */
  [Symbol.iterator](): Iterator<unknown> {
    return this;
  }
}

/** A Python generator named `name`: `start` makes its items lazily, `all` (optional) eagerly. */
export function pyGenerator(
  name: string,
  start: () => Iterator<unknown>,
  all: (() => unknown[]) | null = null,
): PyIterator {
  return new PyIterator('generator', name, start, all);
}

// ---------------------------------------------------------------------------------------------
// Mappings

export const MISSING: unique symbol = Symbol('missing');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A Python dict: a Map, or a host plain object (read as a dict of its own data properties). */
export function isMapping(v: unknown): v is Map<unknown, unknown> | Record<string, unknown> {
  return v instanceof Map || isPlainObject(v);
}

/** Own enumerable data property of a host object, or MISSING. Never runs a getter. */
export function ownData(obj: object, key: string): unknown {
  const desc = Object.getOwnPropertyDescriptor(obj, key);
  if (desc === undefined || !desc.enumerable || !('value' in desc)) return MISSING;
  return desc.value;
}

/** Python dict keys compare by value: `1`, `1.0` and `True` are the same key. */
function numericKey(k: unknown): number | undefined {
  if (typeof k === 'number') return k;
  if (typeof k === 'boolean') return k ? 1 : 0;
  if (k instanceof PyFloat) return k.value;
  return undefined;
}

/** Finds the stored key equal (Python-wise) to `key`, or MISSING. */
export function mapFindKey(m: Map<unknown, unknown>, key: unknown): unknown {
  if (m.has(key)) return key;
  const n = numericKey(key);
  if (n !== undefined) {
    for (const k of m.keys()) if (numericKey(k) === n) return k;
    return MISSING;
  }
  if (Array.isArray(key) || key instanceof Markup) {
    for (const k of m.keys()) if (equals(k, key)) return k;
  }
  return MISSING;
}

export function mappingGet(m: Map<unknown, unknown> | Record<string, unknown>, key: unknown): unknown {
  if (m instanceof Map) {
    const k = mapFindKey(m, key);
    return k === MISSING ? MISSING : m.get(k);
  }
  const name = key instanceof Markup ? key.value : key;
  if (typeof name !== 'string') return MISSING;
  return ownData(m, name);
}

export function mappingKeys(m: Map<unknown, unknown> | Record<string, unknown>): unknown[] {
  if (m instanceof Map) return [...m.keys()];
  return Object.keys(m).filter((k) => ownData(m, k) !== MISSING);
}

export function mappingEntries(m: Map<unknown, unknown> | Record<string, unknown>): [unknown, unknown][] {
  if (m instanceof Map) return [...m.entries()];
  const out: [unknown, unknown][] = [];
  for (const k of Object.keys(m)) {
    const v = ownData(m, k);
    if (v !== MISSING) out.push([k, v]);
  }
  return out;
}

/** Python `d[key] = value` on a Map, keeping the first-inserted key object like Python does. */
export function dictSet(m: Map<unknown, unknown>, key: unknown, value: unknown): void {
  const k = mapFindKey(m, key);
  m.set(k === MISSING ? key : k, value);
}

/** Builds a dict from entries with Python key semantics (later duplicates overwrite). */
export function makeDict(entries: Iterable<readonly [unknown, unknown]>): Map<unknown, unknown> {
  const m = new Map<unknown, unknown>();
  for (const [k, v] of entries) dictSet(m, k, v);
  return m;
}

/** Whether a value can be a dict key (Python: hashable). Lists, dicts are not. */
export function checkHashable(k: unknown): void {
  if (isList(k) || isMapping(k)) {
    throw new TemplateRuntimeError(`unhashable type: '${typeName(k)}'`);
  }
  if (isTuple(k)) for (const item of k) checkHashable(item);
}

// ---------------------------------------------------------------------------------------------
// Undefined

/** A name or attribute that does not exist (the language constructs these). */
export class Undefined {
  constructor(
    readonly name: string | undefined = undefined,
    readonly hint: string | undefined = undefined,
    readonly strict: boolean = false,
    /** A sandbox-refused attribute: using it raises SecurityError instead of UndefinedError. */
    readonly security: boolean = false,
  ) {}
  toString(): string {
    if (this.strict) throw undefinedError(this);
    return '';
  }
}

export function isUndefined(v: unknown): v is Undefined {
  return v instanceof Undefined;
}

export function undefinedError(u: Undefined): UndefinedError | SecurityError {
  if (u.security) return new SecurityError(u.hint ?? 'unsafe access');
  if (u.hint !== undefined) return new UndefinedError(u.hint);
  if (u.name !== undefined) return new UndefinedError(`'${u.name}' is undefined`);
  return new UndefinedError('undefined value');
}

function failIfStrict(v: unknown): void {
  if (v instanceof Undefined && v.strict) throw undefinedError(v);
}

// ---------------------------------------------------------------------------------------------
// Type names, truthiness, length

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return isInt(v) ? 'int' : 'float';
  if (v instanceof PyFloat) return 'float';
  if (typeof v === 'string') return 'str';
  if (v instanceof Markup) return 'Markup';
  if (Array.isArray(v)) return isTuple(v) ? 'tuple' : 'list';
  if (isMapping(v)) return 'dict';
  if (v instanceof Undefined) return v.strict ? 'StrictUndefined' : 'Undefined';
  if (v instanceof PyObject) return v.pyTypeName();
  if (v instanceof Callable) return 'function';
  if (v instanceof Date) return 'datetime';
  if (typeof v === 'function') return 'function';
  return 'object';
}

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (v instanceof Markup) return v.value.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (v instanceof Undefined) {
    failIfStrict(v);
    return false;
  }
  if (v instanceof PyRange) return v.length > 0;
  if (isPlainObject(v)) return mappingKeys(v).length > 0;
  if (v instanceof PyObject) return (v.pyLen() ?? 1) > 0;
  return true;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Whether a string has UTF-16 surrogates (else its code units are its Python characters). */
export function hasSurrogates(s: string): boolean {
  return SURROGATE.test(s);
}

/** A string's Python characters (code points): JS strings index UTF-16 units. */
export function codePoints(s: string): string[] {
  return SURROGATE.test(s) ? Array.from(s) : s.split('');
}

/** Python `len(s)` of a string (code points). */
export function strLen(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function length(v: unknown): number {
  if (typeof v === 'string') return strLen(v);
  if (v instanceof Markup) return strLen(v.value);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (v instanceof PyRange) return v.length;
  if (v instanceof Undefined) {
    failIfStrict(v);
    return 0;
  }
  if (isPlainObject(v)) return mappingKeys(v).length;
  if (v instanceof PyObject) {
    const n = v.pyLen();
    if (n !== undefined) return n;
  }
  throw new TemplateRuntimeError(`object of type '${typeName(v)}' has no len()`);
}

// ---------------------------------------------------------------------------------------------
// str() and repr()

/** Python `repr(str)`: quote choice and escapes exactly like CPython. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f) out += ch;
    else if (isPrintable(ch)) out += ch;
    else if (cp < 0x100) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + quote;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/** Python `str.isprintable` for one character (space is printable, other separators are not). */
export function isPrintable(ch: string): boolean {
  if (ch === ' ') return true;
  if (NON_PRINTABLE.test(ch)) return false;
  return !assignedAfterUnicode14(ch.codePointAt(0) ?? 0);
}

/**
 * Builds container reprs with an optional budget check as the text grows, so printing a list that
 * shares one huge string a million times fails with a limit error instead of exhausting memory.
 */
class ReprWriter {
  parts: string[] = [];
  size = 0;
  readonly seen = new Set<unknown>();
  constructor(readonly budget: Budget | undefined) {}
  push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.budget && this.size > 4096) this.budget.checkString(this.size);
  }
  value(v: unknown): void {
    if (Array.isArray(v)) {
      if (this.seen.has(v)) {
        this.push(isTuple(v) ? '(...)' : '[...]');
        return;
      }
      this.seen.add(v);
      const tup = isTuple(v);
      this.push(tup ? '(' : '[');
      v.forEach((item, i) => {
        if (i > 0) this.push(', ');
        this.value(item);
      });
      if (tup && v.length === 1) this.push(',');
      this.push(tup ? ')' : ']');
      this.seen.delete(v);
      return;
    }
    if (isMapping(v)) {
      if (this.seen.has(v)) {
        this.push('{...}');
        return;
      }
      this.seen.add(v);
      this.push('{');
      mappingEntries(v).forEach(([k, val], i) => {
        if (i > 0) this.push(', ');
        this.value(k);
        this.push(': ');
        this.value(val);
      });
      this.push('}');
      this.seen.delete(v);
      return;
    }
    if (v instanceof PyObject) {
      this.push(v.pyRepr(this.budget));
      return;
    }
    this.push(scalarRepr(v));
  }
}

function scalarRepr(v: unknown): string {
  if (typeof v === 'string') return strRepr(v);
  if (v instanceof Markup) return `Markup(${strRepr(v.value)})`;
  // StrictUndefined allows repr(): `[1, strict]` prints `[1, Undefined]`.
  if (v instanceof Undefined) return 'Undefined';
  return scalarStr(v);
}

function scalarStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return isInt(v) ? intRepr(v) : floatRepr(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (typeof v === 'string') return v;
  if (v instanceof Markup) return v.value;
  if (v instanceof Undefined) {
    failIfStrict(v);
    return '';
  }
  if (v instanceof Callable) {
    // Our own Callable subclasses (macros) may print like Jinja2 (`<Macro 'name'>`).
    const own = (v as Callable & { pyRepr?: () => string }).pyRepr;
    return typeof own === 'function' ? own.call(v) : `<function ${v.name}>`;
  }
  if (v instanceof Date) return pyDateStr(v);
  if (typeof v === 'function') return '<function>';
  if (typeof v === 'bigint') return v.toString();
  return '<object>';
}

/** Python's `str(datetime)` layout, in UTC, for host Date objects. */
function pyDateStr(d: Date): string {
  if (Number.isNaN(d.getTime())) return 'NaT';
  const iso = d.toISOString(); // 2024-01-02T03:04:05.678Z
  const ms = d.getUTCMilliseconds();
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return ms ? `${base}.${String(ms * 1000).padStart(6, '0')}` : base;
}

/** Python `repr()`. Pass `budget` when the result may be large (containers). */
export function repr(v: unknown, budget?: Budget): string {
  if (Array.isArray(v) || isMapping(v)) {
    const w = new ReprWriter(budget);
    w.value(v);
    return w.parts.join('');
  }
  if (v instanceof PyObject) return v.pyRepr(budget);
  return scalarRepr(v);
}

/** Python `str()`. Containers print as their repr; default Undefined as `''`. */
export function toStr(v: unknown, budget?: Budget): string {
  if (typeof v === 'string') return v;
  // Numbers are the other common case (printed values): skip the container checks.
  if (typeof v === 'number') return isInt(v) ? intRepr(v) : floatRepr(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v instanceof PyObject) return v.pyStr(budget);
  if (Array.isArray(v) || isMapping(v)) return repr(v, budget);
  return scalarStr(v);
}

// ---------------------------------------------------------------------------------------------
// Equality and ordering

export function equals(a: unknown, b: unknown): boolean {
  if (a === b) return true; // NaN never gets here: NaN !== NaN
  if (typeof a === 'string' && typeof b === 'string') return false;
  if (a instanceof Undefined || b instanceof Undefined) {
    failIfStrict(a);
    failIfStrict(b);
    return a instanceof Undefined && b instanceof Undefined && a.strict === b.strict;
  }
  if (isNumeric(a) && isNumeric(b)) return toNumber(a) === toNumber(b);
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  const sa = a instanceof Markup ? a.value : a;
  const sb = b instanceof Markup ? b.value : b;
  if (typeof sa === 'string' || typeof sb === 'string') return sa === sb;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (isTuple(a) !== isTuple(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i])) return false;
    return true;
  }
  if (isMapping(a) && isMapping(b)) {
    const ea = mappingEntries(a);
    if (ea.length !== length(b)) return false;
    for (const [k, v] of ea) {
      const other = mappingGet(b, k);
      if (other === MISSING || !equals(v, other)) return false;
    }
    return true;
  }
  if (a instanceof PyRange && b instanceof PyRange) {
    if (a.length !== b.length) return false;
    if (a.length === 0) return true;
    return a.start === b.start && (a.length === 1 || a.step === b.step);
  }
  return false;
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Code-point order (JS `<` on strings compares UTF-16 units, which differs above U+FFFF). */
function strCmp(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

function orderError(op: string, a: unknown, b: unknown): TemplateRuntimeError {
  return new TemplateRuntimeError(
    `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
  );
}

/** Ordering as Python does it; NaN compares false both ways. Throws for unorderable types. */
function order(op: '<' | '<=' | '>' | '>=', a: unknown, b: unknown): boolean {
  if (a instanceof Undefined) throw undefinedError(a);
  if (b instanceof Undefined) throw undefinedError(b);
  if (isNumeric(a) && isNumeric(b)) {
    const x = toNumber(a);
    const y = toNumber(b);
    return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
  }
  const sa = a instanceof Markup ? a.value : a;
  const sb = b instanceof Markup ? b.value : b;
  if (typeof sa === 'string' && typeof sb === 'string') return cmpResult(op, strCmp(sa, sb));
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!equals(a[i], b[i])) {
        if (op === '<' || op === '<=') return order('<', a[i], b[i]);
        return order('>', a[i], b[i]);
      }
    }
    return cmpResult(op, a.length - b.length);
  }
  throw orderError(op, a, b);
}

function cmpResult(op: '<' | '<=' | '>' | '>=', c: number): boolean {
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

export function compare(op: CompareOp, a: unknown, b: unknown): boolean {
  if (op === '==') return equals(a, b);
  if (op === '!=') return !equals(a, b);
  return order(op, a, b);
}

/**
 * A sort comparator with Python ordering (`sorted`): raises for mixed unorderable types rather
 * than guessing.
 */
export function pyCompare(a: unknown, b: unknown): number {
  if (order('<', a, b)) return -1;
  if (order('<', b, a)) return 1;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Membership and iteration

export function contains(container: unknown, item: unknown): boolean {
  const c = container instanceof Markup ? container.value : container;
  if (typeof c === 'string') {
    const s = item instanceof Markup ? item.value : item;
    if (typeof s !== 'string') {
      throw new TemplateRuntimeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    }
    return c.includes(s);
  }
  if (Array.isArray(c)) return c.some((x) => equals(x, item));
  if (isMapping(c)) {
    checkHashable(item); // `[1] in {}` is a TypeError in Python
    return mappingGet(c, item) !== MISSING;
  }
  if (c instanceof PyRange) {
    if (!isNumeric(item)) return false;
    const n = toNumber(item);
    if (!Number.isInteger(n)) return false;
    const i = (n - c.start) / c.step;
    return Number.isInteger(i) && i >= 0 && i < c.length;
  }
  if (c instanceof Undefined) {
    failIfStrict(c);
    return false;
  }
  if (c instanceof PyObject && Symbol.iterator in c) {
    for (const x of c as unknown as Iterable<unknown>) if (equals(x, item)) return true;
    return false;
  }
  throw new TemplateRuntimeError(`argument of type '${typeName(container)}' is not iterable`);
}

export function isIterable(v: unknown): boolean {
  return (
    typeof v === 'string' ||
    v instanceof Markup ||
    Array.isArray(v) ||
    isMapping(v) ||
    v instanceof PyRange ||
    v instanceof Undefined ||
    (v instanceof PyObject && Symbol.iterator in v)
  );
}

export function iterate(v: unknown): Iterable<unknown> {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return codePoints(v);
  if (v instanceof Markup) return codePoints(v.value);
  if (isMapping(v)) return mappingKeys(v);
  if (v instanceof PyRange) return v;
  if (v instanceof Undefined) {
    failIfStrict(v);
    return [];
  }
  if (v instanceof PyObject && Symbol.iterator in v) return v as unknown as Iterable<unknown>;
  throw new TemplateRuntimeError(`'${typeName(v)}' object is not iterable`);
}

/** `list(v)`: a fresh array of the items. */
export function toList(v: unknown): unknown[] {
  if (v instanceof PyIterator) return v.drain();
  const it = iterate(v);
  return Array.isArray(it) ? it.slice() : [...it];
}

// ---------------------------------------------------------------------------------------------
// Subscription and slicing

/** `obj[key]` on own data only; MISSING when Python would raise a lookup/type error. */
export function getItem(obj: unknown, key: unknown, _ctx?: CallContext): unknown {
  if (obj instanceof Undefined) throw undefinedError(obj);
  if (isMapping(obj)) return mappingGet(obj, key);
  const seq = obj instanceof Markup ? obj.value : obj;
  if (typeof key === 'string') return namedField(seq, key);
  if (!isIntLike(key)) return MISSING;
  const k = toNumber(key);
  if (Array.isArray(seq)) {
    const i = k < 0 ? seq.length + k : k;
    return i >= 0 && i < seq.length ? seq[i] : MISSING;
  }
  if (typeof seq === 'string') {
    const chars = SURROGATE.test(seq) ? Array.from(seq) : seq;
    const i = k < 0 ? chars.length + k : k;
    if (i < 0 || i >= chars.length) return MISSING;
    const ch = chars[i] ?? '';
    return obj instanceof Markup ? new Markup(ch) : ch;
  }
  if (seq instanceof PyRange) {
    const i = k < 0 ? seq.length + k : k;
    return i >= 0 && i < seq.length ? seq.at(i) : MISSING;
  }
  return MISSING;
}

function sliceArg(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (isIntLike(v)) return toNumber(v);
  throw new TemplateRuntimeError('slice indices must be integers or None or have an __index__ method');
}

/** Python's `slice.indices(len)`: the concrete start, stop and step. */
export function sliceIndices(
  len: number,
  start: unknown,
  stop: unknown,
  step: unknown,
): { start: number; stop: number; step: number; count: number } {
  const st = sliceArg(step) ?? 1;
  if (st === 0) throw new TemplateRuntimeError('slice step cannot be zero');
  const clamp = (v: number | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    if (v < 0) {
      const r = v + len;
      return r < 0 ? (st < 0 ? -1 : 0) : r;
    }
    return v >= len ? (st < 0 ? len - 1 : len) : v;
  };
  const a = clamp(sliceArg(start), st < 0 ? len - 1 : 0);
  const b = clamp(sliceArg(stop), st < 0 ? -1 : len);
  const count = st > 0 ? (b > a ? Math.ceil((b - a) / st) : 0) : a > b ? Math.ceil((a - b) / -st) : 0;
  return { start: a, stop: b, step: st, count };
}

function sliceArray<T>(items: readonly T[], start: unknown, stop: unknown, step: unknown): T[] {
  const ix = sliceIndices(items.length, start, stop, step);
  if (ix.step === 1) return items.slice(ix.start, ix.start + ix.count);
  const out: T[] = [];
  for (let i = 0, j = ix.start; i < ix.count; i++, j += ix.step) out.push(items[j] as T);
  return out;
}

/** `obj[start:stop:step]` for str, Markup, list, tuple and range; Python's TypeError for the rest. */
export function slice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  // Jinja2 compiles `x[a:b]` to a direct subscript, so unsliceable values raise TypeError.
  if (isMapping(obj)) throw new TemplateRuntimeError("unhashable type: 'slice'");
  if (obj instanceof Undefined) throw undefinedError(obj);
  if (typeof obj === 'string') return sliceArray(codePoints(obj), start, stop, step).join('');
  if (obj instanceof Markup) return new Markup(sliceArray(codePoints(obj.value), start, stop, step).join(''));
  if (Array.isArray(obj)) {
    const out = sliceArray(obj, start, stop, step);
    return isTuple(obj) ? tuple(out) : out;
  }
  if (obj instanceof PyRange) {
    const ix = sliceIndices(obj.length, start, stop, step);
    const s = obj.at(ix.start);
    const st = obj.step * ix.step;
    return new PyRange(s, s + st * ix.count, st);
  }
  throw new TemplateRuntimeError(`'${typeName(obj)}' object is not subscriptable`);
}

/**
 * `environment.getitem(obj, slice(...))`: what Jinja2's constant folder uses for all-literal
 * slices. Type errors become MISSING (an Undefined); a zero step still raises (ValueError).
 */
export function sliceOrMissing(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (obj instanceof Undefined) throw undefinedError(obj);
  if (typeof obj === 'string' || obj instanceof Markup || Array.isArray(obj) || obj instanceof PyRange) {
    try {
      return slice(obj, start, stop, step);
    } catch (e) {
      if (e instanceof TemplateRuntimeError && e.message === 'slice step cannot be zero') throw e;
      return MISSING; // non-integer bounds: TypeError, caught by getitem
    }
  }
  return MISSING;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '~';

function operandError(op: string, a: unknown, b: unknown): TemplateRuntimeError {
  return new TemplateRuntimeError(
    `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`,
  );
}

/** Result of numeric arithmetic: int when both operands are int-like and the op keeps ints. */
function numResult(n: number, asFloat: boolean): number | PyFloat {
  if (asFloat) return float(n);
  return Object.is(n, -0) ? 0 : n;
}

function bothIntLike(a: unknown, b: unknown): boolean {
  return isIntLike(a) && isIntLike(b);
}

/** CPython's float divmod: floor quotient computed from fmod so `89 // 0.1` is 889.0 like Python. */
function floatFloorDiv(vx: number, wx: number): number {
  let mod = vx % wx;
  let div = (vx - mod) / wx;
  if (mod !== 0) {
    if (wx < 0 !== mod < 0) {
      mod += wx;
      div -= 1;
    }
  }
  if (div === 0) return Math.sign(vx / wx) < 0 || Object.is(vx / wx, -0) ? -0 : 0;
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}

/** Python floor division (`//`) on numbers: exact for ints, CPython's algorithm for floats. */
function floorDiv(x: number, y: number, ints: boolean): number {
  return ints ? Math.floor(x / y) : floatFloorDiv(x, y);
}

function pyMod(x: number, y: number): number {
  const r = x % y;
  if (r !== 0 && r < 0 !== y < 0) return r + y;
  if (r === 0) return y < 0 ? -0 : 0;
  return r;
}

function repeat(seq: unknown, times: unknown, budget: Budget | undefined): unknown {
  const n = Math.max(0, toNumber(times));
  if (typeof seq === 'string' || seq instanceof Markup) {
    const s = typeof seq === 'string' ? seq : seq.value;
    budget?.checkString(s.length * n);
    const out = n === 0 || s.length === 0 ? '' : s.repeat(n);
    return seq instanceof Markup ? new Markup(out) : out;
  }
  const items = seq as readonly unknown[];
  budget?.checkCollection(items.length * n);
  const out: unknown[] = [];
  if (items.length > 0) for (let i = 0; i < n; i++) out.push(...items);
  return isTuple(seq) ? tuple(out) : out;
}

function isSequence(v: unknown): boolean {
  return typeof v === 'string' || v instanceof Markup || Array.isArray(v);
}

function concat(a: unknown, b: unknown, budget: Budget | undefined): unknown {
  if (a instanceof Markup || b instanceof Markup) {
    if ((typeof a === 'string' || a instanceof Markup) && (typeof b === 'string' || b instanceof Markup)) {
      const s = escape(a).value + escape(b).value;
      budget?.checkString(s.length);
      return new Markup(s);
    }
  }
  if (typeof a === 'string') {
    if (typeof b !== 'string') {
      throw new TemplateRuntimeError(`can only concatenate str (not "${typeName(b)}") to str`);
    }
    budget?.checkString(a.length + b.length);
    return a + b;
  }
  if (Array.isArray(a)) {
    const tup = isTuple(a);
    if (!Array.isArray(b) || isTuple(b) !== tup) {
      const t = tup ? 'tuple' : 'list';
      throw new TemplateRuntimeError(`can only concatenate ${t} (not "${typeName(b)}") to ${t}`);
    }
    budget?.checkCollection(a.length + b.length);
    const out = [...a, ...b];
    return tup ? tuple(out) : out;
  }
  throw operandError('+', a, b);
}

export function binaryOp(op: BinaryOp | string, a: unknown, b: unknown, budget?: Budget): unknown {
  // Fast path: two plain JS numbers (ints, or floats that are not integral) under + - * /.
  if (typeof a === 'number' && typeof b === 'number') {
    const ints = Number.isInteger(a) && Number.isInteger(b) && !Object.is(a, -0) && !Object.is(b, -0);
    if (op === '+') return numResult(a + b, !ints);
    if (op === '-') return numResult(a - b, !ints);
    if (op === '*') return numResult(a * b, !ints);
    if (op === '/' && b !== 0) return float(a / b);
  }
  // A float that prints with `.0` (PyFloat) with another number: always a float result.
  if (
    (a instanceof PyFloat && (typeof b === 'number' || b instanceof PyFloat)) ||
    (b instanceof PyFloat && typeof a === 'number')
  ) {
    const x = typeof a === 'number' ? a : (a as PyFloat).value;
    const y = typeof b === 'number' ? b : (b as PyFloat).value;
    if (op === '+') return float(x + y);
    if (op === '-') return float(x - y);
    if (op === '*') return float(x * y);
    if (op === '/' && y !== 0) return float(x / y);
  }
  // `~` of strings and numbers (`"%+." ~ digits ~ "f"`): neither can be an Undefined.
  if (
    op === '~' &&
    (typeof a === 'string' || typeof a === 'number') &&
    (typeof b === 'string' || typeof b === 'number')
  ) {
    const s = (typeof a === 'string' ? a : toStr(a)) + (typeof b === 'string' ? b : toStr(b));
    budget?.checkString(s.length);
    return s;
  }
  if (a instanceof Undefined) throw undefinedError(a);
  if (b instanceof Undefined) throw undefinedError(b);
  if (op === '~') {
    const s = toStr(a, budget) + toStr(b, budget);
    budget?.checkString(s.length);
    return s;
  }
  const numeric = isNumeric(a) && isNumeric(b);
  if (!numeric) {
    if (op === '+') return concat(a, b, budget);
    if (op === '*') {
      if (isSequence(a) && isIntLike(b)) return repeat(a, b, budget);
      if (isIntLike(a) && isSequence(b)) return repeat(b, a, budget);
      if (isSequence(a) && isNumeric(b)) {
        throw new TemplateRuntimeError(`can't multiply sequence by non-int of type '${typeName(b)}'`);
      }
      if (isNumeric(a) && isSequence(b)) {
        throw new TemplateRuntimeError(`can't multiply sequence by non-int of type '${typeName(a)}'`);
      }
    }
    if (op === '%' && (typeof a === 'string' || a instanceof Markup)) return percentFormat(a, b, budget);
    throw operandError(op, a, b);
  }
  const x = toNumber(a);
  const y = toNumber(b);
  const ints = bothIntLike(a, b);
  switch (op) {
    case '+':
      return numResult(x + y, !ints);
    case '-':
      return numResult(x - y, !ints);
    case '*':
      return numResult(x * y, !ints);
    case '/':
      if (y === 0) throw new TemplateRuntimeError(ints ? 'division by zero' : 'float division by zero');
      return float(x / y);
    case '//':
      if (y === 0) {
        throw new TemplateRuntimeError(
          ints ? 'integer division or modulo by zero' : 'float floor division by zero',
        );
      }
      return numResult(floorDiv(x, y, ints), !ints);
    case '%':
      if (y === 0) throw new TemplateRuntimeError(ints ? 'integer modulo by zero' : 'float modulo');
      return numResult(pyMod(x, y), !ints);
    case '**': {
      if (x === 0 && y < 0) throw new TemplateRuntimeError('0.0 cannot be raised to a negative power');
      if (x < 0 && Number.isFinite(y) && !Number.isInteger(y)) {
        // Python returns a complex number here; templates have no complex type.
        throw new TemplateRuntimeError('complex results are not supported');
      }
      const r = x ** y;
      if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) {
        // Python: float overflow is an OverflowError; an int result would be exact but is beyond
        // what a JS number can hold, so refuse rather than print 'inf'.
        throw new TemplateRuntimeError(
          ints ? 'integer result too large' : "(34, 'Numerical result out of range')",
        );
      }
      if (ints && y >= 0) return numResult(r, false);
      return float(r);
    }
    default:
      throw new TemplateRuntimeError(`unknown operator ${op}`);
  }
}

export function unaryOp(op: '-' | '+', v: unknown): unknown {
  if (v instanceof Undefined) throw undefinedError(v);
  if (!isNumeric(v)) throw new TemplateRuntimeError(`bad operand type for unary ${op}: '${typeName(v)}'`);
  const n = toNumber(v);
  const isF = isFloat(v);
  if (op === '+') return isF ? float(n) : n;
  return isF ? float(-n) : n === 0 ? 0 : -n;
}
