/**
 * Python number and string formatting: exact float rounding (round-half-even on the exact binary
 * value, like CPython's dtoa), `%`-formatting (`'%.2f' % x`, the `format` filter) and
 * `str.format` with format specs (`'{:>10,.2f}'.format(x)`).
 *
 * `str.format` fields take positional indexes, keyword names and `[key]` item lookups on own data;
 * attribute access (`{0.attr}`) is refused: Python would reach arbitrary attributes there.
 */
import { SecurityError, TemplateRuntimeError } from './errors.js';
import { floatRepr, intRepr } from './pyfloat.js';
import type { Budget } from './runtime/types.js';
import {
  getItem,
  isFloat,
  isIntLike,
  isMapping,
  isNumeric,
  isTuple,
  Markup,
  MISSING,
  mappingGet,
  escape as markupEscape,
  PyRange,
  repr,
  strLen,
  toNumber,
  toStr,
  typeName,
  Undefined,
  undefinedError,
} from './values.js';

export { floatRepr, intRepr };

// ---------------------------------------------------------------------------------------------
// Exact decimal arithmetic on doubles

/** |x| as an exact decimal: `digits × 10^-scale` (every double has a finite expansion). */
function exactDecimal(x: number): { mant: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  if (e >= 0) return { mant: mant << BigInt(e), scale: 0 };
  return { mant: mant * 5n ** BigInt(-e), scale: -e };
}

/**
 * round_half_even(|x| × 10^nd) as a digit string, computed exactly. When nd covers every digit of
 * the exact expansion (a double has at most 1074 fraction digits) the answer is that expansion
 * followed by zeros, built as a string rather than with a huge power of ten. Callers check the
 * string budget first; nd below -400 rounds every double to 0.
 */
function roundScaled(x: number, nd: number): string {
  const { mant, scale } = exactDecimal(x);
  if (nd >= scale) return mant === 0n ? '0' : mant.toString() + '0'.repeat(nd - scale);
  if (nd < -400) return '0';
  const div = 10n ** BigInt(scale - nd);
  const q = mant / div;
  const r2 = (mant % div) * 2n;
  if (r2 > div || (r2 === div && q % 2n === 1n)) return (q + 1n).toString();
  return q.toString();
}

/**
 * round_half_even(a × 10^nd) for 0 <= a < 1e21 and 0 <= nd <= 100 as a digit string, or undefined
 * when only the exact BigInt path can tell. `a × 2^(nd+1)` is exact (a power-of-two scaling); a
 * tie happens exactly when it is an odd integer k (then a × 10^nd = k × 5^nd / 2). Without a tie,
 * `toFixed` (exact decimal, ties away from zero) already rounds like Python.
 */
function fastScaled(a: number, nd: number): { fixed: string } | { n: number } | undefined {
  if (nd < 0 || nd > 100 || !(a < 1e21)) return undefined;
  const k = a * 2 ** (nd + 1);
  if (!Number.isInteger(k) || k % 2 !== 1) return { fixed: a.toFixed(nd) };
  const t = k * 5 ** nd; // 2 × a × 10^nd, odd
  if (t > Number.MAX_SAFE_INTEGER) return undefined;
  let n = (t - 1) / 2;
  if (n % 2 === 1) n += 1;
  return { n };
}

const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * round(|x| × 10^nd) when it is unambiguous in plain floating point: y = |x| × 10^nd carries an
 * error below 2^-13 while y < 2^40, so a fractional part more than 0.001 away from one half
 * cannot be on the wrong side of it; closer to a tie, `nearTie` decides exactly. Undefined means
 * "out of range: ask the exact path". 10^nd (nd <= 22) and n are exact, so n / 10^nd is the
 * correctly rounded double.
 */
function quickScaled(a: number, nd: number): number | undefined {
  if (nd < 0 || nd > 22) return undefined;
  const y = a * (POW10[nd] ?? 1);
  if (!(y < 1099511627776)) return undefined;
  const fl = Math.floor(y);
  const f = y - fl;
  if (Math.abs(f - 0.5) <= 0.001) return nearTie(a, POW10[nd] ?? 1, y, fl);
  return f < 0.5 ? fl : fl + 1;
}

/**
 * quickScaled near a tie: the exact product a × p is y + err (Dekker's two-product; no overflow or
 * underflow at these magnitudes), and y − (fl + ½) is exact (Sterbenz: both are within 0.001 of
 * each other and below 2^40), so the sign of their sum is the side of the tie the exact value is
 * on; a sum of exactly 0 is an exact tie, rounded half to even.
 */
function nearTie(a: number, p: number, y: number, fl: number): number | undefined {
  if (!(a < 1e300) || a < 1e-290) return undefined;
  const ca = 134217729 * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cp = 134217729 * p;
  const ph = cp - (cp - p);
  const pl = p - ph;
  const err = ah * ph - y + ah * pl + al * ph + al * pl;
  const d = y - (fl + 0.5) + err;
  if (!Number.isFinite(d)) return undefined;
  if (d === 0) return fl % 2 === 0 ? fl : fl + 1; // an exact tie: half to even
  return d > 0 ? fl + 1 : fl;
}

