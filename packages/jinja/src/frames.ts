/**
 * Jinja2's per-frame symbol analysis (idtracking.py), reduced to the one thing that changes what a
 * template prints: which names a frame initializes to *undefined* on entry.
 *
 * In Jinja2 a name assigned in a frame gets a frame-local variable. If the first thing the frame
 * does with the name is assign it, and no enclosing frame knows the name, that variable starts out
 * undefined — so an inner loop/macro/with that reads it before the assignment sees undefined, not the
 * context value (`{% for i in x %}{{ a }}{% endfor %}{% set a = 1 %}` prints nothing even when the
 * context has `a`). If the frame reads the name first, it starts out resolved from the context.
 */
import type { Expr, Stmt } from './nodes.js';
import { children } from './walk.js';

type Event = { kind: 'load' | 'store'; name: string } | { kind: 'if'; branches: Event[][] };

function exprEvents(e: Expr | null, out: Event[]): void {
  if (e === null) return;
  if (e.kind === 'Name') {
    out.push({ kind: e.ctx === 'load' ? 'load' : 'store', name: e.name });
    return;
  }
  if (e.kind === 'NSRef') {
    out.push({ kind: 'load', name: e.name });
    return;
  }
  for (const c of children(e)) exprEvents(c as Expr, out);
}

function targetEvents(t: Expr, out: Event[]): void {
  if (t.kind === 'Name') out.push({ kind: 'store', name: t.name });
  else if (t.kind === 'Tuple') for (const i of t.items) targetEvents(i, out);
  else if (t.kind === 'NSRef') out.push({ kind: 'load', name: t.name });
}

/** Loads and stores that happen directly in this frame, in order (inner frames contribute only their outer parts). */
function frameEvents(stmts: readonly Stmt[], out: Event[] = []): Event[] {
  for (const s of stmts) {
    switch (s.kind) {
      case 'Output':
        for (const n of s.nodes) if (n.kind !== 'Data') exprEvents(n, out);
        break;
      case 'If': {
        exprEvents(s.test, out);
        // Jinja2 visits the elifs as one branch of nested ifs (each with an empty else).
        const elifBranch: Event[] = [];
        let nested: Event[] = elifBranch;
        for (const e of s.elif) {
          exprEvents(e.test, nested);
          const inner: Event[] = [];
          frameEvents(e.body, inner);
          const rest: Event[] = [];
          nested.push({ kind: 'if', branches: [inner, rest, []] });
          nested = rest;
        }
        out.push({ kind: 'if', branches: [frameEvents(s.body), elifBranch, frameEvents(s.else_)] });
        break;
      }
      case 'For':
        exprEvents(s.iter, out);
        break;
      case 'Assign':
        exprEvents(s.node, out);
        targetEvents(s.target, out);
        break;
      case 'AssignBlock':
        targetEvents(s.target, out);
        if (s.filter) exprEvents(s.filter, out);
        break;
      case 'Macro':
        out.push({ kind: 'store', name: s.name });
        break;
      case 'CallBlock':
        exprEvents(s.call, out);
        break;
      case 'FilterBlock':
        exprEvents(s.filter, out);
        break;
      case 'With':
        for (const v of s.values) exprEvents(v, out);
        break;
      case 'Include':
      case 'Extends':
        exprEvents(s.template, out);
        break;
      case 'Import':
        exprEvents(s.template, out);
        out.push({ kind: 'store', name: s.target });
        break;
      case 'FromImport':
        exprEvents(s.template, out);
        for (const n of s.names) out.push({ kind: 'store', name: n.alias ?? n.name });
        break;
      case 'Autoescape':
        exprEvents(s.value, out);
        break;
      case 'Block':
        break;
    }
  }
  return out;
}

function storesIn(events: readonly Event[], name: string): boolean {
  for (const e of events) {
    if (e.kind === 'if') {
      if (e.branches.some((b) => storesIn(b, name))) return true;
    } else if (e.kind === 'store' && e.name === name) return true;
  }
  return false;
}

function collectNames(events: readonly Event[], into: Set<string>): void {
  for (const e of events) {
    if (e.kind === 'if') for (const b of e.branches) collectNames(b, into);
    else into.add(e.name);
  }
}

/** Decides, per name, whether the frame first reads ('load') or first assigns ('store') it. */
function decide(events: readonly Event[], decided: Map<string, 'load' | 'store'>): void {
  for (const e of events) {
    if (e.kind !== 'if') {
      if (!decided.has(e.name)) decided.set(e.name, e.kind);
      continue;
    }
    const results = e.branches.map((b) => {
      const d = new Map(decided);
      decide(b, d);
      return d;
    });
    const fresh = new Set<string>();
    for (const r of results) for (const k of r.keys()) if (!decided.has(k)) fresh.add(k);
    for (const name of fresh) {
      const inAll = e.branches.every((b) => storesIn(b, name));
      // Stored in every branch: the last branch's view wins (Jinja2 merges branch refs in order).
      decided.set(name, inAll ? (results[results.length - 1]!.get(name) ?? 'load') : 'load');
    }
  }
}

