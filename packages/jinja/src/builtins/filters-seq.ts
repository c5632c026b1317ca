/**
 * Sequence, mapping and number filters: sorting, grouping, batching, aggregation, selection by
 * filter/test name, conversions. Where Jinja2 returns a generator or iterator (map, select, items,
 * batch, slice, unique, reverse), so do these (see pyiter.ts), lazy in the same places.
 */
import { TemplateRuntimeError } from '../errors.js';
import { pyRound } from '../format.js';
import type { CallContext, FilterFn, Kwargs } from '../runtime/types.js';
import {
  binaryOp,
  codePoints,
  compare,
  DictView,
  equals,
  float,
  hasSurrogates,
  isFloat,
  isInt,
  isIntLike,
  isMapping,
  isNumeric,
  isTuple,
  iterate,
  length,
  Markup,
  mappingEntries,
  escape as markupEscape,
  namedTuple,
  PyFloat,
  PyIterator,
  PyRange,
  pyCompare,
  pyGenerator,
  toList,
  toNumber,
  toStr,
  truthy,
  tuple,
  typeName,
  Undefined,
  undefinedError,
} from '../values.js';
import {
  attrParts,
  checkStr,
  envGetItem,
  hashKey,
  ignoreCase,
  intArg,
  makeAttrGetter,
  makeMultiAttrGetter,
  meterInput,
  selfChecking,
  softStr,
  toFloatPy,
  toIntPy,
} from './common.js';
import { lookupMethod } from './methods.js';
import { bind, checkNoArgs, noKwargs, type Signature } from './params.js';

type Filters = Record<string, FilterFn>;

export const seqFilters: Filters = Object.create(null);

/** Stable Python-ordered sort of `items` by `key`. */
function sortBy<T>(ctx: CallContext, items: T[], key: (x: T) => unknown, reverse: boolean): T[] {
  ctx.budget.spend(items.length);
  const n = items.length;
  const raw = new Array<unknown>(n);
  // A one-element key list of a number or string compares exactly like its element. (Not in
  // general: `[Undefined] < [Undefined]` is False via ==, while `Undefined < Undefined` raises.)
  const unwrapped = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const k = key(items[i] as T);
    raw[i] = k;
    unwrapped[i] = Array.isArray(k) && k.length === 1 && !isTuple(k) ? k[0] : k;
  }
  const fast = fastComparator(unwrapped);
  const keys = fast ? unwrapped : raw;
  const cmp = fast ?? pyCompare;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 64) {
    // CPython's own algorithm for short lists (Array#sort costs ~100 ns even for three items), so
    // the same pairs are compared in the same order and an incomparable pair raises the same error.
    const lt = fast
      ? (a: unknown, b: unknown): boolean => fast(a, b) < 0
      : (a: unknown, b: unknown): boolean => compare('<', a, b);
    // Python sorts with reverse=True by reversing, sorting stably and reversing back.
    if (reverse) order.reverse();
    shortListSort(order, keys, lt);
    if (reverse) order.reverse();
  } else {
    // Array#sort is stable, so sorting indices keeps Python's order for equal keys.
    order.sort((a, b) => (reverse ? cmp(keys[b], keys[a]) : cmp(keys[a], keys[b])));
  }
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = items[order[i] as number] as T;
  return out;
}

/**
 * CPython's `list.sort` for fewer than 64 items (listobject.c, 3.11: `count_run`, then
 * `binarysort`), on the index array `order` of `keys`, with `lt` as Python's `<`.
 */
