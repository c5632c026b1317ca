/**
 * The allow-list of Python methods a template may call on str, list, tuple and dict values
 * (`'a,b'.split(',')`, `items.append(x)`, `d.get('k', 0)`), with Python semantics.
 *
 * Mutating methods check the collection budget before growing anything, and refuse to touch host
 * plain objects (we never write properties onto host objects: no prototype pollution possible).
 * Markup receivers behave like markupsafe: string arguments are escaped, string results are Markup.
 */
import { SecurityError, TemplateRuntimeError } from '../errors.js';
import { type FieldLookups, strFormat } from '../format.js';
import { Callable, type CallContext, type Kwargs } from '../runtime/types.js';
import {
  checkHashable,
  codePoints,
  DictView,
  dictSet,
  equals,
  isFloat,
  isList,
  isMapping,
  isTuple,
  iterate,
  Markup,
  MISSING,
  makeDict,
  mapFindKey,
  mappingEntries,
  mappingGet,
  mappingKeys,
  escape as markupEscape,
  PyFloat,
  PyObject,
  pyCompare,
  repr,
  slice,
  strLen,
  toNumber,
  toStr,
  truthy,
  tuple,
  typeName,
} from '../values.js';
import {
  checkStr,
  countSub,
  envGetItem,
  intArg,
  isSpaceChar,
  pyCapitalize,
  pyCenter,
  pyReplace,
  pyStrip,
  splitlines,
  splitWhitespace,
  titleChar,
} from './common.js';
import { bind } from './params.js';

type Method = (ctx: CallContext, self: never, args: unknown[], kwargs: Kwargs) => unknown;

function noKw(name: string, kwargs: Kwargs): void {
  for (const _k in kwargs) throw new TemplateRuntimeError(`${name}() takes no keyword arguments`);
}

// ---------------------------------------------------------------------------------------------
// str

function strOf(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (v instanceof Markup) return v.value;
  throw new TemplateRuntimeError(`${what} must be str, not ${typeName(v)}`);
}

/**
 * Optional `start, end` arguments of find/count/startswith, as code-point slice bounds. `outside`
 * is set when start lies past the end: Python then finds nothing, not even ''.
 */
function window(
  s: string,
  start: unknown,
  end: unknown,
): { text: string; offset: number; outside?: boolean } {
  if ((start === undefined || start === null) && (end === undefined || end === null))
    return { text: s, offset: 0 };
  const cps = codePoints(s);
  const n = cps.length;
  if (end !== undefined && end !== null) intArg(end, 'slice index'); // validated even when unused
  if (start !== undefined && start !== null && intArg(start, 'slice index') > n) {
    return { text: '', offset: n, outside: true };
  }
  const norm = (v: unknown, dflt: number): number => {
    if (v === undefined || v === null) return dflt;
    const i = intArg(v, 'slice index');
    return i < 0 ? Math.max(0, n + i) : Math.min(n, i);
  };
  const a = norm(start, 0);
  const b = norm(end, n);
  return { text: b > a ? cps.slice(a, b).join('') : '', offset: a };
}

/** A JS string index turned into a Python (code point) index. */
function cpIndex(s: string, i: number): number {
  return i < 0 ? i : strLen(s.slice(0, i));
}

function splitSep(s: string, sep: string, maxsplit: number): string[] {
  if (sep === '') throw new TemplateRuntimeError('empty separator');
  const parts = s.split(sep);
  if (maxsplit < 0 || parts.length - 1 <= maxsplit) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
}

function rsplitSep(s: string, sep: string, maxsplit: number): string[] {
  if (sep === '') throw new TemplateRuntimeError('empty separator');
  const parts = s.split(sep);
  if (maxsplit < 0 || parts.length - 1 <= maxsplit) return parts;
  const cut = parts.length - maxsplit;
  return [parts.slice(0, cut).join(sep), ...parts.slice(cut)];
}

function rsplitWhitespace(s: string, maxsplit: number): string[] {
  if (maxsplit < 0) return splitWhitespace(s);
  const rev = codePoints(s).reverse().join('');
  return splitWhitespace(rev, maxsplit)
    .map((p) => codePoints(p).reverse().join(''))
    .reverse();
}

