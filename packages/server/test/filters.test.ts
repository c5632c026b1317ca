import fs from 'node:fs';
import { float, Markup, type TemplateError, Undefined } from '@promptledger/jinja';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEnvironment, validateTemplate } from '../src/rendering/environment.js';
import {
  absChange,
  bps,
  clamp,
  compact,
  currency,
  date,
  datetime,
  duration,
  fmtSide,
  now,
  number,
  ordinal,
  pctChange,
  percent,
  pluralize,
  price,
  riskReward,
  rMultiple,
  roundTo,
  signed,
  TRADING_FILTERS,
  TRADING_GLOBALS,
  time,
  timeago,
  today,
  trendArrow,
} from '../src/rendering/filters.js';
import { parseIsoDate, startOfDay, toDate, zonedTime } from '../src/rendering/format-time.js';
import { strftime } from '../src/rendering/strftime.js';

/** A default Undefined, as the engine passes for a missing variable. */
const missing = new Undefined('x');
const strictMissing = new Undefined('x', undefined, true);

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('percent', () => {
  it.each([
    [[0.1234], '12.34%'],
    [[0.1234, 1], '12.3%'],
    [[0.5, 0], '50%'],
    [[-0.05], '-5.00%'],
    [[12.3, 2, false], '12.30%'],
    [[12.3, 2, 0], '12.30%'],
    [[123.456], '12,345.60%'],
    [[0.12345], '12.35%'],
    [[-0.00001], '0.00%'],
    [[float(1)], '100.00%'],
    [['0.25'], '25.00%'],
    [[Number.NaN], 'n/a'],
    [[Number.POSITIVE_INFINITY], 'n/a'],
  ] as [unknown[], string][])('percent(%j) → %s', (args, expected) => {
    expect(percent(...(args as [unknown]))).toBe(expected);
  });

  it('prints nothing for None and undefined values', () => {
    expect(percent(null)).toBe('');
    expect(percent(undefined)).toBe('');
    expect(percent(missing)).toBe('');
  });

  it('reads numeric text, including Markup', () => {
    expect(percent(' 0.5 ')).toBe('50.00%');
    expect(percent(new Markup('.5'))).toBe('50.00%');
    expect(() => percent('1,234')).toThrow(/got str '1,234'/);
  });

  it('raises for a StrictUndefined instead of hiding it', () => {
    expect(() => percent(strictMissing)).toThrow(/'x' is undefined/);
  });

  it('rejects text, booleans and bad decimals with a clear TypeError', () => {
    expect(() => percent('abc')).toThrow(new TypeError("value must be a number, got str 'abc'"));
    expect(() => percent('')).toThrow(TypeError);
    expect(() => percent(true)).toThrow(/got bool True/);
    expect(() => percent([1])).toThrow(/got list/);
    expect(() => percent(0.1, 'two')).toThrow(/decimals must be a whole number from 0 to 20, got str 'two'/);
    expect(() => percent(0.1, 1.5)).toThrow(/decimals/);
    expect(() => percent(0.1, -1)).toThrow(/decimals/);
    expect(() => percent(0.1, 21)).toThrow(/decimals/);
  });
});

describe('currency', () => {
  it.each([
    [[1234.5], '$1,234.50'],
    [[1234.5, 'EUR'], '€1,234.50'],
    [[1234.5, 'eur'], '€1,234.50'],
    [[1234.5, 'GBP'], '£1,234.50'],
    [[1234.5, 'JPY'], '¥1,235'],
    [[1234.4, 'JPY'], '¥1,234'],
    [[1234.5, 'JPY', 2], '¥1,234.50'],
    [[0.0012, 'BTC'], '0.00120000 BTC'],
    [[1.5, 'ETH'], '1.50000000 ETH'],
    [[1234.5, 'USDT'], '1,234.50 USDT'],
    [[1234.5, 'CAD'], 'CA$1,234.50'],
    [[1234.5, 'CHF'], '1,234.50 CHF'],
    [[1234.5, 'XYZ'], '1,234.50 XYZ'],
    [[1.2345, 'KWD'], '1.235 KWD'],
    [[-12], '-$12.00'],
    [[-1234.5, 'XYZ'], '-1,234.50 XYZ'],
    [[-0.001], '$0.00'],
    [[1.005], '$1.01'],
    [[2.675], '$2.68'],
    [[1234567.891, 'USD', 0], '$1,234,568'],
    [[1e21], '$1,000,000,000,000,000,000,000.00'],
    [['3150.10', 'USD'], '$3,150.10'],
    [[null, 'EUR'], ''],
  ] as [unknown[], string][])('currency(%j) → %s', (args, expected) => {
    expect(currency(...(args as [unknown]))).toBe(expected);
  });

  it('does not depend on Intl.NumberFormat (whose symbols change between ICU releases)', () => {
    vi.spyOn(Intl, 'NumberFormat').mockImplementation(() => {
      throw new Error('Intl.NumberFormat must not be used');
    });
    vi.spyOn(Number.prototype, 'toLocaleString').mockImplementation(() => {
      throw new Error('toLocaleString must not be used');
    });
    expect(currency(1234.5, 'EUR')).toBe('€1,234.50');
    expect(number(1234567.891)).toBe('1,234,567.891');
    expect(compact(3_400_000)).toBe('3.4M');
  });

  it('rejects codes that are not currency codes', () => {
    expect(() => currency(1, 'US Dollar')).toThrow(/code must be a currency code/);
    expect(() => currency(1, 5)).toThrow(/code must be a string/);
    expect(() => currency('x')).toThrow(TypeError);
  });
});

