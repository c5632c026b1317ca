/**
 * The trading filter set: pure functions over the engine's Python values (see
 * packages/jinja/docs/internals.md), registered on an Environment by `registerTradingFilters`.
 * User documentation: packages/server/docs/filters.md.
 *
 * Conventions shared by every filter:
 * - None or an undefined value prints '' (so `default` can take over); a StrictUndefined raises.
 * - Numbers may be ints, floats, PyFloat boxes or numeric strings (exchanges send prices as text);
 *   anything else raises TypeError, which the engine reports with the filter's name and position.
 * - Rounding is half away from zero on the number as written (1.005 → 1.01, 1234.5 → 1235), what a
 *   reader of a price expects, rather than Python's rounding of the binary float.
 * - Output never depends on the Node version or the host locale: digits are laid out here rather
 *   than by Intl.NumberFormat, whose currency symbols and spacing change between ICU releases.
 */
import { type Environment, float, isFloat, isMarkup, PyFloat, Undefined } from '@promptledger/jinja';
import { checkTimeZone, describeValue, startOfDay, toDate } from './format-time.js';
import { strftime } from './strftime.js';

/** What a filter prints for a result that has no sensible value (a change from 0, NaN…). */
const NA = 'n/a';
const MAX_DECIMALS = 20;

// ---------------------------------------------------------------------------------------------
// Reading template values

/** None or undefined: filters print '' for it. Printing a StrictUndefined raises, as it should. */
function isMissing(value: unknown): value is null | undefined | Undefined {
  if (value instanceof Undefined) return value.toString() === '';
  return value === null || value === undefined;
}

const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

function toNumber(value: unknown, name: string): number {
  if (typeof value === 'number') return value;
  if (value instanceof PyFloat) return value.value;
  const text = isMarkup(value) ? value.value : value;
  if (typeof text === 'string' && NUMERIC_TEXT.test(text.trim())) return Number(text.trim());
  throw new TypeError(`${name} must be a number, got ${describeValue(value)}`);
}

/**
 * An argument the template must pass. JS `undefined` only arrives for an argument left out (None
 * is null), so this tells a forgotten argument, an authoring error, from missing data.
 */
function required(value: unknown, name: string): unknown {
  if (value === undefined) throw new TypeError(`missing required argument '${name}'`);
  return value;
}

/** A numeric operand: null when None or undefined (the filter then prints ''). */
function operand(value: unknown, name = 'value'): number | null {
  return isMissing(value) ? null : toNumber(value, name);
}

function decimalsArg(value: unknown, fallback: number | null, name = 'decimals'): number | null {
  if (isMissing(value)) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DECIMALS) {
    throw new TypeError(
      `${name} must be a whole number from 0 to ${MAX_DECIMALS}, got ${describeValue(value)}`,
    );
  }
  return value;
}

