/**
 * Introspection without rendering: syntax validation with recovery, the variables a template
 * needs from its context (like `jinja2.meta.find_undeclared_variables`), the attribute paths it
 * reads, and the templates it references (like `meta.find_referenced_templates`).
 */

import { Environment, type EnvironmentOptions } from './environment.js';
import { TemplateError } from './errors.js';
import { contextNames } from './frames.js';
import { normalizeSource, type Token, tokenize } from './lexer.js';
import type { Expr, Stmt, TemplateNode } from './nodes.js';
import { Parser, parseTokens } from './parser.js';
import { type AnyNode, children } from './walk.js';

export interface SyntaxProblem {
  message: string;
  line: number;
  column: number;
  /** The source line the problem is on. */
  sourceLine: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: SyntaxProblem[];
}

export interface ValidateOptions
  extends Pick<EnvironmentOptions, 'trimBlocks' | 'lstripBlocks' | 'keepTrailingNewline'> {
  /** Check filter and test names against this environment (its host filters included). */
  environment?: Environment;
}

const DEFAULT_GLOBALS = new Set(['range', 'dict', 'lipsum', 'cycler', 'joiner', 'namespace']);

const KNOWN_TAGS = new Set([
  'for',
  'endfor',
  'if',
  'elif',
  'else',
  'endif',
  'block',
  'endblock',
  'extends',
  'print',
  'macro',
  'endmacro',
  'include',
  'from',
  'import',
  'set',
  'endset',
  'with',
  'endwith',
  'autoescape',
  'endautoescape',
  'call',
  'endcall',
  'filter',
  'endfilter',
]);

function problem(e: TemplateError, lines: readonly string[]): SyntaxProblem {
  const line = e.line ?? 1;
  return {
    message: e.message,
    line,
    column: e.column ?? 1,
    sourceLine: e.sourceLine ?? lines[line - 1] ?? '',
  };
}

/**
 * Every syntax error we can find: the first exactly as Jinja2 reports it (full parse and compile),
 * then further ones from re-parsing each later tag on its own.
 */
export function validate(source: string, options: ValidateOptions = {}): ValidationResult {
  const env =
    options.environment ??
    new Environment({
      trimBlocks: options.trimBlocks,
      lstripBlocks: options.lstripBlocks,
      keepTrailingNewline: options.keepTrailingNewline,
    });
  const src = normalizeSource(source, env.keepTrailingNewline);
  const lines = src.split('\n');
  let first: TemplateError;
  try {
    env.compile(source);
    return { valid: true, errors: [] };
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    first = e;
  }
  const errors = [problem(first, lines)];
  // Tokenize everything; after a lexing error, resume on the next line so later tags are still seen.
  const tokens: Token[] = [];
  let offset = 0;
  let lineOffset = 0;
  while (offset <= src.length) {
    const part = tokenize(src.slice(offset), { trimBlocks: env.trimBlocks, lstripBlocks: env.lstripBlocks });
    for (const t of part) if (t.type !== 'eof') tokens.push({ ...t, line: t.line + lineOffset });
    const err = part.find((t) => t.type === 'error');
    if (err === undefined) break;
    const errLine = err.line + lineOffset;
    let nl = -1;
    let pos = 0;
    for (let l = 1; l <= errLine; l++) {
      nl = src.indexOf('\n', pos);
      if (nl < 0) break;
      pos = nl + 1;
    }
    if (nl < 0) break;
    offset = nl + 1;
    lineOffset = errLine;
  }
  const lastTok = tokens[tokens.length - 1];
  tokens.push({ type: 'eof', value: '', line: lastTok?.line ?? 1, column: 1, pos: src.length });
  const firstLine = first.line ?? 1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'error' && t.line > firstLine && t.error && !errors.some((x) => x.line === t.line)) {
      errors.push({
        message: t.error.message,
        line: t.line,
        column: t.column,
        sourceLine: lines[t.line - 1] ?? '',
      });
      continue;
    }
    if (t.type !== 'variable_begin' && t.type !== 'block_begin') continue;
    let j = i + 1;
    const endType = t.type === 'variable_begin' ? 'variable_end' : 'block_end';
    while (
      j < tokens.length &&
      tokens[j]!.type !== endType &&
      tokens[j]!.type !== 'eof' &&
      tokens[j]!.type !== 'error'
    )
      j++;
    if (tokens[j]?.type === 'error') {
      i = j - 1;
      continue;
    }
    const inner = tokens.slice(i + 1, j);
    const startLine = t.line;
    i = j;
    if (startLine <= firstLine) continue;
    const err = checkTag(t.type === 'variable_begin', inner, tokens[j] ?? t, env.loopControls);
    if (err && !errors.some((x) => x.line === err.line)) {
      errors.push({ ...err, sourceLine: lines[err.line - 1] ?? '' });
    }
  }
  return { valid: false, errors };
}

