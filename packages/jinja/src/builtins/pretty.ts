/**
 * Python's `pprint.pformat(obj)` (width 80, indent 1, dicts sorted) and `json.dumps(obj,
 * sort_keys=True, indent=…)` as Jinja2's `pprint` and `tojson` filters use them.
 */
import { TemplateRuntimeError } from '../errors.js';
import { floatRepr } from '../pyfloat.js';
import type { Budget } from '../runtime/types.js';
import {
  isFloat,
  isInt,
  isMapping,
  isTuple,
  Markup,
  mappingEntries,
  PyFloat,
  pyCompare,
  repr,
  strLen,
  strRepr,
  toNumber,
  typeName,
} from '../values.js';
import { splitlines } from './common.js';

// ---------------------------------------------------------------------------------------------
// pprint

/** pprint sorts dict items by key, falling back to (type name, id) order for mixed types. */
function sortedItems(m: Map<unknown, unknown> | Record<string, unknown>): [unknown, unknown][] {
  const items = mappingEntries(m);
  return items
    .map((it, i) => ({ it, i }))
    .sort((a, b) => {
      try {
        return pyCompare(a.it[0], b.it[0]) || a.i - b.i;
      } catch {
        const ta = typeName(a.it[0]);
        const tb = typeName(b.it[0]);
        return ta < tb ? -1 : ta > tb ? 1 : a.i - b.i;
      }
    })
    .map((x) => x.it);
}

/** repr with dict keys sorted at every level (pprint's `_safe_repr`). */
function ppRepr(v: unknown, seen: Set<unknown>): string {
  if (Array.isArray(v)) {
    if (seen.has(v)) return `<Recursion on ${typeName(v)} with id=0>`;
    seen.add(v);
    const inner = v.map((x) => ppRepr(x, seen)).join(', ');
    seen.delete(v);
    if (isTuple(v)) return v.length === 1 ? `(${inner},)` : `(${inner})`;
    return `[${inner}]`;
  }
  if (isMapping(v)) {
    if (seen.has(v)) return `<Recursion on dict with id=0>`;
    seen.add(v);
    const inner = sortedItems(v)
      .map(([k, x]) => `${ppRepr(k, seen)}: ${ppRepr(x, seen)}`)
      .join(', ');
    seen.delete(v);
    return `{${inner}}`;
  }
  return repr(v);
}

class PrettyPrinter {
  out: string[] = [];
  size = 0;
  constructor(
    readonly width: number,
    readonly budget: Budget | undefined,
  ) {}

  write(s: string): void {
    this.out.push(s);
    this.size += s.length;
    this.budget?.checkString(this.size);
  }

  format(v: unknown, indent: number, allowance: number, level: number, ctx: Set<unknown>): void {
    const rep = ppRepr(v, new Set(ctx));
    const maxWidth = this.width - indent - allowance;
    // Widths count characters (code points), as Python's len() does.
    if (strLen(rep) > maxWidth && !ctx.has(v)) {
      if (Array.isArray(v) || isMapping(v)) {
        ctx.add(v);
        if (isMapping(v)) this.dict(v, indent, allowance, level + 1, ctx);
        else if (isTuple(v)) {
          this.write('(');
          const end = v.length === 1 ? ',)' : ')';
          this.items(v, indent, allowance + end.length, level + 1, ctx);
          this.write(end);
        } else {
          this.write('[');
          this.items(v, indent, allowance + 1, level + 1, ctx);
          this.write(']');
        }
        ctx.delete(v);
        return;
      }
      if (typeof v === 'string') {
        this.str(v, indent, allowance, level + 1);
        return;
      }
    }
    this.write(rep);
  }

  dict(
    m: Map<unknown, unknown> | Record<string, unknown>,
    indent: number,
    allowance: number,
    level: number,
    ctx: Set<unknown>,
  ) {
    this.write('{');
    const items = sortedItems(m);
    const ind = indent + 1;
    items.forEach(([k, v], i) => {
      const last = i === items.length - 1;
      const rep = ppRepr(k, new Set());
      this.write(rep);
      this.write(': ');
      this.format(v, ind + strLen(rep) + 2, last ? allowance + 1 : 1, level, ctx);
      if (!last) this.write(`,\n${' '.repeat(ind)}`);
    });
    this.write('}');
  }

  items(
    items: readonly unknown[],
    indent: number,
    allowance: number,
    level: number,
    ctx: Set<unknown>,
  ): void {
    const ind = indent + 1;
    items.forEach((item, i) => {
      const last = i === items.length - 1;
      if (i > 0) this.write(`,\n${' '.repeat(ind)}`);
      this.format(item, ind, last ? allowance : 1, level, ctx);
    });
  }