function shortListSort(
  order: number[],
  keys: readonly unknown[],
  lt: (a: unknown, b: unknown) => boolean,
): void {
  const n = order.length;
  if (n < 2) return;
  // count_run: the longest ascending (non-descending) or strictly descending prefix.
  let run = 2;
  if (lt(keys[order[1]!], keys[order[0]!])) {
    while (run < n && lt(keys[order[run]!], keys[order[run - 1]!])) run++;
    for (let i = 0, j = run - 1; i < j; i++, j--) {
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
  } else {
    while (run < n && !lt(keys[order[run]!], keys[order[run - 1]!])) run++;
  }
  // binarysort: insert the rest one by one after the last equal key (stable).
  for (let start = run; start < n; start++) {
    const pivot = order[start]!;
    const pk = keys[pivot];
    let l = 0;
    let r = start;
    while (l < r) {
      const p = l + ((r - l) >> 1);
      if (lt(pk, keys[order[p]!])) r = p;
      else l = p + 1;
    }
    for (let p = start; p > l; p--) order[p] = order[p - 1]!;
    order[l] = pivot;
  }
}

/**
 * Same order as pyCompare for the common homogeneous cases (all real numbers, all plain strings
 * without surrogates), without its per-comparison type dispatch.
 */
function fastComparator(keys: unknown[]): ((a: unknown, b: unknown) => number) | undefined {
  if (keys.every((k) => typeof k === 'number' && !Number.isNaN(k))) {
    return (a, b) => (a as number) - (b as number);
  }
  if (keys.every((k) => typeof k === 'string' && !hasSurrogates(k))) {
    return (a, b) => ((a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0);
  }
  return undefined;
}

/** `sorted(reverse=…)` wants an int (bools are ints); anything else is a TypeError in Python. */
function reverseFlag(v: unknown): boolean {
  return intArg(v, '') !== 0;
}

function checkList(ctx: CallContext, n: number): void {
  ctx.budget.checkCollection(n);
}

// ---------------------------------------------------------------------------------------------
// Picking items

seqFilters.first = selfChecking((ctx, value, args, kwargs) => {
  checkNoArgs('first', args, kwargs);
  if (Array.isArray(value)) {
    if (value.length > 0) return value[0];
  } else for (const item of iterate(value)) return item;
  return noFirstItem(ctx);
});

seqFilters.last = (ctx, value) => {
  if (
    !(
      typeof value === 'string' ||
      value instanceof Markup ||
      Array.isArray(value) ||
      isMapping(value) ||
      value instanceof PyRange ||
      value instanceof Undefined ||
      value instanceof DictView
    )
  ) {
    throw new TemplateRuntimeError(`'${typeName(value)}' object is not reversible`);
  }
  const items = toList(value);
  if (items.length === 0) return ctx.makeUndefined(undefined, 'No last item, sequence was empty.');
  const last = items[items.length - 1];
  // reversed() indexes the Markup, and Markup's __getitem__ returns Markup (iter() gives plain str).
  return value instanceof Markup ? new Markup(last as string) : last;
};

seqFilters.random = (ctx, value) => {
  if (value instanceof PyIterator) length(value); // random.choice needs len(): raises
  const items = toList(value);
  if (items.length === 0) return ctx.makeUndefined(undefined, 'No random item, sequence was empty.');
  return items[Math.floor(Math.random() * items.length)];
};

seqFilters.length = (_ctx, value) => length(value);
seqFilters.count = seqFilters.length;

seqFilters.list = selfChecking((ctx, value, args, kwargs) => {
  checkNoArgs('list', args, kwargs);
  meterInput(ctx, value);
  const out = toList(value);
  checkList(ctx, out.length);
  return out;
});

seqFilters.reverse = (ctx, value) => {
  if (typeof value === 'string') return codePoints(value).reverse().join('');
  if (value instanceof Markup) return new Markup(codePoints(value.value).reverse().join(''));
  // Only a TypeError ("not iterable") becomes Jinja2's FilterArgumentError; a strict Undefined's
  // UndefinedError propagates.
  if (value instanceof Undefined && value.strict) throw undefinedError(value);
  const reversed = reverseIterator(value);
  if (reversed !== null) return reversed;
  let items: unknown[];
  try {
    items = toList(value);
  } catch {
    throw new TemplateRuntimeError('argument must be iterable');
  }
  checkList(ctx, items.length);
  return items.reverse();
};

/** Python's `reversed(value)` for the types that support it (else null: Jinja2 makes a list). */
function reverseIterator(value: unknown): PyIterator | null {
  let type: string;
  let items: () => readonly unknown[];
  if (Array.isArray(value)) {
    type = isTuple(value) ? 'reversed' : 'list_reverseiterator';
    items = () => value;
  } else if (value instanceof PyRange) {
    type = 'range_iterator';
    items = () => toList(value);
  } else if (isMapping(value)) {
    type = 'dict_reversekeyiterator';
    items = () => toList(value);
  } else if (value instanceof DictView) {
    type = `dict_reverse${value.kind === 'dict_keys' ? 'key' : value.kind === 'dict_values' ? 'value' : 'item'}iterator`;
    items = () => value.items();
  } else if (value instanceof Undefined) {
    // Undefined has a len() of 0 and a __getitem__, so reversed() accepts it.
    type = 'reversed';
    items = () => [];
  } else return null;
  const n = Array.isArray(value) ? value.length : value instanceof PyRange ? value.length : length(value);
  return new PyIterator(type, null, () => backwards(items, n));
}

// The generators here are top-level functions on purpose: V8 runs a `function*` expression created
// per call (a closure) many times slower, and its garbage survives scavenges.

function* backwards(items: () => readonly unknown[], n: number): Generator<unknown> {
  const all = items();
  for (let i = Math.min(n, all.length) - 1; i >= 0; i--) yield all[i];
}

function* itemPairs(value: unknown): Generator<unknown> {
  if (value instanceof Undefined) return; // strict or not: Jinja2 checks isinstance first
  if (!isMapping(value)) throw new TemplateRuntimeError('Can only get item pairs from a mapping.');
  for (const [k, v] of mappingEntries(value)) yield tuple([k, v]);
}

seqFilters.items = (_ctx, value) => pyGenerator('do_items', () => itemPairs(value));

seqFilters.attr = (ctx, value, args, kwargs) => {
  const [name] = bind({ name: 'do_attr', params: [['name']] }, args, kwargs);
  if (typeof name !== 'string' && !(name instanceof Markup)) {
    throw new TemplateRuntimeError(`attribute name must be string, not '${typeName(name)}'`);
  }
  const n = toStr(name);
  if (value instanceof Undefined) throw undefinedError(value);
  // Python attributes of a dict are its methods, never its keys; dunders go to the sandbox policy.
  if (isMapping(value) && !n.startsWith('__')) return lookupMethod(value, n) ?? ctx.makeUndefined(n);
  return ctx.getAttr(value, n);
};

const DEFAULT_SIG: Signature = {
  name: 'do_default',
  params: [
    ['default_value', ''],
    ['boolean', false],
  ],
};

seqFilters.default = (_ctx, value, args, kwargs) => {
  let dflt: unknown;
  let boolean: unknown;
  if (args.length <= 2 && noKwargs(kwargs)) {
    dflt = args.length > 0 ? args[0] : '';
    boolean = args.length > 1 ? args[1] : false;
  } else [dflt, boolean] = bind(DEFAULT_SIG, args, kwargs);
  if (value instanceof Undefined || (truthy(boolean) && !truthy(value))) return dflt;
  return value;
};
seqFilters.d = seqFilters.default;

// ---------------------------------------------------------------------------------------------
// Sorting, grouping, uniqueness

const SORT_SIG: Signature = {
  name: 'do_sort',
  params: [
    ['reverse', false],
    ['case_sensitive', false],
    ['attribute', null],
  ],
};

seqFilters.sort = selfChecking((ctx, value, args, kwargs) => {
  meterInput(ctx, value);
  const [reverse, caseSensitive, attribute] = bind(SORT_SIG, args, kwargs);
  const key = makeMultiAttrGetter(ctx, attribute, truthy(caseSensitive) ? undefined : ignoreCase);
  return sortBy(ctx, toList(value), key, reverseFlag(reverse));
});

seqFilters.dictsort = (ctx, value, args, kwargs) => {
  const [caseSensitive, by, reverse] = bind(
    {
      name: 'do_dictsort',
      params: [
        ['case_sensitive', false],
        ['by', 'key'],
        ['reverse', false],
      ],
    },
    args,
    kwargs,
  );
  const pos = by === 'key' ? 0 : by === 'value' ? 1 : -1;
  if (pos < 0) throw new TemplateRuntimeError('You can only sort by either "key" or "value"');
  if (value instanceof Undefined) throw undefinedError(value);
  if (!isMapping(value))
    throw new TemplateRuntimeError(`'${typeName(value)}' object has no attribute 'items'`);
  const items = mappingEntries(value).map(([k, v]) => tuple([k, v]));
  const cs = truthy(caseSensitive);
  return sortBy(ctx, items, (it) => (cs ? it[pos] : ignoreCase(it[pos])), reverseFlag(reverse));
};

seqFilters.groupby = (ctx, value, args, kwargs) => {
  const [attribute, dflt, caseSensitive] = bind(
    { name: 'do_groupby', params: [['attribute'], ['default', null], ['case_sensitive', false]] },
    args,
    kwargs,
  );
  const cs = truthy(caseSensitive);
  const expr = makeAttrGetter(ctx, attribute, cs ? undefined : ignoreCase, dflt);
  const sorted = sortBy(ctx, toList(value), expr, false);
  const groups: { key: unknown; items: unknown[] }[] = [];
  for (const item of sorted) {
    const k = expr(item);
    const last = groups[groups.length - 1];
    if (last && equals(last.key, k)) last.items.push(item);
    else groups.push({ key: k, items: [item] });
  }
  const output = makeAttrGetter(ctx, attribute, undefined, dflt);
  return groups.map((g) => namedTuple([cs ? g.key : output(g.items[0]), g.items], ['grouper', 'list']));
};

seqFilters.unique = (ctx, value, args, kwargs) => {
  const [caseSensitive, attribute] = bind(
    {
      name: 'do_unique',
      params: [
        ['case_sensitive', false],
        ['attribute', null],
      ],
    },
    args,
    kwargs,
  );
  return pyGenerator('do_unique', () => uniqueItems(ctx, value, caseSensitive, attribute));
};

function* uniqueItems(
  ctx: CallContext,
  value: unknown,
  caseSensitive: unknown,
  attribute: unknown,
): Generator<unknown> {
  const getter = makeAttrGetter(ctx, attribute, truthy(caseSensitive) ? undefined : ignoreCase);
  const seen = new Set<string>();
  for (const item of iterate(value)) {
    const k = hashKey(getter(item));
    if (!seen.has(k)) {
      seen.add(k);
      yield item;
    }
  }
}

function minMax(name: string, isMax: boolean): FilterFn {
  return (ctx, value, args, kwargs) => {
    const [caseSensitive, attribute] = bind(
      {
        name,
        params: [
          ['case_sensitive', false],
          ['attribute', null],
        ],
      },
      args,
      kwargs,
    );
    const key = makeAttrGetter(ctx, attribute, truthy(caseSensitive) ? undefined : ignoreCase);
    let best: unknown;
    let bestKey: unknown;
    let any = false;
    for (const item of iterate(value)) {
      const k = key(item);
      if (!any || compare(isMax ? '>' : '<', k, bestKey)) {
        best = item;
        bestKey = k;
        any = true;
      }
    }
    return any ? best : ctx.makeUndefined(undefined, 'No aggregated item, sequence was empty.');
  };
}
seqFilters.min = minMax('do_min', false);
seqFilters.max = minMax('do_max', true);

seqFilters.sum = (ctx, value, args, kwargs) => {
  const [attribute, start] = bind(
    {
      name: 'do_sum',
      params: [
        ['attribute', null],
        ['start', 0],
      ],
    },
    args,
    kwargs,
  );
  if (typeof start === 'string' || start instanceof Markup) {
    throw new TemplateRuntimeError("sum() can't sum strings [use ''.join(seq) instead]");
  }
  const get =
    attribute === null || attribute === undefined ? (x: unknown) => x : makeAttrGetter(ctx, attribute);
  let total = start;
  for (const item of iterate(value)) total = binaryOp('+', total, get(item), ctx.budget);
  return total;
};

// ---------------------------------------------------------------------------------------------
// Chunking and joining

seqFilters.batch = (ctx, value, args, kwargs) => {
  const [linecount, fillWith] = bind(
    { name: 'do_batch', params: [['linecount'], ['fill_with', null]] },
    args,
    kwargs,
  );
  // Jinja2 only compares the count (`len(tmp) == linecount`), so a non-int just never matches.
  return pyGenerator('do_batch', () => batches(ctx, value, linecount, fillWith));
};

function* batches(
  ctx: CallContext,
  value: unknown,
  linecount: unknown,
  fillWith: unknown,
): Generator<unknown> {
  let tmp: unknown[] = [];
  for (const item of iterate(value)) {
    if (equals(tmp.length, linecount)) {
      yield tmp;
      tmp = [];
    }
    tmp.push(item);
  }
  if (tmp.length > 0) {
    if (fillWith !== null && fillWith !== undefined && compare('<', tmp.length, linecount)) {
      // `tmp += [fill_with] * (linecount - len(tmp))`, with Python's type rules and our budget.
      const pad = binaryOp('*', [fillWith], binaryOp('-', linecount, tmp.length), ctx.budget) as unknown[];
      checkList(ctx, tmp.length + pad.length);
      tmp.push(...pad);
    }
    yield tmp;
  }
}

seqFilters.slice = (ctx, value, args, kwargs) => {
  const [slices, fillWith] = bind(
    { name: 'do_slice', params: [['slices'], ['fill_with', null]] },
    args,
    kwargs,
  );
  return pyGenerator('sync_do_slice', () => slicesOf(ctx, value, slices, fillWith));
};

function* slicesOf(ctx: CallContext, value: unknown, slices: unknown, fillWith: unknown): Generator<unknown> {
  const seq = toList(value);
  const n = intArg(slices, 'slices');
  if (n === 0) throw new TemplateRuntimeError('integer division or modulo by zero');
  checkList(ctx, Math.abs(n));
  const per = Math.floor(seq.length / n);
  const extra = ((seq.length % n) + n) % n;
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const start = offset + i * per;
    if (i < extra) offset += 1;
    const end = offset + (i + 1) * per;
    const tmp = seq.slice(Math.max(0, start), Math.max(0, end));
    if (fillWith !== null && fillWith !== undefined && i >= extra) tmp.push(fillWith);
    yield tmp;
  }
}

const JOIN_SIG: Signature = {
  name: 'do_join',
  params: [
    ['d', ''],
    ['attribute', null],
  ],
};

seqFilters.join = selfChecking((ctx, value, args, kwargs) => {
  meterInput(ctx, value);
  let d: unknown;
  let attribute: unknown;
  if (args.length <= 2 && noKwargs(kwargs)) {
    d = args.length > 0 ? args[0] : '';
    attribute = args.length > 1 ? args[1] : null;
  } else [d, attribute] = bind(JOIN_SIG, args, kwargs);
  // Only read below, so a list needs no copy.
  let items = Array.isArray(value) ? value : toList(value);
  if (attribute !== null && attribute !== undefined) items = items.map(makeAttrGetter(ctx, attribute));
  let size = 0;
  const add = (s: string): string => {
    size += s.length;
    if (size > 4096) checkStr(ctx, size);
    return s;
  };
  if (!ctx.autoescape) {
    const sep = toStr(d);
    checkStr(ctx, sep.length * Math.max(0, items.length - 1));
    return joinStr(ctx, items, sep);
  }
  // Under autoescape, Markup anywhere makes the whole result Markup with the rest escaped.
  if (d instanceof Markup || items.some((x) => x instanceof Markup)) {
    const sep = markupEscape(d).value;
    checkStr(ctx, sep.length * Math.max(0, items.length - 1));
    return new Markup(items.map((x) => add(markupEscape(x).value)).join(sep));
  }
  const sep = toStr(d);
  checkStr(ctx, sep.length * Math.max(0, items.length - 1));
  return joinStr(ctx, items, sep);
});

/** `sep.join(str(x) for x in items)` with the same running size checks as join's `add`. */
function joinStr(ctx: CallContext, items: readonly unknown[], sep: string): string {
  let out = '';
  let size = 0;
  for (let i = 0; i < items.length; i++) {
    const s = toStr(items[i], ctx.budget);
    size += s.length;
    if (size > 4096) checkStr(ctx, size);
    out = i === 0 ? s : out + sep + s;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// map / select / reject

function mapper(ctx: CallContext, args: unknown[], kwargs: Kwargs): (item: unknown) => unknown {
  if (args.length === 0 && Object.hasOwn(kwargs, 'attribute')) {
    for (const k of Object.keys(kwargs)) {
      if (k !== 'attribute' && k !== 'default')
        throw new TemplateRuntimeError(`Unexpected keyword argument '${k}'`);
    }
    return makeAttrGetter(
      ctx,
      kwargs.attribute,
      undefined,
      Object.hasOwn(kwargs, 'default') ? kwargs.default : null,
    );
  }
  if (args.length === 0) throw new TemplateRuntimeError('map requires a filter argument');
  const name = toStr(args[0]);
  const rest = argsFrom(args, 1);
  // Resolve the filter once per call when the context can (it throws for unknown names itself).
  const fn = ctx.getFilter?.(name);
  if (fn) return (item) => fn(ctx, item, rest, kwargs);
  return (item) => ctx.callFilter(name, item, rest, kwargs);
}

seqFilters.map = selfChecking((ctx, value, args, kwargs) => {
  meterInput(ctx, value);
  return pyGenerator(
    'sync_do_map',
    () => mapped(ctx, value, args, kwargs),
    () => {
      if (!truthy(value)) return [];
      const f = mapper(ctx, args, kwargs);
      const out: unknown[] = [];
      for (const item of iterate(value)) out.push(f(item));
      return out;
    },
  );
});

function* mapped(ctx: CallContext, value: unknown, args: unknown[], kwargs: Kwargs): Generator<unknown> {
  if (!truthy(value)) return; // Jinja2 checks `if value:` before even looking at the arguments
  const f = mapper(ctx, args, kwargs);
  for (const item of iterate(value)) yield f(item);
}

/**
 * `args.slice(from)` by hand: the compiler passes constant argument lists as frozen arrays, and
 * `slice` on a frozen array takes V8's slow path (~150 ns for one item).
 */
function argsFrom(args: readonly unknown[], from: number): unknown[] {
  const n = args.length - from;
  if (n <= 0) return EMPTY;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = args[from + i];
  return out;
}

/**
 * select/reject/selectattr/rejectattr: the items passing (or, `keep` false, failing) the test, as
 * Jinja2's lazy `select_or_reject` generator. `firstOnly` returns the first such item (or an
 * Undefined), which is what `…|selectattr(…)|first` does in Jinja2: later items are never looked
 * at, so they cannot raise either.
 */
function selectOrReject(keep: boolean, lookupAttr: boolean, firstOnly: boolean): FilterFn {
  return selfChecking((ctx, value, args, kwargs) => {
    meterInput(ctx, value);
    if (firstOnly) {
      if (truthy(value)) {
        const ok = selector(ctx, args, kwargs, keep, lookupAttr);
        for (const item of Array.isArray(value) ? value : iterate(value)) if (ok(item)) return item;
      }
      return noFirstItem(ctx);
    }
    return pyGenerator(
      'select_or_reject',
      () => selected(ctx, value, args, kwargs, keep, lookupAttr),
      () => {
        const out: unknown[] = [];
        if (!truthy(value)) return out;
        const ok = selector(ctx, args, kwargs, keep, lookupAttr);
        for (const item of Array.isArray(value) ? value : iterate(value)) if (ok(item)) out.push(item);
        return out;
      },
    );
  });
}

function* selected(
  ctx: CallContext,
  value: unknown,
  args: unknown[],
  kwargs: Kwargs,
  keep: boolean,
  lookupAttr: boolean,
): Generator<unknown> {
  if (!truthy(value)) return;
  const ok = selector(ctx, args, kwargs, keep, lookupAttr);
  // Non-lists are iterated lazily (a huge range is never materialised here).
  for (const item of Array.isArray(value) ? value : iterate(value)) if (ok(item)) yield item;
}

/** Whether an item is kept: the test (or truthiness) of the item or its attribute, against `keep`. */
function selector(
  ctx: CallContext,
  args: unknown[],
  kwargs: Kwargs,
  keep: boolean,
  lookupAttr: boolean,
): (item: unknown) => boolean {
  let trans: ((x: unknown) => unknown) | undefined;
  // `selectattr('name', …)` on dicts: one Map.get per item (envGetItem does the rest).
  let key: string | undefined;
  let off = 0;
  if (lookupAttr) {
    if (args.length === 0) throw new TemplateRuntimeError('Missing parameter for attribute name');
    trans = makeAttrGetter(ctx, args[0]);
    const parts = attrParts(args[0]);
    if (parts.length === 1 && typeof parts[0] === 'string') key = parts[0];
    off = 1;
  }
  if (args.length <= off) return (item) => truthy(trans === undefined ? item : trans(item)) === keep;
  const name = toStr(args[off]);
  const rest = argsFrom(args, off + 1);
  // Resolved once per call when the context can; no per-item closures.
  const fn = ctx.getTest?.(name);
  return (item) => {
    let x: unknown = item;
    if (key !== undefined && item instanceof Map) {
      x = item.get(key);
      if (x === undefined) x = envGetItem(ctx, item, key);
    } else if (trans !== undefined) x = trans(item);
    return (fn ? fn(ctx, x, rest, kwargs) : ctx.callTest(name, x, rest, kwargs)) === keep;
  };
}

function noFirstItem(ctx: CallContext): unknown {
  return ctx.makeUndefined(undefined, 'No first item, sequence was empty.');
}

const EMPTY: unknown[] = Object.freeze([]) as unknown as unknown[];
seqFilters.select = selectOrReject(true, false, false);
seqFilters.reject = selectOrReject(false, false, false);
seqFilters.selectattr = selectOrReject(true, true, false);
seqFilters.rejectattr = selectOrReject(false, true, false);

/**
 * `x|select…(…)|first` in one pass that stops at the first match, keyed by the select filter's
 * name; the compiler uses it when both filters are the builtins.
 */
export const selectThenFirst: Readonly<Record<string, FilterFn>> = Object.freeze({
  select: selectOrReject(true, false, true),
  reject: selectOrReject(false, false, true),
  selectattr: selectOrReject(true, true, true),
  rejectattr: selectOrReject(false, true, true),
});

// ---------------------------------------------------------------------------------------------
// Numbers

seqFilters.abs = selfChecking((ctx, value, args, kwargs) => {
  checkNoArgs('abs', args, kwargs);
  meterInput(ctx, value);
  if (!isNumeric(value)) throw new TemplateRuntimeError(`bad operand type for abs(): '${typeName(value)}'`);
  const n = Math.abs(toNumber(value));
  return isFloat(value) ? float(n) : n;
});

seqFilters.int = (_ctx, value, args, kwargs) => {
  const [dflt, base] = bind(
    {
      name: 'do_int',
      params: [
        ['default', 0],
        ['base', 10],
      ],
    },
    args,
    kwargs,
  );
  // int(s, base) with a bad base is a TypeError/ValueError, which Jinja2 catches like a bad string.
  const b = isIntLike(base) ? toNumber(base) : -1;
  const direct =
    typeof value === 'string' || value instanceof Markup ? toIntPy(value, b) : toIntPy(value, 10);
  if (direct !== undefined) return direct;
  // Jinja2's quirk: "42.23"|int is 42 (falls back to int(float(value))).
  const f = toFloatPy(value);
  if (f !== undefined) {
    const n = typeof f === 'number' ? f : f.value;
    if (Number.isFinite(n)) return Math.trunc(n) || 0;
    if (!Number.isNaN(n)) throw new TemplateRuntimeError('cannot convert float infinity to integer');
  }
  return dflt;
};

seqFilters.float = (_ctx, value, args, kwargs) => {
  const [dflt] = bind({ name: 'do_float', params: [['default', float(0)]] }, args, kwargs);
  const f = toFloatPy(value);
  return f === undefined ? dflt : f;
};

/** Python `round(int, nd)` with nd < 0: exact half-even on integers. */
function roundInt(n: number, nd: number): number {
  if (nd >= 0) return n;
  const p = 10 ** -nd;
  if (!Number.isFinite(p)) return 0;
  const q = Math.floor(n / p);
  const r = n - q * p;
  let res = q * p;
  if (r * 2 > p || (r * 2 === p && q % 2 !== 0)) res += p;
  return res;
}

const ROUND_SIG: Signature = {
  name: 'do_round',
  params: [
    ['precision', 0],
    ['method', 'common'],
  ],
};

seqFilters.round = selfChecking((ctx, value, args, kwargs) => {
  meterInput(ctx, value);
  let precision: unknown;
  let method: unknown;
  if (args.length <= 2 && noKwargs(kwargs)) {
    precision = args.length > 0 ? args[0] : 0;
    method = args.length > 1 ? args[1] : 'common';
  } else [precision, method] = bind(ROUND_SIG, args, kwargs);
  // Common case: a float (an integral one is a PyFloat) rounded to an int number of digits.
  if (method === 'common' && typeof precision === 'number' && isInt(precision)) {
    if (typeof value === 'number' && !Number.isInteger(value)) return float(pyRound(value, precision));
    if (value instanceof PyFloat) return float(pyRound(value.value, precision));
  }
  if (method !== 'common' && method !== 'ceil' && method !== 'floor') {
    throw new TemplateRuntimeError('method must be common, ceil or floor');
  }
  // ceil/floor compute `value * 10**precision` first, which fails on an Undefined itself.
  if (method !== 'common' && value instanceof Undefined) throw undefinedError(value);
  if (!isNumeric(value)) {
    if (method === 'common')
      throw new TemplateRuntimeError(`type ${typeName(value)} doesn't define __round__ method`);
    throw new TemplateRuntimeError(`must be real number, not ${typeName(value)}`);
  }
  const x = toNumber(value);
  if (method === 'common' && (precision === null || precision === undefined)) {
    // round(x, None) is round(x): an int, half-even.
    if (isIntLike(value)) return x;
    if (!Number.isFinite(x)) {
      throw new TemplateRuntimeError(
        Number.isNaN(x) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer',
      );
    }
    return pyRound(x, 0) || 0;
  }
  const p = intArg(precision, 'precision');
  if (method === 'common') {
    if (isIntLike(value)) return roundInt(x, p);
    return float(pyRound(x, p));
  }
  const scale = 10 ** p;
  // math.ceil/floor return ints, so the quotient is never -0.0 (`(-0.5)|round(0, 'ceil')` is 0.0).
  const scaled = isInt(value) && p >= 0 ? x * scale : x * scale;
  const r = (method === 'ceil' ? Math.ceil(scaled) : Math.floor(scaled)) || 0;
  return float(r / scale);
});

export { PyFloat, softStr };