function textArg(value: unknown, name: string, fallback: string): string {
  if (isMissing(value)) return fallback;
  if (isMarkup(value)) return value.value;
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${describeValue(value)}`);
  return value;
}

/** Python truthiness for flag arguments (`multiply=False`, `grouping=0`). */
function flagArg(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === null || value instanceof Undefined) return false;
  if (value instanceof PyFloat) return value.value !== 0;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value !== '';
  return Boolean(value);
}

/** Floats of a computed result carry noise (0.3 − 0.1 = 0.19999999999999998); 15 digits drop it. */
function tidy(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(15)) : x;
}

// ---------------------------------------------------------------------------------------------
// Decimal layout

/** A non-negative decimal: digits × 10^exp. Exact for every JS number, via its shortest repr. */
interface Decimal {
  digits: string;
  exp: number;
}

function decimalOf(x: number): Decimal {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(x)));
  if (!m) throw new RangeError(`cannot format ${x}`);
  const frac = m[2] ?? '';
  return { digits: `${m[1]}${frac}`, exp: Number(m[3] ?? 0) - frac.length };
}

function roundDecimal(d: Decimal, decimals: number): Decimal {
  const drop = -decimals - d.exp;
  if (drop <= 0) return d;
  if (drop > d.digits.length) return { digits: '0', exp: -decimals };
  const kept = d.digits.slice(0, d.digits.length - drop) || '0';
  const up = d.digits[d.digits.length - drop]! >= '5';
  return { digits: up ? (BigInt(kept) + 1n).toString() : kept, exp: -decimals };
}

function decimalText(d: Decimal): { int: string; frac: string } {
  if (d.exp >= 0) return { int: `${d.digits}${'0'.repeat(d.exp)}`.replace(/^0+(?=\d)/, ''), frac: '' };
  const digits = d.digits.padStart(-d.exp + 1, '0');
  return { int: digits.slice(0, d.exp).replace(/^0+(?=\d)/, ''), frac: digits.slice(d.exp) };
}

interface NumberStyle {
  /** Fixed decimals, or null for as many as the number has. */
  decimals: number | null;
  grouping?: boolean;
  /** Power of ten to scale by, exactly (2 for percent, -3 for thousands). */
  shift?: number;
  plus?: boolean;
  trimZeros?: boolean;
}

interface NumberParts {
  sign: '' | '-' | '+';
  int: string;
  frac: string;
}

function numberParts(x: number, style: NumberStyle): NumberParts {
  let d = decimalOf(x);
  d = { digits: d.digits, exp: d.exp + (style.shift ?? 0) };
  if (style.decimals !== null) d = roundDecimal(d, style.decimals);
  const { int, frac: rawFrac } = decimalText(d);
  let frac = style.decimals === null ? rawFrac.replace(/0+$/, '') : rawFrac.padEnd(style.decimals, '0');
  if (style.trimZeros) frac = frac.replace(/0+$/, '');
  const isZero = /^0*$/.test(int + frac);
  const sign = isZero ? '' : x < 0 ? '-' : style.plus ? '+' : '';
  return { sign, int: style.grouping === false ? int : groupThousands(int), frac };
}

function groupThousands(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function joinParts(p: NumberParts): string {
  return `${p.sign}${p.int}${p.frac ? `.${p.frac}` : ''}`;
}

function formatNumber(x: number, style: NumberStyle): string {
  return Number.isFinite(x) ? joinParts(numberParts(x, style)) : NA;
}

/** |x| rounded to the nearest multiple of `step` (ties away from zero), exactly in decimal. */
function roundToStep(x: number, step: number): Decimal {
  const xd = decimalOf(x);
  const sd = decimalOf(step);
  const exp = Math.min(xd.exp, sd.exp);
  const scaledX = BigInt(xd.digits) * 10n ** BigInt(xd.exp - exp);
  const scaledStep = BigInt(sd.digits) * 10n ** BigInt(sd.exp - exp);
  let n = scaledX / scaledStep;
  if ((scaledX % scaledStep) * 2n >= scaledStep) n += 1n;
  return { digits: (n * BigInt(sd.digits)).toString(), exp: sd.exp };
}

function stepArg(value: unknown, name: string): number {
  const step = toNumber(required(value, name), name);
  if (!(step > 0) || !Number.isFinite(step)) {
    throw new RangeError(`${name} must be a positive number, got ${describeValue(value)}`);
  }
  return step;
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** `0.1234 | percent` → '12.34%'; `multiply=False` for values already in percent. */
export function percent(value: unknown, decimals: unknown = 2, multiply: unknown = true): string {
  const x = operand(value);
  if (x === null) return '';
  const style = { decimals: decimalsArg(decimals, 2), shift: flagArg(multiply, true) ? 2 : 0 };
  return Number.isFinite(x) ? `${formatNumber(x, style)}%` : NA;
}

interface CurrencyInfo {
  /** Printed before the amount; codes without one print after it ('1,234.50 CHF'). */
  symbol?: string;
  /** The usual minor units (ISO 4217; 8 for bitcoin-like assets). */
  decimals: number;
}

/** Symbols as en-US writes them (CA$ rather than $, so amounts stay unambiguous). */
const CURRENCIES: Readonly<Record<string, CurrencyInfo>> = {
  USD: { symbol: '$', decimals: 2 },
  EUR: { symbol: '€', decimals: 2 },
  GBP: { symbol: '£', decimals: 2 },
  JPY: { symbol: '¥', decimals: 0 },
  CNY: { symbol: 'CN¥', decimals: 2 },
  INR: { symbol: '₹', decimals: 2 },
  KRW: { symbol: '₩', decimals: 0 },
  CAD: { symbol: 'CA$', decimals: 2 },
  AUD: { symbol: 'A$', decimals: 2 },
  NZD: { symbol: 'NZ$', decimals: 2 },
  HKD: { symbol: 'HK$', decimals: 2 },
  BRL: { symbol: 'R$', decimals: 2 },
  MXN: { symbol: 'MX$', decimals: 2 },
  ILS: { symbol: '₪', decimals: 2 },
  VND: { symbol: '₫', decimals: 0 },
  CLP: { decimals: 0 },
  ISK: { decimals: 0 },
  KWD: { decimals: 3 },
  BHD: { decimals: 3 },
  OMR: { decimals: 3 },
  BTC: { decimals: 8 },
  ETH: { decimals: 8 },
  USDT: { decimals: 2 },
  USDC: { decimals: 2 },
};

function currencyCode(code: unknown): string {
  const text = textArg(code, 'code', 'USD').trim().toUpperCase();
  if (!/^[A-Z0-9]{2,10}$/.test(text)) {
    throw new RangeError(`code must be a currency code such as 'USD' or 'BTC', got ${describeValue(code)}`);
  }
  return text;
}

/** `1234.5 | currency` → '$1,234.50'; `currency('JPY')` → '¥1,235'; unknown codes go after the amount. */
export function currency(value: unknown, code: unknown = 'USD', decimals: unknown = null): string {
  const x = operand(value);
  if (x === null) return '';
  const iso = currencyCode(code);
  const info = CURRENCIES[iso] ?? { decimals: 2 };
  if (!Number.isFinite(x)) return NA;
  const p = numberParts(x, { decimals: decimalsArg(decimals, info.decimals) });
  const amount = `${p.int}${p.frac ? `.${p.frac}` : ''}`;
  return info.symbol === undefined ? `${p.sign}${amount} ${iso}` : `${p.sign}${info.symbol}${amount}`;
}

/** `1234567.891 | number` → '1,234,567.891'; `number(2)` → '1,234,567.89'. */
export function number(value: unknown, decimals: unknown = null, grouping: unknown = true): string {
  const x = operand(value);
  if (x === null) return '';
  return formatNumber(x, { decimals: decimalsArg(decimals, null), grouping: flagArg(grouping, true) });
}

/** `1.5 | signed` → '+1.5'; zero has no sign. */
export function signed(value: unknown, decimals: unknown = null): string {
  const x = operand(value);
  if (x === null) return '';
  return formatNumber(x, { decimals: decimalsArg(decimals, null), plus: true });
}

const COMPACT_SUFFIXES = ['', 'K', 'M', 'B', 'T'];

/** `3400000 | compact` → '3.4M'. */
export function compact(value: unknown, decimals: unknown = 1): string {
  const x = operand(value);
  if (x === null) return '';
  const places = decimalsArg(decimals, 1);
  if (!Number.isFinite(x)) return NA;
  let k = 0;
  while (k < COMPACT_SUFFIXES.length - 1 && Math.abs(x) >= 1000 ** (k + 1)) k++;
  for (;;) {
    const p = numberParts(x, { decimals: places, shift: -3 * k, trimZeros: true, grouping: false });
    // 999,950 rounds to 1000.0K: that is 1M.
    if (p.int.length > 3 && k < COMPACT_SUFFIXES.length - 1) {
      k++;
      continue;
    }
    return `${joinParts({ ...p, int: groupThousands(p.int) })}${COMPACT_SUFFIXES[k]}`;
  }
}

/** `0.0125 | bps` → '125 bps' (a fraction in basis points). */
export function bps(value: unknown, decimals: unknown = 0): string {
  const x = operand(value);
  if (x === null) return '';
  const text = formatNumber(x, { decimals: decimalsArg(decimals, 0), shift: 4 });
  if (text === NA) return NA;
  return `${text} ${text.replace(/^[-+]/, '') === '1' ? 'bp' : 'bps'}`;
}

/**
 * `101.37 | price(0.25)` → '101.25': the nearest tick (ties up), with the tick's decimals; or
 * rounded to `decimals`. No thousands separators, so the level can be copied back as a number.
 */
export function price(value: unknown, tick: unknown = null, decimals: unknown = null): string {
  const x = operand(value);
  if (x === null) return '';
  const places = decimalsArg(decimals, null);
  const step = isMissing(tick) ? null : stepArg(tick, 'tick');
  if (!Number.isFinite(x)) return NA;
  if (step === null) return formatNumber(x, { decimals: places, grouping: false });
  let d = roundToStep(x, step);
  if (places !== null) d = roundDecimal(d, places);
  const { int, frac } = decimalText(d);
  const p: NumberParts = {
    sign: x < 0 ? '-' : '',
    int,
    frac: places === null ? frac : frac.padEnd(places, '0'),
  };
  if (/^0*$/.test(int + frac)) p.sign = '';
  return joinParts(p);
}

/** `101.37 | round_to(0.25)` → 101.25: the nearest multiple of `step`, as a number. */
export function roundTo(value: unknown, step: unknown): unknown {
  const x = operand(value);
  if (x === null) return '';
  const s = stepArg(step, 'step');
  if (!Number.isFinite(x)) return value;
  const { int, frac } = decimalText(roundToStep(x, s));
  const result = Number(`${x < 0 ? '-' : ''}${int}.${frac || '0'}`);
  // `+ 0` turns -0 into 0: Python ints have no negative zero.
  return isFloat(value) || isFloat(step) ? float(result) : result + 0;
}

/** `110 | pct_change(100)` → '+10.00%': the change from `reference`, relative to its size. */
export function pctChange(value: unknown, reference: unknown, decimals: unknown = 2): string {
  const x = operand(value);
  const ref = operand(required(reference, 'reference'), 'reference');
  const places = decimalsArg(decimals, 2);
  if (x === null || ref === null) return '';
  if (ref === 0) return NA;
  // Relative to |reference| so a loss shrinking from -100 to -50 reads as +50%, not -50%.
  const change = tidy((x - ref) / Math.abs(ref));
  return Number.isFinite(change)
    ? `${formatNumber(change, { decimals: places, shift: 2, plus: true })}%`
    : NA;
}

/** `105.5 | abs_change(100)` → '+5.5'. */
export function absChange(value: unknown, reference: unknown, decimals: unknown = null): string {
  const x = operand(value);
  const ref = operand(required(reference, 'reference'), 'reference');
  const places = decimalsArg(decimals, null);
  if (x === null || ref === null) return '';
  return formatNumber(tidy(x - ref), { decimals: places, plus: true });
}

/** `0.4 | trend_arrow` → '↑'; within ±threshold → '→'. */
export function trendArrow(value: unknown, threshold: unknown = 0): string {
  const x = operand(value);
  if (x === null) return '';
  const t = isMissing(threshold) ? 0 : toNumber(threshold, 'threshold');
  if (t < 0) throw new RangeError(`threshold must not be negative, got ${describeValue(threshold)}`);
  if (x > t) return '↑';
  if (x < -t) return '↓';
  return '→';
}

/** `150 | clamp(0, 100)` → 100; either bound may be None. Returns the value or the bound itself. */
export function clamp(value: unknown, low: unknown = null, high: unknown = null): unknown {
  const x = operand(value);
  if (x === null) return '';
  const lo = operand(low, 'low');
  const hi = operand(high, 'high');
  if (lo !== null && hi !== null && lo > hi) {
    throw new RangeError(`low (${lo}) must not be greater than high (${hi})`);
  }
  if (lo !== null && x < lo) return low;
  if (hi !== null && x > hi) return high;
  return value;
}

/** `1 | ordinal` → '1st', 12 → '12th', 22 → '22nd'. */
export function ordinal(value: unknown): string {
  const x = operand(value);
  if (x === null) return '';
  if (!Number.isInteger(x)) throw new TypeError(`value must be a whole number, got ${describeValue(value)}`);
  const n = Math.abs(x);
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${formatNumber(x, { decimals: 0 })}${suffix}`;
}