const CASED_UPPER = /\p{Lu}|\p{Lt}/u;
const CASED_LOWER = /\p{Ll}/u;
const CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;

function pyTitle(s: string): string {
  let out = '';
  let prevCased = false;
  for (const ch of s) {
    out += prevCased ? ch.toLowerCase() : titleChar(ch);
    prevCased = CASED.test(ch);
  }
  return out;
}

function isCaseOnly(s: string, want: RegExp, bad: RegExp): boolean {
  let cased = false;
  for (const ch of s) {
    if (bad.test(ch)) return false;
    if (want.test(ch)) cased = true;
  }
  return cased;
}

function isTitle(s: string): boolean {
  let cased = false;
  let prevCased = false;
  for (const ch of s) {
    if (CASED_UPPER.test(ch)) {
      if (prevCased) return false;
      prevCased = true;
      cased = true;
    } else if (CASED_LOWER.test(ch)) {
      if (!prevCased) return false;
      prevCased = true;
      cased = true;
    } else prevCased = false;
  }
  return cased;
}

function allChars(s: string, re: RegExp): boolean {
  if (s === '') return false;
  for (const ch of s) if (!re.test(ch)) return false;
  return true;
}

function fillChar(v: unknown): string {
  const s = strOf(v, 'The fill character');
  if (codePoints(s).length !== 1) {
    throw new TemplateRuntimeError('The fill character must be exactly one character long');
  }
  return s;
}

function padTo(ctx: CallContext, s: string, width: unknown, fill: unknown, side: 'l' | 'r' | 'c'): string {
  const w = intArg(width, 'width');
  const f = fill === undefined ? ' ' : fillChar(fill);
  const len = strLen(s);
  if (w <= len) return s;
  checkStr(ctx, w * f.length);
  if (side === 'c') return pyCenter(s, w, f);
  const pad = f.repeat(w - len);
  return side === 'l' ? s + pad : pad + s;
}

function prefixes(v: unknown, name: string): string[] {
  if (typeof v === 'string' || v instanceof Markup) return [toStr(v)];
  if (isTuple(v)) {
    return v.map((x) => {
      if (typeof x === 'string' || x instanceof Markup) return toStr(x);
      throw new TemplateRuntimeError(`tuple for ${name} must only contain str, not ${typeName(x)}`);
    });
  }
  throw new TemplateRuntimeError(`${name} first arg must be str or a tuple of str, not ${typeName(v)}`);
}

function expandTabs(s: string, tab: number): string {
  let out = '';
  let col = 0;
  for (const ch of s) {
    if (ch === '\t') {
      if (tab > 0) {
        const n = tab - (col % tab);
        out += ' '.repeat(n);
        col += n;
      }
    } else {
      out += ch;
      col = ch === '\n' || ch === '\r' ? 0 : col + 1;
    }
  }
  return out;
}

const str: Record<string, Method> = Object.create(null);

str.upper = (_c, s: string) => s.toUpperCase();
str.lower = (_c, s: string) => s.toLowerCase();
str.casefold = (_c, s: string) => s.toLowerCase().replace(/ß/g, 'ss');
// Upper case letters go lower and lower case go upper; title case letters (ǅ) stay as they are.
str.swapcase = (_c, s: string) =>
  [...s]
    .map((ch) => (/\p{Lu}/u.test(ch) ? ch.toLowerCase() : /\p{Ll}/u.test(ch) ? ch.toUpperCase() : ch))
    .join('');
str.title = (_c, s: string) => pyTitle(s);
str.capitalize = (_c, s: string) => pyCapitalize(s);
str.strip = (_c, s: string, a) => pyStrip(s, optStr(a[0]), true, true);
str.lstrip = (_c, s: string, a) => pyStrip(s, optStr(a[0]), true, false);
str.rstrip = (_c, s: string, a) => pyStrip(s, optStr(a[0]), false, true);

function optStr(v: unknown): string | null {
  return v === undefined || v === null ? null : strOf(v, 'strip arg');
}