describe('number', () => {
  it.each([
    [[1234567.891], '1,234,567.891'],
    [[1234567.891, 2], '1,234,567.89'],
    [[1234567.891, 0], '1,234,568'],
    [[1234567.891, null, false], '1234567.891'],
    [[1234.5, 2, false], '1234.50'],
    [[-1234], '-1,234'],
    [[float(43)], '43'],
    [[0.1 + 0.2, 2], '0.30'],
    [[1e-7], '0.0000001'],
    [[1e21], '1,000,000,000,000,000,000,000'],
    [[999.9999, 2], '1,000.00'],
    [[-0.004, 2], '0.00'],
    [[Number.NaN], 'n/a'],
    [[missing], ''],
  ] as [unknown[], string][])('number(%j) → %s', (args, expected) => {
    expect(number(...(args as [unknown]))).toBe(expected);
  });
});

describe('signed', () => {
  it.each([
    [[1.5], '+1.5'],
    [[-2], '-2'],
    [[0], '0'],
    [[float(0)], '0'],
    [[1234.5], '+1,234.5'],
    [[1.234, 2], '+1.23'],
    [[0.001, 2], '0.00'],
    [[-0.001, 2], '0.00'],
    [[null], ''],
  ] as [unknown[], string][])('signed(%j) → %s', (args, expected) => {
    expect(signed(...(args as [unknown]))).toBe(expected);
  });
});

describe('compact', () => {
  it.each([
    [[1234], '1.2K'],
    [[3_400_000], '3.4M'],
    [[1.2e9], '1.2B'],
    [[float(5e12)], '5T'],
    [[999], '999'],
    [[-1500], '-1.5K'],
    [[1000], '1K'],
    [[999_950], '1M'],
    [[999.96], '1K'],
    [[12.345], '12.3'],
    [[1_234_567, 2], '1.23M'],
    [[1_250_000, 0], '1M'],
    [[5e15], '5,000T'],
    [[0], '0'],
    [[null], ''],
  ] as [unknown[], string][])('compact(%j) → %s', (args, expected) => {
    expect(compact(...(args as [unknown]))).toBe(expected);
  });
});

describe('bps', () => {
  it.each([
    [[0.0125], '125 bps'],
    [[0.0001], '1 bp'],
    [[-0.0001], '-1 bp'],
    [[0.00015, 1], '1.5 bps'],
    [[-0.0035], '-35 bps'],
    [[0], '0 bps'],
    [[0.000049], '0 bps'],
    [[null], ''],
  ] as [unknown[], string][])('bps(%j) → %s', (args, expected) => {
    expect(bps(...(args as [unknown]))).toBe(expected);
  });
});