/**
 * `{{ n }} trade{{ n | pluralize }}`; `pluralize('y', 'ies')`. One argument with a comma is
 * Django's 'singular,plural' form. A list or dict counts its items.
 */
export function pluralize(count: unknown, singular: unknown = '', plural?: unknown): string {
  if (isMissing(count)) return '';
  let one = textArg(singular, 'singular', '');
  let many = textArg(plural, 'plural', 's');
  if (plural === undefined && one.includes(',')) [one, many] = one.split(',', 2) as [string, string];
  let n: number;
  if (Array.isArray(count)) n = count.length;
  else if (count instanceof Map) n = count.size;
  else n = toNumber(count, 'count');
  return n === 1 ? one : many;
}

// ---------------------------------------------------------------------------------------------
// Trades

/** Reward ÷ risk, where risk is entry − stop: the same formula holds for shorts (both negative). */
function ratioToStop(entry: number, stop: number, other: number): number | null {
  const risk = entry - stop;
  return risk === 0 ? null : tidy((other - entry) / risk);
}

function tradeOperands(values: [unknown, string][]): number[] | null {
  const xs = values.map(([v, name]) => operand(required(v, name), name));
  return xs.every((x) => x !== null) ? (xs as number[]) : null;
}

/** `100 | risk_reward(95, 112.5)` → '1:2.50' (long or short follows from the stop's side). */
export function riskReward(entry: unknown, stop: unknown, target: unknown, decimals: unknown = 2): string {
  const places = decimalsArg(decimals, 2);
  const xs = tradeOperands([
    [entry, 'entry'],
    [stop, 'stop'],
    [target, 'target'],
  ]);
  if (xs === null) return '';
  const ratio = ratioToStop(xs[0]!, xs[1]!, xs[2]!);
  return ratio === null || !Number.isFinite(ratio) ? NA : `1:${formatNumber(ratio, { decimals: places })}`;
}

