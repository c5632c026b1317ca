/** A realistic context for previews, per prompt type, matching what the pipeline passes. */
import type { TemplateType } from './types';

const indicators = {
  rsi: 61.4,
  atr: 812.3,
  macd: { value: 152.7, signal: 118.2, histogram: 34.5 },
  ma20: 42480.2,
  ma50: 41120.8,
  volume: 18342.6,
  volume_avg20: 15110.4,
};
const strategy = {
  name: 'Trend following',
  description: 'Trade pullbacks in the direction of the 4h trend.',
};
const candles = [
  { time: '2024-03-10T04:00:00Z', open: 42810, high: 43120, low: 42650, close: 42990, volume: 1520.4 },
  { time: '2024-03-10T08:00:00Z', open: 42990, high: 43380, low: 42880, close: 43210, volume: 1688.1 },
  { time: '2024-03-10T12:00:00Z', open: 43210, high: 43400, low: 43050, close: 43250.5, volume: 1402.9 },
];

export function sampleContext(type: TemplateType): Record<string, unknown> {
  const base = { symbol: 'BTCUSDT', strategy };
  if (type === 'system_message') return base;
  if (type === 'analysis') {
    return { ...base, timeframe: '4h', current_price: 43250.5, indicators, recent_candles: candles };
  }
  return {
    ...base,
    current_price: 43250.5,
    indicators,
    timeframes: ['1h', '4h', '1d'],
    analyses: [
      { timeframe: '1h', content: 'Bias: long. Higher lows since 04:00, RSI 58, above MA20.' },
      { timeframe: '4h', content: 'Bias: long. Pullback to MA20 held; MACD histogram rising.' },
      { timeframe: '1d', content: 'Bias: neutral. Range 41,000–44,000; volume above average.' },
    ],
  };
}
