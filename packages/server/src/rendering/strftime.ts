/**
 * Python's strftime directives over a JS Date, in UTC unless a time zone is given (prompts are
 * rendered for markets, which run on exchange time; UTC is the one zone that means the same to
 * every reader). Output is the C locale's, as Python's on a server.
 */
import { formatOffset, wallToEpoch, type ZonedTime, zonedTime } from './format-time.js';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function dayOfYear(t: ZonedTime): number {
  return Math.round((wallToEpoch(t.year, t.month, t.day) - wallToEpoch(t.year, 1, 1)) / 86_400_000) + 1;
}

/** Numeric directives: [value, zero-padded width]. A '-' flag (glibc's, as in '%-d') drops the padding. */
function numeric(t: ZonedTime, code: string): [number, number] | undefined {
  const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  switch (code) {
    case 'y':
      return [((t.year % 100) + 100) % 100, 2];
    case 'm':
      return [t.month, 2];
    case 'd':
      return [t.day, 2];
    case 'H':
      return [t.hour, 2];
    case 'I':
      return [hour12, 2];
    case 'M':
      return [t.minute, 2];
    case 'S':
      return [t.second, 2];
    case 'j':
      return [dayOfYear(t), 3];
    default:
      return undefined;
  }
}

function directive(t: ZonedTime, code: string): string | undefined {
  switch (code) {
    case 'Y':
      return String(t.year);
    case 'f':
      return pad(t.millisecond * 1000, 6);
    case 'e':
      return String(t.day).padStart(2, ' ');
    case 'p':
      return t.hour < 12 ? 'AM' : 'PM';
    case 'A':
      return DAYS[t.weekday]!;
    case 'a':
      return DAYS[t.weekday]!.slice(0, 3);
    case 'B':
      return MONTHS[t.month - 1]!;
    case 'b':
    case 'h':
      return MONTHS[t.month - 1]!.slice(0, 3);
    case 'w':
      return String((t.weekday + 1) % 7);
    case 'u':
      return String(t.weekday + 1);
    case 'Z':
      return t.abbreviation;
    case 'z':
      return formatOffset(t.offsetMinutes);
    case 'c':
      return `${directive(t, 'a')} ${directive(t, 'b')} ${directive(t, 'e')} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} ${t.year}`;
    case 'x':
      return `${pad(t.month)}/${pad(t.day)}/${pad(((t.year % 100) + 100) % 100)}`;
    case 'X':
      return `${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
    case '%':
      return '%';
    default:
      return undefined;
  }
}

/** Formats `date` as `timeZone`'s wall clock shows it; unknown directives are kept, as glibc does. */
export function strftime(date: Date, format: string, timeZone = 'UTC'): string {
  const t = zonedTime(date, timeZone);
  return format.replace(/%(-?)([a-zA-Z%])/g, (whole, flag: string, code: string) => {
    const n = numeric(t, code);
    if (n) return flag ? String(n[0]) : pad(n[0], n[1]);
    if (flag) return whole;
    return directive(t, code) ?? whole;
  });
}