describe('price', () => {
  it.each([
    [[101.37, 0.25], '101.25'],
    [[101.375, 0.25], '101.50'],
    [[101.5, 0.25], '101.50'],
    [[0.15, 0.1], '0.2'],
    [[0.3, 0.1], '0.3'],
    [[3150.123, 0.01], '3150.12'],
    [[64_123.456, 0.5], '64123.5'],
    [[64_123, 5], '64125'],
    [[0.000123456, 1e-8], '0.00012346'],
    [[-101.37, 0.25], '-101.25'],
    [[101.37, 0.25, 3], '101.250'],
    [[3150.1, null, 2], '3150.10'],
    [[3150.1], '3150.1'],
    [[1234567.5], '1234567.5'],
    [[0.04, 0.25], '0.00'],
    [['101.37', 0.25], '101.25'],
    [[null, 0.25], ''],
  ] as [unknown[], string][])('price(%j) → %s', (args, expected) => {
    expect(price(...(args as [unknown]))).toBe(expected);
  });

  it('refuses a tick that is not a positive number', () => {
    expect(() => price(100, 0)).toThrow(/tick must be a positive number/);
    expect(() => price(100, -0.5)).toThrow(/tick must be a positive number/);
    expect(() => price(100, 'a')).toThrow(/tick must be a number, got str 'a'/);
  });
});

describe('round_to', () => {
  it('rounds to the nearest multiple without float noise', () => {
    expect(roundTo(101.37, 0.25)).toBe(101.25);
    expect(roundTo(0.37, 0.05)).toBe(0.35);
    expect(roundTo(1234, 100)).toBe(1200);
    expect(roundTo(1250, 100)).toBe(1300);
    expect(roundTo(-1250, 100)).toBe(-1300);
    expect(roundTo(-1, 5)).toBe(0);
    expect(Object.is(roundTo(-1, 5), -0)).toBe(false);
  });

  it('returns a float when either operand is one (prints like Python: 102.0)', () => {
    expect(roundTo(101.6, 1)).toEqual(float(102));
    expect(roundTo(7, float(5))).toEqual(float(5));
    expect(roundTo(7, 5)).toBe(5);
  });

  it('refuses steps that are not positive and prints nothing for None', () => {
    expect(() => roundTo(1, 0)).toThrow(/step must be a positive number/);
    expect(() => roundTo(1, undefined)).toThrow(/missing required argument 'step'/);
    expect(() => roundTo(1, null)).toThrow(/step must be a number, got None/);
    expect(() => roundTo(1, missing)).toThrow(/step must be a number, got undefined 'x'/);
    expect(roundTo(null, 1)).toBe('');
  });
});

describe('pct_change', () => {
  it.each([
    [[110, 100], '+10.00%'],
    [[90, 100], '-10.00%'],
    [[100, 100], '0.00%'],
    [[101.15, 100], '+1.15%'],
    [[3, 2, 0], '+50%'],
    [[-50, -100], '+50.00%'],
    [[1, 0], 'n/a'],
    [[null, 100], ''],
    [[100, missing], ''],
  ] as [unknown[], string][])('pct_change(%j) → %s', (args, expected) => {
    expect(pctChange(...(args as [unknown, unknown]))).toBe(expected);
  });

  it('names the bad operand', () => {
    expect(() => pctChange(1, 'x')).toThrow(/reference must be a number, got str 'x'/);
  });
});

describe('abs_change', () => {
  it.each([
    [[105.5, 100], '+5.5'],
    [[95, 100], '-5'],
    [[100, 100], '0'],
    [[0.3, 0.1], '+0.2'],
    [[2100, 1000, 2], '+1,100.00'],
    [[null, 1], ''],
  ] as [unknown[], string][])('abs_change(%j) → %s', (args, expected) => {
    expect(absChange(...(args as [unknown, unknown]))).toBe(expected);
  });
});

describe('trend_arrow', () => {
  it.each([
    [[0.4], '↑'],
    [[-0.4], '↓'],
    [[0], '→'],
    [[0.4, 0.5], '→'],
    [[-0.5, 0.5], '→'],
    [[-0.51, 0.5], '↓'],
    [[0.51, 0.5], '↑'],
    [[null], ''],
  ] as [unknown[], string][])('trend_arrow(%j) → %s', (args, expected) => {
    expect(trendArrow(...(args as [unknown]))).toBe(expected);
  });

  it('refuses a negative threshold', () => {
    expect(() => trendArrow(1, -1)).toThrow(/threshold must not be negative/);
  });
});

describe('clamp', () => {
  it('returns the value or the bound it crossed, unchanged', () => {
    expect(clamp(150, 0, 100)).toBe(100);
    expect(clamp(-5, 0, 100)).toBe(0);
    expect(clamp(42.5, 0, 100)).toBe(42.5);
    expect(clamp(float(5), 0, 10)).toEqual(float(5));
    expect(clamp(150, 0)).toBe(150);
    expect(clamp(-1, null, 10)).toBe(-1);
    expect(clamp(11, null, 10)).toBe(10);
    expect(clamp(null, 0, 1)).toBe('');
  });

  it('refuses inverted bounds', () => {
    expect(() => clamp(1, 10, 0)).toThrow(/low \(10\) must not be greater than high \(0\)/);
  });
});