/** `100 | r_multiple(95, 110)` → '+2.00R': the result of a trade in units of its initial risk. */
export function rMultiple(entry: unknown, stop: unknown, exit: unknown, decimals: unknown = 2): string {
  const places = decimalsArg(decimals, 2);
  const xs = tradeOperands([
    [entry, 'entry'],
    [stop, 'stop'],
    [exit, 'exit'],
  ]);
  if (xs === null) return '';
  const r = ratioToStop(xs[0]!, xs[1]!, xs[2]!);
  return r === null || !Number.isFinite(r) ? NA : `${formatNumber(r, { decimals: places, plus: true })}R`;
}

const SIDES: ReadonlyMap<string, string> = new Map([
  ...['long', 'buy', 'bull', 'bullish'].map((k) => [k, 'LONG'] as const),
  ...['short', 'sell', 'bear', 'bearish'].map((k) => [k, 'SHORT'] as const),
  ...['', 'none', 'no trade', 'flat', 'hold', 'neutral', 'wait'].map((k) => [k, 'NO TRADE'] as const),
]);

/** 'long'/'buy'/1 → 'LONG', 'short'/'sell'/-1 → 'SHORT', None/'flat'/0 → 'NO TRADE'. */
export function fmtSide(direction: unknown): string {
  if (direction === null) return 'NO TRADE';
  if (isMissing(direction)) return '';
  if (typeof direction === 'string' || isMarkup(direction)) {
    const key = String(direction)
      .trim()
      .toLowerCase()
      .replace(/[-_\s]+/g, ' ');
    const side = SIDES.get(key);
    if (side !== undefined) return side;
    throw new RangeError(
      `unknown direction ${describeValue(String(direction))} (expected long/buy, short/sell or none/flat)`,
    );
  }
  const x = toNumber(direction, 'direction');
  return x > 0 ? 'LONG' : x < 0 ? 'SHORT' : 'NO TRADE';
}