  str(s: string, indent: number, allowance: number, level: number): void {
    if (s.length === 0) {
      this.write(strRepr(s));
      return;
    }
    const chunks: string[] = [];
    const realLines = splitlines(s, true);
    let ind = indent;
    let allow = allowance;
    if (level === 1) {
      ind += 1;
      allow += 1;
    }
    const maxWidth = this.width - ind;
    let maxWidth1 = maxWidth;
    let lastRep = '';
    realLines.forEach((line, i) => {
      const rep = strRepr(line);
      lastRep = rep;
      if (i === realLines.length - 1) maxWidth1 -= allow;
      if (strLen(rep) <= maxWidth1) {
        chunks.push(rep);
        return;
      }
      const parts = line.match(/\S*\s*/g)?.filter((p, j, arr) => j < arr.length - 1 || p !== '') ?? [];
      let maxWidth2 = maxWidth;
      let current = '';
      parts.forEach((part, j) => {
        const candidate = current + part;
        if (j === parts.length - 1 && i === realLines.length - 1) maxWidth2 -= allow;
        if (strLen(strRepr(candidate)) > maxWidth2) {
          if (current) chunks.push(strRepr(current));
          current = part;
        } else current = candidate;
      });
      if (current) chunks.push(strRepr(current));
    });
    if (chunks.length === 1) {
      this.write(lastRep);
      return;
    }
    if (level === 1) this.write('(');
    chunks.forEach((c, i) => {
      if (i > 0) this.write(`\n${' '.repeat(ind)}`);
      this.write(c);
    });
    if (level === 1) this.write(')');
  }
}

/** `pprint.pformat(v)`. */
export function pformat(v: unknown, budget?: Budget): string {
  const pp = new PrettyPrinter(80, budget);
  pp.format(v, 0, 0, 0, new Set());
  return pp.out.join('');
}

// ---------------------------------------------------------------------------------------------
// JSON

function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] ?? '';
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function jsonNumber(v: unknown): string {
  const n = toNumber(v);
  if (isFloat(v) || v instanceof PyFloat) {
    if (Number.isNaN(n)) return 'NaN';
    if (n === Number.POSITIVE_INFINITY) return 'Infinity';
    if (n === Number.NEGATIVE_INFINITY) return '-Infinity';
    return floatRepr(n);
  }
  return isInt(n) ? String(n) : floatRepr(n);
}

function jsonKey(k: unknown): string {
  if (typeof k === 'string') return jsonString(k);
  if (k instanceof Markup) return jsonString(k.value);
  if (k === true) return '"true"';
  if (k === false) return '"false"';
  if (k === null || k === undefined) return '"null"';
  if (typeof k === 'number' || k instanceof PyFloat) return `"${jsonNumber(k)}"`;
  throw new TemplateRuntimeError(`keys must be str, int, float, bool or None, not ${typeName(k)}`);
}

/** `json.dumps(v, sort_keys=True, indent=indent)` (ensure_ascii, Python separators). */
export function jsonDumps(v: unknown, indent: string | undefined, budget?: Budget): string {
  const parts: string[] = [];
  let size = 0;
  const push = (s: string): void => {
    parts.push(s);
    size += s.length;
    if (budget && size > 4096) budget.checkString(size);
  };
  const seen = new Set<unknown>();
  const itemSep = indent === undefined ? ', ' : ',';
  const walk = (x: unknown, depth: number): void => {
    if (x === null || x === undefined) {
      push('null');
      return;
    }
    if (x === true) {
      push('true');
      return;
    }
    if (x === false) {
      push('false');
      return;
    }
    if (typeof x === 'number' || x instanceof PyFloat) {
      push(jsonNumber(x));
      return;
    }
    if (typeof x === 'string') {
      push(jsonString(x));
      return;
    }
    if (x instanceof Markup) {
      push(jsonString(x.value));
      return;
    }
    const container = Array.isArray(x) || isMapping(x);
    if (!container) {
      throw new TemplateRuntimeError(`Object of type ${typeName(x)} is not JSON serializable`);
    }
    if (seen.has(x)) throw new TemplateRuntimeError('Circular reference detected');
    seen.add(x);
    const nl = indent === undefined ? '' : `\n${indent.repeat(depth + 1)}`;
    const close = indent === undefined ? '' : `\n${indent.repeat(depth)}`;
    if (Array.isArray(x)) {
      if (x.length === 0) push('[]');
      else {
        push('[');
        x.forEach((item, i) => {
          push(i > 0 ? itemSep + nl : nl);
          walk(item, depth + 1);
        });
        push(`${close}]`);
      }
    } else {
      const entries = mappingEntries(x as Map<unknown, unknown>);
      entries.sort((a, b) => pyCompare(a[0], b[0]));
      if (entries.length === 0) push('{}');
      else {
        push('{');
        entries.forEach(([k, val], i) => {
          push(i > 0 ? itemSep + nl : nl);
          push(`${jsonKey(k)}: `);
          walk(val, depth + 1);
        });
        push(`${close}}`);
      }
    }
    seen.delete(x);
  };
  walk(v, 0);
  return parts.join('');
}
