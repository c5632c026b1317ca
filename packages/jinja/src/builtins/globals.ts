/**
 * Jinja2's default globals: range, dict, cycler, joiner, namespace, lipsum.
 */
import { SecurityError, TemplateRuntimeError } from '../errors.js';
import { Callable, type CallContext, type Kwargs } from '../runtime/types.js';
import {
  dictSet,
  escapeHtml,
  isMapping,
  iterate,
  Markup,
  MISSING,
  mappingEntries,
  PyObject,
  PyRange,
  repr,
  truthy,
} from '../values.js';
import { intArg, pyCapitalize } from './common.js';
import { bind } from './params.js';

// ---------------------------------------------------------------------------------------------
// range

function rangeArg(v: unknown): number {
  return intArg(v, '');
}

export function makeRange(ctx: CallContext, args: unknown[], kwargs: Kwargs): PyRange {
  for (const _ in kwargs) throw new TemplateRuntimeError('range() takes no keyword arguments');
  if (args.length === 0) throw new TemplateRuntimeError('range expected at least 1 argument, got 0');
  if (args.length > 3)
    throw new TemplateRuntimeError(`range expected at most 3 arguments, got ${args.length}`);
  const nums = args.map(rangeArg);
  const [start, stop, step] =
    nums.length === 1 ? [0, nums[0] ?? 0, 1] : [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 1];
  if (step === 0) throw new TemplateRuntimeError('range() arg 3 must not be zero');
  const r = new PyRange(start, stop, step);
  // Checked before anything is allocated; the range itself stays lazy.
  ctx.budget.checkRange(r.length);
  return r;
}

// ---------------------------------------------------------------------------------------------
// namespace

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Jinja2's `namespace()`: a mutable attribute bag for `{% set ns.x = … %}`. */
export class Namespace extends PyObject {
  readonly attrs = new Map<string, unknown>();

  pyTypeName(): string {
    return 'Namespace';
  }

  override pyRepr(): string {
    return `<Namespace ${repr(new Map(this.attrs))}>`;
  }

  /** `ns.name = value`; refuses dunder and prototype-ish names. */
  set(name: string, value: unknown): void {
    if (FORBIDDEN_KEYS.has(name) || (name.startsWith('__') && name.endsWith('__'))) {
      throw new SecurityError(`cannot set attribute '${name}' on a namespace`);
    }
    this.attrs.set(name, value);
  }

  get(name: string): unknown {
    return this.attrs.has(name) ? this.attrs.get(name) : MISSING;
  }

  /** Attribute hook the sandbox consults. */
  pyGetAttr(name: string): unknown {
    return this.get(name);
  }
}

function makeNamespace(ctx: CallContext, args: unknown[], kwargs: Kwargs): Namespace {
  const ns = new Namespace();
  if (args.length > 1) throw new TemplateRuntimeError(`dict expected at most 1 argument, got ${args.length}`);
  const init = args[0];
  if (init !== undefined && init !== null) {
    for (const [k, v] of pairsOf(init)) ns.set(String(k), v);
  }
  for (const k of Object.keys(kwargs)) ns.set(k, kwargs[k]);
  ctx.budget.checkCollection(ns.attrs.size);
  return ns;
}