describe('ordinal', () => {
  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [22, '22nd'],
    [101, '101st'],
    [111, '111th'],
    [112, '112th'],
    [0, '0th'],
    [-1, '-1st'],
    [float(3), '3rd'],
    [1000, '1,000th'],
  ] as [unknown, string][])('ordinal(%j) → %s', (n, expected) => {
    expect(ordinal(n)).toBe(expected);
  });

  it('refuses fractions', () => {
    expect(() => ordinal(1.5)).toThrow(/whole number, got float 1.5/);
  });
});

describe('pluralize', () => {
  it('is Django-like', () => {
    expect(pluralize(1)).toBe('');
    expect(pluralize(2)).toBe('s');
    expect(pluralize(0)).toBe('s');
    expect(pluralize(1.5)).toBe('s');
    expect(pluralize(float(1))).toBe('');
    expect(pluralize(1, 'y', 'ies')).toBe('y');
    expect(pluralize(3, 'y', 'ies')).toBe('ies');
    expect(pluralize(3, 'y,ies')).toBe('ies');
    expect(pluralize(1, 'y,ies')).toBe('y');
    expect(pluralize(2, '', 'es')).toBe('es');
  });

  it('counts lists and dicts', () => {
    expect(pluralize([1])).toBe('');
    expect(pluralize([1, 2])).toBe('s');
    expect(pluralize(new Map())).toBe('s');
  });

  it('prints nothing for None and refuses non-numbers', () => {
    expect(pluralize(null)).toBe('');
    expect(() => pluralize('many')).toThrow(/count must be a number/);
  });
});

describe('risk_reward and r_multiple', () => {
  it('risk_reward infers long or short from the stop', () => {
    expect(riskReward(100, 95, 112.5)).toBe('1:2.50');
    expect(riskReward(100, 105, 90)).toBe('1:2.00');
    expect(riskReward(100, 95, 110, 1)).toBe('1:2.0');
    expect(riskReward(100, 95, 98)).toBe('1:-0.40');
    expect(riskReward(100, 100, 110)).toBe('n/a');
    expect(riskReward(100, null, 110)).toBe('');
    expect(() => Reflect.apply(riskReward, undefined, [null, 95])).toThrow(
      /missing required argument 'target'/,
    );
  });

  it('r_multiple measures the exit in units of risk', () => {
    expect(rMultiple(100, 95, 110)).toBe('+2.00R');
    expect(rMultiple(100, 95, 95)).toBe('-1.00R');
    expect(rMultiple(100, 105, 90)).toBe('+2.00R');
    expect(rMultiple(100, 105, 110)).toBe('-2.00R');
    expect(rMultiple(100, 95, 100)).toBe('0.00R');
    expect(rMultiple(100, 95, 101.5, 1)).toBe('+0.3R');
    expect(rMultiple(100, 100, 110)).toBe('n/a');
  });

  it('names the bad operand', () => {
    expect(() => riskReward(100, 'low', 110)).toThrow(/stop must be a number, got str 'low'/);
    expect(() => rMultiple(100, 95, [])).toThrow(/exit must be a number, got list/);
  });
});

describe('fmt_side', () => {
  it.each([
    ['long', 'LONG'],
    ['BUY', 'LONG'],
    [' Bullish ', 'LONG'],
    [1, 'LONG'],
    ['short', 'SHORT'],
    ['Sell', 'SHORT'],
    [-1, 'SHORT'],
    [null, 'NO TRADE'],
    [0, 'NO TRADE'],
    ['', 'NO TRADE'],
    ['flat', 'NO TRADE'],
    ['no_trade', 'NO TRADE'],
    ['No-Trade', 'NO TRADE'],
    ['hold', 'NO TRADE'],
    [missing, ''],
  ] as [unknown, string][])('fmt_side(%j) → %s', (side, expected) => {
    expect(fmtSide(side)).toBe(expected);
  });

  it('refuses directions it does not know, including prototype names', () => {
    expect(() => fmtSide('sideways')).toThrow(/unknown direction str 'sideways'/);
    expect(() => fmtSide('__proto__')).toThrow(/unknown direction/);
    expect(() => fmtSide('constructor')).toThrow(/unknown direction/);
  });
});

