/**
 * Recursive-descent parser following Jinja2's grammar and error messages (parser.py), producing
 * the AST in nodes.ts. Error lines are the lines Jinja2 reports (the offending token's line).
 */
import { LimitError, TemplateSyntaxError } from './errors.js';
import { describeToken, type Token } from './lexer.js';
import type {
  CallArgs,
  CompareOpName,
  Expr,
  ExprOf,
  Keyword,
  MacroSignature,
  OutputPart,
  Pos,
  Stmt,
  StmtOf,
  TemplateNode,
} from './nodes.js';
import { float } from './values.js';

const STATEMENT_KEYWORDS = new Set([
  'for',
  'if',
  'block',
  'extends',
  'print',
  'macro',
  'include',
  'from',
  'import',
  'set',
  'with',
  'autoescape',
  'call',
  'filter',
]);

const COMPARE_OPS: Record<string, CompareOpName> = {
  '==': 'eq',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'lteq',
  '>': 'gt',
  '>=': 'gteq',
};

/** Nesting depth of expressions/statements before we give up (keeps the JS stack safe). */
const MAX_NESTING = 400;

/** Describes an expected-token rule ("name:endif", "block_end", ")") as Jinja2 words it. */
function describeExpected(rule: string): string {
  if (rule.startsWith('name:')) return rule.slice(5);
  switch (rule) {
    case 'block_end':
      return 'end of statement block';
    case 'variable_end':
      return 'end of print statement';
    case 'name':
      return 'name';
    case 'eof':
      return 'end of template';
    default:
      return rule;
  }
}

