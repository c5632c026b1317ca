/**
 * Per-render state. One `RenderState` lives for one `render()` call and is also the
 * `CallContext` handed to filters, tests and callables, so calling a builtin allocates nothing.
 */
import { LimitError, TemplateError, TemplateRuntimeError } from '../errors.js';
import type { Limits } from '../limits.js';
import { RenderBudget } from '../limits.js';
import { callValue, getAttribute } from '../sandbox.js';
import { Undefined } from '../values.js';
import type { CallContext, FilterFn, Kwargs, TestFn } from './types.js';

/**
 * A variable scope, linked to the enclosing one. Two kinds, one class (so V8 sees one shape):
 * - name-keyed (`n === null`): variables in `v`, a null-prototype object (`__proto__` is an
 *   ordinary key there) — the template context, the globals, block scopes;
 * - slotted: the frame's own variables, whose names the compiler knows (`n`, shared by every scope
 *   of that frame), in the array `a` (JS `undefined`: not assigned yet). Compiled loads and stores
 *   index `a` directly instead of a property lookup by name, which V8 cannot cache across the
 *   many shapes a template's scopes take.
 * Deliberately not a prototype chain: making a fresh object the prototype of another costs V8 a
 * map transition per render/loop, more than the walk.
 */
export class Scope {
  readonly v: Record<string, unknown>;
  readonly n: readonly string[] | null;
  readonly a: unknown[];
  /** Whether some variable here was set to an UnassignedLocal (frame start, see frames.ts). */
  u: boolean;
  constructor(
    readonly p: Scope | null,
    vars?: Record<string, unknown>,
    names?: readonly string[] | null,
  ) {
    if (names === undefined || names === null) {
      this.v = vars ?? (new ScopeVars() as Record<string, unknown>);
      this.n = null;
      this.a = NO_SLOTS;
    } else {
      this.v = NO_VARS;
      this.n = names;
      this.a = blankSlots(names.length);
    }
    this.u = false;
  }
}

/** `n` unassigned slots, allocated at their final size (literals for the common small frames). */
function blankSlots(n: number): unknown[] {
  switch (n) {
    case 0:
      return [];
    case 1:
      return [undefined];
    case 2:
      return [undefined, undefined];
    case 3:
      return [undefined, undefined, undefined];
    case 4:
      return [undefined, undefined, undefined, undefined];
    case 5:
      return [undefined, undefined, undefined, undefined, undefined];
    case 6:
      return [undefined, undefined, undefined, undefined, undefined, undefined];
    default: {
      const a: unknown[] = new Array(n);
      return a.fill(undefined);
    }
  }
}

/** The variable `name` held by scope `c` itself (JS `undefined` when it has none). */
export function ownVar(c: Scope, name: string): unknown {
  const n = c.n;
  if (n === null) return c.v[name];
  for (let i = 0; i < n.length; i++) if (n[i] === name) return c.a[i];
  return undefined;
}

/**
 * The variables object of a scope. `Object.create(null)` objects start in V8's dictionary mode
 * (slow to create, large); instances of this constructor are ordinary fast objects whose only
 * prototype is an empty, frozen null-prototype object — so no name (`__proto__`, `constructor`,
 * `toString`…) is inherited and `__proto__` stays an ordinary key.
 */
const ScopeVars = function ScopeVars(this: object): void {} as unknown as new () => object;
ScopeVars.prototype = Object.freeze(Object.create(null));

/** `v` of slotted scopes: frozen, so a store by name that should have gone to a slot fails loudly. */
const NO_VARS = Object.freeze(new ScopeVars()) as Record<string, unknown>;
/** `a` of name-keyed scopes. */
const NO_SLOTS: unknown[] = Object.freeze([]) as unknown as unknown[];

/**
 * Same as ScopeVars for the few big scopes (a render's context, include/import contexts): V8 sizes
 * the instances of a constructor after the first few it sees, so keeping these apart keeps the many
 * small loop/macro scopes small.
 */
const ContextVars = function ContextVars(this: object): void {} as unknown as new () => object;
ContextVars.prototype = ScopeVars.prototype;

/** A scope for a whole template context (many names). */
export function contextScope(parent: Scope | null): Scope {
  return new Scope(parent, new ContextVars() as Record<string, unknown>);
}

/** The value of `name` seen from `s` (JS `undefined` when no scope has it). */
export function lookup(s: Scope, name: string): unknown {
  let c: Scope | null = s;
  do {
    const x = ownVar(c, name);
    if (x !== undefined) return x;
    c = c.p;
  } while (c !== null);
  return undefined;
}

/** Every name visible from `s` with its innermost value (for context snapshots). */
export function visibleNames(s: Scope): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (let c: Scope | null = s; c !== null; c = c.p) {
    if (c.n === null) {
      for (const k of Object.keys(c.v)) if (!out.has(k)) out.set(k, c.v[k]);
    } else {
      for (let i = 0; i < c.n.length; i++) {
        const k = c.n[i]!;
        if (c.a[i] !== undefined && !out.has(k)) out.set(k, c.a[i]);
      }
    }
  }
  return out;
}