describe('date, datetime, time', () => {
  const instant = new Date('2024-03-10T14:30:05.123Z');

  it('format Dates, ISO strings and Unix seconds in UTC by default', () => {
    expect(date(instant)).toBe('2024-03-10');
    expect(datetime(instant)).toBe('2024-03-10 14:30');
    expect(time(instant)).toBe('14:30');
    expect(datetime('2024-03-10T14:30:05Z')).toBe('2024-03-10 14:30');
    expect(datetime('2024-03-10 14:30')).toBe('2024-03-10 14:30');
    expect(datetime('2024-03-10T16:30:00+02:00')).toBe('2024-03-10 14:30');
    expect(datetime('2024-03-10T09:30:00-0500')).toBe('2024-03-10 14:30');
    expect(date('2024-03-10')).toBe('2024-03-10');
    expect(datetime(1_710_081_000)).toBe('2024-03-10 14:30');
    expect(datetime(float(1_710_081_000))).toBe('2024-03-10 14:30');
    expect(datetime(1_710_081_000.5, '%S.%f')).toBe('00.500000');
  });

  it('support the Python directives', () => {
    expect(datetime(instant, '%Y %y %m %d %H %I %M %S %f %p')).toBe('2024 24 03 10 14 02 30 05 123000 PM');
    expect(datetime(instant, '%a %A %b %B %j %w %u %Z %z %%')).toBe(
      'Sun Sunday Mar March 070 0 7 UTC +0000 %',
    );
    expect(datetime(instant, '%-d/%-m %-H:%M %e')).toBe('10/3 14:30 10');
    expect(datetime(instant, '%c|%x|%X')).toBe('Sun Mar 10 14:30:05 2024|03/10/24|14:30:05');
    expect(datetime(instant, '%Q stays')).toBe('%Q stays');
    expect(datetime('2024-12-31T00:00:00Z', '%j')).toBe('366');
    expect(datetime('2024-01-01T00:05:00Z', '%I:%M %p')).toBe('12:05 AM');
  });

  it('render any IANA zone with DST, its abbreviation and offset', () => {
    const fmt = '%Y-%m-%d %H:%M %Z %z';
    // New York switched to EDT at 2024-03-10 07:00 UTC.
    expect(datetime('2024-03-10T06:59:00Z', fmt, 'America/New_York')).toBe('2024-03-10 01:59 EST -0500');
    expect(datetime('2024-03-10T07:00:00Z', fmt, 'America/New_York')).toBe('2024-03-10 03:00 EDT -0400');
    expect(datetime('2024-07-01T12:00:00Z', fmt, 'Asia/Kolkata')).toBe('2024-07-01 17:30 +0530 +0530');
    expect(datetime('2024-07-01T12:00:00Z', fmt, 'Asia/Tokyo')).toBe('2024-07-01 21:00 +09 +0900');
    expect(datetime('2024-07-01T12:00:00Z', fmt, 'Europe/London')).toBe('2024-07-01 13:00 +01 +0100');
    expect(datetime('2024-01-01T12:00:00Z', fmt, 'Europe/London')).toBe('2024-01-01 12:00 GMT +0000');
    expect(date('2024-03-10T23:30:00Z', '%Y-%m-%d %a', 'Asia/Tokyo')).toBe('2024-03-11 Mon');
    expect(time('2024-03-10T14:30:00Z', '%H:%M', 'America/Los_Angeles')).toBe('07:30');
  });

  it('take keyword-style defaults for None', () => {
    expect(datetime(instant, null, null)).toBe('2024-03-10 14:30');
  });

  it('print nothing for None, and refuse what is not a date', () => {
    expect(date(null)).toBe('');
    expect(datetime(missing)).toBe('');
    expect(() => date('yesterday')).toThrow(/expected a date, an ISO 8601 string .* got str 'yesterday'/);
    expect(() => date('2024-02-30')).toThrow(TypeError);
    expect(() => date('2024-03-10T25:00')).toThrow(TypeError);
    expect(() => date(true)).toThrow(/got bool True/);
    expect(() => date(new Date(Number.NaN))).toThrow(/invalid date/);
    expect(() => date(1_710_081_000_000)).toThrow(/milliseconds\? divide by 1000/);
    expect(() => date(instant, '%Y', 'Mars/Olympus')).toThrow(/unknown time zone 'Mars\/Olympus'/);
    expect(() => date(instant, 5)).toThrow(/format must be a string/);
  });
});

