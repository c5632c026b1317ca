/** Number formatting for the analytics screens: null shows as an em dash, never as 0. */
const dash = '—';
export const pct = (v: number | null | undefined, d = 1): string =>
  v === null || v === undefined ? dash : `${(v * 100).toFixed(d)}%`;
export const num = (v: number | null | undefined, d = 2): string =>
  v === null || v === undefined ? dash : v.toFixed(d);
export const signed = (v: number | null | undefined, d = 2): string =>
  v === null || v === undefined ? dash : `${v > 0 ? '+' : ''}${v.toFixed(d)}`;
export const money = (v: number | null | undefined): string =>
  v === null || v === undefined
    ? dash
    : `${v < 0 ? '-' : v > 0 ? '+' : ''}$${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
export const pValue = (p: number | null | undefined): string =>
  p === null || p === undefined ? dash : p < 0.001 ? '< 0.001' : p.toFixed(3);
export const interval = (ci: { low: number; high: number } | null, f: (v: number) => string): string =>
  ci ? `${f(ci.low)} to ${f(ci.high)}` : dash;
/** Good, bad or neutral colouring of a result by its sign. */
export const tone = (v: number | null | undefined, neutral = 0): string =>
  v === null || v === undefined ? '' : v > neutral ? 'good' : v < neutral ? 'bad' : '';
export const dateTime = (iso: string): string =>
  `${new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC`;
