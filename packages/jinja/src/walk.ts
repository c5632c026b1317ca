/** Generic traversal of the AST, shared by the compiler's analyses and meta.ts. */
import type { CallArgs, Expr, OutputPart, Stmt } from './nodes.js';

export type AnyNode = Expr | Stmt | OutputPart;

function callArgChildren(a: CallArgs, out: AnyNode[]): void {
  out.push(...a.args);
  for (const k of a.kwargs) out.push(k.value);
  if (a.dynArgs) out.push(a.dynArgs);
  if (a.dynKwargs) out.push(a.dynKwargs);
}

/** Direct children in evaluation order (bodies included). */
export function children(n: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  switch (n.kind) {
    case 'Data':
    case 'Break':
    case 'Continue':
    case 'Name':
    case 'NSRef':
    case 'Const':
      break;
    case 'Tuple':
    case 'List':
      out.push(...n.items);
      break;
    case 'Dict':
      for (const p of n.pairs) out.push(p.key, p.value);
      break;
    case 'CondExpr':
      out.push(n.test, n.expr1);
      if (n.expr2) out.push(n.expr2);
      break;
    case 'BinOp':
    case 'And':
    case 'Or':
      out.push(n.left, n.right);
      break;
    case 'Unary':
      out.push(n.node);
      break;
    case 'Concat':
      out.push(...n.nodes);
      break;
    case 'Compare':
      out.push(n.expr, ...n.ops.map((o) => o.expr));
      break;
    case 'Getattr':
      out.push(n.node);
      break;
    case 'Getitem':
      out.push(n.node, n.arg);
      break;
    case 'Slice':
      for (const x of [n.start, n.stop, n.step]) if (x) out.push(x);
      break;
    case 'Call':
      out.push(n.node);
      callArgChildren(n, out);
      break;
    case 'Filter':
      if (n.node) out.push(n.node);
      callArgChildren(n, out);
      break;
    case 'Test':
      out.push(n.node);
      callArgChildren(n, out);
      break;
    case 'Output':
      out.push(...n.nodes);
      break;
    case 'For':
      out.push(n.iter, n.target);
      if (n.test) out.push(n.test);
      out.push(...n.body, ...n.else_);
      break;
    case 'If':
      out.push(n.test, ...n.body);
      for (const e of n.elif) out.push(e.test, ...e.body);
      out.push(...n.else_);
      break;
    case 'Macro':
      out.push(...n.defaults, ...n.body);
      break;
    case 'CallBlock':
      out.push(n.call, ...n.defaults, ...n.body);
      break;
    case 'FilterBlock':
      out.push(...n.body, n.filter);
      break;
    case 'With':
      out.push(...n.values, ...n.targets, ...n.body);
      break;
    case 'Block':
      out.push(...n.body);
      break;
    case 'Include':
    case 'Import':
    case 'FromImport':
    case 'Extends':
      out.push(n.template);
      break;
    case 'Assign':
      out.push(n.node, n.target);
      break;
    case 'AssignBlock':
      out.push(...n.body);
      if (n.filter) out.push(n.filter);
      out.push(n.target);
      break;
    case 'Autoescape':
      out.push(n.value, ...n.body);
      break;
  }
  return out;
}

/**
 * Whether any node under `nodes` loads `name` (Jinja2's `find_undeclared` approximation used for
 * `loop`, `caller`, `varargs`, `kwargs`): nested blocks are skipped as Jinja2 skips them.
 */
export function referencesName(nodes: readonly AnyNode[], name: string): boolean {
  const stack: AnyNode[] = [...nodes];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'Name' && n.ctx === 'load' && n.name === name) return true;
    if (n.kind === 'Block') continue;
    stack.push(...children(n));
  }
  return false;
}

/** Whether a statement list assigns variables in its own frame (set, macro, import…). */
export function hasStores(nodes: readonly Stmt[]): boolean {
  const stack: AnyNode[] = [...nodes];
  while (stack.length > 0) {
    const n = stack.pop()!;
    switch (n.kind) {
      case 'Assign':
      case 'AssignBlock':
      case 'Macro':
      case 'Import':
      case 'FromImport':
        return true;
      case 'If':
        stack.push(...n.body, ...n.else_);
        for (const e of n.elif) stack.push(...e.body);
        break;
      default:
        break;
    }
  }
  return false;
}

/**
 * Whether running `nodes` can leave something behind that still refers to the scope they ran in
 * after they finish: a macro or call-block caller (closes over it), a recursive loop (its `loop`
 * callable does), or another template (include/import/extends/blocks, which may do any of these).
 */
export function capturesScope(nodes: readonly AnyNode[]): boolean {
  const stack: AnyNode[] = [...nodes];
  while (stack.length > 0) {
    const n = stack.pop()!;
    switch (n.kind) {
      case 'Macro':
      case 'CallBlock':
      case 'Include':
      case 'Import':
      case 'FromImport':
      case 'Extends':
      case 'Block':
        return true;
      case 'For':
        if (n.recursive) return true;
        break;
      default:
        break;
    }
    stack.push(...children(n));
  }
  return false;
}

/** Whether `{% break %}`/`{% continue %}` occur under `nodes` (including nested loops: conservative). */
export function hasLoopControl(nodes: readonly AnyNode[]): boolean {
  const stack: AnyNode[] = [...nodes];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'Break' || n.kind === 'Continue') return true;
    stack.push(...children(n));
  }
  return false;
}

/** Every node under `nodes`, blocks and macros included (Jinja2's `find_all`), in no particular order. */
function findAll(nodes: readonly AnyNode[], match: (n: AnyNode) => boolean): AnyNode | undefined {
  const stack: AnyNode[] = [...nodes];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (match(n)) return n;
    stack.push(...children(n));
  }
  return undefined;
}

/** Whether a `{% block … scoped %}` occurs under `nodes` (it can read the enclosing loop's `loop`). */
export function hasScopedBlock(nodes: readonly AnyNode[]): boolean {
  return findAll(nodes, (n) => n.kind === 'Block' && n.scoped) !== undefined;
}

/** The first (in source order) assignment of `name` under `nodes`: a `set` or `for` target. */
export function firstStoreOf(nodes: readonly AnyNode[], name: string): AnyNode | undefined {
  let first: AnyNode | undefined;
  findAll(nodes, (n) => {
    if (n.kind === 'Name' && n.ctx === 'store' && n.name === name) {
      if (first === undefined || n.line < first.line || (n.line === first.line && n.column < first.column))
        first = n;
    }
    return false;
  });
  return first;
}
