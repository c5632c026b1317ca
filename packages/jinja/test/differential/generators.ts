/**
 * Property-based template generation for the differential suite.
 *
 * A typed grammar (num / str / bool / num-list / str-list / dict expressions; text, print, if,
 * for, set, namespace updates, macro calls, comments; whitespace-control markers) is walked with
 * values drawn from fast-check (`fc.gen()`), so a fixed seed gives the same templates on every
 * run. Contexts are random too. Things that legitimately differ are never generated: ints beyond
 * 2^53 (numbers are kept small, `**` only on small literals, repetition only by small literals),
 * `random`, `lipsum`, and 1-vs-1.0 identity (no `unique`/dict keys over numbers).
 */
import fc from 'fast-check';
import { type Case, type CaseOptions, makeCase, PyFloatLiteral } from './harness.js';

type Draw = fc.GeneratorValue;
type Ty = 'num' | 'str' | 'bool' | 'nums' | 'strs' | 'dict';

interface Num {
  s: string;
  /** An upper bound of the absolute value. */
  mag: number;
}

const MAG_LIMIT = 1e12;
const LEAF_MAG = 13000;
const NS_MAG = 1e9;
const LIST_ELEM_MAG = 1e9;
const LIST_SUM_MAG = 1e11;

interface Scope {
  /** Names visible here, by type. */
  vars: Map<string, Ty>;
  /** Magnitude bounds of numeric names. */
  mags: Map<string, number>;
  /** Inside a `for`: `loop` is available. */
  inLoop: boolean;
  /** A namespace `ns` with a numeric attribute `n` exists. */
  hasNs: boolean;
  /** The macro `fmt(x, suffix='')` exists. */
  hasMacro: boolean;
  /** `{% import 'lib' as lib %}` was done (macros `lib.box(x, w=3)` and `lib.wrap()` with caller). */
  hasLib: boolean;
  /** Inside a buffered block (filter, block set, call): no `include … without context` here, see
   * docs/differences.md (Jinja2 3.1.2 writes it past the buffer). */
  buffered: boolean;
  /** Directly in a loop body (not in a macro or call block inside one): break/continue may go here. */
  breakable?: boolean;
}

const TEXT_ALPHABET = [
  'a',
  'b',
  'x',
  'Z',
  ' ',
  ' ',
  '  ',
  '\n',
  '\n',
  '\t',
  '.',
  ',',
  ':',
  '-',
  'é',
  '(',
  ')',
  '🚀',
];
const STR_ALPHABET = [
  'a',
  'b',
  'c',
  'X',
  'Y',
  ' ',
  ' ',
  '-',
  '_',
  '1',
  '2',
  '<',
  '&',
  '"',
  'é',
  '日',
  '.',
  '😀',
];
const NICE_FLOATS = [0.5, 1.25, -2.75, 0.1, 0.2, 3.3, 2.675, 12345.678, -0.125, 99.99, 1.005, 0.3];
/** `str.format` specs and `%` specs applied to random numbers (float formatting is where bugs hide). */
const FORMAT_SPECS = [
  '',
  '.2f',
  '>8.1f',
  '<6',
  '^7.3',
  ',',
  '+.1%',
  'e',
  '.3g',
  'g',
  '08.2f',
  '.0f',
  '_.1f',
  '=+9.2f',
  '.10',
  ' .2e',
  '#.3g',
];
const PERCENT_SPECS = [
  'd',
  's',
  'r',
  '.3g',
  'e',
  '10.4f',
  '-8.1f|',
  '5.1e',
  '+.2f',
  '.0f',
  'i',
  '.12g',
  'G',
  '%%',
  'x',
  '#o',
];
/** Floats whose Python repr is interesting; only ever printed, never computed with. */
const REPR_FLOATS = [
  '1e-07',
  '1.5e16',
  '1e22',
  '0.000123',
  '123456789.123',
  '-0.0',
  '1e-05',
  '2.5e-05',
  '1e16',
];

class Gen {
  private counter = 0;
  /** This template's case enables `jinja2.ext.loopcontrols` and may use break/continue. */
  private loopControls = false;
  constructor(
    private readonly g: Draw,
    /** Nesting depth of statements and the most top-level statements (bigger = larger templates). */
    private readonly size: GenerateSize = DEFAULT_SIZE,
  ) {}

