import { z } from 'zod';

/**
 * The field types every request schema builds on, bounded by what PostgreSQL can store: a value the
 * database would refuse is refused here, as a 422 naming the field, never reaching SQL as a 500.
 */

/** PostgreSQL `integer` (int4): every id, version and count column. */
export const MAX_INT4 = 2_147_483_647;

/** Ids and versions in JSON bodies. */
export const id = z.number().int().min(1).max(MAX_INT4);

/** Ids and versions in paths and query strings (text, so coerced). */
export const idText = z.coerce.number().int().min(1).max(MAX_INT4);

/** A non-negative int4 (token counts, latencies). */
export const count = z.number().int().min(0).max(MAX_INT4);

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text PostgreSQL can hold: no NUL (text and jsonb refuse it) and no unpaired UTF-16 surrogate
 * (jsonb refuses its `\ud800` escape; text would silently turn it into U+FFFD).
 */
export function storableText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}
const STORABLE_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/** A string field of at most `max` characters (trimmed and non-empty when `min` is given). */
export function text(max: number, options: { min?: number; trim?: boolean } = {}) {
  let s = z.string();
  if (options.trim) s = s.trim();
  if (options.min !== undefined) s = s.min(options.min);
  return s.max(max).refine(storableText, STORABLE_MESSAGE);
}

/** Deeper JSON is no configuration anyone writes, and every walk over it costs stack or time. */
export const MAX_JSON_DEPTH = 64;

/**
 * Every string and key anywhere in a JSON value is storable text (for jsonb columns), and it nests
 * at most MAX_JSON_DEPTH levels. Iterative: a hostile body cannot exhaust the stack.
 */
export function storableJson(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (!storableText(v)) return false;
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH) return false;
      if (Array.isArray(v)) {
        for (const item of v) stack.push([item, depth + 1]);
      } else {
        for (const [k, inner] of Object.entries(v)) {
          if (!storableText(k)) return false;
          stack.push([inner, depth + 1]);
        }
      }
    }
  }
  return true;
}
export const STORABLE_JSON_MESSAGE = `must not contain NUL characters or unpaired surrogates in any key or string, nor nest deeper than ${MAX_JSON_DEPTH} levels`;

/**
 * Timestamps are kept to years 1900–9999: PostgreSQL has no year 0, JavaScript dates end in
 * +275760, and a trading record outside this range is a typo, not history.
 */
export const MIN_TIME = Date.UTC(1900, 0, 1);
export const MAX_TIME = Date.UTC(10_000, 0, 1) - 1;
const RANGE_MESSAGE = 'must be between 1900-01-01 and 9999-12-31';

export function inTimeRange(d: Date): boolean {
  const t = d.getTime();
  return t >= MIN_TIME && t <= MAX_TIME;
}

/** The range check on text the format check has already refused is not a second error. */
const inRangeOrUnparsable = (s: string) => {
  const d = new Date(s);
  return !/^\d{4}-/.test(s) || Number.isNaN(d.getTime()) || inTimeRange(d);
};

/** An ISO 8601 date-time with an offset (calendar-checked: no 2025-02-30, no hour 25), as text. */
export const timestampText = z.iso.datetime({ offset: true }).refine(inRangeOrUnparsable, RANGE_MESSAGE);

/** The same, as a Date. */
export const timestamp = timestampText.transform((s) => new Date(s));

/** A calendar date `YYYY-MM-DD` (calendar-checked), kept as text for SQL `date` comparisons. */
export const calendarDate = z.iso
  .date('must be a date YYYY-MM-DD')
  .refine((s) => inRangeOrUnparsable(`${s}T00:00:00Z`), RANGE_MESSAGE);

/**
 * Prices and quantities: positive, finite and within a range where R-multiples, P/L and their sums
 * of squares stay finite doubles (1e-12 … 1e12 gives |R| ≤ ~1e40).
 */
export const price = z.number().min(1e-12).max(1e12);
export const quantity = z.number().positive().max(1e15);
/** A profit or loss in currency. */
export const money = z.number().min(-1e18).max(1e18);
