/**
 * Compiles the AST into a tree of closures (no eval, no `new Function`). Everything that can be
 * decided at compile time is: filter and test functions are looked up once, constant output is
 * pre-joined, `loop` objects are only created for loops whose body mentions `loop`, and scopes are
 * only re-created per iteration when the body assigns variables.
 */
import { builtinFilters } from './builtins/filters.js';
import { selectThenFirst } from './builtins/filters-seq.js';
import { Namespace } from './builtins/globals.js';
import { builtinTests } from './builtins/tests.js';
import { LimitError, TemplateRuntimeError, TemplateSyntaxError } from './errors.js';
import { analyzeFrame } from './frames.js';
import type {
  CallArgs,
  CompareOpName,
  Expr,
  ExprOf,
  OutputPart,
  Stmt,
  StmtOf,
  TemplateNode,
} from './nodes.js';
import { BREAK, CONTINUE, LoopControl } from './runtime/loop-control.js';
import {
  itemAt,
  LoopContext,
  type LoopItems,
  MacroCallable,
  type MacroFastCall,
  markupIf,
  TemplateModule,
  TemplateReference,
  UnassignedLocal,
  visibleValue,
} from './runtime/objects.js';
import {
  type CompiledTemplate,
  contextScope,
  type EngineEnv,
  type ExprFn,
  locateError,
  lookup,
  ownVar,
  type RenderState,
  Scope,
  type StmtFn,
  type TemplateContext,
  visibleNames,
} from './runtime/state.js';
import type { CallContext, FilterFn, Kwargs, TestFn } from './runtime/types.js';
import { Callable, EMPTY_KWARGS, sharedKwargs } from './runtime/types.js';
import {
  type AttrGetter,
  attrGetter,
  callValue,
  failUndefined,
  fromHost,
  getItemSafe,
  isPlainDictKey,
  objectTypeRepr,
} from './sandbox.js';
import {
  binaryOp,
  checkHashable,
  compare,
  contains,
  equals,
  escapeHtml,
  escape as escapeValue,
  isMapping,
  isTuple,
  iterate,
  Markup,
  MISSING,
  makeDict,
  mappingEntries,
  PyRange,
  slice,
  toList,
  toStr,
  truthy,
  tuple,
  typeName,
  Undefined,
  unaryOp,
} from './values.js';
import {
  capturesScope,
  firstStoreOf,
  hasLoopControl,
  hasScopedBlock,
  hasStores,
  referencesName,
} from './walk.js';

interface Frame {
  /** Inside an `if` test/body or an inline if: unknown filters/tests fail at run time only. */
  soft: boolean;
  /** Refs of this Jinja2 frame and the enclosing ones (innermost last), see frames.ts. */
  scopes: readonly ReadonlySet<string>[];
  /** Names some frame in the chain starts as UnassignedLocal (their lookups unwrap it). */
  unassigned: ReadonlySet<string>;
  /** Output here belongs to the template root and is suppressed once `extends` ran. */
  root: boolean;
  /** Jinja2's `toplevel`: the root frame or an `if` inside it (where `extends` is allowed). */
  toplevel?: boolean;
  /**
   * Autoescaping of this frame's output, decided at compile time like Jinja2's eval context; null
   * inside a non-constant `{% autoescape %}` (volatile: read `rt.autoescape` at run time).
   */
  ae: boolean | null;
  /** The compile-time autoescape value, which a volatile `{% autoescape %}` leaves unchanged. */
  staticAe: boolean;
  /**
   * The names this frame binds, stored in its scope's slots (see Scope); null for frames whose
   * scope is name-keyed (the template root, which is the context, and blocks).
   */
  slots: readonly string[] | null;
  /** The enclosing frame, whose scope is the parent of this frame's scope; null for isolated frames. */
  up: Frame | null;
}

type AssignFn = (rt: RenderState, s: Scope, value: unknown) => void;
type InitFn = (rt: RenderState, s: Scope) => void;

/** Sets the names a frame starts with as undefined (see frames.ts); null when there are none. */
function initFn(names: readonly string[], slots: readonly string[] | null): InitFn | null {
  if (names.length === 0) return null;
  if (slots !== null) {
    const idx = names.map((n) => slotOf(slots, n));
    return (rt, s) => {
      s.u = true;
      for (let i = 0; i < names.length; i++) {
        const n = names[i]!;
        s.a[idx[i]!] = new UnassignedLocal(n, rt.env.strict, lookup(s, n));
      }
    };
  }
  return (rt, s) => {
    s.u = true;
    for (const n of names) s.v[n] = new UnassignedLocal(n, rt.env.strict, lookup(s, n));
  };
}

/** The slot of `name` in a frame's slots; a missing one is a compiler bug (frames.ts missed a store). */
function slotOf(slots: readonly string[], name: string): number {
  const i = slots.indexOf(name);
  if (i < 0) throw new Error(`internal error: '${name}' has no slot in its frame`);
  return i;
}

/**
 * Where a read of `name` in `frame` starts: the slot of the innermost slotted frame binding it,
 * `hops` scopes up, or (slot -1) the first name-keyed scope, `hops` up.
 */
function staticSlot(frame: Frame, name: string): { hops: number; slot: number } {
  let hops = 0;
  for (let f: Frame | null = frame; f !== null && f.slots !== null; f = f.up, hops++) {
    const slot = f.slots.indexOf(name);
    if (slot >= 0) return { hops, slot };
  }
  return { hops, slot: -1 };
}

/** A fresh scope for one run of `frame` (slotted unless the frame is name-keyed). */
function frameScope(parent: Scope, frame: Frame): Scope {
  return new Scope(parent, undefined, frame.slots);
}

/** Stores `name` in the scope of `frame` (its slot, or by name). */
function storer(frame: Frame, name: string): (s: Scope, v: unknown) => void {
  if (frame.slots === null) {
    return (s, v) => {
      s.v[name] = v === undefined ? null : v;
    };
  }
  const i = slotOf(frame.slots, name);
  return (s, v) => {
    s.a[i] = v === undefined ? null : v;
  };
}

function targetNames(t: Expr, out: string[] = []): string[] {
  if (t.kind === 'Name') out.push(t.name);
  else if (t.kind === 'Tuple') for (const i of t.items) targetNames(i, out);
  return out;
}

/** Python `str()` of an output value, escaped when autoescaping. */
function outStr(rt: RenderState, v: unknown, ae: boolean): string {
  if (typeof v === 'string') return ae ? escapeHtml(v) : v;
  // Python ints print like JS integers (except -0, a float, and huge values, left to toStr).
  if (typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
  if (ae) return escapeValue(v).value;
  return toStr(v, rt.budget);
}

/** `outStr` without autoescaping. */
function outPlain(rt: RenderState, v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && (v !== 0 || 1 / v > 0)) return String(v);
  return toStr(v, rt.budget);
}

/** `outPlain` with errors (a strict Undefined, a limit) located at the printed expression. */
function outPlainLocated(
  rt: RenderState,
  v: unknown,
  at: { line: number; column: number },
  name: string | undefined,
): string {
  try {
    return outPlain(rt, v);
  } catch (e) {
    throw locateError(e, at.line, at.column, name);
  }
}

/** Raises the output limit error, located at the printed expression. */
function overflowAt(rt: RenderState, at: { line: number; column: number }, name: string | undefined): never {
  try {
    rt.overflow();
  } catch (e) {
    throw locateError(e, at.line, at.column, name);
  }
}

function runAll(fns: StmtFn[]): StmtFn {
  const n = fns.length;
  if (n === 0) return () => {};
  if (n === 1) return fns[0]!;
  if (n === 2) {
    const [a, b] = fns as [StmtFn, StmtFn];
    return (rt, s) => {
      a(rt, s);
      b(rt, s);
    };
  }
  return (rt, s) => {
    for (let i = 0; i < n; i++) fns[i]!(rt, s);
  };
}

/** Runs a loop body that may `{% break %}`/`{% continue %}`: the signal that ended it, or null. */
function runControlled(body: StmtFn, rt: RenderState, s: Scope): LoopControl | null {
  try {
    body(rt, s);
    return null;
  } catch (e) {
    if (e instanceof LoopControl) return e;
    throw e;
  }
}

/** Loads a template for include/import/extends from the value a template computed. */
function loadByValue(rt: RenderState, v: unknown, ignoreMissing: boolean): CompiledTemplate | null {
  if (v instanceof Undefined) failUndefined(v);
  if (Array.isArray(v)) {
    const names = v.map((x) => toStr(x));
    for (const n of names) if (rt.env.hasTemplate(n)) return rt.env.loadTemplate(n);
    if (ignoreMissing) return null;
    throw new TemplateRuntimeError(
      `none of the templates given were found: ${names.map((n) => `'${n}'`).join(', ')}`,
    );
  }
  const name = v instanceof Markup ? v.value : v;
  if (typeof name !== 'string') {
    throw new TemplateRuntimeError(`template name must be a string, not '${objectTypeRepr(v)}'`);
  }
  if (ignoreMissing && !rt.env.hasTemplate(name)) return null;
  return rt.env.loadTemplate(name);
}

/** Renders a template (and its inheritance chain) into the current buffer with `vars` as context. */
export function runTemplate(rt: RenderState, tmpl: CompiledTemplate, vars: Scope): void {
  const saved = rt.tc;
  const blocks = new Map<string, StmtFn[]>();
  for (const [name, fn] of tmpl.blocks) blocks.set(name, [fn]);
  const tc = { blocks, parent: null as CompiledTemplate | null, vars, levels: 0, name: tmpl.name };
  rt.tc = tc;
  // Every template (included, imported, extended) starts in the environment's autoescape mode.
  const savedAutoescape = rt.autoescape;
  rt.autoescape = rt.env.autoescape;
  try {
    tmpl.root(rt, vars);
    while (tc.parent !== null) {
      const parent = tc.parent;
      tc.parent = null;
      rt.enter();
      try {
        parent.root(rt, vars);
      } finally {
        rt.leave();
      }
    }
  } finally {
    rt.tc = saved;
    rt.autoescape = savedAutoescape;
  }
}