str.split = (_c, s: string, args, kwargs) => {
  const [sep, maxsplit] = bind(
    {
      name: 'split',
      params: [
        ['sep', null],
        ['maxsplit', -1],
      ],
    },
    args,
    kwargs,
  );
  const m = intArg(maxsplit, 'maxsplit');
  return sep === null || sep === undefined ? splitWhitespace(s, m) : splitSep(s, strOf(sep, 'sep'), m);
};
str.rsplit = (_c, s: string, args, kwargs) => {
  const [sep, maxsplit] = bind(
    {
      name: 'rsplit',
      params: [
        ['sep', null],
        ['maxsplit', -1],
      ],
    },
    args,
    kwargs,
  );
  const m = intArg(maxsplit, 'maxsplit');
  return sep === null || sep === undefined ? rsplitWhitespace(s, m) : rsplitSep(s, strOf(sep, 'sep'), m);
};
str.splitlines = (_c, s: string, args, kwargs) => {
  const [keep] = bind({ name: 'splitlines', params: [['keepends', false]] }, args, kwargs);
  return splitlines(s, intArg(keep, 'keepends') !== 0);
};
str.startswith = (_c, s: string, args) => {
  const w = window(s, args[1], args[2]);
  const ps = prefixes(args[0], 'startswith');
  return !w.outside && ps.some((p) => w.text.startsWith(p));
};
str.endswith = (_c, s: string, args) => {
  const w = window(s, args[1], args[2]);
  const ps = prefixes(args[0], 'endswith');
  return !w.outside && ps.some((p) => w.text.endsWith(p));
};
str.replace = (ctx, s: string, args, kwargs) => {
  noKw('replace', kwargs);
  if (args.length < 2)
    throw new TemplateRuntimeError(`replace expected at least 2 arguments, got ${args.length}`);
  const count = args[2] === undefined ? -1 : intArg(args[2], 'count');
  return pyReplace(
    ctx,
    s,
    strOf(args[0], 'replace() argument 1'),
    strOf(args[1], 'replace() argument 2'),
    count,
  );
};
function finder(reverse: boolean, raise: boolean): Method {
  return (_c, s: string, args) => {
    const sub = strOf(args[0], 'must be str');
    const w = window(s, args[1], args[2]);
    const i = w.outside ? -1 : reverse ? w.text.lastIndexOf(sub) : w.text.indexOf(sub);
    if (i < 0) {
      if (raise) throw new TemplateRuntimeError('substring not found');
      return -1;
    }
    return cpIndex(w.text, i) + w.offset;
  };
}
str.find = finder(false, false);
str.rfind = finder(true, false);
str.index = finder(false, true);
str.rindex = finder(true, true);
str.count = (_c, s: string, args) => {
  const w = window(s, args[1], args[2]);
  const sub = strOf(args[0], 'must be str');
  return w.outside ? 0 : countSub(w.text, sub);
};
str.join = (ctx, s: string, args) => {
  const items = [...iterate(args[0])];
  const parts = items.map((x, i) => {
    if (typeof x === 'string') return x;
    if (x instanceof Markup) return x.value;
    throw new TemplateRuntimeError(`sequence item ${i}: expected str instance, ${typeName(x)} found`);
  });
  checkStr(ctx, parts.reduce((n, p) => n + p.length, 0) + s.length * Math.max(0, parts.length - 1));
  return parts.join(s);
};
str.format = (ctx, s: string, args, kwargs) =>
  strFormat(s, args, kwargs, ctx.budget, false, formatLookups(ctx));