  int(min: number, max: number): number {
    return this.g(fc.integer, { min, max });
  }
  chance(p: number): boolean {
    return this.int(0, 999) < p * 1000;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  fresh(prefix: string): string {
    this.counter++;
    return `${prefix}${this.counter}`;
  }

  chars(alphabet: readonly string[], min: number, max: number): string {
    const n = this.int(min, max);
    let s = '';
    for (let i = 0; i < n; i++) s += this.pick(alphabet);
    return s;
  }

  // ---- literals ----------------------------------------------------------------------------
  numLit(): string {
    if (this.chance(0.6)) return String(this.int(-20, 100));
    const f = this.pick(NICE_FLOATS);
    return f < 0 ? `(${String(f)})` : String(f);
  }
  strLit(): string {
    const s = this.chars(STR_ALPHABET, 0, 6);
    return `'${s}'`;
  }

  // ---- expressions -------------------------------------------------------------------------
  varOf(scope: Scope, ty: Ty): string | undefined {
    const names = [...scope.vars.entries()].filter(([, t]) => t === ty).map(([n]) => n);
    return names.length ? this.pick(names) : undefined;
  }

  expr(ty: Ty, scope: Scope, depth: number): string {
    if (ty === 'num')
      return this.chance(0.005) ? this.pick(['nope', 'm.missing']) : this.numExpr(scope, depth);
    const v = this.varOf(scope, ty);
    if (v !== undefined && this.chance(depth <= 0 ? 0.6 : 0.3)) return v;
    if (this.chance(0.005)) return this.pick(['nope', 'nope.attr', 'm.missing']);
    switch (ty) {
      case 'str':
        return this.strExpr(scope, depth);
      case 'bool':
        return this.boolExpr(scope, depth);
      case 'nums':
        return this.numsExpr(scope, depth);
      case 'strs':
        return this.strsExpr(scope, depth);
      case 'dict':
        return this.pick(['m', "{'p': 1, 'q': 2.5}", "dict(k=3, j='x')"]);
    }
  }

  /** A numeric expression. Magnitudes are tracked so that no int ever exceeds ~1e12 (< 2^53). */
  numExpr(scope: Scope, depth: number): string {
    return this.numM(scope, depth).s;
  }

  numM(scope: Scope, depth: number): Num {
    const n = this.numRaw(scope, depth);
    if (n.mag <= MAG_LIMIT) return n;
    const lit = String(this.int(-20, 100));
    return { s: lit, mag: 100 };
  }

  numRaw(scope: Scope, depth: number): Num {
    const v = this.varOf(scope, 'num');
    if (v !== undefined && this.chance(depth <= 0 ? 0.6 : 0.3))
      return { s: v, mag: scope.mags.get(v) ?? MAG_LIMIT };
    if (depth <= 0) {
      const leaves: Num[] = [
        { s: this.numLit(), mag: LEAF_MAG },
        { s: this.numLit(), mag: LEAF_MAG },
        { s: 'a', mag: 120 },
        { s: 'b', mag: LEAF_MAG },
        { s: 'm.k', mag: 10 },
      ];
      if (scope.inLoop) {
        for (const l of ['loop.index', 'loop.index0', 'loop.revindex', 'loop.length'])
          leaves.push({ s: l, mag: 1000 });
      }
      if (scope.hasNs) leaves.push({ s: 'ns.n', mag: NS_MAG });
      return this.pick(leaves);
    }
    const d = depth - 1;
    switch (this.int(0, 13)) {
      case 0:
      case 1:
      case 2: {
        const l = this.numM(scope, d);
        const r = this.numM(scope, d);
        const op = this.pick(['+', '-', '*', '+', '-']);
        return { s: `(${l.s} ${op} ${r.s})`, mag: op === '*' ? l.mag * r.mag : l.mag + r.mag };
      }
      case 3: {
        const l = this.numM(scope, d);
        const r = this.numM(scope, d);
        return { s: `(${l.s} ${this.pick(['/', '//', '%'])} ${r.s})`, mag: l.mag * 10 + r.mag };
      }
      case 4:
        return { s: `(${this.int(-3, 10)} ** ${this.int(0, 3)})`, mag: 1000 };
      case 5: {
        const x = this.numM(scope, d);
        return { s: `-${x.s}`, mag: x.mag };
      }
      case 6: {
        const x = this.numM(scope, d);
        const f = this.pick(['abs', 'int', 'float', 'round', 'string|length']);
        return { s: `${x.s}|${f}`, mag: f === 'string|length' ? 40 : x.mag + 1 };
      }
      case 7: {
        const x = this.numM(scope, d);
        const method = this.chance(0.3) ? `, '${this.pick(['floor', 'ceil', 'common'])}'` : '';
        return { s: `${x.s}|round(${this.int(0, 3)}${method})`, mag: x.mag + 1 };
      }
      case 8: {
        const agg = this.pick(['length', 'sum', 'max', 'min', 'first', 'last']);
        return { s: `${this.numsExpr(scope, d)}|${agg}`, mag: agg === 'length' ? 1000 : LIST_SUM_MAG };
      }
      case 9:
        return { s: `${this.strExpr(scope, d)}|${this.pick(['length', 'wordcount'])}`, mag: 10000 };
      case 10: {
        const l = this.numM(scope, d);
        const r = this.numM(scope, d);
        return { s: `(${l.s} if ${this.boolExpr(scope, d)} else ${r.s})`, mag: Math.max(l.mag, r.mag) };
      }
      case 11:
        return {
          s: `(${this.strExpr(scope, d)}).${this.pick(['count', 'find'])}(${this.strLit()})`,
          mag: 10000,
        };
      case 12:
        return this.chance(0.5)
          ? { s: `'${this.pick(['12', '-3', '4.5', 'x', ' 7 '])}'|${this.pick(['int', 'float'])}`, mag: 12 }
          : {
              s: this.pick([
                "rows|sum(attribute='v')",
                'rows|length',
                "(rows|map(attribute='v')|max|default(0))",
              ]),
              mag: 10000,
            };
      default:
        return { s: `${this.pick(['xs', '(range(4)|list)'])}[${this.int(-2, 3)}]`, mag: LIST_ELEM_MAG };
    }
  }

  strExpr(scope: Scope, depth: number): string {
    if (depth <= 0) {
      const leaves = [this.strLit(), this.strLit(), 's', 't'];
      if (scope.inLoop) leaves.push(`loop.cycle('odd', 'even')`);
      return this.pick(leaves);
    }
    const d = depth - 1;
    switch (this.int(0, 27)) {
      case 0:
        return `${this.strExpr(scope, d)}|${this.pick(['upper', 'lower', 'title', 'capitalize', 'trim', 'reverse', 'e', 'striptags'])}`;
      case 1:
        return `(${this.strExpr(scope, d)} ~ ${this.expr(this.pick(['num', 'str', 'bool', 'nums']), scope, d)})`;
      case 2:
        return `(${this.strExpr(scope, d)} + ${this.strExpr(scope, d)})`;
      case 3:
        return `${this.numExpr(scope, d)}|string`;
      case 4:
        return `${this.strsExpr(scope, d)}|join(${this.pick(["', '", "'-'", "''"])})`;
      case 5:
        return `${this.strExpr(scope, d)}|replace(${this.strLit()}, ${this.strLit()})`;
      case 6:
        return `${this.strExpr(scope, d)}|center(${this.int(0, 12)})`;
      case 7:
        return `'${this.pick(['%s|%d', '%.2f', '%5.1f%%', '%-6s|', '%+d', '%03d'])}'|format(${this.formatArgs(scope, d)})`;
      case 8:
        return `(${this.strExpr(scope, d)})[${this.int(-3, 3)}:${this.int(-2, 5)}]`;
      case 9:
        return `${this.strExpr(scope, d)}|truncate(${this.int(3, 12)})`;
      case 10:
        return `(${this.strExpr(scope, d)} * ${this.int(0, 3)})`;
      case 11:
        return `(${this.strExpr(scope, d)} if ${this.boolExpr(scope, d)} else ${this.strExpr(scope, d)})`;
      case 12:
        return `${this.expr(this.pick(['nums', 'strs', 'dict', 'bool']), scope, d)}|string`;
      case 13:
        return `(${this.strExpr(scope, d)}).${this.pick(['upper()', 'strip()', 'lower()', "split('a')|join('+')", "startswith('a')|string", 'title()', "replace(' ', '_')"])}`;
      case 14:
        return `${this.pick(['missing', 'nope', 'm.nope'])}|default(${this.strLit()})`;
      case 15:
        return `${this.strExpr(scope, d)}|indent(${this.int(0, 3)}${this.chance(0.5) ? ', true' : ''})`;
      case 16:
        if (!scope.hasMacro) return this.strLit();
        return this.chance(0.5)
          ? `fmt(${this.expr('num', scope, d)}${this.chance(0.5) ? `, ${this.strLit()}` : ''})`
          : `vm(${this.expr(this.pick<Ty>(['str', 'num', 'nums']), scope, d)}${', 1'.repeat(this.int(0, 2))}${this.chance(0.5) ? `, k=${this.strLit()}` : ''})`;
      case 17:
        return `${this.numExpr(scope, d)}|tojson`;
      case 19:
        return `rows|map(attribute='name')|join('${this.pick(['/', ', ', ''])}')`;
      case 20:
        return this.pick([
          'rows|tojson',
          'rows|batch(2)|list|string',
          "(rows|first|default({})).name|default('none')",
          "rows|groupby('tag')|map(attribute='grouper')|join(',')",
          `rows|selectattr('v', '>', ${this.int(-5, 20)})|map(attribute='name')|join(',')`,
          "rows|sort(attribute='v', reverse=true)|map(attribute='name')|join(',')",
          "rows|unique(attribute='tag')|map(attribute='name')|join(',')",
          "rows|rejectattr('tag', 'equalto', 'x')|map(attribute='tag')|join(',')",
          "rows|map(attribute='v')|map('string')|join('+')",
          'rows|pprint',
          `(xs * ${this.int(1, 9)})|pprint`,
          `(ws * ${this.int(1, 6)})|pprint`,
        ]);
      case 21:
        return scope.hasLib
          ? `lib.box(${this.expr(this.pick<Ty>(['num', 'str']), scope, d)}${this.chance(0.4) ? `, ${this.int(0, 7)}` : ''})`
          : this.strLit();
      case 22:
        return scope.inLoop ? `(loop.previtem|default('-'))|string` : this.strLit();
      case 23:
        return `'{:${this.pick(FORMAT_SPECS)}}'.format(${this.numExpr(scope, d)})`;
      case 24:
        return `'%${this.pick(PERCENT_SPECS)}'|format(${this.numExpr(scope, d)})`;
      case 27:
        return `(${this.strExpr(scope, d)}).${this.pick(['split', 'rsplit'])}(${this.pick(["' '", 'none', "'a'"])}, ${this.int(-1, 2)})|join('|')`;
      case 25:
        return `${this.numExpr(scope, d)}|filesizeformat${this.chance(0.3) ? '(true)' : ''}`;
      case 26:
        return `${this.strExpr(scope, d)}|${this.pick([
          `wordwrap(${this.int(1, 8)})`,
          'urlencode',
          `truncate(${this.int(3, 10)}, ${this.pick(['true', 'false'])}, '~', ${this.int(0, 3)})`,
          `center(${this.int(0, 9)})`,
          'wordcount|string',
          `replace(${this.strLit()}, ${this.strLit()}, ${this.int(-1, 2)})`,
        ])}`;
      default:
        return `${this.pick(REPR_FLOATS)}|string`;
    }
  }

  formatArgs(scope: Scope, d: number): string {
    // Argument count may not match the format string: both sides must then raise the same error.
    const n = this.int(1, 2);
    const args: string[] = [];
    for (let i = 0; i < n; i++) args.push(this.expr(this.pick(['num', 'num', 'str']), scope, d));
    return args.join(', ');
  }

  boolExpr(scope: Scope, depth: number): string {
    if (depth <= 0) {
      const leaves = ['true', 'false', 'flag', 'a > 0'];
      if (scope.inLoop) leaves.push('loop.first', 'loop.last');
      return this.pick(leaves);
    }
    const d = depth - 1;
    switch (this.int(0, 10)) {
      case 0:
      case 1:
        return `${this.numExpr(scope, d)} ${this.pick(['<', '<=', '>', '>=', '==', '!='])} ${this.numExpr(scope, d)}`;
      case 2:
        return `${this.strExpr(scope, d)} ${this.pick(['==', '!=', '<', 'in', 'not in'])} ${this.strExpr(scope, d)}`;
      case 3:
        return `not ${this.boolExpr(scope, d)}`;
      case 4:
        return `(${this.boolExpr(scope, d)} ${this.pick(['and', 'or'])} ${this.boolExpr(scope, d)})`;
      case 5:
        return `${this.numExpr(scope, d)} is ${this.pick(['odd', 'even', 'number', 'integer', 'float', `divisibleby ${this.int(1, 4)}`, 'string'])}`;
      case 6:
        return `${this.pick(['a', 'nope', 's', 'm.k', 'm.zz', 'xs'])} is ${this.pick(['defined', 'undefined', 'none', 'sequence', 'mapping', 'iterable'])}`;
      case 7:
        return this.chance(0.3)
          ? `${this.numsExpr(scope, d)} ${this.pick(['<', '<=', '>', '==', '!='])} ${this.numsExpr(scope, d)}`
          : `${this.numExpr(scope, d)} in ${this.numsExpr(scope, d)}`;
      case 8:
        return `${this.strExpr(scope, d)} is ${this.pick(['lower', 'upper', 'string'])}`;
      case 9:
        return scope.inLoop && this.chance(0.5)
          ? `loop.changed(${this.numExpr(scope, 0)})`
          : `${this.numsExpr(scope, d)}`;
      default:
        return `${this.strExpr(scope, d)}`;
    }
  }

  numsExpr(scope: Scope, depth: number): string {
    if (depth <= 0)
      return this.pick([
        'xs',
        'xs',
        '[]',
        `range(${this.int(0, 5)})|list`,
        `[${this.numLit()}, ${this.numLit()}]`,
      ]);
    const d = depth - 1;
    switch (this.int(0, 8)) {
      case 0:
        return `[${this.listElem(scope, d)}, ${this.listElem(scope, d)}]`;
      case 1:
        return `${this.numsExpr(scope, d)}|sort${this.chance(0.3) ? '(reverse=true)' : ''}`;
      case 2:
        return `${this.numsExpr(scope, d)}|reverse|list`;
      case 3:
        return `${this.numsExpr(scope, d)}|${this.pick(["select('odd')", "reject('even')", "select('>', 2)", "map('abs')", "map('int')", "map('round', 1)"])}|list`;
      case 4:
        return `range(${this.int(-2, 3)}, ${this.int(0, 6)}${this.chance(0.3) ? `, ${this.pick([1, 2, -1])}` : ''})|list`;
      case 5:
        return `(${this.numsExpr(scope, d)} + ${this.numsExpr(scope, d)})`;
      case 6:
        return `(${this.numsExpr(scope, d)})[${this.int(-2, 2)}:]`;
      case 7:
        return `m.values()|list`;
      default:
        return `(${this.numsExpr(scope, d)} * ${this.int(0, 2)})`;
    }
  }

  listElem(scope: Scope, depth: number): string {
    const n = this.numM(scope, depth);
    return n.mag <= LIST_ELEM_MAG ? n.s : this.numLit();
  }

  strsExpr(scope: Scope, depth: number): string {
    if (depth <= 0) return this.pick(['ws', 'ws', '[]', `[${this.strLit()}, ${this.strLit()}]`, 'm|list']);
    const d = depth - 1;
    switch (this.int(0, 6)) {
      case 0:
        return `[${this.strExpr(scope, d)}, ${this.strExpr(scope, d)}]`;
      case 1:
        return `${this.strsExpr(scope, d)}|sort${this.chance(0.3) ? '(case_sensitive=true)' : ''}`;
      case 2:
        return `${this.strsExpr(scope, d)}|map(${this.pick(["'upper'", "'trim'", "'capitalize'"])})|list`;
      case 3:
        return `${this.strExpr(scope, d)}|list`;
      case 4:
        return `(${this.strExpr(scope, d)}).split(${this.chance(0.5) ? '' : "' '"})`;
      case 5:
        return `${this.strsExpr(scope, d)}|unique|list`;
      default:
        return `${this.numsExpr(scope, d)}|map('string')|list`;
    }
  }

  // ---- statements --------------------------------------------------------------------------
  /** `{%` / `%}` with optional whitespace-control markers. */
  open(): string {
    return this.pick(['{%', '{%', '{%', '{%-', '{%+']);
  }
  close(): string {
    return this.pick(['%}', '%}', '%}', '-%}', '+%}']);
  }
  text(): string {
    return this.chars(TEXT_ALPHABET, 0, 8);
  }

  body(scope: Scope, depth: number, maxStatements: number): string {
    const n = this.int(1, maxStatements);
    const local: Scope = { ...scope, vars: new Map(scope.vars), mags: new Map(scope.mags) };
    let out = '';
    for (let i = 0; i < n; i++) out += this.statement(local, depth);
    return out;
  }

  statement(scope: Scope, depth: number): string {
    if (scope.breakable === true && this.chance(0.08)) {
      const tag = `${this.open()} ${this.pick(['break', 'continue'])} ${this.close()}`;
      return this.chance(0.7)
        ? `${this.open()} if ${this.boolExpr(scope, 1)} ${this.close()}${tag}${this.open()} endif ${this.close()}`
        : tag;
    }
    const r = this.int(0, 99);
    if (r < 22 || depth <= 0) {
      return this.chance(0.5) ? this.text() : `${this.text()}${this.print(scope)}`;
    }
    if (r < 45) return this.print(scope);
    if (r < 60) return this.ifStatement(scope, depth - 1);
    if (r < 75) return this.forStatement(scope, depth - 1);
    if (r < 87) {
      const ty = this.pick<Ty>(['num', 'str', 'bool', 'nums', 'strs']);
      const name = this.fresh('v');
      let value: string;
      if (ty === 'num') {
        const n = this.numM(scope, this.int(1, 3));
        value = n.s;
        scope.mags.set(name, n.mag);
      } else {
        value = this.expr(ty, scope, this.int(1, 3));
      }
      scope.vars.set(name, ty);
      return `${this.open()} set ${name} = ${value} ${this.close()}`;
    }
    if (r >= 87 && r < 89) {
      const targets = ["'part'", "'part'", "'missing' ignore missing", "['missing', 'part']"];
      if (!scope.buffered) targets.push("'part' without context");
      return `${this.open()} include ${this.pick(targets)} ${this.close()}`;
    }
    if (r >= 89 && r < 91) {
      const inner: Scope = { ...scope, vars: new Map(scope.vars), mags: new Map(scope.mags) };
      const name = this.fresh('w');
      // Only values that cannot fail: CPython reports errors in `with` values on the previous
      // statement's line (docs/differences.md, err.with-value-line).
      const value = this.pick(['s', 't', "'lit'", 'a|string', "ws|join('-')"]);
      inner.vars.set(name, 'str');
      return `${this.open()} with ${name} = ${value} ${this.close()}${this.body(inner, depth - 1, 2)}${this.open()} endwith ${this.close()}`;
    }
    if (r === 91 && scope.hasMacro && this.chance(0.5)) {
      const name = this.fresh('c');
      const inner: Scope = {
        ...scope,
        vars: new Map(scope.vars),
        mags: new Map(scope.mags),
        buffered: true,
        breakable: false,
      };
      inner.vars.set(name, 'str');
      return `${this.open()} call(${name}) cw(${this.strLit()}) ${this.close()}${this.body(inner, depth - 1, 2)}${this.open()} endcall ${this.close()}`;
    }
    if (r === 91 && scope.hasLib) {
      return `${this.open()} call lib.wrap() ${this.close()}${this.body({ ...scope, buffered: true, breakable: false }, depth - 1, 2)}${this.open()} endcall ${this.close()}`;
    }
    if (r === 91) {
      const p = this.fresh('p');
      const q = this.fresh('q');
      const out = `${this.open()} set ${p}, ${q} = ${this.expr('str', scope, 1)}, ${this.numExpr(scope, 1)} ${this.close()}`;
      scope.vars.set(p, 'str');
      scope.vars.set(q, 'num');
      scope.mags.set(q, MAG_LIMIT);
      return out;
    }
    if (r < 92 && scope.hasNs && scope.inLoop) {
      return `${this.open()} set ns.n = ns.n + ${this.numExpr(scope, 0)} ${this.close()}`;
    }
    if (r < 95)
      return `{#${this.pick(['', '-'])} ${this.chars(STR_ALPHABET, 0, 5)} ${this.pick(['', '-'])}#}`;
    if (r < 97) {
      const name = this.fresh('blk');
      return `${this.open()} set ${name} ${this.close()}${this.body({ ...scope, buffered: true }, depth - 1, 2)}${this.open()} endset ${this.close()}${this.print({ ...scope, vars: new Map([...scope.vars, [name, 'str']]) })}`;
    }
    return `${this.open()} filter ${this.pick(['upper', 'trim', 'title', 'center(20)', 'indent(2)'])} ${this.close()}${this.body({ ...scope, buffered: true }, depth - 1, 2)}${this.open()} endfilter ${this.close()}`;
  }

  print(scope: Scope): string {
    const ty = this.pick<Ty>(['num', 'num', 'str', 'str', 'str', 'bool', 'nums', 'strs', 'dict']);
    const o = this.pick(['{{', '{{', '{{', '{{-']);
    const c = this.pick(['}}', '}}', '}}', '-}}']);
    return `${o} ${this.expr(ty, scope, this.int(0, 3))} ${c}`;
  }

  ifStatement(scope: Scope, depth: number): string {
    let s = `${this.open()} if ${this.boolExpr(scope, this.int(0, 2))} ${this.close()}${this.body(scope, depth, 3)}`;
    const elifs = this.chance(0.3) ? this.int(1, 2) : 0;
    for (let i = 0; i < elifs; i++) {
      s += `${this.open()} elif ${this.boolExpr(scope, this.int(0, 2))} ${this.close()}${this.body(scope, depth, 2)}`;
    }
    if (this.chance(0.4)) s += `${this.open()} else ${this.close()}${this.body(scope, depth, 2)}`;
    return `${s}${this.open()} endif ${this.close()}`;
  }

  forStatement(scope: Scope, depth: number): string {
    if (this.chance(0.25)) return this.forSpecial(scope, depth);
    const overStrs = this.chance(0.35);
    const name = this.fresh(overStrs ? 'w' : 'i');
    const iter = overStrs ? this.strsExpr(scope, this.int(0, 2)) : this.numsExpr(scope, this.int(0, 2));
    const inner: Scope = {
      ...scope,
      vars: new Map(scope.vars),
      mags: new Map(scope.mags),
      inLoop: true,
      breakable: this.loopControls,
    };
    inner.vars.set(name, overStrs ? 'str' : 'num');
    inner.mags.set(name, LIST_ELEM_MAG);
    const condScope: Scope = { ...inner, inLoop: false }; // `loop` is not defined in the loop filter
    const cond = this.chance(0.2) ? ` if ${this.boolExpr(condScope, 1)}` : '';
    let s = `${this.open()} for ${name} in ${iter}${cond} ${this.close()}${this.body(inner, depth, 3)}`;
    if (this.chance(0.25)) s += `${this.open()} else ${this.close()}${this.body(scope, depth, 2)}`;
    return `${s}${this.open()} endfor ${this.close()}`;
  }

  /** Loops over records: rows (attributes), groupby groups, dictsort pairs. */
  forSpecial(scope: Scope, depth: number): string {
    const inner: Scope = {
      ...scope,
      vars: new Map(scope.vars),
      mags: new Map(scope.mags),
      inLoop: true,
      breakable: this.loopControls,
    };
    let head: string;
    const kind = this.int(0, 2);
    if (kind === 0) {
      const r = this.fresh('r');
      head = `for ${r} in rows${this.chance(0.3) ? "|sort(attribute='name')" : ''}`;
      inner.vars.set(`${r}.name`, 'str');
      inner.vars.set(`${r}.tag`, 'str');
      inner.vars.set(`${r}.v`, 'num');
      inner.mags.set(`${r}.v`, 1000);
    } else if (kind === 1) {
      const g = this.fresh('g');
      head = `for ${g} in rows|groupby('tag')`;
      inner.vars.set(`${g}.grouper`, 'str');
      inner.vars.set(`(${g}.list|map(attribute='name')|join(','))`, 'str');
      inner.vars.set(`(${g}.list|length)`, 'num');
      inner.mags.set(`(${g}.list|length)`, 100);
    } else {
      const k = this.fresh('k');
      const v = this.fresh('v');
      head = `for ${k}, ${v} in m|dictsort${this.chance(0.3) ? "(by='value')" : ''}`;
      inner.vars.set(k, 'str');
      inner.vars.set(v, 'num');
      inner.mags.set(v, LEAF_MAG);
    }
    let s = `${this.open()} ${head} ${this.close()}${this.body(inner, depth, 3)}`;
    if (this.chance(0.2)) s += `${this.open()} else ${this.close()}${this.body(scope, depth, 2)}`;
    return `${s}${this.open()} endfor ${this.close()}`;
  }

  // ---- whole cases -------------------------------------------------------------------------
  context(): Record<string, unknown> {
    const num = (): unknown => {
      const k = this.int(0, 3);
      if (k === 0) return this.int(-50, 120);
      if (k === 1) return new PyFloatLiteral(this.int(-20, 50));
      return this.pick(NICE_FLOATS);
    };
    const str = (): string => this.chars(STR_ALPHABET, 0, 7);
    const xs: unknown[] = [];
    for (let i = this.int(0, 5); i > 0; i--)
      xs.push(this.chance(0.7) ? this.int(-10, 30) : this.pick(NICE_FLOATS));
    const ws: string[] = [];
    for (let i = this.int(0, 4); i > 0; i--) ws.push(str());
    const rows: unknown[] = [];
    for (let i = this.int(0, 4); i > 0; i--) {
      rows.push({
        name: this.pick(['btc', 'eth', 'sol', 'Ada', 'xrp', 'éth']),
        v: this.chance(0.7) ? this.int(-5, 30) : this.pick([0.5, 2.25, 10.125, -1.5]),
        tag: this.pick(['x', 'y', 'long', 'short']),
      });
    }
    return {
      rows,
      a: this.int(-50, 120),
      b: num(),
      s: str(),
      t: this.pick(['BTCUSDT', 'rsi overbought', 'Hello World', '', 'ÉTÉ 日本']),
      xs,
      ws,
      m: { k: this.int(0, 9), j: new PyFloatLiteral(this.int(0, 5)), z: this.pick(NICE_FLOATS) },
      flag: this.chance(0.5),
    };
  }

  options(): CaseOptions {
    const o: CaseOptions = {
      templates: {
        part: '[{{ a }}|{{ s|upper }}]',
        base: '<{% block b1 %}B1{% endblock %}|{% block b2 %} B2 {{ a }} {% endblock %}>\n',
        lib: '{% macro box(x, w=3) %}<{{ x|string|center(w) }}>{% endmacro %}{% macro wrap() %}({{ caller() }}){% endmacro %}',
      },
    };
    if (this.chance(0.3)) o.trim_blocks = true;
    if (this.chance(0.3)) o.lstrip_blocks = true;
    if (this.chance(0.2)) o.keep_trailing_newline = true;
    if (this.chance(0.12)) o.autoescape = true;
    if (this.chance(0.1)) o.undefined = 'strict';
    if (this.loopControls) o.extensions = ['jinja2.ext.loopcontrols'];
    return o;
  }

  template(): string {
    this.loopControls = this.chance(0.3);
    const scope: Scope = {
      vars: new Map<string, Ty>([
        ['a', 'num'],
        ['b', 'num'],
        ['s', 'str'],
        ['t', 'str'],
        ['xs', 'nums'],
        ['ws', 'strs'],
        ['flag', 'bool'],
      ]),
      mags: new Map<string, number>([
        ['a', 120],
        ['b', LEAF_MAG],
      ]),
      inLoop: false,
      hasNs: this.chance(0.3),
      hasMacro: this.chance(0.2),
      hasLib: this.chance(0.25),
      buffered: false,
    };
    let prefix = '';
    if (scope.hasNs) prefix += `{% set ns = namespace(n=${this.numLit()}) %}`;
    if (scope.hasLib)
      prefix += this.pick(["{% import 'lib' as lib %}", "{% import 'lib' as lib with context %}"]);
    if (scope.hasMacro) {
      prefix += `{% macro fmt(x, suffix='') -%}\n[{{ '%.2f'|format(x) }}{{ suffix }}]\n{%- endmacro %}`;
      prefix += `{% macro vm(x) %}{{ x }}:{{ varargs|length }}:{{ kwargs|dictsort }}{% endmacro %}`;
      prefix += `{% macro cw(tag='b') %}<{{ tag }}>{{ caller(tag|upper) }}</{{ tag }}>{% endmacro %}`;
    }
    let out = prefix;
    if (this.chance(0.12)) {
      // A child template: only its blocks render, inside the fixed `base` (see options()).
      out += `{% extends 'base' %}`;
      for (const name of ['b1', 'b2']) {
        if (this.chance(0.3)) continue;
        const sup = this.chance(0.4) ? this.pick(['{{ super() }}', '[{{ super()|trim }}]']) : '';
        out += `${this.open()} block ${name} ${this.close()}${sup}${this.body(scope, 2, 3)}${this.open()} endblock ${this.close()}`;
      }
      return out;
    }
    const n = this.int(2, this.size.statements);
    for (let i = 0; i < n; i++) out += this.statement(scope, this.size.depth);
    if (this.chance(0.4)) out += this.pick(['\n', '\n\n', ' \n']);
    if (scope.hasNs && this.chance(0.8)) out += '{{ ns.n }}';
    return out;
  }
}

export interface GeneratedCaseData {
  template: string;
  context: Record<string, unknown>;
  options: CaseOptions;
}

export interface GenerateSize {
  depth: number;
  statements: number;
}

const DEFAULT_SIZE: GenerateSize = { depth: 3, statements: 6 };

/** The arbitrary: one random template with its random context and options. */
export function generatedCaseArb(size: GenerateSize = DEFAULT_SIZE): fc.Arbitrary<GeneratedCaseData> {
  return fc.gen().map((g) => {
    const gen = new Gen(g, size);
    const template = gen.template();
    return { template, context: gen.context(), options: gen.options() };
  });
}

export const DEFAULT_SEED = 20261127;

/** A fixed, deterministic list of `count` generated cases (ids `gen-0000`…). */
export function generateCases(count = 500, seed = DEFAULT_SEED, size: GenerateSize = DEFAULT_SIZE): Case[] {
  const data = fc.sample(generatedCaseArb(size), { seed, numRuns: count });
  return data.map((d, i) => makeCase(`gen-${String(i).padStart(4, '0')}`, d.template, d.context, d.options));
}