/** Parses one tag's contents on its own; returns the problem, if any. */
function checkTag(
  isVariable: boolean,
  inner: Token[],
  end: Token,
  loopControls: boolean,
): Omit<SyntaxProblem, 'sourceLine'> | null {
  const eof: Token = { type: 'eof', value: '', line: end.line, column: end.column, pos: end.pos };
  const parseExpr = (toks: Token[]): TemplateError | null => {
    const stream = [...toks, { ...eof, type: 'variable_end' as const }, eof];
    try {
      const p = new Parser(stream);
      p.parseExpression();
      return null;
    } catch (e) {
      return e instanceof TemplateError ? e : null;
    }
  };
  let err: TemplateError | null = null;
  if (isVariable) {
    err = parseExpr(inner);
  } else {
    const head = inner[0];
    if (head === undefined || head.type !== 'name') {
      return {
        message: 'tag name expected',
        line: head?.line ?? end.line,
        column: head?.column ?? end.column,
      };
    }
    const loopControl = loopControls && (head.value === 'break' || head.value === 'continue');
    if (!KNOWN_TAGS.has(head.value) && !loopControl) {
      return { message: `Encountered unknown tag '${head.value}'.`, line: head.line, column: head.column };
    }
    if (head.value === 'if' || head.value === 'elif' || head.value === 'print' || head.value === 'extends') {
      if (inner.length === 1) {
        return {
          message: "Expected an expression, got 'end of statement block'",
          line: end.line,
          column: end.column,
        };
      }
      err = parseExpr(inner.slice(1));
    }
  }
  if (err === null) return null;
  return { message: err.message, line: err.line ?? end.line, column: err.column ?? end.column };
}

function parseForMeta(source: string): TemplateNode {
  const src = normalizeSource(source, false);
  // Introspection accepts break/continue: whether they are allowed is the environment's (validate's) call.
  return parseTokens(tokenize(src, {}, undefined), undefined, { loopControls: true });
}

// --- undeclared variables and attribute paths ------------------------------------------------

class ScopeTracker {
  private readonly scopes: Set<string>[] = [new Set()];
  readonly undeclared = new Set<string>();
  readonly paths = new Set<string>();

  constructor(private readonly globals: ReadonlySet<string>) {}

