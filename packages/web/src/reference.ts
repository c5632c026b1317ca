/**
 * What a prompt author can use: variables the pipeline passes, the trading filters (see
 * packages/server/docs/filters.md) and the Jinja built-ins. One line of docs each, for the
 * reference panel and the completion.
 */
export interface FilterDoc {
  name: string;
  signature: string;
  doc: string;
}

export const KEYWORDS = [
  'if',
  'elif',
  'else',
  'endif',
  'for',
  'endfor',
  'in',
  'set',
  'endset',
  'macro',
  'endmacro',
  'call',
  'endcall',
  'filter',
  'endfilter',
  'include',
  'import',
  'from',
  'extends',
  'block',
  'endblock',
  'with',
  'endwith',
  'raw',
  'endraw',
  'not',
  'and',
  'or',
  'is',
  'recursive',
  'loop',
  'ignore',
  'missing',
  'as',
];

export const JINJA_TESTS = [
  'defined',
  'undefined',
  'none',
  'number',
  'string',
  'mapping',
  'sequence',
  'iterable',
  'even',
  'odd',
  'divisibleby',
  'equalto',
  'sameas',
  'lower',
  'upper',
  'true',
  'false',
  'integer',
  'float',
  'in',
];

export const COMMON_VARIABLES: [string, string][] = [
  ['symbol', 'The instrument, e.g. BTCUSDT'],
  ['current_price', 'Last traded price'],
  ['timeframe', 'Candle timeframe of this analysis, e.g. 4h'],
  ['now', 'The current moment (format with | datetime)'],
  ['today', '00:00 UTC of the current day'],
];

export const INDICATOR_VARIABLES: [string, string][] = [
  ['indicators.rsi', 'Relative strength index (0–100)'],
  ['indicators.atr', 'Average true range, in price units'],
  ['indicators.macd', 'MACD: .value, .signal, .histogram'],
  ['indicators.ma20', '20-period moving average'],
  ['strategy', 'The strategy: .name, .description'],
];

export const variableDocs: Record<string, string> = {
  ...Object.fromEntries(COMMON_VARIABLES),
  indicators: 'Indicator values: rsi, atr, macd{value,signal,histogram}, ma20, ma50, volume…',
  strategy: 'The strategy: .name, .description',
  recent_candles: 'Latest candles: open, high, low, close, volume, time',
  analyses: 'Per-timeframe analyses (consolidation): timeframe, content',
  timeframes: 'Timeframes analysed (consolidation)',
};

export const FILTERS: FilterDoc[] = [
  {
    name: 'percent',
    signature: 'percent(decimals=2, multiply=True)',
    doc: 'A fraction as a percentage: 0.1234 → 12.34%',
  },
  {
    name: 'currency',
    signature: "currency(code='USD', decimals=None)",
    doc: 'Money with its symbol: 1234.5 → $1,234.50',
  },
  {
    name: 'number',
    signature: 'number(decimals=None, grouping=True)',
    doc: 'Thousands separators: 43250.5 → 43,250.5',
  },
  { name: 'signed', signature: 'signed(decimals=None)', doc: 'Always shows the sign: 1.5 → +1.5' },
  { name: 'compact', signature: 'compact(decimals=1)', doc: 'Short large numbers: 1250000 → 1.3M' },
  { name: 'bps', signature: 'bps(decimals=0)', doc: 'A fraction in basis points: 0.0125 → 125 bps' },
  { name: 'price', signature: 'price(tick=None, decimals=None)', doc: 'A price rounded to the tick size' },
  {
    name: 'round_to',
    signature: 'round_to(step)',
    doc: 'Round to the nearest step: 43251 | round_to(50) → 43250',
  },
  {
    name: 'pct_change',
    signature: 'pct_change(reference, decimals=2)',
    doc: 'Change from a reference, in percent',
  },
  {
    name: 'abs_change',
    signature: 'abs_change(reference, decimals=None)',
    doc: 'Change from a reference, signed',
  },
  { name: 'trend_arrow', signature: 'trend_arrow(threshold=0)', doc: '↑, ↓ or → by the sign of a change' },
  { name: 'clamp', signature: 'clamp(low=None, high=None)', doc: 'Keep a value within bounds' },
  { name: 'ordinal', signature: 'ordinal', doc: '1 → 1st, 2 → 2nd, 3 → 3rd' },
  {
    name: 'pluralize',
    signature: "pluralize(singular='', plural='s')",
    doc: 'Suffix by count: {{ n }} trade{{ n | pluralize }}',
  },
  {
    name: 'risk_reward',
    signature: 'risk_reward(stop, target, decimals=2)',
    doc: 'Reward-to-risk ratio of entry, stop, target',
  },
  {
    name: 'r_multiple',
    signature: 'r_multiple(stop, exit, decimals=2)',
    doc: 'Result in R of entry, stop, exit',
  },
  { name: 'fmt_side', signature: 'fmt_side', doc: 'long/short/neutral written out: LONG, SHORT, NEUTRAL' },
  { name: 'date', signature: "date(format='%Y-%m-%d', tz='UTC')", doc: 'A date: now | date → 2024-03-10' },
  {
    name: 'datetime',
    signature: "datetime(format='%Y-%m-%d %H:%M', tz='UTC')",
    doc: 'A date and time in a zone',
  },
  { name: 'time', signature: "time(format='%H:%M', tz='UTC')", doc: 'A time of day' },
  { name: 'timeago', signature: 'timeago(now=None)', doc: 'Relative time: 3 hours ago' },
  { name: 'duration', signature: "duration(style='short')", doc: 'Seconds as 1h 2m 5s (long, clock styles)' },
  { name: 'round', signature: "round(precision=0, method='common')", doc: 'Jinja: round a number' },
  { name: 'upper', signature: 'upper', doc: 'Jinja: upper case' },
  { name: 'lower', signature: 'lower', doc: 'Jinja: lower case' },
  { name: 'title', signature: 'title', doc: 'Jinja: Title Case' },
  { name: 'default', signature: "default(value='', boolean=False)", doc: 'Jinja: a fallback when undefined' },
  { name: 'join', signature: "join(d='', attribute=None)", doc: 'Jinja: join a list into a string' },
  { name: 'length', signature: 'length', doc: 'Jinja: number of items' },
  { name: 'first', signature: 'first', doc: 'Jinja: first item' },
  { name: 'last', signature: 'last', doc: 'Jinja: last item' },
  { name: 'map', signature: "map(attribute='x')", doc: 'Jinja: pick an attribute of each item' },
  {
    name: 'selectattr',
    signature: "selectattr('attr', 'test')",
    doc: 'Jinja: items whose attribute passes a test',
  },
  { name: 'sum', signature: 'sum(attribute=None, start=0)', doc: 'Jinja: total of the items' },
  { name: 'int', signature: 'int', doc: 'Jinja: convert to an integer' },
  { name: 'float', signature: 'float', doc: 'Jinja: convert to a float' },
  { name: 'abs', signature: 'abs', doc: 'Jinja: absolute value' },
  { name: 'tojson', signature: 'tojson(indent=None)', doc: 'Jinja: the value as JSON' },
  { name: 'trim', signature: 'trim', doc: 'Jinja: strip surrounding whitespace' },
  { name: 'truncate', signature: 'truncate(length=255)', doc: 'Jinja: shorten a string' },
];