// ---------------------------------------------------------------------------------------------
// Dates and durations

function dateOperand(value: unknown): Date {
  if (value instanceof PyFloat) return toDate(value.value);
  return toDate(isMarkup(value) ? value.value : value);
}

function formatDateValue(value: unknown, format: unknown, tz: unknown, defaultFormat: string): string {
  if (isMissing(value)) return '';
  const pattern = textArg(format, 'format', defaultFormat);
  const zone = checkTimeZone(textArg(tz, 'tz', 'UTC'));
  return strftime(dateOperand(value), pattern, zone);
}

/** `ts | date` → '2024-03-10' (a Date, ISO 8601 text or Unix seconds; strftime format; IANA zone). */
export function date(value: unknown, format: unknown = '%Y-%m-%d', tz: unknown = 'UTC'): string {
  return formatDateValue(value, format, tz, '%Y-%m-%d');
}

/** `ts | datetime` → '2024-03-10 14:30'. */
export function datetime(value: unknown, format: unknown = '%Y-%m-%d %H:%M', tz: unknown = 'UTC'): string {
  return formatDateValue(value, format, tz, '%Y-%m-%d %H:%M');
}

/** `ts | time` → '14:30'. */
export function time(value: unknown, format: unknown = '%H:%M', tz: unknown = 'UTC'): string {
  return formatDateValue(value, format, tz, '%H:%M');
}