describe('timeago', () => {
  const ref = '2024-03-10T12:00:00Z';
  const at = (offsetSeconds: number) => new Date(Date.parse(ref) + offsetSeconds * 1000);

  it.each([
    [0, 'just now'],
    [-44, 'just now'],
    [44, 'just now'],
    [-60, '1 minute ago'],
    [-300, '5 minutes ago'],
    [300, 'in 5 minutes'],
    [-50 * 60, '1 hour ago'],
    [-3 * 3600, '3 hours ago'],
    [3 * 3600, 'in 3 hours'],
    [-24 * 3600, 'yesterday'],
    [24 * 3600, 'tomorrow'],
    [-2 * 86_400, '2 days ago'],
    [-30 * 86_400, '1 month ago'],
    [-90 * 86_400, '3 months ago'],
    [-400 * 86_400, '1 year ago'],
    [-3 * 365 * 86_400, '3 years ago'],
  ])('%i s → %s', (offset, expected) => {
    expect(timeago(at(offset), ref)).toBe(expected);
  });

  it('measures against the current time when no `now` is given', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(ref));
    expect(timeago('2024-03-10T11:55:00Z')).toBe('5 minutes ago');
    expect(timeago(null)).toBe('');
  });
});

describe('duration', () => {
  it.each([
    [[3725], '1h 2m 5s'],
    [[3725, 'long'], '1 hour, 2 minutes, 5 seconds'],
    [[3725, 'clock'], '1:02:05'],
    [[0], '0s'],
    [[0, 'long'], '0 seconds'],
    [[0, 'clock'], '0:00:00'],
    [[3600], '1h'],
    [[3601, 'long'], '1 hour, 1 second'],
    [[90_061], '1d 1h 1m 1s'],
    [[172_800, 'long'], '2 days'],
    [[93_725, 'clock'], '26:02:05'],
    [[59.6], '1m'],
    [[-90], '-1m 30s'],
    [[null], ''],
  ] as [unknown[], string][])('duration(%j) → %s', (args, expected) => {
    expect(duration(...(args as [unknown]))).toBe(expected);
  });

  it('refuses unknown styles', () => {
    expect(() => duration(1, 'medium')).toThrow(/style must be one of 'short', 'long', 'clock'/);
  });
});

describe('now and today', () => {
  it('now() is the current instant; an unknown zone fails early', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-03-10T14:30:00Z'));
    expect(now().toISOString()).toBe('2024-03-10T14:30:00.000Z');
    expect(now('America/New_York').toISOString()).toBe('2024-03-10T14:30:00.000Z');
    expect(() => now('Nowhere/City')).toThrow(/unknown time zone/);
  });

  it("today() is 00:00 of the zone's current day", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-03-10T02:30:00Z'));
    expect(today().toISOString()).toBe('2024-03-10T00:00:00.000Z');
    // Still the 9th in New York (EST, UTC-5).
    expect(today('America/New_York').toISOString()).toBe('2024-03-09T05:00:00.000Z');
    expect(today('Asia/Tokyo').toISOString()).toBe('2024-03-09T15:00:00.000Z');
  });

  it('startOfDay handles days whose midnight a DST change skips', () => {
    // Chile moved its clocks from 24:00 to 01:00 on 2024-09-08: the day began at 04:00 UTC.
    expect(startOfDay(new Date('2024-09-08T12:00:00Z'), 'America/Santiago').toISOString()).toBe(
      '2024-09-08T04:00:00.000Z',
    );
    expect(startOfDay(new Date('2024-11-03T12:00:00Z'), 'America/New_York').toISOString()).toBe(
      '2024-11-03T04:00:00.000Z',
    );
  });
});