/** Python `round(x, nd)` for a float: half-even on the exact value. Returns a JS number. */
export function pyRound(x: number, nd: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const quick = quickScaled(Math.abs(x), nd);
  if (quick !== undefined) {
    const r = quick / (POW10[nd] ?? 1);
    return x < 0 ? -r : r;
  }
  if (nd > 330) return x;
  if (nd < -330) return x < 0 ? -0 : 0; // |x| < 1.8e308 rounds to zero at these scales
  const fast = fastScaled(Math.abs(x), nd);
  let r: number;
  if (fast && 'fixed' in fast) r = Number(fast.fixed);
  else if (fast && nd <= 22) {
    // n <= 2^53 and 10^nd (nd <= 22) are exact, so the IEEE quotient is the correctly rounded
    // value of n / 10^nd: the same double as parsing `${n}e-${nd}`.
    r = fast.n / (POW10[nd] ?? 1);
  } else {
    const n = fast ? fast.n : roundScaled(x, nd);
    r = Number(nd >= 0 ? `${n}e-${nd}` : `${n}e${-nd}`);
  }
  return x < 0 ? -r : r;
}

function negative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

/** Digits of `'%.{prec}f' % |x|` (no sign). */
function fixedDigits(x: number, prec: number): string {
  const quick = quickScaled(x, prec);
  if (quick !== undefined) {
    // quick < 2^40 is an exact integer (see quickScaled): one conversion, then place the point.
    const s = String(quick);
    if (prec === 0) return s;
    const cut = s.length - prec;
    if (cut > 0) return `${s.slice(0, cut)}.${s.slice(cut)}`;
    return `0.${cut < 0 ? '0'.repeat(-cut) : ''}${s}`;
  }
  const fast = fastScaled(x, prec);
  if (fast && 'fixed' in fast) return fast.fixed;
  const n = fast ? String(fast.n) : roundScaled(x, prec);
  if (prec === 0) return n;
  const padded = n.padStart(prec + 1, '0');
  return `${padded.slice(0, -prec)}.${padded.slice(-prec)}`;
}

/** Decimal exponent E with 10^E <= |x| < 10^(E+1), exact. */
function decimalExponent(x: number): number {
  const { mant, scale } = exactDecimal(x);
  return mant.toString().length - 1 - scale;
}

/** `'%.{prec}e' % |x|` split into mantissa digits and exponent after rounding. */
function expParts(x: number, prec: number): { digits: string; exp: number } {
  if (x === 0) return { digits: '0'.repeat(prec + 1), exp: 0 };
  let e = decimalExponent(x);
  let n = roundScaled(x, prec - e);
  if (n.length > prec + 1) {
    e += 1;
    n = n.slice(0, prec + 1);
  }
  return { digits: n, exp: e };
}