function pyRepr(s: string): string {
  return s.includes("'") && !s.includes('"')
    ? `"${s}"`
    : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export interface ParserOptions {
  /** Accept `{% break %}` and `{% continue %}` (Jinja2's `jinja2.ext.loopcontrols`). */
  loopControls?: boolean;
}

export class Parser {
  private i = 0;
  private readonly tagStack: string[] = [];
  private readonly endTokenStack: string[][] = [];
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly name?: string,
    private readonly options: ParserOptions = {},
  ) {}

  // --- token stream helpers -------------------------------------------------------------

  private get cur(): Token {
    const t = this.tokens[this.i]!;
    if (t.error) throw t.error;
    return t;
  }
  private look(): Token {
    const t = this.tokens[Math.min(this.i + 1, this.tokens.length - 1)]!;
    if (t.error) throw t.error;
    return t;
  }
  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.error) throw t.error;
    if (t.type !== 'eof') this.i++;
    return t;
  }
  /** Matches a rule: a token type, `name:value`, or an operator string. */
  private test(t: Token, rule: string): boolean {
    if (rule.startsWith('name:')) return t.type === 'name' && t.value === rule.slice(5);
    if (
      rule === 'block_end' ||
      rule === 'variable_end' ||
      rule === 'name' ||
      rule === 'string' ||
      rule === 'eof'
    )
      return t.type === rule;
    return t.type === 'operator' && t.value === rule;
  }
  private testAny(t: Token, rules: readonly string[]): boolean {
    for (const r of rules) if (this.test(t, r)) return true;
    return false;
  }
  private skipIf(rule: string): boolean {
    if (this.test(this.cur, rule)) {
      this.next();
      return true;
    }
    return false;
  }
  private isOp(value: string): boolean {
    const t = this.cur;
    return t.type === 'operator' && t.value === value;
  }
  private isName(value: string): boolean {
    const t = this.cur;
    return t.type === 'name' && t.value === value;
  }
  private expect(rule: string): Token {
    const t = this.cur;
    if (!this.test(t, rule)) {
      const what = describeExpected(rule);
      if (t.type === 'eof') this.fail(`unexpected end of template, expected ${pyRepr(what)}.`, t);
      this.fail(`expected token ${pyRepr(what)}, got ${pyRepr(describeToken(t))}`, t);
    }
    return this.next();
  }
  fail(message: string, at?: { line: number; column: number }): never {
    const t = at ?? this.cur;
    throw new TemplateSyntaxError(message, { line: t.line, column: t.column }, this.name);
  }
  private pos(t: Token): Pos {
    return { line: t.line, column: t.column };
  }
  private enter(): void {
    if (++this.depth > MAX_NESTING) {
      throw new LimitError(
        'recursion',
        `template nesting is deeper than ${MAX_NESTING} levels`,
        this.pos(this.cur),
        this.name,
      );
    }
  }

  // --- statements ------------------------------------------------------------------------

  parse(): TemplateNode {
    return { body: this.subparse(null) };
  }

  private failUnknownOrEof(name: string | null, at: Token): never {
    const expected = new Set<string>();
    for (const rules of this.endTokenStack) for (const r of rules) expected.add(describeExpected(r));
    const top = this.endTokenStack[this.endTokenStack.length - 1];
    const looking = top ? top.map((r) => pyRepr(describeExpected(r))).join(' or ') : null;
    const msg = [name === null ? 'Unexpected end of template.' : `Encountered unknown tag ${pyRepr(name)}.`];
    if (looking) {
      if (name !== null && expected.has(name)) {
        msg.push(
          `You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for ${looking}.`,
        );
      } else {
        msg.push(`Jinja was looking for the following tags: ${looking}.`);
      }
    }
    if (this.tagStack.length > 0) {
      msg.push(
        `The innermost block that needs to be closed is ${pyRepr(this.tagStack[this.tagStack.length - 1]!)}.`,
      );
    }
    this.fail(msg.join(' '), at);
  }

  private subparse(endTokens: string[] | null): Stmt[] {
    const body: Stmt[] = [];
    let data: OutputPart[] = [];
    const flush = (): void => {
      if (data.length > 0) {
        const first = data[0]!;
        body.push({ kind: 'Output', nodes: data, line: first.line, column: first.column });
        data = [];
      }
    };
    if (endTokens) this.endTokenStack.push(endTokens);
    try {
      while (this.cur.type !== 'eof') {
        const t = this.cur;
        if (t.type === 'data') {
          data.push({ kind: 'Data', value: t.value, line: t.line, column: t.column });
          this.next();
        } else if (t.type === 'variable_begin') {
          this.next();
          data.push(this.parseTuple({ withCondexpr: true }));
          this.expect('variable_end');
        } else if (t.type === 'block_begin') {
          flush();
          this.next();
          if (endTokens && this.testAny(this.cur, endTokens)) return body;
          body.push(this.parseStatement());
          this.expect('block_end');
        } else {
          this.fail(`unexpected ${pyRepr(describeToken(t))}`, t);
        }
      }
      flush();
    } finally {
      if (endTokens) this.endTokenStack.pop();
    }
    return body;
  }

  private parseStatement(): Stmt {
    const t = this.cur;
    if (t.type !== 'name') this.fail('tag name expected', t);
    if (this.options.loopControls === true && (t.value === 'break' || t.value === 'continue')) {
      this.next();
      return { kind: t.value === 'break' ? 'Break' : 'Continue', ...this.pos(t) };
    }
    if (!STATEMENT_KEYWORDS.has(t.value)) this.failUnknownOrEof(t.value, t);
    this.tagStack.push(t.value);
    this.enter();
    try {
      switch (t.value) {
        case 'for':
          return this.parseFor();
        case 'if':
          return this.parseIf();
        case 'block':
          return this.parseBlock();
        case 'extends':
          this.next();
          return { kind: 'Extends', template: this.parseExpression(), ...this.pos(t) };
        case 'print':
          return this.parsePrint();
        case 'macro':
          return this.parseMacro();
        case 'include':
          return this.parseInclude();
        case 'from':
          return this.parseFrom();
        case 'import':
          return this.parseImport();
        case 'set':
          return this.parseSet();
        case 'with':
          return this.parseWith();
        case 'autoescape': {
          this.next();
          const value = this.parseExpression();
          const body = this.parseStatements(['name:endautoescape'], true);
          return { kind: 'Autoescape', value, body, ...this.pos(t) };
        }
        case 'call':
          return this.parseCallBlock();
        default:
          return this.parseFilterBlock();
      }
    } finally {
      this.tagStack.pop();
      this.depth--;
    }
  }

  private parseStatements(endTokens: string[], dropNeedle = false): Stmt[] {
    this.skipIf(':');
    this.expect('block_end');
    const body = this.subparse(endTokens);
    if (this.cur.type === 'eof') {
      this.endTokenStack.push(endTokens);
      try {
        this.failUnknownOrEof(null, this.cur);
      } finally {
        this.endTokenStack.pop();
      }
    }
    if (dropNeedle) this.next();
    return body;
  }

  private parseSet(): Stmt {
    const t = this.next();
    const target = this.parseAssignTarget({ withNamespace: true });
    if (this.skipIf('=')) {
      const node = this.parseTuple({});
      return { kind: 'Assign', target, node, ...this.pos(t) };
    }
    const filter = this.parseFilter(null, false) as ExprOf<'Filter'> | null;
    const body = this.parseStatements(['name:endset'], true);
    return { kind: 'AssignBlock', target, filter, body, ...this.pos(t) };
  }

  private parseFor(): Stmt {
    const t = this.expect('name:for');
    const target = this.parseAssignTarget({ extraEndRules: ['name:in'] });
    this.expect('name:in');
    const iter = this.parseTuple({ withCondexpr: false, extraEndRules: ['name:recursive'] });
    let test: Expr | null = null;
    if (this.skipIf('name:if')) test = this.parseExpression();
    const recursive = this.skipIf('name:recursive');
    const body = this.parseStatements(['name:endfor', 'name:else']);
    let else_: Stmt[] = [];
    if (this.next().value !== 'endfor') else_ = this.parseStatements(['name:endfor'], true);
    return { kind: 'For', target, iter, body, else_, test, recursive, ...this.pos(t) };
  }

  private parseIf(): Stmt {
    const t = this.expect('name:if');
    const test = this.parseTuple({ withCondexpr: false });
    const body = this.parseStatements(['name:elif', 'name:else', 'name:endif']);
    const node: StmtOf<'If'> = { kind: 'If', test, body, elif: [], else_: [], ...this.pos(t) };
    while (true) {
      const tok = this.next();
      if (tok.value === 'elif') {
        const at = this.cur;
        const etest = this.parseTuple({ withCondexpr: false });
        const ebody = this.parseStatements(['name:elif', 'name:else', 'name:endif']);
        node.elif.push({ test: etest, body: ebody, ...this.pos(at) });
        continue;
      }
      if (tok.value === 'else') node.else_ = this.parseStatements(['name:endif'], true);
      break;
    }
    return node;
  }

  private parseWith(): Stmt {
    const t = this.next();
    const targets: Expr[] = [];
    const values: Expr[] = [];
    while (this.cur.type !== 'block_end') {
      if (targets.length > 0) this.expect(',');
      const target = this.parseAssignTarget({});
      setCtx(target, 'param');
      targets.push(target);
      this.expect('=');
      values.push(this.parseExpression());
    }
    const body = this.parseStatements(['name:endwith'], true);
    return { kind: 'With', targets, values, body, ...this.pos(t) };
  }

  private parseBlock(): Stmt {
    const t = this.next();
    const name = this.expect('name').value;
    const scoped = this.skipIf('name:scoped');
    const required = this.skipIf('name:required');
    if (this.isOp('-')) {
      this.fail(
        'Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an underscore instead.',
      );
    }
    const body = this.parseStatements(['name:endblock'], true);
    if (required) {
      for (const stmt of body) {
        if (
          stmt.kind !== 'Output' ||
          stmt.nodes.some((n) => n.kind !== 'Data' || n.value.trim() !== '' || n.value === '')
        ) {
          this.fail('Required blocks can only contain comments or whitespace');
        }
      }
    }
    this.skipIf(`name:${name}`);
    return { kind: 'Block', name, body, scoped, required, ...this.pos(t) };
  }

  private parseImportContext(defaultValue: boolean): boolean {
    if ((this.isName('with') || this.isName('without')) && this.test(this.look(), 'name:context')) {
      const v = this.next().value === 'with';
      this.next();
      return v;
    }
    return defaultValue;
  }

  private parseInclude(): Stmt {
    const t = this.next();
    const template = this.parseExpression();
    let ignoreMissing = false;
    if (this.isName('ignore') && this.test(this.look(), 'name:missing')) {
      ignoreMissing = true;
      this.next();
      this.next();
    }
    const withContext = this.parseImportContext(true);
    return { kind: 'Include', template, ignoreMissing, withContext, ...this.pos(t) };
  }

  private parseImport(): Stmt {
    const t = this.next();
    const template = this.parseExpression();
    this.expect('name:as');
    const target = this.expect('name').value;
    const withContext = this.parseImportContext(false);
    return { kind: 'Import', template, target, withContext, ...this.pos(t) };
  }

  private parseFrom(): Stmt {
    const t = this.next();
    const template = this.parseExpression();
    this.expect('name:import');
    const names: { name: string; alias: string | null }[] = [];
    let withContext: boolean | undefined;
    const parseContext = (): boolean => {
      if ((this.isName('with') || this.isName('without')) && this.test(this.look(), 'name:context')) {
        withContext = this.next().value === 'with';
        this.next();
        return true;
      }
      return false;
    };
    while (true) {
      if (names.length > 0) this.expect(',');
      if (this.cur.type === 'name') {
        if (parseContext()) break;
        const target = this.expect('name');
        if (target.value.startsWith('_'))
          this.fail('names starting with an underline can not be imported', target);
        let alias: string | null = null;
        if (this.skipIf('name:as')) alias = this.expect('name').value;
        names.push({ name: target.value, alias });
        if (parseContext() || !this.isOp(',')) break;
      } else {
        this.expect('name');
      }
    }
    return { kind: 'FromImport', template, names, withContext: withContext ?? false, ...this.pos(t) };
  }

  private parseSignature(): MacroSignature {
    const args: ExprOf<'Name'>[] = [];
    const defaults: Expr[] = [];
    this.expect('(');
    while (!this.isOp(')')) {
      if (args.length > 0) this.expect(',');
      const tok = this.expect('name');
      const arg: ExprOf<'Name'> = { kind: 'Name', name: tok.value, ctx: 'param', ...this.pos(tok) };
      if (this.skipIf('=')) defaults.push(this.parseExpression());
      else if (defaults.length > 0) this.fail('non-default argument follows default argument');
      args.push(arg);
    }
    this.expect(')');
    return { args, defaults };
  }

  private parseCallBlock(): Stmt {
    const t = this.next();
    const sig = this.isOp('(') ? this.parseSignature() : { args: [], defaults: [] };
    const call = this.parseExpression();
    if (call.kind !== 'Call') this.fail('expected call', t);
    const body = this.parseStatements(['name:endcall'], true);
    return { kind: 'CallBlock', call, body, ...sig, ...this.pos(t) };
  }

  private parseFilterBlock(): Stmt {
    const t = this.next();
    const filter = this.parseFilter(null, true) as ExprOf<'Filter'>;
    const body = this.parseStatements(['name:endfilter'], true);
    return { kind: 'FilterBlock', filter, body, ...this.pos(t) };
  }

  private parseMacro(): Stmt {
    const t = this.next();
    const name = this.expect('name').value;
    const sig = this.parseSignature();
    const body = this.parseStatements(['name:endmacro'], true);
    return { kind: 'Macro', name, body, ...sig, ...this.pos(t) };
  }

  private parsePrint(): Stmt {
    const t = this.next();
    const nodes: OutputPart[] = [];
    while (this.cur.type !== 'block_end') {
      if (nodes.length > 0) this.expect(',');
      nodes.push(this.parseExpression());
    }
    return { kind: 'Output', nodes, ...this.pos(t) };
  }

  private parseAssignTarget(opts: { extraEndRules?: string[]; withNamespace?: boolean }): Expr {
    const target = this.parseTuple({
      simplified: true,
      extraEndRules: opts.extraEndRules,
      withNamespace: opts.withNamespace,
    });
    if (!canAssign(target)) {
      this.fail(`can't assign to ${pyRepr(assignKindName(target))}`, target);
    }
    setCtx(target, 'store');
    return target;
  }

  // --- expressions -----------------------------------------------------------------------

  parseExpression(withCondexpr = true): Expr {
    this.enter();
    try {
      return withCondexpr ? this.parseCondexpr() : this.parseOr();
    } finally {
      this.depth--;
    }
  }

  private parseCondexpr(): Expr {
    let at = this.cur;
    let expr1 = this.parseOr();
    while (this.skipIf('name:if')) {
      const expr2 = this.parseOr();
      const expr3 = this.skipIf('name:else') ? this.parseCondexpr() : null;
      expr1 = { kind: 'CondExpr', test: expr2, expr1, expr2: expr3, ...this.pos(at) };
      at = this.cur;
    }
    return expr1;
  }

  private parseOr(): Expr {
    let at = this.cur;
    let left = this.parseAnd();
    while (this.skipIf('name:or')) {
      const right = this.parseAnd();
      left = { kind: 'Or', left, right, ...this.pos(at) };
      at = this.cur;
    }
    return left;
  }

  private parseAnd(): Expr {
    let at = this.cur;
    let left = this.parseNot();
    while (this.skipIf('name:and')) {
      const right = this.parseNot();
      left = { kind: 'And', left, right, ...this.pos(at) };
      at = this.cur;
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isName('not')) {
      const t = this.next();
      this.enter();
      try {
        return { kind: 'Unary', op: 'not', node: this.parseNot(), ...this.pos(t) };
      } finally {
        this.depth--;
      }
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    const at = this.cur;
    const expr = this.parseMath1();
    const ops: { op: CompareOpName; expr: Expr }[] = [];
    while (true) {
      const t = this.cur;
      if (t.type === 'operator' && COMPARE_OPS[t.value] !== undefined) {
        this.next();
        ops.push({ op: COMPARE_OPS[t.value]!, expr: this.parseMath1() });
      } else if (this.skipIf('name:in')) {
        ops.push({ op: 'in', expr: this.parseMath1() });
      } else if (this.isName('not') && this.test(this.look(), 'name:in')) {
        this.next();
        this.next();
        ops.push({ op: 'notin', expr: this.parseMath1() });
      } else {
        break;
      }
    }
    if (ops.length === 0) return expr;
    return { kind: 'Compare', expr, ops, ...this.pos(at) };
  }

  private parseMath1(): Expr {
    let at = this.cur;
    let left = this.parseConcat();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().value as '+' | '-';
      const right = this.parseConcat();
      left = { kind: 'BinOp', op, left, right, ...this.pos(at) };
      at = this.cur;
    }
    return left;
  }

  private parseConcat(): Expr {
    const at = this.cur;
    const nodes = [this.parseMath2()];
    while (this.isOp('~')) {
      this.next();
      nodes.push(this.parseMath2());
    }
    if (nodes.length === 1) return nodes[0]!;
    return { kind: 'Concat', nodes, ...this.pos(at) };
  }

  private parseMath2(): Expr {
    let at = this.cur;
    let left = this.parsePow();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const op = this.next().value as '*' | '/' | '//' | '%';
      const right = this.parsePow();
      left = { kind: 'BinOp', op, left, right, ...this.pos(at) };
      at = this.cur;
    }
    return left;
  }

  private parsePow(): Expr {
    let at = this.cur;
    let left = this.parseUnary(true);
    while (this.isOp('**')) {
      this.next();
      const right = this.parseUnary(true);
      left = { kind: 'BinOp', op: '**', left, right, ...this.pos(at) };
      at = this.cur;
    }
    return left;
  }

  private parseUnary(withFilter: boolean): Expr {
    const t = this.cur;
    let node: Expr;
    this.enter();
    try {
      if (this.isOp('-') || this.isOp('+')) {
        this.next();
        node = { kind: 'Unary', op: t.value as '-' | '+', node: this.parseUnary(false), ...this.pos(t) };
      } else {
        node = this.parsePrimary(false);
      }
      node = this.parsePostfix(node);
      if (withFilter) node = this.parseFilterExpr(node);
      return node;
    } finally {
      this.depth--;
    }
  }

  private parsePrimary(withNamespace: boolean): Expr {
    const t = this.cur;
    if (t.type === 'name') {
      this.next();
      if (t.value === 'true' || t.value === 'True') return { kind: 'Const', value: true, ...this.pos(t) };
      if (t.value === 'false' || t.value === 'False') return { kind: 'Const', value: false, ...this.pos(t) };
      if (t.value === 'none' || t.value === 'None') return { kind: 'Const', value: null, ...this.pos(t) };
      if (withNamespace && this.isOp('.')) {
        this.next();
        const attr = this.expect('name');
        return { kind: 'NSRef', name: t.value, attr: attr.value, ...this.pos(t) };
      }
      return { kind: 'Name', name: t.value, ctx: 'load', ...this.pos(t) };
    }
    if (t.type === 'string') {
      this.next();
      let value = t.value;
      while (this.cur.type === 'string') value += this.next().value;
      return { kind: 'Const', value, ...this.pos(t) };
    }
    if (t.type === 'integer') {
      this.next();
      return { kind: 'Const', value: t.num!, ...this.pos(t) };
    }
    if (t.type === 'float') {
      this.next();
      return { kind: 'Const', value: float(t.num!), ...this.pos(t) };
    }
    if (this.isOp('(')) {
      this.next();
      const node = this.parseTuple({ explicitParentheses: true });
      this.expect(')');
      return node;
    }
    if (this.isOp('[')) return this.parseList();
    if (this.isOp('{')) return this.parseDict();
    return this.fail(`unexpected ${pyRepr(describeToken(t))}`, t);
  }

  private isTupleEnd(extraEndRules?: string[]): boolean {
    const t = this.cur;
    if (t.type === 'variable_end' || t.type === 'block_end' || (t.type === 'operator' && t.value === ')'))
      return true;
    return extraEndRules !== undefined && this.testAny(t, extraEndRules);
  }

  private parseTuple(opts: {
    simplified?: boolean;
    withCondexpr?: boolean;
    extraEndRules?: string[] | undefined;
    explicitParentheses?: boolean;
    withNamespace?: boolean | undefined;
  }): Expr {
    let at = this.cur;
    const items: Expr[] = [];
    let isTuple = false;
    while (true) {
      if (items.length > 0) this.expect(',');
      if (this.isTupleEnd(opts.extraEndRules)) break;
      items.push(
        opts.simplified
          ? this.parsePrimary(opts.withNamespace === true)
          : this.parseExpression(opts.withCondexpr !== false),
      );
      if (this.isOp(',')) isTuple = true;
      else break;
      at = this.cur;
    }
    if (!isTuple) {
      if (items.length > 0) return items[0]!;
      if (!opts.explicitParentheses)
        this.fail(`Expected an expression, got ${pyRepr(describeToken(this.cur))}`);
    }
    return { kind: 'Tuple', items, ctx: 'load', ...this.pos(at) };
  }

  private parseList(): Expr {
    const t = this.expect('[');
    const items: Expr[] = [];
    while (!this.isOp(']')) {
      if (items.length > 0) this.expect(',');
      if (this.isOp(']')) break;
      items.push(this.parseExpression());
    }
    this.expect(']');
    return { kind: 'List', items, ...this.pos(t) };
  }

  private parseDict(): Expr {
    const t = this.expect('{');
    const pairs: { key: Expr; value: Expr }[] = [];
    while (!this.isOp('}')) {
      if (pairs.length > 0) this.expect(',');
      if (this.isOp('}')) break;
      const key = this.parseExpression();
      this.expect(':');
      const value = this.parseExpression();
      pairs.push({ key, value });
    }
    this.expect('}');
    return { kind: 'Dict', pairs, ...this.pos(t) };
  }

  private parsePostfix(node: Expr): Expr {
    while (true) {
      if (this.isOp('.') || this.isOp('[')) node = this.parseSubscript(node);
      else if (this.isOp('(')) node = this.parseCall(node);
      else break;
    }
    return node;
  }

  private parseFilterExpr(node: Expr): Expr {
    while (true) {
      if (this.isOp('|')) node = this.parseFilter(node, false)!;
      else if (this.isName('is')) node = this.parseTest(node);
      else if (this.isOp('(')) node = this.parseCall(node);
      else break;
    }
    return node;
  }

  private parseSubscript(node: Expr): Expr {
    const t = this.next();
    if (t.value === '.') {
      const attr = this.next();
      if (attr.type === 'name') return { kind: 'Getattr', node, attr: attr.value, ...this.pos(t) };
      if (attr.type !== 'integer') this.fail('expected name or number', attr);
      return {
        kind: 'Getitem',
        node,
        arg: { kind: 'Const', value: attr.num!, ...this.pos(attr) },
        ...this.pos(t),
      };
    }
    const args: Expr[] = [];
    while (!this.isOp(']')) {
      if (args.length > 0) this.expect(',');
      args.push(this.parseSubscribed());
    }
    this.expect(']');
    const arg: Expr =
      args.length === 1 ? args[0]! : { kind: 'Tuple', items: args, ctx: 'load', ...this.pos(t) };
    return { kind: 'Getitem', node, arg, ...this.pos(t) };
  }

  private parseSubscribed(): Expr {
    const at = this.cur;
    const parts: (Expr | null)[] = [];
    if (this.isOp(':')) {
      this.next();
      parts.push(null);
    } else {
      const node = this.parseExpression();
      if (!this.isOp(':')) return node;
      this.next();
      parts.push(node);
    }
    if (this.isOp(':')) parts.push(null);
    else if (!this.isOp(']') && !this.isOp(',')) parts.push(this.parseExpression());
    else parts.push(null);
    if (this.isOp(':')) {
      this.next();
      if (!this.isOp(']') && !this.isOp(',')) parts.push(this.parseExpression());
      else parts.push(null);
    } else {
      parts.push(null);
    }
    return {
      kind: 'Slice',
      start: parts[0] ?? null,
      stop: parts[1] ?? null,
      step: parts[2] ?? null,
      ...this.pos(at),
    };
  }

  private parseCallArgs(): CallArgs {
    const t = this.expect('(');
    const args: Expr[] = [];
    const kwargs: Keyword[] = [];
    let dynArgs: Expr | null = null;
    let dynKwargs: Expr | null = null;
    let requireComma = false;
    const ensure = (ok: boolean): void => {
      if (!ok) this.fail('invalid syntax for function call expression', t);
    };
    while (!this.isOp(')')) {
      if (requireComma) {
        this.expect(',');
        if (this.isOp(')')) break;
      }
      if (this.isOp('*')) {
        ensure(dynArgs === null && dynKwargs === null);
        this.next();
        dynArgs = this.parseExpression();
      } else if (this.isOp('**')) {
        ensure(dynKwargs === null);
        this.next();
        dynKwargs = this.parseExpression();
      } else if (this.cur.type === 'name' && this.test(this.look(), '=')) {
        ensure(dynKwargs === null);
        const key = this.next().value;
        this.next();
        kwargs.push({ key, value: this.parseExpression() });
      } else {
        ensure(dynArgs === null && dynKwargs === null && kwargs.length === 0);
        args.push(this.parseExpression());
      }
      requireComma = true;
    }
    this.expect(')');
    return { args, kwargs, dynArgs, dynKwargs };
  }

  private parseCall(node: Expr): Expr {
    const t = this.cur;
    const a = this.parseCallArgs();
    return { kind: 'Call', node, ...a, ...this.pos(t) };
  }

  private parseFilter(node: Expr | null, startInline: boolean): Expr | null {
    while (this.isOp('|') || startInline) {
      if (!startInline) this.next();
      const t = this.expect('name');
      let name = t.value;
      while (this.isOp('.')) {
        this.next();
        name += `.${this.expect('name').value}`;
      }
      const a: CallArgs = this.isOp('(')
        ? this.parseCallArgs()
        : { args: [], kwargs: [], dynArgs: null, dynKwargs: null };
      node = { kind: 'Filter', node, name, ...a, ...this.pos(t) } as Expr;
      startInline = false;
    }
    return node;
  }

  private parseTest(node: Expr): Expr {
    const t = this.next();
    const negated = this.skipIf('name:not');
    let name = this.expect('name').value;
    while (this.isOp('.')) {
      this.next();
      name += `.${this.expect('name').value}`;
    }
    let a: CallArgs = { args: [], kwargs: [], dynArgs: null, dynKwargs: null };
    const c = this.cur;
    if (this.isOp('(')) {
      a = this.parseCallArgs();
    } else if (
      (c.type === 'name' ||
        c.type === 'string' ||
        c.type === 'integer' ||
        c.type === 'float' ||
        (c.type === 'operator' && (c.value === '(' || c.value === '[' || c.value === '{'))) &&
      !this.testAny(c, ['name:else', 'name:or', 'name:and'])
    ) {
      if (this.isName('is')) this.fail('You cannot chain multiple tests with is');
      a.args = [this.parsePostfix(this.parsePrimary(false))];
    }
    const test: Expr = { kind: 'Test', node, name, ...a, ...this.pos(t) };
    return negated ? { kind: 'Unary', op: 'not', node: test, ...this.pos(t) } : test;
  }
}

function canAssign(e: Expr): boolean {
  if (e.kind === 'Name') return !['true', 'false', 'none', 'True', 'False', 'None'].includes(e.name);
  if (e.kind === 'NSRef') return true;
  if (e.kind === 'Tuple') return e.items.every(canAssign);
  return false;
}

function assignKindName(e: Expr): string {
  return e.kind.toLowerCase();
}

function setCtx(e: Expr, ctx: 'store' | 'param'): void {
  if (e.kind === 'Name') e.ctx = ctx;
  else if (e.kind === 'Tuple') {
    e.ctx = 'store';
    for (const item of e.items) setCtx(item, ctx);
  }
}

/** Parses a token list into a template AST; stack exhaustion becomes a LimitError. */
export function parseTokens(tokens: Token[], name?: string, options: ParserOptions = {}): TemplateNode {
  try {
    return new Parser(tokens, name, options).parse();
  } catch (e) {
    if (e instanceof RangeError)
      throw new LimitError('recursion', 'template nesting is too deep', undefined, name);
    throw e;
  }
}