/** Renders block `name` at inheritance level `index` into the current buffer. */
function renderBlock(rt: RenderState, name: string, index: number, parentScope: Scope): void {
  const fns = rt.tc.blocks.get(name);
  const fn = fns?.[index];
  if (fns === undefined || fn === undefined) {
    throw new TemplateRuntimeError(
      index === 0 ? `block '${name}' is not defined` : `there is no parent block called '${name}'.`,
    );
  }
  const scope = new Scope(parentScope);
  scope.v.super =
    index + 1 < fns.length
      ? new Callable('super', (ctx) => {
          const r = ctx as RenderState;
          return markupIf(
            r,
            r.capture(() => renderBlock(r, name, index + 1, parentScope)),
          );
        })
      : rt.makeUndefined('super', `there is no parent block called '${name}'.`);
  rt.enter();
  try {
    fn(rt, scope);
  } finally {
    rt.leave();
  }
}

function selfReference(rt: RenderState): TemplateReference {
  return new TemplateReference(
    (r, name) =>
      markupIf(
        r,
        r.capture(() => renderBlock(r, name, 0, r.tc.vars)),
      ),
    rt.tc.name,
  );
}

/** Whether Jinja2's optimizer would fold `e` to a constant (literals and operators on them). */
function isConstExpr(e: Expr): boolean {
  switch (e.kind) {
    case 'Const':
      return true;
    case 'List':
    case 'Tuple':
      return e.items.every(isConstExpr);
    case 'Dict':
      return e.pairs.every((p) => isConstExpr(p.key) && isConstExpr(p.value));
    case 'Unary':
      return isConstExpr(e.node);
    case 'BinOp':
    case 'And':
    case 'Or':
      return isConstExpr(e.left) && isConstExpr(e.right);
    case 'Concat':
      return e.nodes.every(isConstExpr);
    case 'Compare':
      return isConstExpr(e.expr) && e.ops.every((o) => isConstExpr(o.expr));
    case 'CondExpr':
      return isConstExpr(e.test) && isConstExpr(e.expr1) && (e.expr2 === null || isConstExpr(e.expr2));
    default:
      return false;
  }
}

/** A variable's value (or an Undefined naming it), for names no enclosing frame starts as unassigned. */
function resolveName(rt: RenderState, s: Scope, name: string): unknown {
  // `lookup` inlined: only scopes that received UnassignedLocals need the (costly) class check.
  let c: Scope | null = s;
  do {
    const n = c.n;
    let v: unknown;
    if (n === null) v = c.v[name];
    else {
      for (let i = 0; i < n.length; i++) {
        if (n[i] === name) {
          v = c.a[i];
          break;
        }
      }
    }
    if (v !== undefined) {
      if (c.u && v instanceof UnassignedLocal) {
        // Reached from an isolated frame (a block): Jinja2 reads the context there, which does not
        // have the enclosing root's not-yet-assigned locals.
        const w = visibleValue(v);
        return w === undefined ? rt.makeUndefined(name) : w;
      }
      return v;
    }
    c = c.p;
  } while (c !== null);
  return rt.makeUndefined(name);
}

/** A read of `name` from `from` upwards where an UnassignedLocal reads as a plain Undefined. */
function readUnassigned(rt: RenderState, from: Scope | null, name: string): unknown {
  for (let c = from; c !== null; c = c.p) {
    const v = ownVar(c, name);
    if (v !== undefined) return c.u && v instanceof UnassignedLocal ? rt.makeUndefined(name) : v;
  }
  return rt.makeUndefined(name);
}

/**
 * JS arithmetic for the operators whose Python float result is exactly the IEEE one (`+ - * /`;
 * `//`, `%` and `**` have their own rules); null for the others. Only finite non-integral results
 * are used as they are: integral ones may be ints or need a PyFloat box, and division by zero or
 * overflow must raise or print like Python.
 */
function floatOp(op: string): ((a: number, b: number) => number) | null {
  switch (op) {
    case '+':
      return (a, b) => a + b;
    case '-':
      return (a, b) => a - b;
    case '*':
      return (a, b) => a * b;
    case '/':
      return (a, b) => a / b;
    default:
      return null;
  }
}

/**
 * Runs a macro body in `scope` (arguments bound) and returns what it printed. Module-level (not a
 * closure per macro) so V8 can inline it into the call paths.
 */
function runMacroBody(rt: RenderState, body: StmtFn, scope: Scope, defTc: TemplateContext): unknown {
  rt.enter();
  // A macro runs in the context it was defined in (its template's blocks and `self`).
  const savedTc = rt.tc;
  // The body escapes as compiled where it was defined; the result is Markup if the run-time
  // evaluation context (the caller's) autoescapes — Jinja2's Macro.__call__.
  rt.tc = defTc;
  // Capture inline (no closure per call): swap the output buffer around the body.
  const savedOut = rt.out;
  rt.out = '';
  try {
    body(rt, scope);
    const out = rt.out;
    return rt.autoescape ? new Markup(out) : out;
  } finally {
    rt.out = savedOut;
    rt.tc = savedTc;
    rt.leave();
  }
}

/** Shared argument list of argument-less calls (frozen: callees only read their arguments). */
const EMPTY_ARGS = Object.freeze([]) as unknown as unknown[];

/** All-constant positional arguments as one frozen array (null when some are not constants). */
function constArgs(args: readonly Expr[]): unknown[] | null {
  if (args.length === 0) return EMPTY_ARGS;
  const out: unknown[] = [];
  for (const a of args) {
    if (a.kind !== 'Const') return null;
    out.push(a.value);
  }
  return Object.freeze(out) as unknown[];
}

/** All-constant keyword arguments as one frozen null-prototype object (null when some are not). */
function constKwargs(kws: readonly { key: string; value: Expr }[]): Kwargs | null {
  if (kws.length === 0) return EMPTY_KWARGS;
  const entries: [string, unknown][] = [];
  for (const { key, value } of kws) {
    if (value.kind !== 'Const') return null;
    entries.push([key, value.value]);
  }
  return sharedKwargs(entries);
}

/*
 * Argument lists start as generic (object-element) arrays. An array literal holding only numbers
 * would be a double array, and callees that also receive object lists then make V8 convert it
 * (a runtime elements-kind transition) on every call.
 */
function args1(a: unknown): unknown[] {
  const out: unknown[] = [null];
  out[0] = a;
  return out;
}

function args2(a: unknown, b: unknown): unknown[] {
  const out: unknown[] = [null, null];
  out[0] = a;
  out[1] = b;
  return out;
}

function args3(a: unknown, b: unknown, c: unknown): unknown[] {
  const out: unknown[] = [null, null, null];
  out[0] = a;
  out[1] = b;
  out[2] = c;
  return out;
}

/** Evaluates expressions into a fresh array (no per-call closure, unlike `map`). */
function evalAll(fns: readonly ExprFn[], rt: RenderState, s: Scope): unknown[] {
  const n = fns.length;
  const out: unknown[] = [];
  out.push(null); // generic elements from the start (see args1)
  out.length = 0;
  for (let i = 0; i < n; i++) out.push(fns[i]!(rt, s));
  return out;
}

export class Compiler {
  private readonly blocks = new Map<string, StmtFn>();
  /** Whether some frame starts with unassigned locals (set during compilation, in source order). */
  private hasUnassigned = false;
  /** Loops enclosing the statement being compiled, within the current macro/block/template body. */
  private loopDepth = 0;
  /**
   * The first `{% break %}`/`{% continue %}` outside a loop. Jinja2 emits it as Python and Python's
   * compile() rejects it only after code generation, so every template error wins over it.
   */
  private strayLoopControl: { message: string; at: { line: number; column: number } } | null = null;

  constructor(
    private readonly env: EngineEnv,
    private readonly name: string | undefined,
    private readonly lines: readonly string[],
  ) {}

  compile(ast: TemplateNode): CompiledTemplate {
    const { frame, init } = this.inner(ast.body, null, true);
    frame.toplevel = true;
    const body = this.stmts(ast.body, frame);
    if (this.strayLoopControl !== null) this.fail(this.strayLoopControl.message, this.strayLoopControl.at);
    const root: StmtFn =
      init === null
        ? body
        : (rt, s) => {
            init(rt, s);
            body(rt, s);
          };
    return { name: this.name, root, blocks: this.blocks, lines: this.lines };
  }

  /** A new Jinja2 frame for `stmts` inside `outer` (null: isolated, like the root and blocks). */
  private inner(
    stmts: readonly Stmt[],
    outer: Frame | null,
    root: boolean,
    params: string[] = [],
    leading: Expr[] = [],
  ): { frame: Frame; init: InitFn | null } {
    const scopes = outer === null ? [] : outer.scopes;
    // Isolated frames (template root, blocks) start with a fresh evaluation context.
    const ae = outer === null ? this.env.autoescape : outer.ae;
    const staticAe = outer === null ? this.env.autoescape : outer.staticAe;
    const info = analyzeFrame(stmts, scopes, params, leading);
    if (info.undefinedInit.length > 0) this.hasUnassigned = true;
    const unassigned = new Set(outer === null ? [] : outer.unassigned);
    for (const n of info.undefinedInit) unassigned.add(n);
    // Isolated frames keep name-keyed scopes: the root's is the context, a block's is made by renderBlock.
    const slots = outer === null ? null : info.stores;
    return {
      frame: {
        soft: false,
        root,
        scopes: [...scopes, info.refs],
        unassigned,
        ae,
        staticAe,
        slots,
        up: outer,
      },
      init: initFn(info.undefinedInit, slots),
    };
  }

  private fail(message: string, at: { line: number; column: number }): never {
    const err = new TemplateSyntaxError(message, { line: at.line, column: at.column }, this.name);
    err.sourceLine = this.lines[at.line - 1];
    throw err;
  }