describe('date helpers', () => {
  it('parse ISO text without an offset as UTC, whatever the machine zone', () => {
    expect(parseIsoDate('2024-03-10T14:30')?.toISOString()).toBe('2024-03-10T14:30:00.000Z');
    expect(parseIsoDate('2024-03-10T14:30:00.123456Z')?.toISOString()).toBe('2024-03-10T14:30:00.123Z');
    expect(parseIsoDate('2024-03-10T14:30+05:30')?.toISOString()).toBe('2024-03-10T09:00:00.000Z');
    expect(parseIsoDate('10/03/2024')).toBeNull();
    expect(parseIsoDate('2023-02-29')).toBeNull();
    expect(parseIsoDate('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('zonedTime reads the wall clock and offset', () => {
    const z = zonedTime(new Date('2024-01-15T12:00:00Z'), 'Asia/Kathmandu');
    expect([z.hour, z.minute, z.offsetMinutes, z.abbreviation]).toEqual([17, 45, 345, '+0545']);
    expect(toDate(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
  });

  it('strftime keeps its two-argument UTC behaviour', () => {
    expect(strftime(new Date('2024-03-10T14:30:00Z'), '%Y-%m-%d %H:%M %Z')).toBe('2024-03-10 14:30 UTC');
  });
});

describe('through the engine', () => {
  const env = createEnvironment();
  const render = (source: string, context: Record<string, unknown> = {}) =>
    env.fromString(source).render(context);

  it.each([
    ['{{ 0.1234 | percent }}', '12.34%'],
    ['{{ 12.3 | percent(1, False) }}', '12.3%'],
    ['{{ 12.3 | percent(multiply=False) }}', '12.30%'],
    ['{{ 1234.5 | currency }}', '$1,234.50'],
    ["{{ 1234.5 | currency(code='EUR') }}", '€1,234.50'],
    ["{{ 1234.5 | currency('JPY') }}", '¥1,235'],
    ["{{ 1234.5 | currency(decimals=0, code='GBP') }}", '£1,235'],
    ['{{ 1234567.891 | number(2) }}', '1,234,567.89'],
    ['{{ 1234567.891 | number(grouping=False) }}', '1234567.891'],
    ['{{ 1.5 | signed }}', '+1.5'],
    ['{{ 3_400_000 | compact }}', '3.4M'],
    ['{{ 5e12 | compact }}', '5T'],
    ['{{ 0.0125 | bps }}', '125 bps'],
    ['{{ 101.37 | price(0.25) }}', '101.25'],
    ['{{ 3150.1 | price(decimals=2) }}', '3150.10'],
    ['{{ 101.37 | round_to(0.25) }}', '101.25'],
    ['{{ 101.6 | round_to(1) }}', '102.0'],
    ['{{ 110 | pct_change(100) }}', '+10.00%'],
    ['{{ 110 | pct_change(reference=100, decimals=1) }}', '+10.0%'],
    ['{{ 105.5 | abs_change(100) }}', '+5.5'],
    ['{{ -0.3 | trend_arrow(threshold=0.5) }}', '→'],
    ['{{ 150 | clamp(0, 100) }}', '100'],
    ['{{ 150 | clamp(high=100) }}', '100'],
    ['{{ 22 | ordinal }}', '22nd'],
    ['{{ n }} trade{{ n | pluralize }}', '3 trades'],
    ["{{ n }} strateg{{ n | pluralize('y', 'ies') }}", '3 strategies'],
    ["{{ n }} box{{ n | pluralize(plural='es') }}", '3 boxes'],
    ['{{ 100 | risk_reward(95, 112.5) }}', '1:2.50'],
    ['{{ 100 | r_multiple(stop=95, exit=110) }}', '+2.00R'],
    ["{{ 'sell' | fmt_side }}", 'SHORT'],
    ['{{ ts | date }}', '2024-03-10'],
    ["{{ ts | datetime('%d %b %Y %H:%M %Z', 'America/New_York') }}", '10 Mar 2024 10:30 EDT'],
    ["{{ ts | time(tz='Asia/Tokyo') }}", '23:30'],
    ["{{ '2024-03-10T14:25:00Z' | timeago(now=ts) }}", '5 minutes ago'],
    ["{{ 3725 | duration('long') }}", '1 hour, 2 minutes, 5 seconds'],
    ['{{ missing | percent }}|{{ none | currency }}', '|'],
    ["{{ missing | percent | default('n/a', true) }}", 'n/a'],
  ])('%s → %s', (source, expected) => {
    expect(render(source, { n: 3, ts: new Date('2024-03-10T14:30:00Z') })).toBe(expected);
  });

  it('has now() and today() globals that the date filters format', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-03-10T14:30:00Z'));
    expect(render('{{ now() | datetime }}')).toBe('2024-03-10 14:30');
    expect(render("{{ now() | datetime('%H:%M %Z', 'America/New_York') }}")).toBe('10:30 EDT');
    expect(render('{{ today() | datetime }}')).toBe('2024-03-10 00:00');
    expect(render("{{ today('Asia/Tokyo') | datetime(tz='Asia/Tokyo') }}")).toBe('2024-03-10 00:00');
  });

  it('turns a bad value into a runtime error naming the filter and its position', () => {
    let error: TemplateError | undefined;
    try {
      render("line one\n  {{ 'abc' | percent }}");
    } catch (e) {
      error = e as TemplateError;
    }
    expect(error?.type).toBe('runtime');
    expect(error?.message).toBe("percent: value must be a number, got str 'abc'");
    expect(error?.line).toBe(2);
    expect(error?.column).toBeGreaterThan(0);
  });

  it.each([
    ["{{ 1 | currency(code='not a code') }}", /currency: code must be a currency code/],
    ['{{ 1 | percent(places=2) }}', /percent\(\) got an unexpected keyword argument 'places'/],
    ["{{ ts | date(tz='Mars/Base') }}", /date: unknown time zone 'Mars\/Base'/],
    ["{{ 1 | duration('soon') }}", /duration: style must be one of/],
    ['{{ 110 | pct_change }}', /pct_change: missing required argument 'reference'/],
    ['{{ 100 | risk_reward(95) }}', /risk_reward: missing required argument 'target'/],
    ['{{ 1 | round_to }}', /round_to: missing required argument 'step'/],
  ])('%s fails with %s', (source, message) => {
    expect(() => render(source, { ts: new Date(0) })).toThrow(message);
  });

  it('keeps a StrictUndefined strict', () => {
    const strict = createEnvironment({ undefined: 'strict' });
    expect(() => strict.fromString('{{ missing | percent }}').render({})).toThrow(/'missing' is undefined/);
  });

  it('validates templates that use every trading filter', () => {
    const source = Object.keys(TRADING_FILTERS)
      .map((name) => `{{ x | ${name} }}`)
      .join('');
    expect(validateTemplate(source)).toEqual([]);
    expect(validateTemplate('{{ x | no_such_filter }}')).not.toEqual([]);
  });

  it('lets stored prompts use {% break %} and {% continue %} (Jinja2 loopcontrols)', () => {
    const source =
      '{% for m in messages %}{% if m.skip %}{% continue %}{% endif %}{{ m.text }}{% if loop.index >= 2 %}{% break %}{% endif %}{% endfor %}';
    expect(validateTemplate(source)).toEqual([]);
    const messages = [
      { text: 'a', skip: false },
      { text: 'b', skip: true },
      { text: 'c', skip: false },
      { text: 'd', skip: false },
    ];
    expect(createEnvironment().fromString(source).render({ messages })).toBe('ac');
    expect(createEnvironment({ undefined: 'strict' }).fromString(source).render({ messages })).toBe('ac');
    expect(validateTemplate('{% break %}')).toEqual([
      { message: "'break' outside loop", line: 1, column: 4 },
    ]);
  });
});

describe('docs/filters.md', () => {
  const docs = fs.readFileSync(new URL('../docs/filters.md', import.meta.url), 'utf8');

  it('has a section for every filter and global', () => {
    const headings = [...docs.matchAll(/^## `([a-z_]+)/gm)].map((m) => m[1]);
    expect(headings.sort()).toEqual(
      [...Object.keys(TRADING_FILTERS), ...Object.keys(TRADING_GLOBALS)].sort(),
    );
  });

  it('shows examples that render as documented', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-03-10T14:30:00Z'));
    const env = createEnvironment();
    const context = { ts: new Date('2024-03-10T14:30:00Z'), n: 3, trades: [1, 2], missing_value: null };
    const examples = [...docs.matchAll(/^(\{\{.*?\}\}.*?) +→ (.*)$/gm)];
    expect(examples.length).toBeGreaterThanOrEqual(2 * Object.keys(TRADING_FILTERS).length);
    for (const [, source, expected] of examples) {
      const output = env.fromString(source!).render(context);
      expect(`${source} → ${output}`).toBe(`${source} → ${expected === '(empty)' ? '' : expected}`);
    }
  });

  it('has at least two examples per filter', () => {
    for (const name of Object.keys(TRADING_FILTERS)) {
      const section = docs.split(/^## /m).find((s) => s.startsWith(`\`${name}`)) ?? '';
      const count = [...section.matchAll(/^\{\{.*→/gm)].length;
      expect(`${name}: ${count >= 2}`).toBe(`${name}: true`);
    }
  });
});
