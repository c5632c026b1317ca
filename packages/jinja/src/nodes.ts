/**
 * The template AST. Mirrors Jinja2's `nodes.py` closely enough that its semantics map 1:1, but as
 * plain tagged objects (cheap to build, easy to walk in the compiler and in meta.ts).
 */

export interface Pos {
  line: number;
  column: number;
}

export type CompareOpName = 'eq' | 'ne' | 'lt' | 'lteq' | 'gt' | 'gteq' | 'in' | 'notin';
export type BinOpName = '+' | '-' | '*' | '/' | '//' | '%' | '**';

export interface Keyword {
  key: string;
  value: Expr;
}

export interface CallArgs {
  args: Expr[];
  kwargs: Keyword[];
  dynArgs: Expr | null;
  dynKwargs: Expr | null;
}

export type Expr =
  | ({ kind: 'Name'; name: string; ctx: 'load' | 'store' | 'param' } & Pos)
  | ({ kind: 'NSRef'; name: string; attr: string } & Pos)
  | ({ kind: 'Const'; value: unknown } & Pos)
  | ({ kind: 'Tuple'; items: Expr[]; ctx: 'load' | 'store' } & Pos)
  | ({ kind: 'List'; items: Expr[] } & Pos)
  | ({ kind: 'Dict'; pairs: { key: Expr; value: Expr }[] } & Pos)
  | ({ kind: 'CondExpr'; test: Expr; expr1: Expr; expr2: Expr | null } & Pos)
  | ({ kind: 'BinOp'; op: BinOpName; left: Expr; right: Expr } & Pos)
  | ({ kind: 'Unary'; op: 'not' | '-' | '+'; node: Expr } & Pos)
  | ({ kind: 'And' | 'Or'; left: Expr; right: Expr } & Pos)
  | ({ kind: 'Concat'; nodes: Expr[] } & Pos)
  | ({ kind: 'Compare'; expr: Expr; ops: { op: CompareOpName; expr: Expr }[] } & Pos)
  | ({ kind: 'Getattr'; node: Expr; attr: string } & Pos)
  | ({ kind: 'Getitem'; node: Expr; arg: Expr } & Pos)
  | ({ kind: 'Slice'; start: Expr | null; stop: Expr | null; step: Expr | null } & Pos)
  | ({ kind: 'Call'; node: Expr } & CallArgs & Pos)
  | ({ kind: 'Filter'; node: Expr | null; name: string } & CallArgs & Pos)
  | ({ kind: 'Test'; node: Expr; name: string } & CallArgs & Pos);

export type ExprOf<K extends Expr['kind']> = Extract<Expr, { kind: K }>;

export type OutputPart = { kind: 'Data'; value: string; line: number; column: number } | Expr;

export interface MacroSignature {
  args: ExprOf<'Name'>[];
  defaults: Expr[];
}

export type Stmt =
  | ({ kind: 'Output'; nodes: OutputPart[] } & Pos)
  | ({
      kind: 'For';
      target: Expr;
      iter: Expr;
      body: Stmt[];
      else_: Stmt[];
      test: Expr | null;
      recursive: boolean;
    } & Pos)
  | ({
      kind: 'If';
      test: Expr;
      body: Stmt[];
      elif: { test: Expr; body: Stmt[]; line: number; column: number }[];
      else_: Stmt[];
    } & Pos)
  | ({ kind: 'Macro'; name: string; body: Stmt[] } & MacroSignature & Pos)
  | ({ kind: 'CallBlock'; call: ExprOf<'Call'>; body: Stmt[] } & MacroSignature & Pos)
  | ({ kind: 'FilterBlock'; filter: ExprOf<'Filter'>; body: Stmt[] } & Pos)
  | ({ kind: 'With'; targets: Expr[]; values: Expr[]; body: Stmt[] } & Pos)
  | ({ kind: 'Block'; name: string; body: Stmt[]; scoped: boolean; required: boolean } & Pos)
  | ({ kind: 'Include'; template: Expr; withContext: boolean; ignoreMissing: boolean } & Pos)
  | ({ kind: 'Import'; template: Expr; target: string; withContext: boolean } & Pos)
  | ({
      kind: 'FromImport';
      template: Expr;
      names: { name: string; alias: string | null }[];
      withContext: boolean;
    } & Pos)
  | ({ kind: 'Extends'; template: Expr } & Pos)
  | ({ kind: 'Assign'; target: Expr; node: Expr } & Pos)
  | ({ kind: 'AssignBlock'; target: Expr; filter: ExprOf<'Filter'> | null; body: Stmt[] } & Pos)
  | ({ kind: 'Autoescape'; value: Expr; body: Stmt[] } & Pos)
  /** `{% break %}` / `{% continue %}`: only with the loop-controls option (Jinja2's loopcontrols). */
  | ({ kind: 'Break' | 'Continue' } & Pos);

export type StmtOf<K extends Stmt['kind']> = Extract<Stmt, { kind: K }>;

export interface TemplateNode {
  body: Stmt[];
}