  /** Wraps a statement so errors escaping it carry its line (innermost location wins). */
  private located(fn: StmtFn, at: { line: number; column: number }): StmtFn {
    const { line, column } = at;
    const name = this.name;
    return (rt, s) => {
      try {
        fn(rt, s);
      } catch (e) {
        if (e instanceof LoopControl) throw e;
        throw locateError(e, line, column, name);
      }
    };
  }

  // --- statements ------------------------------------------------------------------------

  stmts(nodes: readonly Stmt[], frame: Frame): StmtFn {
    const fns: StmtFn[] = [];
    for (const n of nodes) {
      fns.push(this.stmt(n, frame));
      // Jinja2 reports "extended multiple times" on the line of the statement before the extends.
      if (n.kind !== 'Output') this.lastStmtLine = n.line;
    }
    return runAll(fns);
  }

  private lastStmtLine = 1;

  private stmt(node: Stmt, frame: Frame): StmtFn {
    switch (node.kind) {
      case 'Output':
        return this.output(node, frame);
      case 'If':
        return this.ifStmt(node, frame);
      case 'For':
        return this.located(this.forStmt(node, frame), node);
      case 'Assign': {
        const value = this.expr(node.node, frame);
        const assign = this.assignTarget(node.target, frame);
        return this.located((rt, s) => assign(rt, s, value(rt, s)), node);
      }
      case 'AssignBlock': {
        const ae = frame.ae;
        const { frame: bodyFrame, init } = this.inner(node.body, frame, false);
        const body = this.stmts(node.body, bodyFrame);
        const filter = node.filter ? this.filter(node.filter, frame) : null;
        const assign = this.assignTarget(node.target, frame);
        return this.located((rt, s) => {
          const inner = frameScope(s, bodyFrame);
          if (init) init(rt, inner);
          const captured = rt.capture(() => body(rt, inner));
          let v: unknown = (ae === null ? rt.autoescape : ae) ? new Markup(captured) : captured;
          if (filter) v = filter(rt, s, v);
          assign(rt, s, v);
        }, node);
      }
      case 'Macro': {
        const make = this.macro(node.name, node, node.body, frame);
        const store = storer(frame, node.name);
        return (rt, s) => {
          store(s, make(s, rt.tc));
        };
      }
      case 'CallBlock':
        return this.located(this.callBlock(node, frame), node);
      case 'FilterBlock': {
        const ae = frame.ae;
        const { frame: bodyFrame, init } = this.inner(node.body, frame, false);
        const body = this.stmts(node.body, bodyFrame);
        const filter = this.filter(node.filter, frame);
        return this.located((rt, s) => {
          const inner = frameScope(s, bodyFrame);
          if (init) init(rt, inner);
          const captured = rt.capture(() => body(rt, inner));
          const v = (ae === null ? rt.autoescape : ae) ? new Markup(captured) : captured;
          // Jinja2 writes a filter block's result as is (no escaping), like its body.
          rt.write(toStr(filter(rt, s, v), rt.budget));
        }, node);
      }
      case 'With': {
        const values = node.values.map((v) => this.expr(v, frame));
        const names = node.targets.flatMap((t) => targetNames(t));
        const { frame: bodyFrame, init } = this.inner(node.body, frame, frame.root, names);
        const targets = node.targets.map((t) => this.assignTarget(t, bodyFrame));
        const body = this.stmts(node.body, bodyFrame);
        return this.located((rt, s) => {
          const vals = values.map((v) => v(rt, s));
          const inner = frameScope(s, bodyFrame);
          if (init) init(rt, inner);
          for (let i = 0; i < targets.length; i++) targets[i]!(rt, inner, vals[i]);
          body(rt, inner);
        }, node);
      }
      case 'Block':
        return this.block(node, frame);
      case 'Include':
        return this.located(this.include(node, frame), node);
      case 'Import':
      case 'FromImport':
        return this.located(this.importStmt(node, frame), node);
      case 'Extends': {
        if (frame.toplevel !== true) this.fail('cannot use extend from a non top-level scope', node);
        const tmpl = this.expr(node.template, frame);
        const prevLine = this.lastStmtLine;
        const name = this.name;
        return this.located((rt, s) => {
          if (rt.tc.parent !== null) {
            throw new TemplateRuntimeError('extended multiple times', { line: prevLine, column: 1 }, name);
          }
          if (++rt.tc.levels > rt.maxRecursion) {
            throw new LimitError(
              'recursion',
              `template inheritance deeper than ${rt.maxRecursion} levels (extends cycle?)`,
            );
          }
          const which = tmpl(rt, s);
          if (Array.isArray(which) && !isTuple(which))
            throw new TemplateRuntimeError("unhashable type: 'list'");
          const parent = loadByValue(rt, which, false)!;
          for (const [name, fn] of parent.blocks) {
            const list = rt.tc.blocks.get(name);
            if (list) list.push(fn);
            else rt.tc.blocks.set(name, [fn]);
          }
          rt.tc.parent = parent;
        }, node);
      }
      case 'Break':
      case 'Continue':
        return this.loopControl(node);
      case 'Autoescape': {
        const value = this.expr(node.value, frame);
        const { frame: bodyFrame, init } = this.inner(node.body, frame, frame.root);
        // A constant value switches escaping at compile time; anything else makes the frame volatile.
        bodyFrame.ae = node.value.kind === 'Const' ? truthy(node.value.value) : null;
        if (bodyFrame.ae !== null) bodyFrame.staticAe = bodyFrame.ae;
        const body = this.stmts(node.body, bodyFrame);
        return this.located((rt, s) => {
          const saved = rt.autoescape;
          rt.autoescape = truthy(value(rt, s));
          try {
            const inner = frameScope(s, bodyFrame);
            if (init) init(rt, inner);
            body(rt, inner);
          } finally {
            rt.autoescape = saved;
          }
        }, node);
      }
    }
  }

  private loopControl(node: StmtOf<'Break' | 'Continue'>): StmtFn {
    const signal = node.kind === 'Break' ? BREAK : CONTINUE;
    if (this.loopDepth === 0 && this.strayLoopControl === null) {
      // Python's own wording, which is what Jinja2 reports.
      const message = node.kind === 'Break' ? "'break' outside loop" : "'continue' not properly in loop";
      this.strayLoopControl = { message, at: node };
    }
    return () => {
      throw signal;
    };
  }

  /** Compiles a body that runs as a function of its own in Jinja2 (macro, caller, block): loops outside do not count. */
  private outsideLoops<T>(compile: () => T): T {
    const saved = this.loopDepth;
    this.loopDepth = 0;
    try {
      return compile();
    } finally {
      this.loopDepth = saved;
    }
  }