str.center = (ctx, s: string, args) => padTo(ctx, s, args[0], args[1], 'c');
str.ljust = (ctx, s: string, args) => padTo(ctx, s, args[0], args[1], 'l');
str.rjust = (ctx, s: string, args) => padTo(ctx, s, args[0], args[1], 'r');
str.zfill = (ctx, s: string, args) => {
  const w = intArg(args[0], 'width');
  const len = strLen(s);
  if (w <= len) return s;
  checkStr(ctx, w);
  const sign = s.startsWith('+') || s.startsWith('-') ? (s[0] ?? '') : '';
  return sign + '0'.repeat(w - len) + s.slice(sign.length);
};
str.isdigit = (_c, s: string) => allChars(s, /[\p{Nd}\u00b2\u00b3\u00b9\u2070-\u2079]/u);
str.isdecimal = (_c, s: string) => allChars(s, /\p{Nd}/u);
str.isnumeric = (_c, s: string) => allChars(s, /\p{N}/u);
str.isalpha = (_c, s: string) => allChars(s, /\p{L}/u);
str.isalnum = (_c, s: string) => allChars(s, /[\p{L}\p{N}]/u);
str.isspace = (_c, s: string) => s !== '' && [...s].every(isSpaceChar);
str.islower = (_c, s: string) => isCaseOnly(s, CASED_LOWER, CASED_UPPER);
str.isupper = (_c, s: string) => isCaseOnly(s, CASED_UPPER, CASED_LOWER);
str.istitle = (_c, s: string) => isTitle(s);
// biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is 0x00-0x7f
str.isascii = (_c, s: string) => /^[\x00-\x7f]*$/.test(s);
str.partition = (_c, s: string, args) => {
  const sep = strOf(args[0], 'sep');
  if (sep === '') throw new TemplateRuntimeError('empty separator');
  const i = s.indexOf(sep);
  return i < 0 ? tuple([s, '', '']) : tuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
};
str.rpartition = (_c, s: string, args) => {
  const sep = strOf(args[0], 'sep');
  if (sep === '') throw new TemplateRuntimeError('empty separator');
  const i = s.lastIndexOf(sep);
  return i < 0 ? tuple(['', '', s]) : tuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
};
str.removeprefix = (_c, s: string, args) => {
  const p = strOf(args[0], 'removeprefix() argument');
  return p && s.startsWith(p) ? s.slice(p.length) : s;
};
str.removesuffix = (_c, s: string, args) => {
  const p = strOf(args[0], 'removesuffix() argument');
  return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
};
str.expandtabs = (ctx, s: string, args, kwargs) => {
  const [tabsize] = bind({ name: 'expandtabs', params: [['tabsize', 8]] }, args, kwargs);
  const t = intArg(tabsize, 'tabsize');
  const tabs = countSub(s, '\t');
  checkStr(ctx, s.length + tabs * Math.max(0, t));
  return expandTabs(s, t);
};

/** Markup receivers, like markupsafe 2.1: some methods escape their string arguments and return
 * Markup, split-like ones return Markup parts, the rest (count, find, startswith…) see plain text. */
function markupMethod(name: string, m: Method): Method {
  return (ctx, self: Markup, args, kwargs) => {
    if (name === 'format') {
      return new Markup(strFormat(self.value, args, kwargs, ctx.budget, true, formatLookups(ctx)));
    }
    if (name === 'join') {
      const items = [...iterate(args[0])].map((x) => markupEscape(x));
      return new Markup(m(ctx, self.value as never, [items.map((x) => x.value)], kwargs) as string);
    }
    let escArgs = MARKUP_ESCAPES_ARGS.has(name)
      ? args.map((a) => (typeof a === 'string' ? markupEscape(a).value : a instanceof Markup ? a.value : a))
      : args;
    // markupsafe's partition escapes its separator whatever its type (escape(1.5) is '1.5').
    if (name === 'partition' || name === 'rpartition') escArgs = args.map((a) => markupEscape(a).value);
    const r = m(ctx, self.value as never, escArgs, kwargs);
    const wrap = MARKUP_ESCAPES_ARGS.has(name) || MARKUP_SPLITS.has(name);
    if (typeof r === 'string') return wrap ? new Markup(r) : r;
    if (Array.isArray(r) && wrap) {
      const wrapped = r.map((x) => (typeof x === 'string' ? new Markup(x) : x));
      return isTuple(r) ? tuple(wrapped) : wrapped;
    }
    return r;
  };
}

const MARKUP_ESCAPES_ARGS = new Set([
  'capitalize',
  'title',
  'lower',
  'upper',
  'replace',
  'ljust',
  'rjust',
  'lstrip',
  'rstrip',
  'center',
  'strip',
  'expandtabs',
  'swapcase',
  'zfill',
  'partition',
  'rpartition',
]);
const MARKUP_SPLITS = new Set(['split', 'rsplit', 'splitlines']);

/** Jinja2's sandboxed formatter resolves `{0.name}` and `{0[key]}` through the environment. */
function formatLookups(ctx: CallContext): FieldLookups {
  return {
    attr: (obj, name) => ctx.getAttr(obj, name),
    item: (obj, key) => envGetItem(ctx, obj, key),
  };
}

// ---------------------------------------------------------------------------------------------
// list / tuple