export type StmtFn = (rt: RenderState, s: Scope) => void;
export type ExprFn = (rt: RenderState, s: Scope) => unknown;

/** A compiled template as the runtime needs it. */
export interface CompiledTemplate {
  readonly name: string | undefined;
  readonly root: StmtFn;
  readonly blocks: ReadonlyMap<string, StmtFn>;
  /** Source lines, for error excerpts. */
  readonly lines: readonly string[];
}

/** The inheritance state of one template render (Jinja2's `Context.blocks` and parent). */
export interface TemplateContext {
  blocks: Map<string, StmtFn[]>;
  parent: CompiledTemplate | null;
  /** Top-level variables of the render (Jinja2's context vars). */
  vars: Scope;
  /** How many `extends` this render followed (cycles hit the recursion limit). */
  levels: number;
  /** Name of the template this context renders (the child's, across inheritance). */
  name: string | undefined;
}

/** What the runtime needs from the environment (kept minimal to avoid an import cycle). */
export interface EngineEnv {
  readonly filters: Readonly<Record<string, FilterFn>>;
  readonly tests: Readonly<Record<string, TestFn>>;
  /** Scope holding the globals; parent of every render's context scope. */
  readonly globalsScope: Scope;
  readonly strict: boolean;
  /** The environment's autoescape mode, which every template and block starts in. */
  readonly autoescape: boolean;
  readonly limits: Limits;
  /** Loads and compiles a template by name; throws TemplateRuntimeError when not found. */
  loadTemplate(name: string): CompiledTemplate;
  /** Whether a template exists (for `select_template` style includes). */
  hasTemplate(name: string): boolean;
}

export class RenderState implements CallContext {
  /** The buffer currently written to; captures swap it out and back. */
  out = '';
  depth = 0;
  autoescape: boolean;
  readonly budget: RenderBudget;
  readonly maxOutput: number;
  readonly maxRecursion: number;
  tc: TemplateContext;

  constructor(
    readonly env: EngineEnv,
    autoescape: boolean,
    limits: Limits,
  ) {
    this.autoescape = autoescape;
    this.budget = new RenderBudget(limits);
    this.maxOutput = limits.maxOutput;
    this.maxRecursion = limits.maxRecursion;
    this.tc = {
      blocks: new Map(),
      parent: null,
      vars: contextScope(null),
      levels: 0,
      name: undefined,
    };
  }

  write(s: string): void {
    this.out += s;
    if (this.out.length > this.maxOutput) this.overflow();
  }

  /** Throws the output limit error. */
  overflow(): never {
    throw new LimitError('output', `template output exceeds the limit of ${this.maxOutput} characters`);
  }

  /** Enters one level of macro/include/block/recursive-loop nesting. */
  enter(): void {
    if (++this.depth > this.maxRecursion) {
      this.depth--;
      throw new LimitError('recursion', `maximum recursion depth exceeded (limit ${this.maxRecursion})`);
    }
  }

  leave(): void {
    this.depth--;
  }

  /** Runs `fn` with a fresh output buffer and returns what it wrote. */
  capture(fn: () => void): string {
    const saved = this.out;
    this.out = '';
    try {
      fn();
      return this.out;
    } finally {
      this.out = saved;
    }
  }

  getAttr(obj: unknown, name: string): unknown {
    return getAttribute(this, obj, name);
  }

  call(fn: unknown, args: unknown[], kwargs: Kwargs): unknown {
    return callValue(this, fn, args, kwargs);
  }

  callFilter(name: string, value: unknown, args: unknown[], kwargs: Kwargs): unknown {
    const f = this.env.filters[name];
    if (f === undefined) throw new TemplateRuntimeError(`No filter named '${name}'.`);
    return f(this, value, args, kwargs);
  }

  callTest(name: string, value: unknown, args: unknown[], kwargs: Kwargs): boolean {
    const t = this.env.tests[name];
    if (t === undefined) throw new TemplateRuntimeError(`No test named '${name}'.`);
    return t(this, value, args, kwargs);
  }

  getFilter(name: string): FilterFn | undefined {
    return this.env.filters[name];
  }

  getTest(name: string): TestFn | undefined {
    return this.env.tests[name];
  }

  hasFilter(name: string): boolean {
    return this.env.filters[name] !== undefined;
  }

  hasTest(name: string): boolean {
    return this.env.tests[name] !== undefined;
  }

  makeUndefined(name?: string, hint?: string): Undefined {
    return new Undefined(name, hint, this.env.strict);
  }
}

/**
 * Attaches a location to an error on its way out of a statement, converting stray JS errors
 * (stack overflow, a throwing host function) into template errors first.
 */
export function locateError(
  e: unknown,
  line: number,
  column: number,
  name: string | undefined,
): TemplateError {
  let err: TemplateError;
  if (e instanceof TemplateError) err = e;
  else if (e instanceof RangeError) {
    err = /call stack/i.test(e.message)
      ? new LimitError('recursion', 'maximum recursion depth exceeded')
      : new LimitError('string', `value too large: ${e.message}`);
  } else if (e instanceof Error) err = new TemplateRuntimeError(e.message);
  else err = new TemplateRuntimeError(String(e));
  return err.locate({ line, column }, name);
}