function pairsOf(src: unknown): [unknown, unknown][] {
  if (isMapping(src)) return mappingEntries(src);
  const out: [unknown, unknown][] = [];
  let i = 0;
  for (const p of iterate(src)) {
    const kv = [...iterate(p)];
    if (kv.length !== 2) {
      throw new TemplateRuntimeError(
        `dictionary update sequence element #${i} has length ${kv.length}; 2 is required`,
      );
    }
    out.push([kv[0], kv[1]]);
    i++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// cycler, joiner

/** Jinja2's `cycler(*items)`: `next()`, `reset()`, `current`. */
export class Cycler extends PyObject {
  pos = 0;
  constructor(readonly items: readonly unknown[]) {
    super();
  }
  pyTypeName(): string {
    return 'Cycler';
  }
  get current(): unknown {
    return this.items[this.pos];
  }
  next(): unknown {
    const rv = this.current;
    this.pos = (this.pos + 1) % this.items.length;
    return rv;
  }
  reset(): void {
    this.pos = 0;
  }
  override pyMethod(name: string): Callable | undefined {
    if (name === 'next') return new Callable('next', () => this.next());
    if (name === 'reset') {
      return new Callable('reset', () => {
        this.reset();
        return null;
      });
    }
    return undefined;
  }
  pyGetAttr(name: string): unknown {
    if (name === 'current') return this.current;
    if (name === 'items') return this.items;
    if (name === 'pos') return this.pos;
    return MISSING;
  }
}

/** Jinja2's `joiner(sep)`: returns '' the first time it is called, `sep` afterwards. */
export class Joiner extends Callable {
  constructor(sep: unknown) {
    const state = { used: false };
    super('joiner', () => {
      if (!state.used) {
        state.used = true;
        return '';
      }
      return sep;
    });
  }
}

// ---------------------------------------------------------------------------------------------
// lipsum

const LOREM_WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et ' +
  'dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea ' +
  'commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur ' +
  'excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum ' +
  'curabitur pretium tincidunt lacus nunc pulvinar sapien ligula vitae mauris praesent morbi tristique ' +
  'senectus netus malesuada fames turpis egestas'
).split(' ');

function randInt(lo: number, hi: number): number {
  // Python's randrange(lo, hi): hi exclusive.
  return lo + Math.floor(Math.random() * Math.max(1, hi - lo));
}

/** Same shape as Jinja2's generator (paragraphs, commas, full stops); random like Jinja2's. */
export function loremIpsum(n: number, html: boolean, min: number, max: number): string {
  const paragraphs: string[] = [];
  for (let p = 0; p < n; p++) {
    let nextCapitalized = true;
    let lastComma = 0;
    let lastFullstop = 0;
    let last = '';
    const words: string[] = [];
    const count = randInt(min, max);
    for (let idx = 0; idx < count; idx++) {
      let word: string;
      do word = LOREM_WORDS[Math.floor(Math.random() * LOREM_WORDS.length)] ?? 'lorem';
      while (word === last);
      last = word;
      if (nextCapitalized) {
        word = pyCapitalize(word);
        nextCapitalized = false;
      }
      if (idx - randInt(3, 8) > lastComma) {
        lastComma = idx;
        lastFullstop += 2;
        word += ',';
      }
      if (idx - randInt(10, 20) > lastFullstop) {
        lastComma = idx;
        lastFullstop = idx;
        word += '.';
        nextCapitalized = true;
      }
      words.push(word);
    }
    let text = words.join(' ');
    if (text.endsWith(',')) text = `${text.slice(0, -1)}.`;
    else if (!text.endsWith('.')) text += '.';
    paragraphs.push(text);
  }
  if (!html) return paragraphs.join('\n\n');
  return paragraphs.map((x) => `<p>${escapeHtml(x)}</p>`).join('\n');
}

function lipsum(ctx: CallContext, args: unknown[], kwargs: Kwargs): unknown {
  const [n, html, min, max] = bind(
    {
      name: 'generate_lorem_ipsum',
      params: [
        ['n', 5],
        ['html', true],
        ['min', 20],
        ['max', 100],
      ],
    },
    args,
    kwargs,
  );
  const count = intArg(n, 'n');
  const lo = intArg(min, 'min');
  const hi = intArg(max, 'max');
  if (hi <= lo) throw new TemplateRuntimeError(`empty range for randrange() (${lo}, ${hi}, ${hi - lo})`);
  // Words are at most 15 characters with punctuation; check the worst case before generating.
  ctx.budget.checkString(Math.max(0, count) * (hi * 16 + 16));
  const text = loremIpsum(Math.max(0, count), truthy(html), lo, hi);
  return truthy(html) ? new Markup(text) : text;
}

// ---------------------------------------------------------------------------------------------
// dict

function makeDictGlobal(ctx: CallContext, args: unknown[], kwargs: Kwargs): Map<unknown, unknown> {
  if (args.length > 1) throw new TemplateRuntimeError(`dict expected at most 1 argument, got ${args.length}`);
  const m = new Map<unknown, unknown>();
  const init = args[0];
  const pairs = init === undefined ? [] : pairsOf(init);
  const keys = Object.keys(kwargs);
  ctx.budget.checkCollection(pairs.length + keys.length);
  for (const [k, v] of pairs) dictSet(m, k, v);
  for (const k of keys) dictSet(m, k, kwargs[k]);
  return m;
}

export const builtinGlobals: Record<string, Callable> = Object.assign(Object.create(null), {
  range: new Callable('range', makeRange),
  dict: new Callable('dict', makeDictGlobal),
  cycler: new Callable('cycler', (_ctx, args, kwargs) => {
    for (const k in kwargs)
      throw new TemplateRuntimeError(`Cycler.__init__() got an unexpected keyword argument '${k}'`);
    if (args.length === 0) throw new TemplateRuntimeError('at least one item has to be provided');
    return new Cycler(args.slice());
  }),
  joiner: new Callable('joiner', (_ctx, args, kwargs) => {
    const [sep] = bind({ name: 'Joiner.__init__', params: [['sep', ', ']] }, args, kwargs);
    return new Joiner(sep);
  }),
  namespace: new Callable('namespace', makeNamespace),
  lipsum: new Callable('generate_lorem_ipsum', lipsum),
});
