import { describe, expect, it } from 'vitest';
import { type HeuristicAnalysis, HeuristicProvider, type HeuristicSignal } from '../../src/llm/heuristic.js';
import type { CompletionRequest } from '../../src/llm/types.js';

const heuristic = new HeuristicProvider();

const up = {
  current_price: 100,
  timeframe: '4h',
  indicators: { rsi: 62, atr: 2, macd: { value: 1, signal: 0.5, histogram: 0.5 }, ma20: 98, ma50: 95 },
};
const down = {
  current_price: 100,
  timeframe: '1h',
  indicators: { rsi: 38, atr: 2, macd: { histogram: -0.4 }, ma20: 102, ma50: 105 },
};
/** Trend and RSI up, MACD down. */
const mixed = {
  current_price: 100,
  indicators: { rsi: 62, atr: 2, macd: { histogram: -0.3 }, ma20: 98, ma50: 95 },
};

function req(purpose: CompletionRequest['purpose'], context?: Record<string, unknown>): CompletionRequest {
  return {
    purpose,
    messages: [{ role: 'user', content: 'ignored' }],
    settings: { model: 'gpt-4o' },
    ...(context ? { context } : {}),
  };
}

async function analysis(context: Record<string, unknown>): Promise<HeuristicAnalysis> {
  return JSON.parse((await heuristic.complete(req('analysis', context))).text);
}
async function signal(context: Record<string, unknown>): Promise<HeuristicSignal> {
  return JSON.parse((await heuristic.complete(req('consolidation', context))).text);
}
const analysisOf = (bias: string, confidence = 0.6, timeframe = '1h') => ({
  timeframe,
  content: JSON.stringify({ timeframe, trend: 'up', bias, confidence }),
});

describe('heuristic provider (not an LLM)', () => {
  it('labels itself and reports no tokens, whatever model the prompt asked for', async () => {
    const result = await heuristic.complete(req('analysis', up));
    expect(result).toMatchObject({
      provider: 'heuristic',
      model: 'heuristic-v1',
      prompt_tokens: null,
      completion_tokens: null,
      attempts: 1,
    });
    expect(result.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('is deterministic and reads the context, not the rendered messages', async () => {
    const a = await heuristic.complete(req('analysis', up));
    const b = await heuristic.complete({
      ...req('analysis', up),
      messages: [{ role: 'user', content: 'something else' }],
    });
    expect(b.text).toBe(a.text);
  });

  it('analyses an uptrend as long', async () => {
    expect(await analysis(up)).toEqual({
      timeframe: '4h',
      trend: 'up',
      momentum: 'bullish',
      levels: { support: 98, resistance: 102 },
      bias: 'long',
      confidence: 0.8,
      notes: 'Heuristic rules, not an LLM. Price above MA20 above MA50. RSI 62. MACD histogram positive.',
    });
  });

  it('analyses a downtrend as short', async () => {
    const a = await analysis(down);
    expect(a).toMatchObject({ trend: 'down', momentum: 'bearish', bias: 'short', confidence: 0.8 });
    expect(a.levels).toEqual({ support: 98, resistance: 102 });
  });

  it('answers no_trade when the indicators disagree', async () => {
    const a = await analysis(mixed);
    expect(a).toMatchObject({ trend: 'up', momentum: 'neutral', bias: 'no_trade', confidence: 0 });
  });

  it('lowers confidence when RSI is already overbought', async () => {
    const a = await analysis({ ...up, indicators: { ...up.indicators, rsi: 75 } });
    expect(a.bias).toBe('long');
    expect(a.confidence).toBe(0.7);
    expect(a.notes).toContain('RSI 75 (overbought)');
  });

  it('still answers well-formed JSON with no context at all', async () => {
    const result = await heuristic.complete(req('analysis'));
    expect(JSON.parse(result.text)).toEqual({
      timeframe: null,
      trend: 'sideways',
      momentum: 'neutral',
      levels: { support: null, resistance: null },
      bias: 'no_trade',
      confidence: 0,
      notes: 'Heuristic rules, not an LLM. Moving averages missing.',
    });
  });

  it('goes long when the analyses agree, with the stop 1.5 ATR below and the target at 2R', async () => {
    const s = await signal({
      current_price: 100,
      indicators: { atr: 2 },
      analyses: [analysisOf('long', 0.8), analysisOf('long', 0.6, '4h')],
    });
    expect(s).toMatchObject({
      direction: 'long',
      entry_price: 100,
      stop_loss: 97,
      take_profit: 106,
      confidence: 0.7,
    });
    expect(s.stop_loss!).toBeLessThan(s.entry_price!);
    expect(s.take_profit! - s.entry_price!).toBeCloseTo(2 * (s.entry_price! - s.stop_loss!), 10);
    expect(s.rationale).toContain('2 of 2 timeframe analyses long');
  });

  it('goes short when the analyses agree, with the stop above entry and the target below', async () => {
    const s = await signal({
      current_price: 1.0845,
      indicators: { atr: 0.0012 },
      analyses: [analysisOf('short'), analysisOf('bearish')],
    });
    expect(s.direction).toBe('short');
    expect(s.stop_loss).toBe(1.0863);
    expect(s.take_profit).toBe(1.0809);
    expect(s.stop_loss!).toBeGreaterThan(s.entry_price!);
    expect(s.take_profit!).toBeLessThan(s.entry_price!);
  });

  it.each([
    ['long and short analyses', [analysisOf('long'), analysisOf('short')]],
    ['a long minority among no-trades', [analysisOf('long'), analysisOf('no_trade'), analysisOf('no_trade')]],
    [
      'unreadable analyses',
      [
        { timeframe: '1h', content: 'not json' },
        { timeframe: '4h', content: '{"bias": 3}' },
      ],
    ],
  ])('answers no_trade for %s', async (_label, analyses) => {
    const s = await signal({ current_price: 100, indicators: { atr: 2 }, analyses });
    expect(s).toMatchObject({
      direction: 'no_trade',
      entry_price: null,
      stop_loss: null,
      take_profit: null,
      confidence: 0,
    });
  });

  it('answers no_trade when price or ATR is missing, even if the analyses agree', async () => {
    const agreeing = [analysisOf('long'), analysisOf('long')];
    const noAtr = await signal({ current_price: 100, analyses: agreeing });
    const noPrice = await signal({ indicators: { atr: 2 }, analyses: agreeing });
    for (const s of [noAtr, noPrice]) {
      expect(s.direction).toBe('no_trade');
      expect(s.rationale).toContain('current price or ATR missing');
    }
  });

  it('decides from the indicators when there are no analyses', async () => {
    expect(await signal(up)).toMatchObject({
      direction: 'long',
      entry_price: 100,
      stop_loss: 97,
      take_profit: 106,
      confidence: 0.8,
    });
    expect(await signal(down)).toMatchObject({ direction: 'short', stop_loss: 103, take_profit: 94 });
    expect((await signal(mixed)).direction).toBe('no_trade');
  });

  it('reads numbers given as strings', async () => {
    const s = await signal({
      current_price: '100',
      indicators: { rsi: '62', atr: '2', macd: { histogram: '0.5' }, ma20: '98', ma50: '95' },
    });
    expect(s).toMatchObject({ direction: 'long', stop_loss: 97 });
  });
});