  private declared(name: string): boolean {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i]!.has(name)) return true;
    return false;
  }
  declare(name: string): void {
    this.scopes[this.scopes.length - 1]!.add(name);
  }
  push(names: Iterable<string> = []): void {
    this.scopes.push(new Set(names));
  }
  pop(): Set<string> {
    return this.scopes.pop()!;
  }
  /** Blocks are isolated frames in Jinja2: only their own names count as declared. */
  isolated<T>(fn: () => T): T {
    const saved = this.scopes.splice(0, this.scopes.length, new Set(['super', 'self']));
    try {
      return fn();
    } finally {
      this.scopes.splice(0, this.scopes.length, ...saved);
    }
  }

  load(name: string, path?: string): void {
    if (this.declared(name) || this.globals.has(name)) return;
    this.undeclared.add(name);
    this.paths.add(path ?? name);
  }

  declareTarget(t: Expr): void {
    if (t.kind === 'Name') this.declare(t.name);
    else if (t.kind === 'Tuple') for (const i of t.items) this.declareTarget(i);
    else if (t.kind === 'NSRef') this.load(t.name);
  }

  stmts(nodes: readonly Stmt[]): void {
    for (const n of nodes) this.stmt(n);
  }

  /** Statements of a branch; returns the names it stored. */
  private branch(nodes: readonly Stmt[]): Set<string> {
    this.push();
    this.stmts(nodes);
    return this.pop();
  }

  stmt(n: Stmt): void {
    switch (n.kind) {
      case 'For': {
        this.expr(n.iter);
        this.push(['loop']);
        this.declareTarget(n.target);
        if (n.test) this.expr(n.test);
        this.stmts(n.body);
        this.pop();
        this.push();
        this.stmts(n.else_);
        this.pop();
        return;
      }
      case 'If': {
        this.expr(n.test);
        const stored = [this.branch(n.body)];
        for (const e of n.elif) {
          this.expr(e.test);
          stored.push(this.branch(e.body));
        }
        if (n.else_.length > 0) {
          stored.push(this.branch(n.else_));
          // Declared afterwards only if every branch (else included) stored it.
          for (const name of stored[0]!) if (stored.every((s) => s.has(name))) this.declare(name);
        }
        return;
      }
      case 'Macro':
        this.declare(n.name);
        this.macroBody(
          n.args.map((a) => a.name),
          n.defaults,
          n.body,
        );
        return;
      case 'CallBlock':
        this.expr(n.call);
        this.macroBody(
          n.args.map((a) => a.name),
          n.defaults,
          n.body,
        );
        return;
      case 'Assign':
        this.expr(n.node);
        this.declareTarget(n.target);
        return;
      case 'AssignBlock':
        this.push();
        this.stmts(n.body);
        this.pop();
        if (n.filter) this.expr(n.filter);
        this.declareTarget(n.target);
        return;
      case 'With':
        for (const v of n.values) this.expr(v);
        this.push();
        for (const t of n.targets) this.declareTarget(t);
        this.stmts(n.body);
        this.pop();
        return;
      case 'Block':
        this.isolated(() => this.stmts(n.body));
        return;
      case 'Import':
        this.expr(n.template);
        this.declare(n.target);
        return;
      case 'FromImport':
        this.expr(n.template);
        for (const { name, alias } of n.names) this.declare(alias ?? name);
        return;
      case 'FilterBlock':
        this.push();
        this.stmts(n.body);
        this.pop();
        this.expr(n.filter);
        return;
      case 'Autoescape':
        this.expr(n.value);
        this.push();
        this.stmts(n.body);
        this.pop();
        return;
      default:
        for (const c of children(n)) this.node(c);
    }
  }

  private macroBody(args: string[], defaults: Expr[], body: Stmt[]): void {
    this.push(['caller', 'varargs', 'kwargs']);
    const firstDefault = args.length - defaults.length;
    args.forEach((a, i) => {
      if (i >= firstDefault) this.expr(defaults[i - firstDefault]!);
      this.declare(a);
    });
    this.stmts(body);
    this.pop();
  }

  node(n: AnyNode): void {
    if (n.kind === 'Data') return;
    if ('body' in n || n.kind === 'Output' || n.kind === 'Include' || n.kind === 'Extends') {
      this.stmt(n as Stmt);
      return;
    }
    this.expr(n as Expr);
  }

  expr(e: Expr): void {
    if (e.kind === 'Name') {
      if (e.ctx === 'load') this.load(e.name);
      return;
    }
    if (e.kind === 'Getattr' || e.kind === 'Getitem') {
      this.chain(e, false);
      return;
    }
    if (e.kind === 'Call' && (e.node.kind === 'Getattr' || e.node.kind === 'Getitem')) {
      // `a.b.method()`: the last segment is a method, not data.
      this.chain(e.node, true);
      for (const c of children(e).slice(1)) this.node(c);
      return;
    }
    for (const c of children(e)) this.node(c);
  }

  /** Records `a.b.c` paths rooted at an undeclared name, visiting dynamic subscripts normally. */
  private chain(e: Expr, dropLast: boolean): void {
    const segs: string[] = [];
    let cur: Expr = e;
    const dynamic: Expr[] = [];
    while (cur.kind === 'Getattr' || cur.kind === 'Getitem') {
      if (cur.kind === 'Getattr') segs.unshift(cur.attr);
      else if (cur.arg.kind === 'Const' && typeof cur.arg.value === 'string') segs.unshift(cur.arg.value);
      else {
        // A dynamic subscript ends the static path here.
        segs.length = 0;
        dynamic.push(cur.arg);
      }
      cur = cur.node;
    }
    if (dropLast && segs.length > 0) segs.pop();
    if (cur.kind === 'Name' && cur.ctx === 'load') {
      this.load(cur.name, [cur.name, ...segs].join('.'));
    } else {
      this.expr(cur);
    }
    for (const d of dynamic) this.expr(d);
  }
}

function track(source: string): ScopeTracker {
  const t = new ScopeTracker(DEFAULT_GLOBALS);
  t.stmts(parseForMeta(source).body);
  return t;
}

/** Names the template reads from its context (sorted), like Jinja2's find_undeclared_variables. */
export function undeclaredVariables(source: string): string[] {
  const names = contextNames(parseForMeta(source).body);
  return [...names].filter((n) => !DEFAULT_GLOBALS.has(n)).sort();
}

/** Attribute paths read from context variables, e.g. `price.last`, `indicators.rsi` (sorted). */
export function variablePaths(source: string): string[] {
  const context = new Set(undeclaredVariables(source));
  const tracked = track(source).paths;
  const out = new Set<string>();
  for (const p of tracked) if (context.has(p.split('.')[0]!)) out.add(p);
  for (const n of context) if (![...out].some((p) => p === n || p.startsWith(`${n}.`))) out.add(n);
  return [...out].sort();
}

function constNames(e: Expr): (string | null)[] {
  if (e.kind === 'Const' && typeof e.value === 'string') return [e.value];
  if (e.kind === 'List' || e.kind === 'Tuple') {
    return e.items.map((i) => (i.kind === 'Const' && typeof i.value === 'string' ? i.value : null));
  }
  return [null];
}

/** Template names used by extends/include/import/from, in order; `null` for dynamic ones. */
export function referencedTemplates(source: string): (string | null)[] {
  const out: (string | null)[] = [];
  const stack: AnyNode[] = [...parseForMeta(source).body].reverse();
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'Extends' || n.kind === 'Import' || n.kind === 'FromImport' || n.kind === 'Include') {
      out.push(...constNames(n.template));
      continue;
    }
    stack.push(...children(n).reverse());
  }
  return out;
}
