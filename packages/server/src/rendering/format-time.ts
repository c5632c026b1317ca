/**
 * Dates for templates: reading the values prompts hand us (Date, ISO 8601 text, Unix seconds) and
 * seeing an instant on the wall clock of any IANA time zone. Intl is the only zone database a
 * Node process carries, so the zone arithmetic goes through Intl.DateTimeFormat.
 */
import { Undefined } from '@promptledger/jinja';

/** An instant as a wall clock in one zone shows it. */
export interface ZonedTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Python's convention: Monday is 0. */
  weekday: number;
  /** Minutes east of UTC (New York in winter: -300). */
  offsetMinutes: number;
  /** 'UTC', 'EST', 'EDT'…, or the offset ('+0530', '+01') where the zone has no common abbreviation. */
  abbreviation: string;
}

/** 9999-12-31T23:59:59Z: Python's datetime ends there, and a bigger "seconds" value is nearly always milliseconds. */
const MAX_TIMESTAMP_SECONDS = 253_402_300_799;

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** A value as Python error messages name it: its type, and the value itself when short. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value instanceof Undefined) return value.name ? `undefined '${value.name}'` : 'undefined';
  if (typeof value === 'string') return `str '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'boolean') return `bool ${value ? 'True' : 'False'}`;
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'int' : 'float'} ${value}`;
  if (Array.isArray(value)) return 'list';
  if (value instanceof Map) return 'dict';
  if (value instanceof Date) return 'datetime';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? name : 'dict';
}

/** Wall-clock fields read as if they were UTC, as epoch milliseconds (years 0–99 included). */
export function wallToEpoch(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(wallToEpoch(year, month + 1, 0)).getUTCDate();
}

function offsetFromText(text: string | undefined): number {
  if (text === undefined || text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
  return text[0] === '-' ? -minutes : minutes;
}

/**
 * ISO 8601 text to an instant. Text without an offset is UTC: the server's convention, and the
 * only reading that does not depend on the machine rendering the prompt.
 */
export function parseIsoDate(text: string): Date | null {
  const m = ISO_8601.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((p) =>
    Number(p ?? 0),
  ) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = offsetFromText(m[8]);
  if (Math.abs(offset) >= 24 * 60) return null;
  return new Date(wallToEpoch(year, month, day, hour, minute, second, ms) - offset * 60_000);
}

/** A Date, an ISO 8601 string or Unix seconds as a Date; TypeError/RangeError for anything else. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError('invalid date');
    return value;
  }
  if (typeof value === 'string') {
    const d = parseIsoDate(value);
    if (d) return d;
    throw new TypeError(
      `expected a date, an ISO 8601 string (2024-03-10T14:30:00Z) or Unix seconds, got ${describeValue(value)}`,
    );
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (Math.abs(value) > MAX_TIMESTAMP_SECONDS) {
      throw new RangeError(
        `timestamp ${value} is out of range for Unix seconds (milliseconds? divide by 1000 first)`,
      );
    }
    return new Date(Math.round(value * 1000));
  }
  throw new TypeError(`expected a date, an ISO 8601 string or Unix seconds, got ${describeValue(value)}`);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Bounds the cache: valid zone names are finite, but spellings of them are not. */
const MAX_CACHED_ZONES = 1000;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
      timeZoneName: 'short',
    });
  } catch {
    throw new RangeError(
      `unknown time zone '${timeZone}' (use an IANA name such as 'UTC' or 'America/New_York')`,
    );
  }
  if (formatters.size < MAX_CACHED_ZONES) formatters.set(timeZone, f);
  return f;
}

/** Checks a `tz` argument: a string naming a time zone Intl knows. */
export function checkTimeZone(tz: unknown): string {
  if (typeof tz !== 'string') throw new TypeError(`tz must be a time zone name, got ${describeValue(tz)}`);
  if (tz !== 'UTC') formatterFor(tz);
  return tz;
}

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0');
}

/** '+0530' style, or '+05' for whole hours: the names tzdata itself gives zones without an abbreviation. */
function numericAbbreviation(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const minutes = Math.abs(offsetMinutes) % 60;
  return `${sign}${pad(Math.trunc(Math.abs(offsetMinutes) / 60))}${minutes ? pad(minutes) : ''}`;
}

function fromUtc(date: Date): ZonedTime {
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
    weekday: (date.getUTCDay() + 6) % 7,
    offsetMinutes: 0,
    abbreviation: 'UTC',
  };
}

/** How `date` reads on the wall clocks of `timeZone`. */
export function zonedTime(date: Date, timeZone = 'UTC'): ZonedTime {
  if (timeZone === 'UTC') return fromUtc(date);
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(date)) parts[p.type] = p.value;
  const era = parts.era === 'BC' ? -1 : 1;
  const year = era === 1 ? Number(parts.year) : 1 - Number(parts.year);
  const [month, day, hour, minute, second] = [
    parts.month,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  ].map(Number) as [number, number, number, number, number];
  const millisecond = ((date.getTime() % 1000) + 1000) % 1000;
  const wall = wallToEpoch(year, month, day, hour, minute, second, millisecond);
  const offsetMinutes = Math.round((wall - date.getTime()) / 60_000);
  const name = parts.timeZoneName ?? '';
  // en-US has letters for few zones (EST, PDT, UTC…) and says 'GMT+1' for the rest.
  const abbreviation =
    /^[A-Z]{2,5}$/.test(name) && !(name === 'GMT' && offsetMinutes !== 0)
      ? name
      : numericAbbreviation(offsetMinutes);
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    millisecond,
    weekday: (new Date(wall).getUTCDay() + 6) % 7,
    offsetMinutes,
    abbreviation,
  };
}

/** '+0530' / '-0500': Python's %z. */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.trunc(Math.abs(offsetMinutes) / 60))}${pad(Math.abs(offsetMinutes) % 60)}`;
}

/**
 * The first instant of the day `date` falls on in `timeZone`. Usually local midnight; where a DST
 * change skips midnight (America/Santiago in September) the day starts at the change.
 */
export function startOfDay(date: Date, timeZone = 'UTC'): Date {
  const z = zonedTime(date, timeZone);
  const midnightAsUtc = wallToEpoch(z.year, z.month, z.day);
  // Local midnight lies within UTC-12…UTC+14 of this, so one of the offsets around it is right.
  const offsets = [midnightAsUtc - 15 * 3_600_000, midnightAsUtc + 13 * 3_600_000].map(
    (t) => zonedTime(new Date(t), timeZone).offsetMinutes,
  );
  const sameDay = offsets
    .map((o) => midnightAsUtc - o * 60_000)
    .filter((t) => {
      const w = zonedTime(new Date(t), timeZone);
      return w.year === z.year && w.month === z.month && w.day === z.day;
    });
  return new Date(sameDay.length > 0 ? Math.min(...sameDay) : midnightAsUtc - z.offsetMinutes * 60_000);
}