function expString(digits: string, exp: number, alt: boolean, upper: boolean): string {
  const mant = digits.length > 1 || alt ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${mant}${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * Formats |x| for a float presentation type (f F e E g G %, or '' for str.format's default),
 * without sign. `prec` undefined means the type's default.
 */
function floatBody(x: number, type: string, prec: number | undefined, alt: boolean, budget?: Budget): string {
  // The digits are produced before any padding, so a huge precision must be refused up front.
  if (prec !== undefined && prec > 64)
    budget?.checkString(prec + (type === '%' || type === 'f' || type === 'F' ? 310 : 8));
  const upper = type === 'F' || type === 'E' || type === 'G';
  if (!Number.isFinite(x)) {
    const s = Number.isNaN(x) ? 'nan' : 'inf';
    if (type === '%') return `${s}%`;
    return upper ? s.toUpperCase() : s;
  }
  const a = Math.abs(x);
  switch (type) {
    case 'f':
    case 'F': {
      const s = fixedDigits(a, prec ?? 6);
      return alt && !s.includes('.') ? `${s}.` : s;
    }
    case '%': {
      const s = fixedDigits(a * 100, prec ?? 6);
      return `${alt && !s.includes('.') ? `${s}.` : s}%`;
    }
    case 'e':
    case 'E': {
      const p = expParts(a, prec ?? 6);
      return expString(p.digits, p.exp, alt, upper);
    }
    case 'g':
    case 'G':
    case 'n':
      return generalBody(a, prec ?? 6, alt, upper, false);
    default:
      // str.format's default float presentation: repr, or 'g'-like with a digit after the point.
      if (prec === undefined) {
        const r = floatRepr(a);
        // '#' keeps a decimal point in exponent form too: format(1e-07, '#') == '1.e-07'.
        return alt && !r.includes('.') ? r.replace('e', '.e') : r;
      }
      return generalBody(a, prec, alt, false, true);
  }
}

function generalBody(a: number, prec: number, alt: boolean, upper: boolean, reprLike: boolean): string {
  const p = prec === 0 ? 1 : prec;
  const { digits, exp } = expParts(a, p - 1);
  // The default presentation adds '.0' to integral results, so CPython already switches to
  // exponent notation one digit earlier (format(2.5, '.1') == '2e+00').
  if (exp >= -4 && exp < (reprLike ? p - 1 : p)) {
    let s = fixedDigits(a, p - 1 - exp);
    if (!alt) s = stripZeros(s);
    else if (!s.includes('.')) s += '.'; // '#' keeps the decimal point: '%#.3g' % 309 == '309.'
    if (reprLike && !s.includes('.')) s += '.0';
    return s;
  }
  let m = digits;
  if (!alt) m = m.replace(/0+$/, '') || '0';
  return expString(m, exp, alt, upper);
}

// ---------------------------------------------------------------------------------------------
// Padding and grouping

function group(intDigits: string, sep: string, every: number): string {
  let out = '';
  for (let i = intDigits.length; i > 0; i -= every) {
    const chunk = intDigits.slice(Math.max(0, i - every), i);
    out = out ? `${chunk}${sep}${out}` : chunk;
  }
  return out;
}

/** Applies `,`/`_` grouping to the integer part of a formatted number body. */
function groupBody(body: string, sep: string, every: number): string {
  // Only hex bodies (grouped every 4) may contain letters; '1e+16' must not read as hex '1e'.
  let end = 0;
  while (end < body.length && isGroupDigit(body.charCodeAt(end), every === 4)) end++;
  if (end === 0) return body;
  return group(body.slice(0, end), sep, every) + body.slice(end);
}

function isGroupDigit(c: number, hex: boolean): boolean {
  if (c >= 48 && c <= 57) return true; // 0-9
  return hex && ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)); // a-f, A-F
}

function pad(s: string, width: number, fill: string, align: string, budget?: Budget): string {
  if (width <= 0) return s;
  const len = strLen(s);
  if (width <= len) return s;
  budget?.checkString(width);
  const n = width - len;
  if (align === '<') return s + fill.repeat(n);
  if (align === '^') {
    const left = Math.floor(n / 2);
    return fill.repeat(left) + s + fill.repeat(n - left);
  }
  return fill.repeat(n) + s;
}

// ---------------------------------------------------------------------------------------------
// str.format / format() specs

interface Spec {
  fill: string;
  /** Whether a fill character was written (the `0` flag only fills with zeros when it was not). */
  fillGiven: boolean;
  signGiven: boolean;
  align: string | undefined;
  sign: string;
  alt: boolean;
  zero: boolean;
  width: number;
  grouping: string;
  prec: number | undefined;
  type: string;
}

const SPEC_RE = /^(?:([\s\S])?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

/** Parsed specs: templates reuse a handful (Spec objects are never mutated). */
const specCache = new Map<string, Spec>();

function parseSpec(spec: string): Spec {
  const cached = specCache.get(spec);
  if (cached !== undefined) return cached;
  const sp = parseSpecUncached(spec);
  if (specCache.size > 500) specCache.clear();
  specCache.set(spec, sp);
  return sp;
}

function parseSpecUncached(spec: string): Spec {
  const m = SPEC_RE.exec(spec);
  if (!m) throw new TemplateRuntimeError('Invalid format specifier');
  return {
    fill: m[2] && m[1] !== undefined ? m[1] : ' ',
    fillGiven: m[2] !== undefined && m[1] !== undefined,
    align: m[2],
    sign: m[3] ?? '-',
    signGiven: m[3] !== undefined,
    alt: m[5] !== undefined,
    zero: m[6] !== undefined,
    width: m[7] ? Number(m[7]) : 0,
    grouping: m[8] ?? '',
    prec: m[9] !== undefined ? Number(m[9]) : undefined,
    type: m[10] ?? '',
  };
}

function signOf(neg: boolean, sign: string): string {
  if (neg) return '-';
  return sign === '+' ? '+' : sign === ' ' ? ' ' : '';
}

/** Joins sign/prefix and body, padding with `=` alignment (or zero padding) between them. */
function finishNumber(prefix: string, body: string, sp: Spec, budget?: Budget): string {
  // The `0` flag means fill '0' (unless a fill was given) and align '=' (unless one was given).
  const fill = sp.zero && !sp.fillGiven ? '0' : sp.fill;
  const align = sp.align ?? (sp.zero ? '=' : '>');
  if (align === '=' && fill === '0' && sp.grouping) {
    const grouped = zeroPadGrouped(body, sp, sp.width - prefix.length);
    if (grouped !== undefined) return prefix + grouped;
  }
  if (align === '=') {
    const total = prefix.length + strLen(body);
    if (sp.width > total) {
      budget?.checkString(sp.width);
      return prefix + fill.repeat(sp.width - total) + body;
    }
    return prefix + body;
  }
  return pad(prefix + body, sp.width, fill, align, budget);
}

/**
 * Zero padding with grouping puts separators into the padding too (`format(1, '06,')` is '00,001'),
 * and never starts with a separator (it adds one more zero instead: `format(1, '04,')` is '0,001').
 */
function zeroPadGrouped(body: string, sp: Spec, target: number): string | undefined {
  const hex = sp.type === 'x' || sp.type === 'X';
  const m = (hex ? /^([0-9a-fA-F,_]+)(.*)$/s : /^([0-9,_]+)(.*)$/s).exec(body);
  if (!m) return undefined;
  const every = sp.grouping === '_' && 'boxX'.includes(sp.type) && sp.type !== '' ? 4 : 3;
  const digits = (m[1] ?? '').replace(/[,_]/g, '');
  const rest = m[2] ?? '';
  const want = target - rest.length;
  let n = digits.length;
  while (n + Math.floor((n - 1) / every) < want) n++;
  return group(digits.padStart(n, '0'), sp.grouping, every) + rest;
}

function formatIntSpec(n: number, sp: Spec, budget?: Budget): string {
  const type = sp.type || 'd';
  if (sp.prec !== undefined && 'bcdoxXn'.includes(type)) {
    throw new TemplateRuntimeError('Precision not allowed in integer format specifier');
  }
  if (type === 'c') {
    if (sp.signGiven) throw new TemplateRuntimeError("Sign not allowed with integer format specifier 'c'");
    if (sp.alt)
      throw new TemplateRuntimeError("Alternate form (#) not allowed with integer format specifier 'c'");
    if (n < 0 || n > 0x10ffff) throw new TemplateRuntimeError('%c arg not in range(0x110000)');
    return finishNumber('', String.fromCodePoint(n), sp, budget);
  }
  const a = Math.abs(n);
  const big = a < 1e21 ? null : BigInt(a);
  const radix = type === 'b' ? 2 : type === 'o' ? 8 : type === 'x' || type === 'X' ? 16 : 10;
  let body = big === null ? a.toString(radix) : big.toString(radix);
  if (type === 'X') body = body.toUpperCase();
  if (sp.grouping) body = groupBody(body, sp.grouping, radix === 10 ? 3 : 4);
  let prefix = signOf(n < 0, sp.sign);
  if (sp.alt && radix !== 10) prefix += `0${type === 'X' ? 'X' : type}`;
  return finishNumber(prefix, body, sp, budget);
}

function formatFloatSpec(x: number, sp: Spec, budget?: Budget): string {
  let body = floatBody(x, sp.type, sp.prec, sp.alt, budget);
  if (sp.grouping && Number.isFinite(x)) body = groupBody(body, sp.grouping, 3);
  return finishNumber(signOf(negative(x) && !Number.isNaN(x), sp.sign), body, sp, budget);
}

/** Python `format(value, spec)` for the value kinds templates have. */
export function formatValue(v: unknown, spec: string, budget?: Budget): string {
  if (v instanceof Undefined && spec === '') {
    if (v.strict) throw undefinedError(v); // format(x, '') is str(x)
    return '';
  }
  if (spec === '') return toStr(v, budget);
  const sp = parseSpec(spec);
  if (sp.grouping && 'nsc'.includes(sp.type) && sp.type !== '') {
    throw new TemplateRuntimeError(`Cannot specify '${sp.grouping}' with '${sp.type}'.`);
  }
  if (isNumeric(v)) {
    const n = toNumber(v);
    const intType = 'bcdoxX'.includes(sp.type) && sp.type !== '';
    if (sp.grouping === ',' && 'boxX'.includes(sp.type) && sp.type !== '') {
      throw new TemplateRuntimeError(`Cannot specify ',' with '${sp.type}'.`);
    }
    if (isIntLike(v)) {
      if (sp.type === 's') throw new TemplateRuntimeError("Unknown format code 's' for object of type 'int'");
      if (sp.type === '' || intType || sp.type === 'n') return formatIntSpec(n, sp, budget);
      return formatFloatSpec(n, sp, budget);
    }
    if (intType || sp.type === 's') {
      throw new TemplateRuntimeError(`Unknown format code '${sp.type}' for object of type 'float'`);
    }
    return formatFloatSpec(n, sp, budget);
  }
  const s = typeof v === 'string' ? v : v instanceof Markup ? v.value : undefined;
  if (s === undefined) {
    throw new TemplateRuntimeError(`unsupported format string passed to ${typeName(v)}.__format__`);
  }
  if (sp.type !== '' && sp.type !== 's') {
    throw new TemplateRuntimeError(`Unknown format code '${sp.type}' for object of type 'str'`);
  }
  if (sp.signGiven) throw new TemplateRuntimeError('Sign not allowed in string format specifier');
  if (sp.alt) throw new TemplateRuntimeError('Alternate form (#) not allowed in string format specifier');
  if (sp.grouping) throw new TemplateRuntimeError(`Cannot specify '${sp.grouping}' with 's'.`);
  if (sp.align === '=')
    throw new TemplateRuntimeError("'=' alignment not allowed in string format specifier");
  const body = sp.prec !== undefined ? [...s].slice(0, sp.prec).join('') : s;
  return pad(body, sp.width, sp.zero && !sp.fillGiven ? '0' : sp.fill, sp.align ?? '<', budget);
}

/** How `{0.attr}` and `{0[key]}` are looked up; without them attributes are refused. */
export interface FieldLookups {
  attr(obj: unknown, name: string): unknown;
  item(obj: unknown, key: unknown): unknown;
}

/** Resolves one `str.format` field name: `0`, `name`, `0[key]`, `name[1]`, `0.attr`. */
function resolveField(
  field: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown>,
  auto: { next: number; mode: 'none' | 'auto' | 'manual' },
  lookups: FieldLookups | undefined,
): unknown {
  // `{}` and `{0}` (most fields) need no parsing; otherwise split the head from `.attr`/`[key]`.
  let cut = 0;
  while (cut < field.length && field[cut] !== '.' && field[cut] !== '[') cut++;
  const head = cut === field.length ? field : field.slice(0, cut);
  let rest = cut === field.length ? '' : field.slice(cut);
  let value: unknown;
  if (head === '') {
    if (auto.mode === 'manual') {
      throw new TemplateRuntimeError(
        'cannot switch from manual field specification to automatic field numbering',
      );
    }
    auto.mode = 'auto';
    const i = auto.next++;
    if (i >= args.length)
      throw new TemplateRuntimeError(`Replacement index ${i} out of range for positional args tuple`);
    value = args[i];
  } else if (/^\d+$/.test(head)) {
    if (auto.mode === 'auto') {
      throw new TemplateRuntimeError(
        'cannot switch from automatic field numbering to manual field specification',
      );
    }
    auto.mode = 'manual';
    const i = Number(head);
    if (i >= args.length)
      throw new TemplateRuntimeError(`Replacement index ${i} out of range for positional args tuple`);
    value = args[i];
  } else {
    if (!Object.hasOwn(kwargs, head)) throw new TemplateRuntimeError(`'${head}'`);
    value = kwargs[head];
  }
  while (rest) {
    const am = /^\.([^.[]+)(.*)$/s.exec(rest);
    if (am) {
      if (!lookups) throw new SecurityError('attribute access in format fields is not allowed');
      value = lookups.attr(value, am[1] ?? '');
      rest = am[2] ?? '';
      continue;
    }
    const im = /^\[([^\]]+)\](.*)$/s.exec(rest);
    if (!im) throw new TemplateRuntimeError("Only '.' or '[' may follow ']' in format field specifier");
    const raw = im[1] ?? '';
    const key = /^\d+$/.test(raw) ? Number(raw) : raw;
    if (lookups) value = lookups.item(value, key);
    else {
      const item = getItem(value, key);
      if (item === MISSING) throw new TemplateRuntimeError(repr(raw));
      value = item;
    }
    rest = im[2] ?? '';
  }
  return value;
}

interface FormatField {
  field: string;
  conv: string;
  spec: string;
  /** The spec holds `{…}` replacement fields of its own (`{:{width}}`). */
  nested: boolean;
}

/** Parsed `str.format` strings, like the `%` cache: templates reuse a few format strings. */
const formatCache = new Map<string, (string | FormatField)[]>();

function parseFormat(fmt: string): (string | FormatField)[] {
  const cached = formatCache.get(fmt);
  if (cached) return cached;
  const tokens: (string | FormatField)[] = [];
  let lit = '';
  let i = 0;
  while (i < fmt.length) {
    const ch = fmt[i];
    if (ch === '{') {
      if (fmt[i + 1] === '{') {
        lit += '{';
        i += 2;
        continue;
      }
      // Find the matching close brace, allowing one level of nested `{...}` in the spec.
      let depth = 1;
      let j = i + 1;
      while (j < fmt.length && depth > 0) {
        if (fmt[j] === '{') depth++;
        else if (fmt[j] === '}') depth--;
        if (depth > 0) j++;
      }
      if (depth > 0) throw new TemplateRuntimeError("expected '}' before end of string");
      const fm = /^([^!:]*)(?:!([^:]*))?(?::([\s\S]*))?$/.exec(fmt.slice(i + 1, j));
      const spec = fm?.[3] ?? '';
      if (lit) tokens.push(lit);
      lit = '';
      tokens.push({ field: fm?.[1] ?? '', conv: fm?.[2] ?? '', spec, nested: spec.includes('{') });
      i = j + 1;
    } else if (ch === '}') {
      if (fmt[i + 1] !== '}') throw new TemplateRuntimeError("Single '}' encountered in format string");
      lit += '}';
      i += 2;
    } else {
      const next = fmt.slice(i).search(/[{}]/);
      const end = next < 0 ? fmt.length : i + next;
      lit += fmt.slice(i, end);
      i = end;
    }
  }
  if (lit) tokens.push(lit);
  if (formatCache.size > 500) formatCache.clear();
  formatCache.set(fmt, tokens);
  return tokens;
}

/** Python `str.format(*args, **kwargs)`; attribute fields need `lookups` (the sandbox's getattr). */
export function strFormat(
  fmt: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown>,
  budget?: Budget,
  escapeArgs = false,
  lookups?: FieldLookups,
): string {
  const auto = { next: 0, mode: 'none' as 'none' | 'auto' | 'manual' };
  let out = '';
  for (const tok of parseFormat(fmt)) {
    if (typeof tok === 'string') {
      out += tok;
      continue;
    }
    // Python resolves the field first, then the fields nested in its spec (auto-numbering order).
    const value = resolveField(tok.field, args, kwargs, auto, lookups);
    const spec = tok.nested
      ? tok.spec.replace(/\{([^{}]*)\}/g, (_m, f: string) =>
          toStr(resolveField(f, args, kwargs, auto, lookups)),
        )
      : tok.spec;
    let val = value;
    const conv = tok.conv;
    if (conv === 'r') val = repr(value, budget);
    else if (conv === 's') val = toStr(value, budget);
    else if (conv === 'a') val = asciiRepr(repr(value, budget));
    else if (conv !== '') throw new TemplateRuntimeError(`Unknown conversion specifier ${conv}`);
    // markupsafe's EscapeFormatter hands Markup values to __html__, which takes no format spec.
    if (escapeArgs && val instanceof Markup && spec !== '') {
      throw new TemplateRuntimeError('Unsupported format specification for Markup.');
    }
    const text = formatValue(val, spec, budget);
    out += escapeArgs && !(value instanceof Markup && conv === '') ? markupEscape(text).value : text;
    if (budget && out.length > 4096) budget.checkString(out.length);
  }
  return out;
}

function asciiRepr(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) out += ch;
    else if (cp < 0x100) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// printf-style `%` formatting

const PERCENT_RE = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([\s\S])?/g;

/** Number argument for %d/%f etc.: Python accepts int, float and bool, and calls `__int__`. */
function numArg(v: unknown, conv: string): number {
  // %d/%f call int()/float(), which an Undefined fails with UndefinedError; %x/%o need __index__,
  // which it lacks (TypeError).
  if (v instanceof Undefined && !'xXo'.includes(conv)) throw undefinedError(v);
  if (isNumeric(v)) return toNumber(v);
  const kind = 'xXoc'.includes(conv) ? 'an integer is required' : 'a real number is required';
  throw new TemplateRuntimeError(`%${conv} format: ${kind}, not ${typeName(v)}`);
}

/** One parsed `%` directive; flags are decoded once, when the format string is first seen. */
interface Directive {
  name: string | undefined;
  left: boolean;
  zero: boolean;
  sign: string;
  alt: boolean;
  /** Field width, or '*' to take it from the arguments. */
  width: number | '*';
  prec: number | '*' | undefined;
  conv: string | undefined;
  /** conv is d, i or u. */
  isInt: boolean;
  /** conv is f or F. */
  isFixed: boolean;
}

function padText(body: string, d: Directive, width: number, budget: Budget | undefined): string {
  return width > 0 ? pad(body, width, ' ', d.left ? '<' : '>', budget) : body;
}

/** Sign/prefix plus digits, padded on the left with spaces or zeros, or on the right ('-'). */
function padNumber(
  prefix: string,
  body: string,
  d: Directive,
  width: number,
  budget: Budget | undefined,
): string {
  const total = prefix.length + body.length;
  if (width <= total) return prefix + body;
  if (d.left) return pad(prefix + body, width, ' ', '<', budget);
  budget?.checkString(width);
  return d.zero ? prefix + '0'.repeat(width - total) + body : ' '.repeat(width - total) + prefix + body;
}

function percentOne(
  v: unknown,
  d: Directive,
  width: number,
  prec: number | undefined,
  escapeArgs: boolean,
  budget: Budget | undefined,
): string {
  const conv = d.conv ?? '';
  // Fast paths for plain JS numbers: `%d` of a safe integer, `%.Nf` of a finite float.
  if (typeof v === 'number') {
    if (d.isInt && Number.isSafeInteger(v)) {
      let body = String(v < 0 ? -v : v);
      if (prec !== undefined && prec > body.length) {
        budget?.checkString(prec);
        body = body.padStart(prec, '0');
      }
      return padNumber(signOf(v < 0, d.sign), body, d, width, budget);
    }
    if (d.isFixed && Number.isFinite(v) && (prec === undefined || prec <= 64)) {
      const s = fixedDigits(v < 0 ? -v : v, prec ?? 6);
      const body = d.alt && !s.includes('.') ? `${s}.` : s;
      return padNumber(signOf(v < 0 || Object.is(v, -0), d.sign), body, d, width, budget);
    }
  }
  switch (conv) {
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      const x = numArg(v, conv);
      const body = floatBody(x, conv, prec, d.alt, budget);
      // Zero padding applies to inf/nan too ('%05.1f' % inf == '00inf').
      return padNumber(signOf(negative(x) && !Number.isNaN(x), d.sign), body, d, width, budget);
    }
    case 'd':
    case 'i':
    case 'u': {
      const n = Math.trunc(numArg(v, conv));
      if (!Number.isFinite(n)) throw new TemplateRuntimeError('cannot convert float infinity to integer');
      // int(float) is the double's exact value; for a Python int we print our best guess (intRepr).
      let body =
        isFloat(v) && Math.abs(n) > Number.MAX_SAFE_INTEGER
          ? BigInt(Math.abs(n)).toString()
          : intRepr(Math.abs(n));
      if (prec !== undefined && prec > body.length) {
        budget?.checkString(prec);
        body = body.padStart(prec, '0');
      }
      return padNumber(signOf(n < 0, d.sign), body, d, width, budget);
    }
    case 's':
    case 'r':
    case 'a':
    case 'c': {
      let text: string;
      if (conv === 's') text = toStr(v, budget);
      else if (conv === 'r') text = repr(v, budget);
      else if (conv === 'a') text = asciiRepr(repr(v, budget));
      else if (typeof v === 'string' && [...v].length === 1) text = v;
      else if (isIntLike(v) && toNumber(v) >= 0 && toNumber(v) <= 0x10ffff)
        text = String.fromCodePoint(toNumber(v));
      else throw new TemplateRuntimeError('%c requires int or char');
      // The precision truncates %s/%r/%a; %c ignores it.
      if (prec !== undefined && conv !== 'c') text = [...text].slice(0, prec).join('');
      if (escapeArgs && !(v instanceof Markup && conv === 's')) text = markupEscape(text).value;
      return padText(text, d, width, budget);
    }
    case 'x':
    case 'X':
    case 'o': {
      if (isFloat(v)) throw new TemplateRuntimeError(`%${conv} format: an integer is required, not float`);
      const n = numArg(v, conv);
      const a = Math.abs(n);
      let body = a < 1e21 ? a.toString(conv === 'o' ? 8 : 16) : BigInt(a).toString(conv === 'o' ? 8 : 16);
      if (conv === 'X') body = body.toUpperCase();
      if (prec !== undefined && prec > body.length) {
        budget?.checkString(prec);
        body = body.padStart(prec, '0');
      }
      return padNumber(signOf(n < 0, d.sign) + (d.alt ? `0${conv}` : ''), body, d, width, budget);
    }
    default:
      throw new TemplateRuntimeError(
        `unsupported format character '${conv}' (0x${conv.codePointAt(0)?.toString(16) ?? '0'})`,
      );
  }
}

const NOT_ENOUGH = 'not enough arguments for format string';

/**
 * A parsed `%` format. `one` is set when the format has exactly one directive and it takes one
 * positional argument (no `%(name)`, no `*`): then `fmt % x` is `pre + directive(x) + post`.
 */
interface ParsedPercent {
  tokens: (string | Directive)[];
  one: Directive | undefined;
  pre: string;
  post: string;
}

/** Parsed `%` format strings: templates reuse a handful of formats, so parse each once. */
const percentCache = new Map<string, ParsedPercent>();

/** The few most recent formats, checked with `===` before hashing `text` into percentCache. */
const recentText: string[] = ['', '', '', ''];
const recentParsed: ParsedPercent[] = [];
let recentNext = 0;

function parsePercent(text: string): ParsedPercent {
  for (let i = 0; i < recentParsed.length; i++) {
    if (recentText[i] === text) return recentParsed[i] as ParsedPercent;
  }
  const parsed = parsePercentCached(text);
  recentText[recentNext] = text;
  recentParsed[recentNext] = parsed;
  recentNext = (recentNext + 1) & 3;
  return parsed;
}

function parsePercentCached(text: string): ParsedPercent {
  const cached = percentCache.get(text);
  if (cached) return cached;
  const tokens: (string | Directive)[] = [];
  let last = 0;
  PERCENT_RE.lastIndex = 0;
  for (let m = PERCENT_RE.exec(text); m !== null; m = PERCENT_RE.exec(text)) {
    if (m.index > last) tokens.push(text.slice(last, m.index));
    last = PERCENT_RE.lastIndex;
    const [, name, flags = '', width, prec, conv] = m;
    if (conv === '%' && name === undefined && !flags && !width && prec === undefined) tokens.push('%');
    else {
      const left = flags.includes('-');
      tokens.push({
        name,
        left,
        zero: flags.includes('0') && !left,
        sign: flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '-',
        alt: flags.includes('#'),
        width: width === '*' ? '*' : width ? Number(width) : 0,
        prec: prec === '*' ? '*' : prec !== undefined ? Number(prec || '0') : undefined,
        conv,
        isInt: conv === 'd' || conv === 'i' || conv === 'u',
        isFixed: conv === 'f' || conv === 'F',
      });
    }
  }
  if (last < text.length) tokens.push(text.slice(last));
  const parsed: ParsedPercent = { tokens, one: undefined, pre: '', post: '' };
  const directives = tokens.filter((t): t is Directive => typeof t !== 'string');
  const d = directives[0];
  if (
    directives.length === 1 &&
    d !== undefined &&
    d.name === undefined &&
    d.width !== '*' &&
    d.prec !== '*' &&
    d.conv !== undefined &&
    d.conv !== '%'
  ) {
    const at = tokens.indexOf(d);
    parsed.one = d;
    parsed.pre = (tokens.slice(0, at) as string[]).join('');
    parsed.post = (tokens.slice(at + 1) as string[]).join('');
  }
  if (percentCache.size > 500) percentCache.clear();
  percentCache.set(text, parsed);
  return parsed;
}

/** `pre + body + post` with the same budget checks, in the same order, as the general loop. */
function finishOne(
  parsed: ParsedPercent,
  body: string,
  escapeArgs: boolean,
  budget: Budget | undefined,
): string | Markup {
  const head = parsed.pre + body;
  if (budget && head.length > 4096) budget.checkString(head.length);
  const out = head + parsed.post;
  budget?.checkString(out.length);
  return escapeArgs ? new Markup(out) : out;
}

/**
 * Python `fmt % args`. `args` is a tuple (positional), a mapping (for `%(name)s`) or one value.
 * A Markup format escapes the arguments and returns Markup, like markupsafe.
 */
export function percentFormat(fmt: string | Markup, args: unknown, budget?: Budget): string | Markup {
  return percentFormatArgs(fmt, isTuple(args) ? args : [args], isTuple(args) ? undefined : args, budget);
}

/**
 * `fmt % args` with the positional arguments already split out (the `format` filter passes its
 * argument list directly instead of building a tuple). `single` is the lone non-tuple argument,
 * which Python may also use as a mapping.
 */
export function percentFormatArgs(
  fmt: string | Markup,
  positional: readonly unknown[],
  single: unknown,
  budget?: Budget,
): string | Markup {
  const escapeArgs = fmt instanceof Markup;
  const text = fmt instanceof Markup ? fmt.value : fmt;
  const parsed = parsePercent(text);
  const one = parsed.one;
  // One directive, one plain-number argument (`'%.2f' % x`, `'%2d'|format(i)`): a number is never
  // a mapping, so no "not all arguments converted" or mapping rules can apply.
  if (one !== undefined && positional.length === 1) {
    const v = positional[0];
    if (typeof v === 'number' && (single === undefined || single === v)) {
      const w = one.width as number;
      const body = percentOne(v, one, w, one.prec as number | undefined, escapeArgs, budget);
      if (parsed.pre === '' && parsed.post === '') {
        budget?.checkString(body.length);
        return escapeArgs ? new Markup(body) : body;
      }
      return finishOne(parsed, body, escapeArgs, budget);
    }
  }
  const args = single;
  // Python treats any non-tuple, non-str argument with __getitem__ (dict, list, range) as a mapping:
  // it is only indexed by %(name)s and never makes "not all arguments converted" fire.
  const mapping =
    args !== undefined &&
    !isTuple(args) &&
    (isMapping(args) || Array.isArray(args) || args instanceof PyRange)
      ? args
      : undefined;
  let index = 0;
  let usedMapping = false;
  let out = '';
  const tokens = parsed.tokens;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t] as string | Directive;
    if (typeof tok === 'string') {
      out += tok;
      continue;
    }
    const name = tok.name;
    const conv = tok.conv;
    if (conv === undefined) throw new TemplateRuntimeError('incomplete format');
    let width: number;
    if (tok.width === '*') {
      if (index >= positional.length) throw new TemplateRuntimeError(NOT_ENOUGH);
      width = toNumber(positional[index++]);
    } else width = tok.width;
    let prec: number | undefined;
    if (tok.prec === '*') {
      if (index >= positional.length) throw new TemplateRuntimeError(NOT_ENOUGH);
      prec = toNumber(positional[index++]);
    } else prec = tok.prec;
    let value: unknown;
    if (name !== undefined) {
      if (mapping === undefined || !isMapping(mapping))
        throw new TemplateRuntimeError('format requires a mapping');
      usedMapping = true;
      value = mappingGet(mapping, name);
      if (value === MISSING) throw new TemplateRuntimeError(repr(name));
    } else if (conv !== '%') {
      if (index >= positional.length) throw new TemplateRuntimeError(NOT_ENOUGH);
      value = positional[index++];
    }
    if (conv === '%') {
      out += pad('%', width, ' ', tok.left ? '<' : '>', budget);
      continue;
    }
    out += percentOne(value, tok, Math.abs(width), prec, escapeArgs, budget);
    if (budget && out.length > 4096) budget.checkString(out.length);
  }
  if (!usedMapping && mapping === undefined && index < positional.length) {
    throw new TemplateRuntimeError('not all arguments converted during string formatting');
  }
  budget?.checkString(out.length);
  return escapeArgs ? new Markup(out) : out;
}
