/**
 * Helpers shared by filters, tests, globals and methods: Python string primitives (whitespace,
 * strip, splitlines, case), Markup-preserving string access, attribute paths, hashing for
 * set-like operations and Python's int()/float() parsing.
 */
import { TemplateRuntimeError } from '../errors.js';
import { internName } from '../lexer.js';
import { isPySpaceCode } from '../pyspace.js';
import type { Budget, CallContext, FilterFn } from '../runtime/types.js';
import {
  codePoints,
  float,
  getItem,
  hasSurrogates,
  isFloat,
  isIntLike,
  isList,
  isMapping,
  isNumeric,
  isTuple,
  Markup,
  MISSING,
  type PyFloat,
  PyRange,
  repr,
  toNumber,
  toStr,
  typeName,
  Undefined,
  undefinedError,
} from '../values.js';

// ---------------------------------------------------------------------------------------------
// Filter metering

/**
 * Fuel proportional to the input: a filter walks its whole input, so `range(10**5)|sum` inside a
 * loop must cost like the loop it is. Strings are charged per 64 characters.
 */
export function inputSize(v: unknown): number {
  if (typeof v === 'string') return v.length >> 6;
  if (typeof v !== 'object' || v === null) return 0;
  if (Array.isArray(v)) return v.length;
  if (v instanceof Markup) return v.value.length >> 6;
  if (v instanceof PyRange) return v.length;
  if (v instanceof Map) return v.size;
  return 0;
}

/** Spends the input's fuel (what the registry's metering wrapper does before a filter runs). */
export function meterInput(ctx: CallContext, value: unknown): void {
  const n = inputSize(value);
  if (n > 0) ctx.budget.spend(n);
}

/**
 * Hot filters that do the registry wrapper's checks (arity for no-argument filters, then
 * `meterInput`) at the top of their own bodies, so `build()` leaves them unwrapped: the shared
 * wrapper's call to the filter is megamorphic and costs a few percent of a filter-heavy render.
 */
export const selfChecked = new WeakSet<FilterFn>();

export function selfChecking(fn: FilterFn): FilterFn {
  selfChecked.add(fn);
  return fn;
}

// ---------------------------------------------------------------------------------------------
// Strings

/** A string-like value's text and whether it is Markup (Markup methods return Markup). */
export function softStr(v: unknown, budget?: Budget): { s: string; markup: boolean } {
  if (v instanceof Markup) return { s: v.value, markup: true };
  return { s: toStr(v, budget), markup: false };
}

/** Wraps `s` back into Markup when the input was Markup. */
export function like(markup: boolean, s: string): string | Markup {
  return markup ? new Markup(s) : s;
}

/** Fails with a limit error before a string of `n` characters is built. */
export function checkStr(ctx: CallContext, n: number): void {
  ctx.budget.checkString(n);
}

/** Python `str.isspace()` for one character. */
export function isSpaceChar(ch: string): boolean {
  return isPySpaceCode(ch.codePointAt(0) ?? 0);
}

/** Python `str.split()` with no separator: runs of whitespace, no empty strings. */
export function splitWhitespace(s: string, maxsplit = -1): string[] {
  const out: string[] = [];
  const chars = codePoints(s);
  let i = 0;
  const n = chars.length;
  while (i < n) {
    while (i < n && isSpaceChar(chars[i] ?? '')) i++;
    if (i >= n) break;
    if (maxsplit >= 0 && out.length === maxsplit) {
      // Python keeps the remainder as is, trailing whitespace included.
      out.push(chars.slice(i).join(''));
      return out;
    }
    const start = i;
    while (i < n && !isSpaceChar(chars[i] ?? '')) i++;
    out.push(chars.slice(start, i).join(''));
  }
  return out;
}

