/**
 * Template-visible objects the language creates: the `loop` variable, macros, imported template
 * modules and `self`. Their attributes are served by `templateAttr`, which the sandbox consults, so
 * nothing else on these JS objects is reachable from a template.
 */
import { TemplateRuntimeError } from '../errors.js';
import { equals, Markup, MISSING, PyObject, PyRange, tuple, Undefined } from '../values.js';
import type { RenderState, StmtFn } from './state.js';
import { Callable, type CallContext, type Kwargs } from './types.js';

/** Items of a loop, indexable without materializing a `range`. */
export type LoopItems = readonly unknown[] | PyRange;

export function itemAt(items: LoopItems, i: number): unknown {
  return items instanceof PyRange ? items.at(i) : items[i];
}

export class LoopContext extends PyObject {
  index0 = -1;
  private lastChanged: unknown = MISSING;

  constructor(
    readonly items: LoopItems,
    readonly depth0: number,
    /** Renders the loop body again for `loop(children)` in recursive loops. */
    readonly recurse: ((rt: RenderState, items: unknown) => unknown) | null,
  ) {
    super();
  }

  pyTypeName(): string {
    return 'LoopContext';
  }

  override pyRepr(): string {
    return `<LoopContext ${this.index0 + 1}/${this.items.length}>`;
  }

  get length(): number {
    return this.items.length;
  }

  attr(rt: RenderState, name: string): unknown {
    const i = this.index0;
    const n = this.items.length;
    switch (name) {
      case 'index':
        return i + 1;
      case 'index0':
        return i;
      case 'revindex':
        return n - i;
      case 'revindex0':
        return n - i - 1;
      case 'first':
        return i === 0;
      case 'last':
        return i === n - 1;
      case 'length':
        return n;
      case 'depth':
        return this.depth0 + 1;
      case 'depth0':
        return this.depth0;
      case 'previtem':
        return i > 0 ? itemAt(this.items, i - 1) : rt.makeUndefined('previtem', 'there is no previous item');
      case 'nextitem':
        return i + 1 < n ? itemAt(this.items, i + 1) : rt.makeUndefined('nextitem', 'there is no next item');
      case 'cycle':
        return new Callable('cycle', (_ctx, args) => {
          if (args.length === 0) throw new TemplateRuntimeError('no items for cycling given');
          return args[this.index0 % args.length];
        });
      case 'changed':
        return new Callable('changed', (_ctx, args) => {
          const value = tuple(args);
          if (this.lastChanged === MISSING || !equals(this.lastChanged, value)) {
            this.lastChanged = value;
            return true;
          }
          return false;
        });
      default:
        return MISSING;
    }
  }
}

/**
 * A reader for one `loop` attribute whose value needs no allocation (`loop.index` …), decided once
 * per attribute name; null for the others (served by `LoopContext.attr`).
 */
export function loopAttrReader(name: string): ((lc: LoopContext, rt: RenderState) => unknown) | null {
  switch (name) {
    case 'index':
      return (lc) => lc.index0 + 1;
    case 'index0':
      return (lc) => lc.index0;
    case 'revindex':
      return (lc) => lc.items.length - lc.index0;
    case 'revindex0':
      return (lc) => lc.items.length - lc.index0 - 1;
    case 'first':
      return (lc) => lc.index0 === 0;
    case 'last':
      return (lc) => lc.index0 === lc.items.length - 1;
    case 'length':
      return (lc) => lc.items.length;
    case 'depth':
      return (lc) => lc.depth0 + 1;
    case 'depth0':
      return (lc) => lc.depth0;
    case 'previtem':
    case 'nextitem':
    case 'cycle':
    case 'changed':
      return (lc, rt) => lc.attr(rt, name);
    default:
      return null;
  }
}

/** `macro(a0, a1, a2)` called with `n` (<= 3) positional arguments; the unused ones are ignored. */
export type MacroFastCall = (ctx: CallContext, n: number, a0: unknown, a1: unknown, a2: unknown) => unknown;

/** A macro (or the `caller` of a call block): a Callable with Jinja2's introspection attributes. */
export class MacroCallable extends Callable {
  constructor(
    name: string,
    invoke: (ctx: CallContext, args: unknown[], kwargs: Kwargs) => unknown,
    readonly argNames: readonly string[],
    readonly catchKwargs: boolean,
    readonly catchVarargs: boolean,
    readonly caller: boolean,
    /**
     * Positional calls with at most three arguments, no array and no keyword object (null when the
     * macro needs the general binding: caller, varargs, kwargs, more parameters).
     */
    readonly fast: MacroFastCall | null = null,
  ) {
    super(name, invoke);
  }

  /** Jinja2's `repr(macro)`; call-block callers are anonymous. */
  pyRepr(): string {
    return this.name === 'caller' ? '<Macro anonymous>' : `<Macro '${this.name}'>`;
  }

  attr(name: string): unknown {
    switch (name) {
      case 'name':
        return this.name;
      case 'arguments':
        return tuple([...this.argNames]);
      case 'catch_kwargs':
        return this.catchKwargs;
      case 'catch_varargs':
        return this.catchVarargs;
      case 'caller':
        return this.caller;
      default:
        return MISSING;
    }
  }
}

/** What `{% import %}` binds: the exported top-level names of a rendered template. */
export class TemplateModule extends PyObject {
  constructor(
    readonly templateName: string | undefined,
    readonly exports: ReadonlyMap<string, unknown>,
    readonly body: string,
  ) {
    super();
  }
  pyTypeName(): string {
    return 'TemplateModule';
  }
  override pyRepr(): string {
    return `<Template module ${this.templateName === undefined ? 'memory' : `'${this.templateName}'`}>`;
  }
  override toString(): string {
    return this.body;
  }
}

/** `self` in a template: `self.blockname()` renders that block. */
export class TemplateReference extends PyObject {
  constructor(
    readonly render: (rt: RenderState, name: string) => unknown,
    readonly templateName: string | undefined,
  ) {
    super();
  }
  pyTypeName(): string {
    return 'TemplateReference';
  }
  override pyRepr(): string {
    return `<TemplateReference ${this.templateName === undefined ? 'None' : `'${this.templateName}'`}>`;
  }
}

/** Wraps captured output as Markup when autoescaping, like Jinja2's macro/caller returns. */
export function markupIf(rt: RenderState, s: string): unknown {
  return rt.autoescape ? new Markup(s) : s;
}

export type { StmtFn };

/**
 * A frame-local name that is not assigned yet (see frames.ts). It is undefined to the frame and its
 * inner frames, but remembers what it shadows: includes and `import … with context` see the context
 * value instead, as Jinja2 passes them the context plus only the *assigned* locals.
 */
export class UnassignedLocal extends Undefined {
  constructor(
    name: string,
    strict: boolean,
    readonly shadowed: unknown,
  ) {
    super(name, undefined, strict);
  }
}

/** The value a name has for an included/imported template: unassigned locals are see-through. */
export function visibleValue(v: unknown): unknown {
  let cur = v;
  while (cur instanceof UnassignedLocal) cur = cur.shadowed;
  return cur;
}