export interface FrameInfo {
  /** Names loaded or stored directly in the frame (what inner frames can alias). */
  refs: ReadonlySet<string>;
  /** Names the frame must initialize to undefined on entry. */
  undefinedInit: string[];
  /** Names the frame itself binds (params first, then assignments in source order; no repeats). */
  stores: string[];
}

function collectStores(events: readonly Event[], into: Set<string>): void {
  for (const e of events) {
    if (e.kind === 'if') for (const b of e.branches) collectStores(b, into);
    else if (e.kind === 'store') into.add(e.name);
  }
}

/**
 * Analyzes one frame. `outer` are the refs of the enclosing frames (empty for the template root
 * and for blocks, which Jinja2 compiles as isolated functions); `params` are names the frame binds
 * itself (loop targets, macro arguments, `loop`, `caller`…).
 */
export function analyzeFrame(
  stmts: readonly Stmt[],
  outer: readonly ReadonlySet<string>[],
  params: readonly string[] = [],
  leadingLoads: readonly Expr[] = [],
): FrameInfo {
  const events: Event[] = [];
  for (const p of params) events.push({ kind: 'store', name: p });
  for (const e of leadingLoads) exprEvents(e, events);
  frameEvents(stmts, events);
  const refs = new Set<string>();
  collectNames(events, refs);
  const decided = new Map<string, 'load' | 'store'>();
  decide(events, decided);
  const undefinedInit: string[] = [];
  for (const [name, kind] of decided) {
    if (kind !== 'store' || params.includes(name)) continue;
    if (outer.some((r) => r.has(name))) continue;
    undefinedInit.push(name);
  }
  const stores = new Set<string>(params);
  collectStores(events, stores);
  return { refs, undefinedInit, stores: [...stores] };
}

/** Inner frames started directly by `stmts` (descending into `if` branches, which share the frame). */
function innerFrames(
  stmts: readonly Stmt[],
  visit: (body: readonly Stmt[], params: string[], leading: Expr[], isolated: boolean) => void,
): void {
  const names = (t: Expr, out: string[] = []): string[] => {
    if (t.kind === 'Name') out.push(t.name);
    else if (t.kind === 'Tuple') for (const i of t.items) names(i, out);
    return out;
  };
  for (const s of stmts) {
    switch (s.kind) {
      case 'If':
        innerFrames(s.body, visit);
        for (const e of s.elif) innerFrames(e.body, visit);
        innerFrames(s.else_, visit);
        break;
      case 'For':
        visit(s.body, [...names(s.target), 'loop'], s.test ? [s.test] : [], false);
        visit(s.else_, [], [], false);
        break;
      case 'Macro':
      case 'CallBlock':
        visit(s.body, [...s.args.map((a) => a.name), 'caller', 'varargs', 'kwargs'], s.defaults, false);
        break;
      case 'With':
        visit(
          s.body,
          s.targets.flatMap((t) => names(t)),
          [],
          false,
        );
        break;
      case 'FilterBlock':
      case 'AssignBlock':
      case 'Autoescape':
        visit(s.body, [], [], false);
        break;
      case 'Block':
        visit(s.body, ['self', 'super'], [], true);
        break;
      default:
        break;
    }
  }
}

/**
 * Names Jinja2 resolves from the context at run time, over all frames of a template — what
 * `jinja2.meta.find_undeclared_variables` reports (before removing the environment's globals).
 */
export function contextNames(body: readonly Stmt[]): Set<string> {
  const out = new Set<string>();
  const walk = (
    stmts: readonly Stmt[],
    outer: readonly ReadonlySet<string>[],
    params: readonly string[],
    leading: readonly Expr[],
  ): void => {
    const events: Event[] = [];
    for (const p of params) events.push({ kind: 'store', name: p });
    for (const e of leading) exprEvents(e, events);
    frameEvents(stmts, events);
    const refs = new Set<string>();
    collectNames(events, refs);
    const decided = new Map<string, 'load' | 'store'>();
    decide(events, decided);
    for (const [name, kind] of decided) {
      if (kind === 'load' && !outer.some((r) => r.has(name))) out.add(name);
    }
    const inner = [...outer, refs];
    innerFrames(stmts, (b, p, l, isolated) => walk(b, isolated ? [] : inner, p, l));
  };
  walk(body, [], ['self'], []);
  return out;
}