function mutableList(self: unknown[]): unknown[] {
  if (Object.isFrozen(self)) throw new SecurityError('host data is read-only');
  return self;
}

function notInList(x: unknown): TemplateRuntimeError {
  return new TemplateRuntimeError(`${repr(x)} is not in list`);
}

const list: Record<string, Method> = Object.create(null);

list.append = (ctx, self: unknown[], args, kwargs) => {
  noKw('append', kwargs);
  if (args.length !== 1)
    throw new TemplateRuntimeError(`list.append() takes exactly one argument (${args.length} given)`);
  ctx.budget.checkCollection(self.length + 1);
  mutableList(self).push(args[0]);
  return null;
};
list.extend = (ctx, self: unknown[], args) => {
  const items = [...iterate(args[0])];
  ctx.budget.checkCollection(self.length + items.length);
  mutableList(self).push(...items);
  return null;
};
list.insert = (ctx, self: unknown[], args) => {
  if (args.length !== 2) throw new TemplateRuntimeError(`insert expected 2 arguments, got ${args.length}`);
  const n = self.length;
  let i = intArg(args[0], 'index');
  if (i < 0) i = Math.max(0, n + i);
  ctx.budget.checkCollection(n + 1);
  mutableList(self).splice(Math.min(i, n), 0, args[1]);
  return null;
};
list.pop = (_c, self: unknown[], args) => {
  if (self.length === 0) throw new TemplateRuntimeError('pop from empty list');
  const i0 = args.length > 0 ? intArg(args[0], 'index') : -1;
  const i = i0 < 0 ? self.length + i0 : i0;
  if (i < 0 || i >= self.length) throw new TemplateRuntimeError('pop index out of range');
  return mutableList(self).splice(i, 1)[0];
};
list.remove = (_c, self: unknown[], args) => {
  const i = self.findIndex((x) => equals(x, args[0]));
  if (i < 0) throw new TemplateRuntimeError('list.remove(x): x not in list');
  mutableList(self).splice(i, 1);
  return null;
};
list.index = (_c, self: unknown[], args) => {
  const w = slice(self, args[1] ?? null, args[2] ?? null, null) as unknown[];
  const start = args[1] === undefined || args[1] === null ? 0 : intArg(args[1], 'start');
  const offset = start < 0 ? Math.max(0, self.length + start) : Math.min(start, self.length);
  const i = w.findIndex((x) => equals(x, args[0]));
  if (i < 0)
    throw isTuple(self) ? new TemplateRuntimeError('tuple.index(x): x not in tuple') : notInList(args[0]);
  return i + offset;
};
list.count = (_c, self: unknown[], args) => self.filter((x) => equals(x, args[0])).length;
list.reverse = (_c, self: unknown[]) => {
  mutableList(self).reverse();
  return null;
};
list.sort = (ctx, self: unknown[], args, kwargs) => {
  if (args.length > 0) throw new TemplateRuntimeError('sort() takes no positional arguments');
  const [key, reverse] = bind(
    {
      name: 'sort',
      params: [
        ['key', null],
        ['reverse', false],
      ],
    },
    [],
    kwargs,
  );
  const keyed = self.map((item) => ({
    item,
    k: key === null || key === undefined ? item : ctx.call(key, [item], Object.create(null)),
  }));
  const rev = truthy(reverse);
  ctx.budget.spend(self.length);
  keyed.sort((a, b) => (rev ? pyCompare(b.k, a.k) : pyCompare(a.k, b.k)));
  const out = mutableList(self);
  keyed.forEach((x, i) => {
    out[i] = x.item;
  });
  return null;
};
list.copy = (ctx, self: unknown[]) => {
  ctx.budget.checkCollection(self.length);
  return self.slice();
};
list.clear = (_c, self: unknown[]) => {
  mutableList(self).length = 0;
  return null;
};

const TUPLE_METHODS = new Set(['index', 'count']);

// ---------------------------------------------------------------------------------------------
// dict

function mutableMap(self: Map<unknown, unknown> | Record<string, unknown>): Map<unknown, unknown> {
  if (!(self instanceof Map)) throw new SecurityError('host data is read-only');
  return self;
}

const dict: Record<string, Method> = Object.create(null);
type AnyMap = Map<unknown, unknown> | Record<string, unknown>;