  private output(node: StmtOf<'Output'>, frame: Frame): StmtFn {
    // Merge adjacent constant data so rendering writes fewer, larger chunks.
    const parts: (string | ExprFn)[] = [];
    const locs: OutputPart[] = [];
    for (const p0 of node.nodes) {
      let p = p0;
      if (p.kind === 'Const' && frame.ae === false) {
        // Constant output is printed once, at compile time.
        p = { kind: 'Data', value: toStr(p.value), line: p.line, column: p.column };
      } else if (p.kind === 'Const' && frame.ae === null) {
        // Jinja2 folds constant output at compile time, escaping it per the static eval context even
        // inside a volatile `{% autoescape %}`.
        const text = frame.staticAe ? escapeValue(p.value).value : toStr(p.value);
        p = { kind: 'Data', value: text, line: p.line, column: p.column };
      }
      if (p.kind === 'Data') {
        const last = parts[parts.length - 1];
        if (typeof last === 'string') parts[parts.length - 1] = last + p.value;
        else {
          parts.push(p.value);
          locs.push(p);
        }
      } else {
        parts.push(
          p.kind === 'CondExpr' && p.expr2 === null ? this.printedCondExpr(p, frame) : this.expr(p, frame),
        );
        locs.push(p);
      }
    }
    const ae = frame.ae;
    const root = frame.root;
    const name = this.name;
    if (parts.length === 1 && typeof parts[0] === 'string') {
      const text = parts[0];
      return (rt) => {
        if (root && rt.tc.parent !== null) return;
        rt.budget.spend(1);
        rt.write(text);
      };
    }
    if (parts.length === 1) {
      const fn = parts[0] as ExprFn;
      const loc = locs[0]!;
      return (rt, s) => {
        if (root && rt.tc.parent !== null) return;
        rt.budget.spend(1);
        try {
          rt.write(outStr(rt, fn(rt, s), ae === null ? rt.autoescape : ae));
        } catch (e) {
          throw locateError(e, loc.line, loc.column, name);
        }
      };
    }
    if (ae === false) {
      // Static no-autoescape (the common case): texts[i] precedes fns[i], texts[n] ends the output.
      const texts: string[] = [];
      const fns: ExprFn[] = [];
      const fnLocs: OutputPart[] = [];
      let text = '';
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i]!;
        if (typeof p === 'string') text += p;
        else {
          texts.push(text);
          fns.push(p);
          fnLocs.push(locs[i]!);
          text = '';
        }
      }
      texts.push(text);
      const m = fns.length;
      if (m === 1) {
        const [t0, t1] = texts as [string, string];
        const f0 = fns[0]!;
        const l0 = fnLocs[0]!;
        return (rt, s) => {
          if (root && rt.tc.parent !== null) return;
          rt.budget.spend(1);
          let v: unknown;
          try {
            v = f0(rt, s);
          } catch (e) {
            throw locateError(e, l0.line, l0.column, name);
          }
          const out = rt.out + t0 + (typeof v === 'string' ? v : outPlainLocated(rt, v, l0, name)) + t1;
          if (out.length > rt.maxOutput) overflowAt(rt, l0, name);
          rt.out = out;
        };
      }
      return (rt, s) => {
        if (root && rt.tc.parent !== null) return;
        rt.budget.spend(1);
        const max = rt.maxOutput;
        let out = rt.out;
        let i = 0;
        try {
          for (; i < m; i++) {
            out += texts[i]!;
            out += outPlain(rt, fns[i]!(rt, s));
            if (out.length > max) rt.overflow();
          }
        } catch (e) {
          const loc = fnLocs[i]!;
          throw locateError(e, loc.line, loc.column, name);
        }
        out += texts[m]!;
        if (out.length > max) rt.overflow();
        rt.out = out;
      };
    }
    const n = parts.length;
    return (rt, s) => {
      if (root && rt.tc.parent !== null) return;
      rt.budget.spend(1);
      let buf = '';
      let i = 0;
      try {
        for (; i < n; i++) {
          const p = parts[i]!;
          buf += typeof p === 'string' ? p : outStr(rt, p(rt, s), ae === null ? rt.autoescape : ae);
          if (buf.length > rt.maxOutput) rt.write(buf);
        }
        rt.write(buf);
      } catch (e) {
        const loc = locs[Math.min(i, n - 1)]!;
        throw locateError(e, loc.line, loc.column, name);
      }
    };
  }

  /**
   * `{{ a if b }}`: when `b` is false Jinja2 prints an Undefined, which is '' unless undefined is
   * strict; the '' is produced directly instead of an Undefined to print.
   */
  private printedCondExpr(node: ExprOf<'CondExpr'>, frame: Frame): ExprFn {
    if (this.env.strict) return this.expr(node, frame);
    const soft: Frame = { ...frame, soft: true };
    const test = this.expr(node.test, soft);
    const e1 = this.expr(node.expr1, soft);
    return (rt, s) => (truthy(test(rt, s)) ? e1(rt, s) : '');
  }

  private ifStmt(node: StmtOf<'If'>, frame: Frame): StmtFn {
    const soft: Frame = { ...frame, soft: true };
    const name = this.name;
    // Comparisons, tests and `not` already produce booleans.
    const isBool = (test: Expr): boolean =>
      test.kind === 'Compare' || test.kind === 'Test' || (test.kind === 'Unary' && test.op === 'not');
    const tests = [node.test, ...node.elif.map((e) => e.test)];
    const locs: { line: number; column: number }[] = [node, ...node.elif];
    const bools = tests.map(isBool);
    // Compiled in source order (test, body, next test…): compile errors and frame analysis depend on it.
    const fns: ExprFn[] = [];
    const bodies: StmtFn[] = [];
    fns.push(this.expr(node.test, soft));
    bodies.push(this.stmts(node.body, soft));
    for (const e of node.elif) {
      fns.push(this.expr(e.test, soft));
      bodies.push(this.stmts(e.body, soft));
    }
    const else_ = node.else_.length > 0 ? this.stmts(node.else_, soft) : null;
    if (tests.length === 1) {
      const test = fns[0]!;
      const body = bodies[0]!;
      const { line, column } = node;
      const bool = bools[0]!;
      return (rt, s) => {
        let ok: boolean;
        try {
          const v = test(rt, s);
          ok = bool ? (v as boolean) : truthy(v);
        } catch (e) {
          throw locateError(e, line, column, name);
        }
        if (ok) body(rt, s);
        else if (else_) else_(rt, s);
      };
    }
    const nb = tests.length;
    return (rt, s) => {
      let i = 0;
      try {
        for (; i < nb; i++) {
          const v = fns[i]!(rt, s);
          if (bools[i] ? v : truthy(v)) break;
        }
      } catch (e) {
        const at = locs[i]!;
        throw locateError(e, at.line, at.column, name);
      }
      if (i < nb) bodies[i]!(rt, s);
      else if (else_) else_(rt, s);
    };
  }

  private forStmt(node: StmtOf<'For'>, frame: Frame): StmtFn {
    const loopStore = firstStoreOf([node], 'loop');
    if (loopStore !== undefined)
      this.fail("Can't assign to special loop variable in for-loop target", loopStore);
    const loopFrame = this.inner(
      node.body,
      frame,
      frame.root,
      [...targetNames(node.target), 'loop'],
      node.test ? [node.test] : [],
    );
    const inner = loopFrame.frame;
    const init = loopFrame.init;
    const elseFrame = this.inner(node.else_, frame, frame.root);
    const elseInit = elseFrame.init;
    const iter = this.expr(node.iter, frame);
    const assign = this.assignTarget(node.target, inner);
    this.loopDepth++;
    const body = this.stmts(node.body, inner);
    this.loopDepth--;
    // A recursive loop's `else` runs inside its loop function but after its Python `for`.
    const compileElse = (): StmtFn | null =>
      node.else_.length > 0 ? this.stmts(node.else_, elseFrame.frame) : null;
    const else_ = node.recursive ? this.outsideLoops(compileElse) : compileElse();
    const controlled = hasLoopControl(node.body);
    const test = node.test ? this.expr(node.test, inner) : null;
    // A scoped block reads `loop` by name at run time, so Jinja2 makes the loop variable for it too.
    const usesLoop = referencesName(node.body, 'loop') || hasScopedBlock([...node.body, ...node.else_]);
    const freshScopes = hasStores(node.body);
    const recursive = node.recursive;
    const slots = inner.slots!;
    const loopSlot = slotOf(slots, 'loop');
    const targetSlot = node.target.kind === 'Name' ? slotOf(slots, node.target.name) : -1;
    const elseBody = elseFrame.frame;
    const loopAe = frame.ae;

    const runLoop = (rt: RenderState, s: Scope, iterable: unknown, depth0: number): void => {
      let items: LoopItems;
      if (Array.isArray(iterable) || iterable instanceof PyRange) items = iterable as LoopItems;
      else items = toList(iterable);
      if (test) {
        const tmp = frameScope(s, inner);
        const kept: unknown[] = [];
        for (let i = 0; i < items.length; i++) {
          rt.budget.spend(1);
          const item = fromHost(itemAt(items, i));
          assign(rt, tmp, item);
          if (truthy(test(rt, tmp))) kept.push(item);
        }
        items = kept;
      }
      let ctx: LoopContext | null = null;
      if (usesLoop) {
        ctx = new LoopContext(
          items,
          depth0,
          recursive
            ? (r, sub) => {
                r.enter();
                try {
                  const out = r.capture(() => runLoop(r, s, sub, depth0 + 1));
                  return (loopAe === null ? r.autoescape : loopAe) ? new Markup(out) : out;
                } finally {
                  r.leave();
                }
              }
            : null,
        );
      }
      let scope = frameScope(s, inner);
      if (ctx) scope.a[loopSlot] = ctx;
      if (init) init(rt, scope);
      const budget = rt.budget;
      const isRange = items instanceof PyRange;
      let completed = false;
      let i = 0;
      for (; i < items.length; i++) {
        budget.chunk -= 1;
        if (budget.chunk < 0) budget.refill();
        if (freshScopes && i > 0) {
          scope = frameScope(s, inner);
          if (ctx) scope.a[loopSlot] = ctx;
          if (init) init(rt, scope);
        }
        if (ctx) ctx.index0 = i;
        let item = isRange ? (items as PyRange).at(i) : (items as readonly unknown[])[i];
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol')
          item = fromHost(item);
        if (targetSlot < 0) assign(rt, scope, item);
        else scope.a[targetSlot] = item;
        if (!controlled) body(rt, scope);
        else {
          const signal = runControlled(body, rt, scope);
          if (signal === null) completed = true;
          else if (signal === BREAK) break;
        }
      }
      // Jinja2 clears its "no iteration" flag at the end of the body, so `else` runs when no
      // iteration ran to its end: none at all, or each one left by break/continue.
      if (else_ && (controlled ? !completed : items.length === 0)) {
        const elseScope = frameScope(s, elseBody);
        if (elseInit) elseInit(rt, elseScope);
        else_(rt, elseScope);
      }
    };
    return (rt, s) => runLoop(rt, s, iter(rt, s), 0);
  }

  /** Builds a factory of macro Callables (for `{% macro %}` and call-block callers). */
  private macro(
    name: string,
    sig: { args: ExprOf<'Name'>[]; defaults: Expr[] },
    bodyNodes: Stmt[],
    outer: Frame,
  ): (defScope: Scope, defTc: TemplateContext) => MacroCallable {
    const argNames = sig.args.map((a) => a.name);
    const catchKwargs = referencesName(bodyNodes, 'kwargs');
    const catchVarargs = referencesName(bodyNodes, 'varargs');
    const usesCaller = referencesName(bodyNodes, 'caller');
    // The special names get a slot only when something can read them (a macro call then allocates
    // fewer slots); a computed default might, so then all of them do.
    const computedDefaults = sig.defaults.some((d) => d.kind !== 'Const');
    const specials = (
      [
        ['caller', usesCaller],
        ['varargs', catchVarargs],
        ['kwargs', catchKwargs],
      ] as const
    )
      .filter(([, used]) => used || computedDefaults)
      .map(([n]) => n);
    const { frame, init } = this.inner(bodyNodes, outer, false, [...argNames, ...specials], sig.defaults);
    const nArgs = argNames.length;
    const slots = frame.slots!;
    const argSlots = argNames.map((a) => slotOf(slots, a));
    const callerSlot = slots.indexOf('caller');
    const varargsSlot = slots.indexOf('varargs');
    const kwargsSlot = slots.indexOf('kwargs');
    const firstDefault = nArgs - sig.defaults.length;
    const defaults = sig.defaults.map((d) => this.expr(d, frame));
    const body = this.outsideLoops(() => this.stmts(bodyNodes, frame));
    const explicitCaller = argNames.includes('caller');
    const callerIndex = argNames.indexOf('caller');
    if (callerIndex >= 0 && callerIndex < firstDefault) {
      this.fail(
        'When defining macros or call blocks the special "caller" argument must be omitted or be given a default.',
        sig.args[callerIndex]!,
      );
    }
    /** Python-style binding of the general case: keywords, `caller`, `varargs`, `kwargs`, errors. */
    const bindGeneral = (rt: RenderState, scope: Scope, args: unknown[], kwargsIn: Kwargs): void => {
      // Keyword arguments are read in place (no copy, no delete): only the names are listed.
      const kwKeys = kwargsIn === EMPTY_KWARGS ? null : Object.keys(kwargsIn);
      const hasKw = kwKeys !== null && kwKeys.length > 0;
      let consumed = 0;
      for (let i = 0; i < nArgs; i++) {
        const an = argNames[i]!;
        let v: unknown;
        if (i < args.length) v = args[i];
        else if (hasKw && Object.hasOwn(kwargsIn, an)) {
          v = kwargsIn[an];
          consumed++;
        } else if (i >= firstDefault) {
          v = defaults[i - firstDefault]!(rt, scope);
        } else {
          v = rt.makeUndefined(an, `parameter '${an}' was not provided`);
        }
        scope.a[argSlots[i]!] = v === undefined ? null : v;
      }
      // Jinja2: an explicit `caller` parameter not filled positionally counts as "found" (even when
      // it falls back to its default), so the special caller handling is skipped.
      const foundCaller = args.length >= nArgs ? explicitCaller : callerIndex >= args.length;
      let callerConsumed = false;
      if (usesCaller && !foundCaller) {
        let caller: unknown = null;
        if (hasKw && Object.hasOwn(kwargsIn, 'caller')) {
          caller = kwargsIn.caller;
          callerConsumed = true;
          consumed++;
        }
        scope.a[callerSlot] =
          caller === null || caller === undefined ? rt.makeUndefined('caller', 'No caller defined') : caller;
      }
      let leftover: string[] = [];
      if (hasKw && consumed < kwKeys.length) {
        leftover = kwKeys.filter(
          (k) => !(argNames.indexOf(k) >= args.length || (k === 'caller' && callerConsumed)),
        );
      }
      if (catchKwargs) {
        scope.a[kwargsSlot] =
          leftover.length === 0 ? new Map() : makeDict(leftover.map((k) => [k, kwargsIn[k]]));
      } else if (leftover.length > 0) {
        const k = leftover[0]!;
        if (k === 'caller') {
          throw new TemplateRuntimeError(
            `macro '${name}' was invoked with two values for the special caller argument. This is most likely a bug.`,
          );
        }
        throw new TemplateRuntimeError(`macro '${name}' takes no keyword argument '${k}'`);
      }
      if (catchVarargs) scope.a[varargsSlot] = tuple(args.slice(nArgs));
      else if (args.length > nArgs) {
        throw new TemplateRuntimeError(`macro '${name}' takes not more than ${nArgs} argument(s)`);
      }
    };
    // Positional-only calls of macros without caller/varargs/kwargs bind without any allocation.
    const simple = !usesCaller && !catchKwargs && !catchVarargs;
    /** Binds parameters `from`… that no positional argument filled: defaults, else undefined. */
    const bindMissing = (rt: RenderState, scope: Scope, from: number): void => {
      for (let i = from; i < nArgs; i++) {
        const an = argNames[i]!;
        const v =
          i >= firstDefault
            ? defaults[i - firstDefault]!(rt, scope)
            : rt.makeUndefined(an, `parameter '${an}' was not provided`);
        scope.a[argSlots[i]!] = v === undefined ? null : v;
      }
    };
    const [s0, s1, s2] = argSlots as [number, number, number];
    const reusable = !capturesScope(bodyNodes) && !capturesScope(sig.defaults);
    /** Slots the body assigns itself (cleared when a scope is reused: unassigned reads fall through). */
    const localSlots = slots.map((_, i) => i).filter((i) => !argSlots.includes(i));
    return (defScope, defTc) => {
      const invoke = (ctx: CallContext, args: unknown[], kwargsIn: Kwargs): unknown => {
        const rt = ctx as RenderState;
        const scope = frameScope(defScope, frame);
        if (init) init(rt, scope);
        if (simple && kwargsIn === EMPTY_KWARGS && args.length <= nArgs) {
          const given = args.length;
          for (let i = 0; i < given; i++) {
            const v = args[i];
            scope.a[argSlots[i]!] = v === undefined ? null : v;
          }
          bindMissing(rt, scope, given);
        } else bindGeneral(rt, scope, args, kwargsIn);
        return runMacroBody(rt, body, scope, defTc);
      };
      // Most macro calls: a few positional arguments, no caller/varargs/kwargs, no unassigned names.
      // When nothing in the body can keep its scope alive, a finished call's scope is reused by
      // the next call (one allocation per macro per render instead of one per call).
      let spare: Scope | null = null;
      const fast: MacroFastCall | null =
        simple && init === null && nArgs <= 3
          ? (ctx, n, a0, a1, a2) => {
              if (n > nArgs) return invoke(ctx, [a0, a1, a2].slice(0, n), EMPTY_KWARGS);
              const rt = ctx as RenderState;
              let scope = spare;
              if (scope === null) scope = frameScope(defScope, frame);
              else {
                spare = null;
                for (let i = 0; i < localSlots.length; i++) scope.a[localSlots[i]!] = undefined;
              }
              const a = scope.a;
              if (n > 0) a[s0] = a0 === undefined ? null : a0;
              if (n > 1) a[s1] = a1 === undefined ? null : a1;
              if (n > 2) a[s2] = a2 === undefined ? null : a2;
              if (n < nArgs) bindMissing(rt, scope, n);
              const out = runMacroBody(rt, body, scope, defTc);
              if (reusable) spare = scope;
              return out;
            }
          : null;
      return new MacroCallable(name, invoke, argNames, catchKwargs, catchVarargs, usesCaller, fast);
    };
  }

  private callBlock(node: StmtOf<'CallBlock'>, frame: Frame): StmtFn {
    const makeCaller = this.macro('caller', node, node.body, frame);
    const ae = frame.ae;
    const callee = this.expr(node.call.node, frame);
    const { args, kwargs } = this.callArgs(node.call, frame);
    return (rt, s) => {
      const fn = callee(rt, s);
      const a = args(rt, s);
      const kw = Object.assign(Object.create(null) as Kwargs, kwargs(rt, s));
      kw.caller = makeCaller(s, rt.tc);
      rt.write(outStr(rt, callValue(rt, fn, a, kw), ae === null ? rt.autoescape : ae));
    };
  }

  private block(node: StmtOf<'Block'>, frame: Frame): StmtFn {
    if (this.blocks.has(node.name)) this.fail(`block '${node.name}' defined twice`, node);
    const name = node.name;
    let fn: StmtFn;
    if (node.required) {
      fn = this.located(() => {
        throw new TemplateRuntimeError(`Required block '${name}' not found.`);
      }, node);
    } else {
      // Blocks are isolated functions in Jinja2: no enclosing frame.
      const { frame: blockFrame, init } = this.inner(node.body, null, false);
      const body = this.outsideLoops(() => this.stmts(node.body, blockFrame));
      fn =
        init === null
          ? body
          : (rt, s) => {
              init(rt, s);
              body(rt, s);
            };
    }
    this.blocks.set(name, fn);
    const scoped = node.scoped;
    const root = frame.root;
    return this.located((rt, s) => {
      if (root && rt.tc.parent !== null) return;
      renderBlock(rt, name, 0, scoped ? s : rt.tc.vars);
    }, node);
  }

  private include(node: StmtOf<'Include'>, frame: Frame): StmtFn {
    const tmplExpr = this.expr(node.template, frame);
    const { withContext, ignoreMissing } = node;
    // Only templates that have unassigned locals need the (linear) see-through pass.
    const seeThrough = frame.scopes.length > 0 && this.hasUnassigned;
    const root = frame.root;
    return (rt, s) => {
      if (root && rt.tc.parent !== null) return;
      const tmpl = loadByValue(rt, tmplExpr(rt, s), ignoreMissing);
      if (tmpl === null) return;
      const vars = contextScope(withContext ? s : rt.env.globalsScope);
      if (withContext && seeThrough) {
        for (const [k, v] of visibleNames(s)) if (v instanceof UnassignedLocal) vars.v[k] = visibleValue(v);
      }
      rt.enter();
      try {
        runTemplate(rt, tmpl, vars);
      } finally {
        rt.leave();
      }
    };
  }

  private importStmt(node: StmtOf<'Import'> | StmtOf<'FromImport'>, frame: Frame): StmtFn {
    const tmplExpr = this.expr(node.template, frame);
    const withContext = node.withContext;
    const line = node.line;
    const load = (rt: RenderState, s: Scope): TemplateModule => {
      const tmpl = loadByValue(rt, tmplExpr(rt, s), false)!;
      // Jinja2 hands an imported template a snapshot of the context (and locals) at import time.
      const vars = contextScope(rt.env.globalsScope);
      if (withContext) for (const [k, v] of visibleNames(s)) vars.v[k] = visibleValue(v);
      rt.enter();
      let body: string;
      try {
        body = rt.capture(() => runTemplate(rt, tmpl, vars));
      } finally {
        rt.leave();
      }
      const exports = new Map<string, unknown>();
      for (const k of Object.keys(vars.v)) if (!k.startsWith('_')) exports.set(k, vars.v[k]);
      return new TemplateModule(tmpl.name, exports, body);
    };
    if (node.kind === 'Import') {
      const store = storer(frame, node.target);
      return (rt, s) => {
        store(s, load(rt, s));
      };
    }
    const names = node.names;
    const stores = names.map(({ name, alias }) => storer(frame, alias ?? name));
    return (rt, s) => {
      const mod = load(rt, s);
      for (let i = 0; i < names.length; i++) {
        const { name } = names[i]!;
        const v = mod.exports.has(name)
          ? mod.exports.get(name)
          : rt.makeUndefined(
              name,
              `the template '${mod.templateName ?? 'template'}' (imported on line ${line}) does not export the requested name '${name}'`,
            );
        stores[i]!(s, v);
      }
    };
  }

  /**
   * A variable read, resolved at compile time where the frames allow: the innermost enclosing frame
   * that binds `name` holds it in a known slot `hops` scopes up. Until it is assigned there (JS
   * `undefined`), or when no slotted frame binds it, the read continues by name from the scope above.
   */
  private nameLoad(frame: Frame, name: string): ExprFn {
    const { hops, slot } = staticSlot(frame, name);
    if (slot < 0) {
      if (hops === 0) return (rt, s) => resolveName(rt, s, name);
      if (hops === 1) return (rt, s) => resolveName(rt, s.p!, name);
      return (rt, s) => {
        let c = s;
        for (let i = 0; i < hops; i++) c = c.p!;
        return resolveName(rt, c, name);
      };
    }
    if (hops === 0) {
      return (rt, s) => {
        const v = s.a[slot];
        return v !== undefined ? v : resolveName(rt, s.p!, name);
      };
    }
    if (hops === 1) {
      return (rt, s) => {
        const c = s.p!;
        const v = c.a[slot];
        return v !== undefined ? v : resolveName(rt, c.p!, name);
      };
    }
    return (rt, s) => {
      let c = s;
      for (let i = 0; i < hops; i++) c = c.p!;
      const v = c.a[slot];
      return v !== undefined ? v : resolveName(rt, c.p!, name);
    };
  }

  /**
   * A read of a name some frame starts as unassigned (see frames.ts): an UnassignedLocal found on
   * the way reads as a plain Undefined (it is only see-through for includes). The scopes of slotted
   * frames that do not bind the name are skipped at compile time.
   */
  private unassignedLoad(frame: Frame, name: string): ExprFn {
    const { hops, slot } = staticSlot(frame, name);
    if (slot < 0) {
      if (hops === 0) return (rt, s) => readUnassigned(rt, s, name);
      if (hops === 1) return (rt, s) => readUnassigned(rt, s.p, name);
      return (rt, s) => {
        let c = s;
        for (let i = 0; i < hops; i++) c = c.p!;
        return readUnassigned(rt, c, name);
      };
    }
    return (rt, s) => {
      let c = s;
      for (let i = 0; i < hops; i++) c = c.p!;
      const v = c.a[slot];
      if (v === undefined) return readUnassigned(rt, c.p, name);
      return c.u && v instanceof UnassignedLocal ? rt.makeUndefined(name) : v;
    };
  }

  private assignTarget(target: Expr, frame: Frame): AssignFn {
    if (target.kind === 'Name') {
      const store = storer(frame, target.name);
      return (_rt, s, v) => store(s, v);
    }
    if (target.kind === 'NSRef') {
      const { name, attr } = target;
      return (_rt, s, v) => {
        const ns = lookup(s, name);
        if (!(ns instanceof Namespace)) {
          throw new TemplateRuntimeError('cannot assign attribute on non-namespace object');
        }
        ns.set(attr, v);
      };
    }
    if (target.kind === 'Tuple') {
      const items = target.items.map((t) => this.assignTarget(t, frame));
      const n = items.length;
      return (rt, s, v) => {
        const values = toList(v);
        if (values.length > n) throw new TemplateRuntimeError(`too many values to unpack (expected ${n})`);
        if (values.length < n) {
          throw new TemplateRuntimeError(`not enough values to unpack (expected ${n}, got ${values.length})`);
        }
        for (let i = 0; i < n; i++) items[i]!(rt, s, fromHost(values[i]));
      };
    }
    return this.fail(`can't assign to '${target.kind.toLowerCase()}'`, target);
  }

  // --- expressions -----------------------------------------------------------------------

  expr(node: Expr, frame: Frame): ExprFn {
    switch (node.kind) {
      case 'Const': {
        const v = node.value;
        return () => v;
      }
      case 'Name': {
        const name = node.name;
        if (name === 'self') {
          return (rt, s) => {
            const v = lookup(s, name);
            return v !== undefined ? v : selfReference(rt);
          };
        }
        if (frame.unassigned.has(name)) return this.unassignedLoad(frame, name);
        return this.nameLoad(frame, name);
      }
      case 'NSRef':
        return this.fail('namespace references are only valid as assignment targets', node);
      case 'Tuple': {
        const items = node.items.map((i) => this.expr(i, frame));
        return (rt, s) => tuple(evalAll(items, rt, s));
      }
      case 'List': {
        const items = node.items.map((i) => this.expr(i, frame));
        return (rt, s) => evalAll(items, rt, s);
      }
      case 'Dict': {
        const pairs = node.pairs.map((p) => [this.expr(p.key, frame), this.expr(p.value, frame)] as const);
        return (rt, s) => {
          const m = new Map<unknown, unknown>();
          const entries: [unknown, unknown][] = [];
          for (const [k, v] of pairs) {
            const key = k(rt, s);
            checkHashable(key);
            entries.push([key, v(rt, s)]);
          }
          return entries.length === 0 ? m : makeDict(entries);
        };
      }
      case 'CondExpr': {
        const soft: Frame = { ...frame, soft: true };
        const test = this.expr(node.test, soft);
        const e1 = this.expr(node.expr1, soft);
        const e2 = node.expr2 ? this.expr(node.expr2, soft) : null;
        const hint = `the inline if-expression on line ${node.line}${this.name === undefined ? '' : ` in '${this.name}'`} evaluated to false and no else section was defined.`;
        if (e2 !== null) return (rt, s) => (truthy(test(rt, s)) ? e1(rt, s) : e2(rt, s));
        return (rt, s) => (truthy(test(rt, s)) ? e1(rt, s) : rt.makeUndefined(undefined, hint));
      }
      case 'BinOp': {
        const { op } = node;
        const l = this.expr(node.left, frame);
        const r = node.right.kind === 'Const' ? null : this.expr(node.right, frame);
        const c = node.right.kind === 'Const' ? node.right.value : undefined;
        // Float arithmetic with a non-integral result is a plain JS number in our value model (see
        // values.ts): answered here; everything else (ints, integral floats, errors) by binaryOp.
        const fast = floatOp(op);
        if (fast !== null && r === null) {
          return (rt, s) => {
            const a = l(rt, s);
            if (typeof a === 'number' && typeof c === 'number') {
              const x = fast(a, c);
              if (!Number.isInteger(x) && !Number.isNaN(x) && Number.isFinite(x)) return x;
            }
            return binaryOp(op, a, c, rt.budget);
          };
        }
        if (fast !== null && r !== null) {
          return (rt, s) => {
            const a = l(rt, s);
            const b = r(rt, s);
            if (typeof a === 'number' && typeof b === 'number') {
              const x = fast(a, b);
              if (!Number.isInteger(x) && !Number.isNaN(x) && Number.isFinite(x)) return x;
            }
            return binaryOp(op, a, b, rt.budget);
          };
        }
        if (r === null) return (rt, s) => binaryOp(op, l(rt, s), c, rt.budget);
        return (rt, s) => binaryOp(op, l(rt, s), r(rt, s), rt.budget);
      }
      case 'Unary': {
        const inner = this.expr(node.node, frame);
        if (node.op === 'not') return (rt, s) => !truthy(inner(rt, s));
        const op = node.op;
        return (rt, s) => unaryOp(op, inner(rt, s));
      }
      case 'And': {
        const l = this.expr(node.left, frame);
        const r = this.expr(node.right, frame);
        return (rt, s) => {
          const v = l(rt, s);
          return truthy(v) ? r(rt, s) : v;
        };
      }
      case 'Or': {
        const l = this.expr(node.left, frame);
        const r = this.expr(node.right, frame);
        return (rt, s) => {
          const v = l(rt, s);
          return truthy(v) ? v : r(rt, s);
        };
      }
      case 'Concat': {
        const parts = node.nodes.map((n) => this.expr(n, frame));
        const n = parts.length;
        const ae = frame.ae;
        const plain = (rt: RenderState, s: Scope): string => {
          let out = '';
          for (let i = 0; i < n; i++) {
            const v = parts[i]!(rt, s);
            out += typeof v === 'string' ? v : outPlain(rt, v);
            rt.budget.checkString(out.length);
          }
          return out;
        };
        if (ae === false) {
          // Constant parts are printed once, at compile time.
          const texts = node.nodes.map((x) => (x.kind === 'Const' ? toStr(x.value) : null));
          const [t0, t1, t2] = texts;
          const [f0, f1] = parts as [ExprFn, ExprFn];
          // The common shapes `'a' ~ x ~ 'b'`, `'a' ~ x` and `x ~ 'b'`: one computed part, no loop.
          if (n === 3 && t0 != null && t1 === null && t2 != null) {
            return (rt, s) => {
              const v = f1(rt, s);
              const out = t0 + (typeof v === 'string' ? v : outPlain(rt, v)) + t2;
              rt.budget.checkString(out.length);
              return out;
            };
          }
          if (n === 2 && t0 != null && t1 === null) {
            return (rt, s) => {
              const v = f1(rt, s);
              const out = t0 + (typeof v === 'string' ? v : outPlain(rt, v));
              rt.budget.checkString(out.length);
              return out;
            };
          }
          if (n === 2 && t0 === null && t1 != null) {
            return (rt, s) => {
              const v = f0(rt, s);
              const out = (typeof v === 'string' ? v : outPlain(rt, v)) + t1;
              rt.budget.checkString(out.length);
              return out;
            };
          }
          return (rt, s) => {
            let out = '';
            for (let i = 0; i < n; i++) {
              const t = texts[i];
              if (t !== null) out += t;
              else {
                const v = parts[i]!(rt, s);
                out += typeof v === 'string' ? v : outPlain(rt, v);
              }
              rt.budget.checkString(out.length);
            }
            return out;
          };
        }
        return (rt, s) => {
          if (!(ae === null ? rt.autoescape : ae)) return plain(rt, s);
          // markup_join: if any part is Markup, the result is Markup with the other parts escaped.
          const vals = evalAll(parts, rt, s);
          let markup = false;
          for (const v of vals) if (v instanceof Markup) markup = true;
          let out = '';
          for (const v of vals) {
            out += markup ? escapeValue(v).value : typeof v === 'string' ? v : toStr(v, rt.budget);
            rt.budget.checkString(out.length);
          }
          return markup ? new Markup(out) : out;
        };
      }
      case 'Compare':
        return this.compare(node, frame);
      case 'Getattr': {
        // `a.b.c` on a plain name compiles to one closure (fewer indirect calls on the hot path).
        const attrs: string[] = [];
        let root: Expr = node;
        while (root.kind === 'Getattr') {
          attrs.unshift(root.attr);
          root = root.node;
        }
        const getters = attrs.map(attrGetter);
        // A hit in a dict (Map) is answered inline; everything else goes through the full getter.
        const [a0, a1] = attrs as [string, string];
        const inline = attrs.every(isPlainDictKey);
        if (root.kind === 'Name' && root.name !== 'self' && !frame.unassigned.has(root.name)) {
          const name = root.name;
          const [g0, g1] = getters as [AttrGetter, AttrGetter];
          const load = this.nameLoad(frame, name);
          const { hops, slot } = staticSlot(frame, name);
          if (attrs.length === 1 && inline && hops === 0 && slot >= 0) {
            // `item.attr` on a loop variable or macro argument: the commonest read of all.
            return (rt, s) => {
              let o = s.a[slot];
              if (o === undefined) o = resolveName(rt, s.p!, name);
              if (o instanceof Map) {
                const v: unknown = o.get(a0);
                if (v !== undefined && typeof v !== 'function' && typeof v !== 'symbol') return v;
              }
              return g0(rt, o);
            };
          }
          if (attrs.length === 1 && inline) {
            return (rt, s) => {
              const o = load(rt, s);
              if (o instanceof Map) {
                const v: unknown = o.get(a0);
                if (v !== undefined && typeof v !== 'function' && typeof v !== 'symbol') return v;
              }
              return g0(rt, o);
            };
          }
          if (attrs.length === 1) return (rt, s) => g0(rt, load(rt, s));
          if (attrs.length === 2 && inline) {
            return (rt, s) => {
              const o = load(rt, s);
              let m: unknown;
              if (o instanceof Map) {
                m = o.get(a0);
                if (m === undefined || typeof m === 'function' || typeof m === 'symbol') m = g0(rt, o);
              } else m = g0(rt, o);
              if (m instanceof Map) {
                const v: unknown = m.get(a1);
                if (v !== undefined && typeof v !== 'function' && typeof v !== 'symbol') return v;
              }
              return g1(rt, m);
            };
          }
          if (attrs.length === 2) return (rt, s) => g1(rt, g0(rt, load(rt, s)));
          return (rt, s) => {
            let v = load(rt, s);
            for (const g of getters) v = g(rt, v);
            return v;
          };
        }
        const obj = this.expr(node.node, frame);
        const get = attrGetter(node.attr);
        if (isPlainDictKey(node.attr)) {
          const attr = node.attr;
          return (rt, s) => {
            const o = obj(rt, s);
            if (o instanceof Map) {
              const v: unknown = o.get(attr);
              if (v !== undefined && typeof v !== 'function' && typeof v !== 'symbol') return v;
            }
            return get(rt, o);
          };
        }
        return (rt, s) => get(rt, obj(rt, s));
      }
      case 'Getitem': {
        const obj = this.expr(node.node, frame);
        if (node.arg.kind === 'Slice') {
          const sl = node.arg;
          const none = (): unknown => null;
          const a = sl.start ? this.expr(sl.start, frame) : none;
          const b = sl.stop ? this.expr(sl.stop, frame) : none;
          const c = sl.step ? this.expr(sl.step, frame) : none;
          const folded =
            isConstExpr(node.node) && [sl.start, sl.stop, sl.step].every((x) => x === null || isConstExpr(x));
          return (rt, s) => {
            const o = obj(rt, s);
            let r: unknown;
            try {
              r = slice(o, a(rt, s), b(rt, s), c(rt, s));
            } catch (e) {
              // Jinja2 constant-folds an all-constant subscript through its lenient getitem (→ undefined).
              if (folded && e instanceof TemplateRuntimeError) return rt.makeUndefined();
              throw e;
            }
            if (r !== MISSING) return r;
            if (folded) return rt.makeUndefined();
            // Otherwise Jinja2 compiles slices to a plain Python subscript, so the TypeError propagates.
            throw new TemplateRuntimeError(
              isMapping(o) ? "unhashable type: 'slice'" : `'${typeName(o)}' object is not subscriptable`,
            );
          };
        }
        const key = this.expr(node.arg, frame);
        return (rt, s) => getItemSafe(rt, obj(rt, s), key(rt, s));
      }
      case 'Slice':
        return this.fail('slice outside of a subscript', node);
      case 'Call': {
        const callee = this.expr(node.node, frame);
        const pos = this.positionalOnly(node, frame);
        if (pos !== null) {
          // Positional-only calls: no argument closures, no keyword object.
          const [p0, p1, p2] = pos as [ExprFn, ExprFn, ExprFn];
          // Macros take a shortcut (MacroCallable.fast); everything else goes through callValue.
          switch (pos.length) {
            case 0:
              return (rt, s) => {
                const f = callee(rt, s);
                if (f instanceof MacroCallable && f.fast !== null) {
                  rt.budget.spend(1);
                  return f.fast(rt, 0, undefined, undefined, undefined);
                }
                return callValue(rt, f, EMPTY_ARGS, EMPTY_KWARGS);
              };
            case 1:
              return (rt, s) => {
                const f = callee(rt, s);
                const a0 = p0(rt, s);
                if (f instanceof MacroCallable && f.fast !== null) {
                  rt.budget.spend(1);
                  return f.fast(rt, 1, a0, undefined, undefined);
                }
                return callValue(rt, f, args1(a0), EMPTY_KWARGS);
              };
            case 2:
              return (rt, s) => {
                const f = callee(rt, s);
                const a0 = p0(rt, s);
                const a1 = p1(rt, s);
                if (f instanceof MacroCallable && f.fast !== null) {
                  rt.budget.spend(1);
                  return f.fast(rt, 2, a0, a1, undefined);
                }
                return callValue(rt, f, args2(a0, a1), EMPTY_KWARGS);
              };
            case 3:
              return (rt, s) => {
                const f = callee(rt, s);
                const a0 = p0(rt, s);
                const a1 = p1(rt, s);
                const a2 = p2(rt, s);
                if (f instanceof MacroCallable && f.fast !== null) {
                  rt.budget.spend(1);
                  return f.fast(rt, 3, a0, a1, a2);
                }
                return callValue(rt, f, args3(a0, a1, a2), EMPTY_KWARGS);
              };
          }
        }
        const { args, kwargs } = this.callArgs(node, frame);
        return (rt, s) => callValue(rt, callee(rt, s), args(rt, s), kwargs(rt, s));
      }
      case 'Filter': {
        if (node.node === null) return this.fail('filter without a value', node);
        const fused = this.selectThenFirst(node, frame);
        if (fused !== null) return fused;
        const value = this.expr(node.node, frame);
        const known: FilterFn | undefined = this.env.filters[node.name];
        if (known !== undefined && !(node.node.kind === 'Filter' && this.isValueless(node.node))) {
          // The common case in one closure: a known filter applied to a value.
          const plain = node.kwargs.length === 0 && node.dynArgs === null && node.dynKwargs === null;
          const consts = plain ? constArgs(node.args) : null;
          const pos = plain && consts === null ? this.positional(node, frame) : null;
          if (consts !== null) {
            return (rt, s) => {
              const v = value(rt, s);
              rt.budget.spend(1);
              return known(rt, v, consts, EMPTY_KWARGS);
            };
          }
          if (pos !== null && node.node.kind === 'Const' && (pos.length === 1 || pos.length === 2)) {
            // `"%.2f"|format(x)`: a constant value with computed arguments.
            const cv = node.node.value;
            const [p0, p1] = pos as [ExprFn, ExprFn];
            if (pos.length === 1) {
              return (rt, s) => {
                rt.budget.spend(1);
                return known(rt, cv, args1(p0(rt, s)), EMPTY_KWARGS);
              };
            }
            return (rt, s) => {
              rt.budget.spend(1);
              return known(rt, cv, args2(p0(rt, s), p1(rt, s)), EMPTY_KWARGS);
            };
          }
          if (pos !== null) {
            const [p0, p1] = pos as [ExprFn, ExprFn];
            switch (pos.length) {
              case 0:
                return (rt, s) => {
                  const v = value(rt, s);
                  rt.budget.spend(1);
                  return known(rt, v, EMPTY_ARGS, EMPTY_KWARGS);
                };
              case 1:
                return (rt, s) => {
                  const v = value(rt, s);
                  rt.budget.spend(1);
                  return known(rt, v, args1(p0(rt, s)), EMPTY_KWARGS);
                };
              case 2:
                return (rt, s) => {
                  const v = value(rt, s);
                  rt.budget.spend(1);
                  return known(rt, v, args2(p0(rt, s), p1(rt, s)), EMPTY_KWARGS);
                };
            }
          }
          const { args, kwargs } = this.callArgs(node, frame, true);
          return (rt, s) => {
            const v = value(rt, s);
            rt.budget.spend(1);
            return known(rt, v, args(rt, s), kwargs(rt, s));
          };
        }
        const apply = this.filter(node, frame);
        return (rt, s) => apply(rt, s, value(rt, s));
      }
      case 'Test':
        return this.test(node, frame);
    }
  }

  private compare(node: ExprOf<'Compare'>, frame: Frame): ExprFn {
    const first = this.expr(node.expr, frame);
    const ops = node.ops.map((o) => [o.op, this.expr(o.expr, frame)] as const);
    const cmp = (op: CompareOpName, a: unknown, b: unknown): boolean => {
      switch (op) {
        case 'eq':
          return equals(a, b);
        case 'ne':
          return !equals(a, b);
        case 'lt':
          return compare('<', a, b);
        case 'lteq':
          return compare('<=', a, b);
        case 'gt':
          return compare('>', a, b);
        case 'gteq':
          return compare('>=', a, b);
        case 'in':
          return contains(b, a);
        case 'notin':
          return !contains(b, a);
      }
    };
    const rightNode = node.ops.length === 1 ? node.ops[0]!.expr : null;
    if (
      rightNode !== null &&
      rightNode.kind === 'Const' &&
      (node.ops[0]!.op === 'eq' || node.ops[0]!.op === 'ne')
    ) {
      // `x == 'buy'`: compare against the constant directly.
      const c = rightNode.value;
      const negate = node.ops[0]!.op === 'ne';
      if (typeof c === 'string') {
        return (rt, s) => {
          const a = first(rt, s);
          return (typeof a === 'string' ? a === c : equals(a, c)) !== negate;
        };
      }
      return (rt, s) => equals(first(rt, s), c) !== negate;
    }
    if (ops.length === 1) {
      const [op, right] = ops[0]!;
      switch (op) {
        case 'eq':
          return (rt, s) => {
            const a = first(rt, s);
            const b = right(rt, s);
            return typeof a === 'string' && typeof b === 'string' ? a === b : equals(a, b);
          };
        case 'ne':
          return (rt, s) => {
            const a = first(rt, s);
            const b = right(rt, s);
            return typeof a === 'string' && typeof b === 'string' ? a !== b : !equals(a, b);
          };
        case 'lt':
          return (rt, s) => compare('<', first(rt, s), right(rt, s));
        case 'lteq':
          return (rt, s) => compare('<=', first(rt, s), right(rt, s));
        case 'gt':
          return (rt, s) => compare('>', first(rt, s), right(rt, s));
        case 'gteq':
          return (rt, s) => compare('>=', first(rt, s), right(rt, s));
        default:
          return (rt, s) => cmp(op, first(rt, s), right(rt, s));
      }
    }
    const opNames = ops.map((o) => o[0]);
    const opFns = ops.map((o) => o[1]);
    const nops = ops.length;
    return (rt, s) => {
      let left = first(rt, s);
      for (let i = 0; i < nops; i++) {
        const right = opFns[i]!(rt, s);
        if (!cmp(opNames[i]!, left, right)) return false;
        left = right;
      }
      return true;
    };
  }

  /** The compiled positional arguments of a call without keywords, `*args` or `**kwargs`; else null. */
  private positionalOnly(node: CallArgs, frame: Frame): ExprFn[] | null {
    if (node.kwargs.length > 0 || node.dynArgs !== null || node.dynKwargs !== null) return null;
    return this.positional(node, frame);
  }

  /** Compiled positional arguments (once per call node, shared by the specialisations above). */
  private positional(node: CallArgs, frame: Frame): ExprFn[] {
    let fns = this.argFns.get(node);
    if (fns === undefined) {
      fns = node.args.map((a) => this.expr(a, frame));
      this.argFns.set(node, fns);
    }
    return fns;
  }

  private readonly argFns = new WeakMap<CallArgs, ExprFn[]>();

  /**
   * Compiled arguments of a call. `shared`: the callee only reads its arguments (builtin and host
   * filters/tests), so all-constant argument lists are built once, frozen, and passed every time.
   */
  private callArgs(
    node: CallArgs,
    frame: Frame,
    shared = false,
  ): { args: (rt: RenderState, s: Scope) => unknown[]; kwargs: (rt: RenderState, s: Scope) => Kwargs } {
    if (shared && node.dynArgs === null && node.dynKwargs === null) {
      const a = constArgs(node.args);
      const k = constKwargs(node.kwargs);
      if (a !== null && k !== null) return { args: () => a, kwargs: () => k };
    }
    const pos = this.positional(node, frame);
    const kws = node.kwargs.map((k) => [k.key, this.expr(k.value, frame)] as const);
    const dynArgs = node.dynArgs ? this.expr(node.dynArgs, frame) : null;
    const dynKwargs = node.dynKwargs ? this.expr(node.dynKwargs, frame) : null;
    const [p0, p1] = pos as [ExprFn, ExprFn];
    const args =
      dynArgs === null
        ? pos.length === 0
          ? () => EMPTY_ARGS
          : pos.length === 1
            ? (rt: RenderState, s: Scope) => args1(p0(rt, s))
            : pos.length === 2
              ? (rt: RenderState, s: Scope) => args2(p0(rt, s), p1(rt, s))
              : (rt: RenderState, s: Scope) => evalAll(pos, rt, s)
        : (rt: RenderState, s: Scope) => {
            const out = evalAll(pos, rt, s);
            for (const v of iterate(dynArgs(rt, s))) out.push(fromHost(v));
            return out;
          };
    const kwargs =
      kws.length === 0 && dynKwargs === null
        ? () => EMPTY_KWARGS
        : (rt: RenderState, s: Scope) => {
            const out = Object.create(null) as Kwargs;
            for (let i = 0; i < kws.length; i++) out[kws[i]![0]] = kws[i]![1](rt, s);
            if (dynKwargs) {
              const m = dynKwargs(rt, s);
              if (m instanceof Undefined) failUndefined(m);
              if (!isMapping(m)) throw new TemplateRuntimeError('argument after ** must be a mapping');
              for (const [k, v] of mappingEntries(m)) {
                if (typeof k !== 'string') throw new TemplateRuntimeError('keywords must be strings');
                out[k] = fromHost(v);
              }
            }
            return out;
          };
    return { args, kwargs };
  }

  /** Compiles a filter application: `(rt, s, value) => filtered`. */
  private filter(
    node: ExprOf<'Filter'>,
    frame: Frame,
  ): (rt: RenderState, s: Scope, value: unknown) => unknown {
    // `{% filter a|b %}` / `{% set x | a | b %}`: the chain's innermost filter has no value node.
    const inner =
      node.node !== null && node.node.kind === 'Filter' && this.isValueless(node.node)
        ? this.filter(node.node, frame)
        : null;
    const name = node.name;
    const known: FilterFn | undefined = this.env.filters[name];
    if (known === undefined && !frame.soft) this.fail(`No filter named '${name}'.`, node);
    const { args, kwargs } = this.callArgs(node, frame, true);
    return (rt, s, value) => {
      const f = known ?? rt.env.filters[name];
      if (f === undefined) throw new TemplateRuntimeError(`No filter named '${name}' found.`);
      rt.budget.spend(1);
      const v = inner === null ? value : inner(rt, s, value);
      return f(rt, v, args(rt, s), kwargs(rt, s));
    };
  }

  /** Whether a filter chain bottoms out in a value-less filter (a filter block's). */
  /**
   * `seq|selectattr(…)|first` (or select/reject/rejectattr) with the builtin filters: one pass that
   * stops at the first match, like Jinja2's lazy generators, instead of filtering the whole list.
   */
  private selectThenFirst(node: ExprOf<'Filter'>, frame: Frame): ExprFn | null {
    const inner = node.node;
    if (
      node.name !== 'first' ||
      this.env.filters.first !== builtinFilters.first ||
      node.args.length > 0 ||
      node.kwargs.length > 0 ||
      node.dynArgs !== null ||
      node.dynKwargs !== null ||
      inner === null ||
      inner.kind !== 'Filter' ||
      inner.node === null ||
      this.env.filters[inner.name] !== builtinFilters[inner.name]
    ) {
      return null;
    }
    const scan = selectThenFirst[inner.name];
    if (scan === undefined) return null;
    const value = this.expr(inner.node, frame);
    const { args, kwargs } = this.callArgs(inner, frame, true);
    return (rt, s) => {
      const v = value(rt, s);
      rt.budget.spend(2);
      return scan(rt, v, args(rt, s), kwargs(rt, s));
    };
  }

  private isValueless(node: ExprOf<'Filter'>): boolean {
    let cur: Expr | null = node;
    while (cur !== null && cur.kind === 'Filter') cur = cur.node;
    return cur === null;
  }

  private test(node: ExprOf<'Test'>, frame: Frame): ExprFn {
    const name = node.name;
    const known: TestFn | undefined = this.env.tests[name];
    if (known === undefined && !frame.soft) this.fail(`No test named '${name}'.`, node);
    const value = this.expr(node.node, frame);
    const plain =
      known !== undefined && node.kwargs.length === 0 && node.dynArgs === null && node.dynKwargs === null;
    const consts = plain ? constArgs(node.args) : null;
    const pos = plain && consts === null ? this.positional(node, frame) : null;
    if (known !== undefined && known === builtinTests[name] && consts === EMPTY_ARGS) {
      // The identity tests prompts use most (`x is none`, `x is defined`), without a call.
      if (name === 'none') {
        return (rt, s) => {
          const v = value(rt, s);
          return v === null || v === undefined;
        };
      }
      if (name === 'defined') return (rt, s) => !(value(rt, s) instanceof Undefined);
      if (name === 'undefined') return (rt, s) => value(rt, s) instanceof Undefined;
    }
    if (known !== undefined && consts !== null) {
      return (rt, s) => known(rt, value(rt, s), consts, EMPTY_KWARGS);
    }
    if (known !== undefined && pos !== null) {
      const [p0, p1] = pos as [ExprFn, ExprFn];
      switch (pos.length) {
        case 0:
          return (rt, s) => known(rt, value(rt, s), EMPTY_ARGS, EMPTY_KWARGS);
        case 1:
          return (rt, s) => {
            const v = value(rt, s);
            return known(rt, v, args1(p0(rt, s)), EMPTY_KWARGS);
          };
        case 2:
          return (rt, s) => {
            const v = value(rt, s);
            return known(rt, v, args2(p0(rt, s), p1(rt, s)), EMPTY_KWARGS);
          };
      }
    }
    const { args, kwargs } = this.callArgs(node, frame, true);
    return (rt, s) => {
      const t = known ?? rt.env.tests[name];
      if (t === undefined) throw new TemplateRuntimeError(`No test named '${name}' found.`);
      return t(rt, value(rt, s), args(rt, s), kwargs(rt, s));
    };
  }
}

/** Tuples are arrays too; exported for the CLI and tests that need to tell them apart. */
export { isTuple };