function ago(count: number, unit: string, past: boolean): string {
  const phrase = `${count} ${unit}${count === 1 ? '' : 's'}`;
  return past ? `${phrase} ago` : `in ${phrase}`;
}

/** `ts | timeago` → '5 minutes ago', 'in 3 hours', 'just now', 'yesterday'. */
export function timeago(value: unknown, now: unknown = null): string {
  if (isMissing(value)) return '';
  const then = dateOperand(value);
  const reference = isMissing(now) ? new Date() : dateOperand(now);
  const diff = (reference.getTime() - then.getTime()) / 1000;
  const past = diff >= 0;
  const seconds = Math.abs(diff);
  const minutes = seconds / 60;
  const hours = minutes / 60;
  const days = hours / 24;
  // Thresholds as moment.js draws them: a unit is used once it reads naturally (45 min → 1 hour).
  if (seconds < 45) return 'just now';
  if (seconds < 90) return ago(1, 'minute', past);
  if (minutes < 45) return ago(Math.round(minutes), 'minute', past);
  if (minutes < 90) return ago(1, 'hour', past);
  if (hours < 22) return ago(Math.round(hours), 'hour', past);
  if (hours < 36) return past ? 'yesterday' : 'tomorrow';
  if (days < 26) return ago(Math.round(days), 'day', past);
  if (days < 45) return ago(1, 'month', past);
  if (days < 320) return ago(Math.max(2, Math.round(days / 30.44)), 'month', past);
  if (days < 548) return ago(1, 'year', past);
  return ago(Math.round(days / 365.25), 'year', past);
}

const DURATION_UNITS: readonly [number, string, string][] = [
  [86_400, 'd', 'day'],
  [3_600, 'h', 'hour'],
  [60, 'm', 'minute'],
  [1, 's', 'second'],
];

const DURATION_STYLES = ['short', 'long', 'clock'];