dict.items = (_c, self: AnyMap) =>
  new DictView('dict_items', () => mappingEntries(self).map(([k, v]) => tuple([k, v])));
dict.keys = (_c, self: AnyMap) => new DictView('dict_keys', () => mappingKeys(self));
dict.values = (_c, self: AnyMap) => new DictView('dict_values', () => mappingEntries(self).map(([, v]) => v));
dict.get = (_c, self: AnyMap, args, kwargs) => {
  noKw('get', kwargs);
  if (args.length < 1 || args.length > 2) {
    throw new TemplateRuntimeError(`get expected at most 2 arguments, got ${args.length}`);
  }
  const v = mappingGet(self, args[0]);
  return v === MISSING ? (args[1] ?? null) : v === undefined ? null : v;
};
dict.pop = (_c, self: AnyMap, args) => {
  const m = mutableMap(self);
  const k = mapFindKey(m, args[0]);
  if (k === MISSING) {
    if (args.length > 1) return args[1];
    throw new TemplateRuntimeError(repr(args[0]));
  }
  const v = m.get(k);
  m.delete(k);
  return v;
};
dict.setdefault = (ctx, self: AnyMap, args) => {
  const m = mutableMap(self);
  checkHashable(args[0]);
  const k = mapFindKey(m, args[0]);
  if (k !== MISSING) return m.get(k);
  ctx.budget.checkCollection(m.size + 1);
  const v = args[1] ?? null;
  m.set(args[0], v);
  return v;
};
dict.update = (ctx, self: AnyMap, args, kwargs) => {
  const m = mutableMap(self);
  const pairs: [unknown, unknown][] = [];
  if (args.length > 1)
    throw new TemplateRuntimeError(`update expected at most 1 argument, got ${args.length}`);
  const src = args[0];
  if (src !== undefined && src !== null) {
    if (isMapping(src)) pairs.push(...mappingEntries(src));
    else {
      for (const p of iterate(src)) {
        const kv = [...iterate(p)];
        if (kv.length !== 2) {
          throw new TemplateRuntimeError(
            `dictionary update sequence element has length ${kv.length}; 2 is required`,
          );
        }
        pairs.push([kv[0], kv[1]]);
      }
    }
  }
  for (const k of Object.keys(kwargs)) pairs.push([k, kwargs[k]]);
  ctx.budget.checkCollection(m.size + pairs.length);
  for (const [k, v] of pairs) {
    checkHashable(k);
    dictSet(m, k, v);
  }
  return null;
};
dict.copy = (ctx, self: AnyMap) => {
  const entries = mappingEntries(self);
  ctx.budget.checkCollection(entries.length);
  return makeDict(entries);
};
dict.clear = (_c, self: AnyMap) => {
  mutableMap(self).clear();
  return null;
};

// ---------------------------------------------------------------------------------------------
// Lookup

/**
 * Positional arity [min, max] of each method, and whether it takes keywords; checked before the
 * call so wrong calls fail like Python (TypeError) instead of silently ignoring arguments.
 */
const STR_ARITY: Record<string, readonly [number, number, boolean?]> = {
  split: [0, 2, true],
  rsplit: [0, 2, true],
  splitlines: [0, 1, true],
  expandtabs: [0, 1, true],
  strip: [0, 1],
  lstrip: [0, 1],
  rstrip: [0, 1],
  startswith: [1, 3],
  endswith: [1, 3],
  replace: [2, 3],
  find: [1, 3],
  rfind: [1, 3],
  index: [1, 3],
  rindex: [1, 3],
  count: [1, 3],
  join: [1, 1],
  format: [0, Number.POSITIVE_INFINITY, true],
  center: [1, 2],
  ljust: [1, 2],
  rjust: [1, 2],
  zfill: [1, 1],
  partition: [1, 1],
  rpartition: [1, 1],
  removeprefix: [1, 1],
  removesuffix: [1, 1],
};
const LIST_ARITY: Record<string, readonly [number, number, boolean?]> = {
  append: [1, 1],
  extend: [1, 1],
  insert: [2, 2],
  pop: [0, 1],
  remove: [1, 1],
  index: [1, 3],
  count: [1, 1],
  sort: [0, 0, true],
};
const DICT_ARITY: Record<string, readonly [number, number, boolean?]> = {
  get: [1, 2],
  pop: [1, 2],
  setdefault: [1, 2],
  update: [0, 1, true],
};