/** Python `strip/lstrip/rstrip(chars)`; `chars` null/undefined means whitespace. */
export function pyStrip(s: string, chars: string | null | undefined, left: boolean, right: boolean): string {
  let strip: (c: number) => boolean;
  if (chars === null || chars === undefined) strip = isPySpaceCode;
  else if (!hasSurrogates(chars) && !hasSurrogates(s)) {
    const set = new Set<number>();
    for (let i = 0; i < chars.length; i++) set.add(chars.charCodeAt(i));
    strip = (c) => set.has(c);
  } else {
    // Astral characters: work on code points.
    const cps = codePoints(s);
    const set = new Set(codePoints(chars));
    let a = 0;
    let b = cps.length;
    if (left) while (a < b && set.has(cps[a] ?? '')) a++;
    if (right) while (b > a && set.has(cps[b - 1] ?? '')) b--;
    return cps.slice(a, b).join('');
  }
  let a = 0;
  let b = s.length;
  if (left) while (a < b && strip(s.charCodeAt(a))) a++;
  if (right) while (b > a && strip(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: Python's line boundaries include \x1c-\x1e
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;

/** Python `str.splitlines(keepends)`. */
export function splitlines(s: string, keepends = false): string[] {
  const out: string[] = [];
  let last = 0;
  LINE_BREAK.lastIndex = 0;
  for (let m = LINE_BREAK.exec(s); m !== null; m = LINE_BREAK.exec(s)) {
    const end = m.index + m[0].length;
    out.push(s.slice(last, keepends ? end : m.index));
    last = end;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

const DIGRAPH_TITLE: Record<string, string> = {
  '\u01c4': '\u01c5',
  '\u01c5': '\u01c5',
  '\u01c6': '\u01c5',
  '\u01c7': '\u01c8',
  '\u01c8': '\u01c8',
  '\u01c9': '\u01c8',
  '\u01ca': '\u01cb',
  '\u01cb': '\u01cb',
  '\u01cc': '\u01cb',
  '\u01f1': '\u01f2',
  '\u01f2': '\u01f2',
  '\u01f3': '\u01f2',
};

/**
 * Title case of one character (Python's capitalize/title use it; JS only has upper case): the
 * Latin digraphs have their own title forms, and ligatures whose upper case expands (ß, ﬁ) keep
 * only the first letter upper (`'ß'.capitalize()` is 'Ss'); other expansions (ŉ → ʼN) stay upper.
 */
export function titleChar(ch: string): string {
  const d = DIGRAPH_TITLE[ch];
  if (d !== undefined) return d;
  const up = ch.toUpperCase();
  if (!LIGATURE.test(ch)) return up;
  const cps = codePoints(up);
  return (cps[0] ?? '') + cps.slice(1).join('').toLowerCase();
}

/** Characters whose title case is "first letter upper, rest lower" (SpecialCasing ligatures). */
const LIGATURE = /^[\u00df\u0587\ufb00-\ufb06\ufb13-\ufb17]$/;

/** Python `str.capitalize()`: first character title case, the rest lower case. */
export function pyCapitalize(s: string): string {
  const cps = codePoints(s);
  if (cps.length === 0) return '';
  return titleChar(cps[0] ?? '') + cps.slice(1).join('').toLowerCase();
}

/** Python `str.center(width, fill)`, including CPython's choice of which side gets the odd pad. */
export function pyCenter(s: string, width: number, fill = ' '): string {
  const len = codePoints(s).length;
  const marg = width - len;
  if (marg <= 0) return s;
  const left = Math.floor(marg / 2) + (marg & width & 1);
  return fill.repeat(left) + s + fill.repeat(marg - left);
}

/** Python's `str.count(sub)` (non-overlapping, counting `''` as len+1). */
export function countSub(s: string, sub: string): number {
  if (sub === '') return codePoints(s).length + 1;
  let n = 0;
  for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

/** Python `str.replace(old, new, count)` with a size check before building the result. */
export function pyReplace(ctx: CallContext, s: string, old: string, rep: string, count: number): string {
  const occurrences = countSub(s, old);
  const n = count < 0 ? occurrences : Math.min(count, occurrences);
  checkStr(ctx, s.length + n * (rep.length - old.length));
  if (n === 0) return s;
  if (old === '') {
    const cps = codePoints(s);
    let out = '';
    for (let i = 0; i < cps.length; i++) out += (i < n ? rep : '') + (cps[i] ?? '');
    return n > cps.length ? out + rep : out;
  }
  let out = '';
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const at = s.indexOf(old, pos);
    out += s.slice(pos, at) + rep;
    pos = at + old.length;
  }
  return out + s.slice(pos);
}

// ---------------------------------------------------------------------------------------------
// Argument coercion

/** An argument Python would use as an int (`__index__`): int or bool. */
export function intArg(v: unknown, what: string): number {
  if (v instanceof Undefined) throw undefinedError(v);
  if (isIntLike(v)) return toNumber(v);
  throw new TemplateRuntimeError(
    `'${typeName(v)}' object cannot be interpreted as an integer${what ? ` (${what})` : ''}`,
  );
}

/** An argument that must be a string (Markup counts). */
export function strArg(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (v instanceof Markup) return v.value;
  if (v instanceof Undefined) throw undefinedError(v);
  throw new TemplateRuntimeError(`${what} must be str, not ${typeName(v)}`);
}

// ---------------------------------------------------------------------------------------------
// Attribute paths (`attribute="address.city"`) as Jinja2's make_attrgetter resolves them

/** Splits `"a.0.b"` into `['a', 0, 'b']` (digit parts become ints). */
const partsCache = new Map<string, readonly unknown[]>();

export function attrParts(attribute: unknown): readonly unknown[] {
  if (attribute === null || attribute === undefined) return [];
  if (typeof attribute !== 'string') return [attribute];
  let parts = partsCache.get(attribute);
  if (parts === undefined) {
    // Interned names compare by pointer in the dicts' Map lookups (context keys are interned too).
    parts = attribute.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : internName(p)));
    if (partsCache.size > 500) partsCache.clear();
    partsCache.set(attribute, parts);
  }
  return parts;
}

/** Jinja2's `environment.getitem`: item lookup first, then a sandboxed attribute lookup. */
export function envGetItem(ctx: CallContext, obj: unknown, key: unknown): unknown {
  // Fast path: a string key present in a dict (Map.get reads only the Map's own entries).
  if (obj instanceof Map && typeof key === 'string') {
    const v = obj.get(key);
    if (v !== undefined) return v;
  }
  if (obj instanceof Undefined) throw undefinedError(obj);
  const item = getItem(obj, key, ctx);
  if (item !== MISSING) return item;
  if (typeof key === 'string') return ctx.getAttr(obj, key);
  return ctx.makeUndefined(typeof key === 'string' ? key : repr(key));
}

export function makeAttrGetter(
  ctx: CallContext,
  attribute: unknown,
  postprocess?: (v: unknown) => unknown,
  dflt?: unknown,
): (item: unknown) => unknown {
  const parts = attrParts(attribute);
  const hasDefault = dflt !== null && dflt !== undefined;
  if (parts.length === 1 && !hasDefault) {
    const part = parts[0];
    if (postprocess === undefined) return (item: unknown) => envGetItem(ctx, item, part);
    return (item: unknown) => postprocess(envGetItem(ctx, item, part));
  }
  return (item: unknown) => {
    let v = item;
    for (let i = 0; i < parts.length; i++) {
      v = envGetItem(ctx, v, parts[i]);
      if (hasDefault && v instanceof Undefined) v = dflt;
    }
    return postprocess ? postprocess(v) : v;
  };
}

/** `attribute="age,name"`: a getter returning a list of keys, for multi-key sorting. */
export function makeMultiAttrGetter(
  ctx: CallContext,
  attribute: unknown,
  postprocess?: (v: unknown) => unknown,
): (item: unknown) => unknown[] {
  const specs = typeof attribute === 'string' && attribute.includes(',') ? attribute.split(',') : [attribute];
  const getters = specs.map((a) => makeAttrGetter(ctx, a, postprocess));
  if (getters.length === 1) {
    const g = getters[0]!;
    return (item) => [g(item)];
  }
  return (item) => getters.map((g) => g(item));
}

/** Jinja2's `ignore_case`: lower-cases strings, leaves everything else alone. */
export function ignoreCase(v: unknown): unknown {
  if (typeof v === 'string') return v.toLowerCase();
  if (v instanceof Markup) return new Markup(v.value.toLowerCase());
  return v;
}

// ---------------------------------------------------------------------------------------------
// Hashing (for unique, set-like checks)

/**
 * A string key such that two values get the same key exactly when Python would put them in the
 * same set slot (`1 == 1.0 == True`); throws Python's "unhashable type" for lists and dicts.
 */
export function hashKey(v: unknown): string {
  if (v === null || v === undefined) return 'N';
  if (isNumeric(v)) {
    const n = toNumber(v);
    return Number.isNaN(n) ? `nan${Math.random()}` : `n${n === 0 ? 0 : n}`;
  }
  if (typeof v === 'string') return `s${v}`;
  if (v instanceof Markup) return `s${v.value}`;
  if (isTuple(v)) return `t(${v.map(hashKey).join(',')})`;
  if (isList(v) || isMapping(v)) throw new TemplateRuntimeError(`unhashable type: '${typeName(v)}'`);
  if (v instanceof Undefined) return 'U';
  return `o${typeName(v)}${identity(v)}`;
}

const ids = new WeakMap<object, number>();
let nextId = 1;
function identity(v: unknown): string {
  if (typeof v !== 'object' || v === null) return String(v);
  let id = ids.get(v);
  if (id === undefined) {
    id = nextId++;
    ids.set(v, id);
  }
  return String(id);
}

// ---------------------------------------------------------------------------------------------
// int() and float() as Python parses them

const ND = /\p{Nd}/u;
const ND_ALL = /\p{Nd}/gu;

/** Value of a Unicode decimal digit: its offset in its run of digits (runs come in blocks of 10). */
function digitValue(ch: string): string {
  const c = ch.codePointAt(0) ?? 48;
  if (c >= 48 && c <= 57) return ch;
  let start = c;
  while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
  return String((c - start) % 10);
}

/** Python's int()/float() strip whitespace and accept any Unicode decimal digits. */
function stripPy(s: string): string {
  return pyStrip(s, null, true, true).replace(ND_ALL, digitValue);
}

/** Python `int(s, base)`; returns undefined where Python raises ValueError. */
export function parseIntPy(text: string, base: number): number | undefined {
  let s = stripPy(text);
  let sign = 1;
  if (s.startsWith('+') || s.startsWith('-')) {
    if (s.startsWith('-')) sign = -1;
    s = s.slice(1);
  }
  let b = base;
  const prefix = /^0([xob])/i.exec(s);
  if (prefix) {
    const p = (prefix[1] ?? '').toLowerCase();
    const pb = p === 'x' ? 16 : p === 'o' ? 8 : 2;
    if (b === 0 || b === pb) {
      b = pb;
      s = s.slice(2);
      if (s.startsWith('_')) s = s.slice(1);
    }
  }
  if (b === 0) {
    b = 10;
    if (/^0+[1-9]/.test(s.replace(/_/g, ''))) return undefined;
  }
  if (b < 2 || b > 36) return undefined;
  if (s === '' || s.startsWith('_') || s.endsWith('_') || s.includes('__')) return undefined;
  const digits = s.replace(/_/g, '');
  let n = 0;
  for (const ch of digits.toLowerCase()) {
    const d = /[0-9]/.test(ch) ? ch.charCodeAt(0) - 48 : /[a-z]/.test(ch) ? ch.charCodeAt(0) - 87 : 99;
    if (d >= b) return undefined;
    n = n * b + d;
  }
  return sign * n || 0; // never -0: int('-0') is 0
}

/** Python `float(s)`; returns undefined where Python raises ValueError. */
export function parseFloatPy(text: string): number | undefined {
  const s = stripPy(text).toLowerCase();
  const special = /^([+-]?)(inf|infinity|nan)$/.exec(s);
  if (special) {
    const neg = special[1] === '-';
    if (special[2] === 'nan') return Number.NaN;
    return neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  const d = '\\d(?:_?\\d)*';
  const re = new RegExp(`^[+-]?(?:${d}(?:\\.(?:${d})?)?|\\.${d})(?:e[+-]?${d})?$`);
  if (!re.test(s)) return undefined;
  return Number(s.replace(/_/g, ''));
}

/** Python `int(v)` for the kinds of values templates have; undefined where Python raises. */
export function toIntPy(v: unknown, base: number | undefined): number | undefined {
  if (v instanceof Undefined) throw undefinedError(v);
  if (typeof v === 'string' || v instanceof Markup) {
    return parseIntPy(typeof v === 'string' ? v : v.value, base ?? 10);
  }
  if (isNumeric(v)) {
    const n = toNumber(v);
    // int(nan) is a ValueError (caught by the int filter), int(inf) an OverflowError (not caught).
    if (Number.isNaN(n)) return undefined;
    if (!Number.isFinite(n)) throw new TemplateRuntimeError('cannot convert float infinity to integer');
    return Math.trunc(n) || 0;
  }
  return undefined;
}

/** Python `float(v)`; undefined where Python raises TypeError/ValueError. */
export function toFloatPy(v: unknown): number | PyFloat | undefined {
  if (v instanceof Undefined) throw undefinedError(v);
  if (typeof v === 'string' || v instanceof Markup) {
    const n = parseFloatPy(typeof v === 'string' ? v : v.value);
    return n === undefined ? undefined : float(n);
  }
  if (isNumeric(v)) return float(toNumber(v));
  return undefined;
}

export { isFloat };