/** `3725 | duration` → '1h 2m 5s'; 'long' → '1 hour, 2 minutes, 5 seconds'; 'clock' → '1:02:05'. */
export function duration(value: unknown, style: unknown = 'short'): string {
  const x = operand(value, 'seconds');
  if (x === null) return '';
  const kind = textArg(style, 'style', 'short');
  if (!DURATION_STYLES.includes(kind)) {
    throw new RangeError(`style must be one of 'short', 'long', 'clock', got ${describeValue(style)}`);
  }
  if (!Number.isFinite(x)) return NA;
  let rest = Math.round(Math.abs(x));
  const sign = x < 0 && rest > 0 ? '-' : '';
  if (kind === 'clock') {
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${sign}${Math.floor(rest / 3600)}:${pad(Math.floor(rest / 60) % 60)}:${pad(rest % 60)}`;
  }
  const pieces: string[] = [];
  for (const [size, short, long] of DURATION_UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n === 0) continue;
    pieces.push(kind === 'short' ? `${n}${short}` : `${n} ${long}${n === 1 ? '' : 's'}`);
  }
  if (pieces.length === 0) return kind === 'short' ? '0s' : '0 seconds';
  return sign + pieces.join(kind === 'short' ? ' ' : ', ');
}

// ---------------------------------------------------------------------------------------------
// Globals

/** The current instant. `tz` only matters when formatting; it is checked so typos fail early. */
export function now(tz: unknown = 'UTC'): Date {
  checkTimeZone(textArg(tz, 'tz', 'UTC'));
  return new Date();
}

/** 00:00 of the current day in `tz`, as an instant. */
export function today(tz: unknown = 'UTC'): Date {
  return startOfDay(new Date(), checkTimeZone(textArg(tz, 'tz', 'UTC')));
}

// ---------------------------------------------------------------------------------------------
// Registration

export interface TradingFilter {
  fn: (value: unknown, ...args: unknown[]) => unknown;
  /** Positional parameters after the value, so templates can pass them by keyword. */
  params: string[];
}

export const TRADING_FILTERS: Readonly<Record<string, TradingFilter>> = {
  percent: { fn: percent, params: ['decimals', 'multiply'] },
  currency: { fn: currency, params: ['code', 'decimals'] },
  number: { fn: number, params: ['decimals', 'grouping'] },
  signed: { fn: signed, params: ['decimals'] },
  compact: { fn: compact, params: ['decimals'] },
  bps: { fn: bps, params: ['decimals'] },
  price: { fn: price, params: ['tick', 'decimals'] },
  round_to: { fn: roundTo, params: ['step'] },
  pct_change: { fn: pctChange, params: ['reference', 'decimals'] },
  abs_change: { fn: absChange, params: ['reference', 'decimals'] },
  trend_arrow: { fn: trendArrow, params: ['threshold'] },
  clamp: { fn: clamp, params: ['low', 'high'] },
  ordinal: { fn: ordinal, params: [] },
  pluralize: { fn: pluralize, params: ['singular', 'plural'] },
  risk_reward: { fn: riskReward, params: ['stop', 'target', 'decimals'] },
  r_multiple: { fn: rMultiple, params: ['stop', 'exit', 'decimals'] },
  fmt_side: { fn: fmtSide, params: [] },
  date: { fn: date, params: ['format', 'tz'] },
  datetime: { fn: datetime, params: ['format', 'tz'] },
  time: { fn: time, params: ['format', 'tz'] },
  timeago: { fn: timeago, params: ['now'] },
  duration: { fn: duration, params: ['style'] },
};

export const TRADING_GLOBALS: Readonly<Record<string, (tz?: unknown) => Date>> = { now, today };

/** Registers every trading filter and the `now()` / `today()` globals on `env`. */
export function registerTradingFilters(env: Environment): void {
  for (const [name, filter] of Object.entries(TRADING_FILTERS)) {
    env.addFilter(name, filter.fn, { params: filter.params });
  }
  for (const [name, fn] of Object.entries(TRADING_GLOBALS)) env.addGlobal(name, fn);
}