function checkArity(
  kind: string,
  name: string,
  table: Record<string, readonly [number, number, boolean?]>,
  args: readonly unknown[],
  kwargs: Kwargs,
): void {
  const [min, max, kw] = table[name] ?? [0, 0];
  if (!kw) noKw(`${kind}.${name}`, kwargs);
  if (args.length < min || args.length > max) {
    const want = min === max ? `exactly ${min}` : args.length < min ? `at least ${min}` : `at most ${max}`;
    throw new TemplateRuntimeError(
      `${kind}.${name}() takes ${want} argument${max === 1 && min === 1 ? '' : 's'} (${args.length} given)`,
    );
  }
}

function bound(
  kind: string,
  table: Record<string, readonly [number, number, boolean?]>,
  name: string,
  self: unknown,
  m: Method,
): Callable {
  const cheap = CHEAP_METHODS.has(name);
  return new Callable(name, (ctx, args, kwargs) => {
    checkArity(kind, name, table, args, kwargs);
    // Fuel proportional to the work: the receiver's size (strings per 64 characters), plus the
    // argument's for join/extend/update.
    const n =
      (cheap ? 0 : workSize(self)) +
      (name === 'join' || name === 'extend' || name === 'update' ? workSize(args[0]) : 0);
    if (n > 0) ctx.budget.spend(n);
    return m(ctx, self as never, args, kwargs);
  });
}

const CHEAP_METHODS = new Set(['append', 'pop', 'get', 'setdefault', 'clear', 'insert']);

function workSize(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  if (typeof v === 'string') return v.length >> 6;
  if (v instanceof Markup) return v.value.length >> 6;
  if (v instanceof Map) return v.size;
  if (v instanceof PyObject) return v.pyLen() ?? 0;
  return 0;
}

const NUM_ARITY: Record<string, readonly [number, number, boolean?]> = {};

/** The few number methods templates use: `(2.0).is_integer()`, `(255).bit_length()`, `x.conjugate()`. */
const num: Record<string, Method> = Object.create(null);
num.conjugate = (_c, self: unknown) => self;
num.is_integer = (_c, self: unknown) => Number.isInteger(toNumber(self));
num.bit_length = (_c, self: unknown) => {
  const n = Math.abs(Math.trunc(toNumber(self)));
  return n === 0
    ? 0
    : n <= Number.MAX_SAFE_INTEGER
      ? Math.floor(Math.log2(n)) + 1
      : BigInt(n).toString(2).length;
};

/** The safe method `name` of `obj`, bound to it, or undefined when there is none. */
export function lookupMethod(obj: unknown, name: string): Callable | undefined {
  if (typeof obj === 'number' || typeof obj === 'boolean' || obj instanceof PyFloat) {
    const float = isFloat(obj);
    if (name === 'is_integer' ? !float : name === 'bit_length' ? float : name !== 'conjugate')
      return undefined;
    const m = num[name];
    return m ? bound(float ? 'float' : 'int', NUM_ARITY, name, obj, m) : undefined;
  }
  if (typeof obj === 'string') {
    const m = str[name];
    return m ? bound('str', STR_ARITY, name, obj, m) : undefined;
  }
  if (obj instanceof Markup) {
    const m = str[name];
    return m ? bound('Markup', STR_ARITY, name, obj, markupMethod(name, m)) : undefined;
  }
  if (Array.isArray(obj)) {
    const m = list[name];
    if (!m) return undefined;
    const tup = !isList(obj);
    if (tup && !TUPLE_METHODS.has(name)) return undefined;
    return bound(tup ? 'tuple' : 'list', LIST_ARITY, name, obj, m);
  }
  if (isMapping(obj)) {
    const m = dict[name];
    return m ? bound('dict', DICT_ARITY, name, obj, m) : undefined;
  }
  if (obj instanceof PyObject) {
    const m = obj.pyMethod(name);
    return m;
  }
  return undefined;
}

/** Names of the safe methods of a value's type (for introspection and tests). */
export function methodNames(kind: 'str' | 'list' | 'dict'): string[] {
  return Object.keys(kind === 'str' ? str : kind === 'list' ? list : dict);
}
