/**
 * THE HEURISTIC PROVIDER IS NOT AN LLM. It never reads the rendered prompt text and never calls
 * anything. It reads the structured inputs the prompts were rendered from (`request.context`) and
 * applies fixed, documented rules (docs/llm.md) so that the whole signal pipeline runs on a fresh
 * machine with no key and no network, and so that tests have a deterministic "model". Its signals
 * are labelled provider 'heuristic', model 'heuristic-v1' wherever they are recorded.
 */
import { elapsedMs } from './settings.js';
import type { CompletionRequest, CompletionResult, LlmProvider } from './types.js';

export const HEURISTIC_MODEL = 'heuristic-v1';

export type Bias = 'long' | 'short' | 'no_trade';

export interface HeuristicAnalysis {
  timeframe: string | null;
  trend: 'up' | 'down' | 'sideways';
  momentum: 'bullish' | 'bearish' | 'neutral';
  levels: { support: number | null; resistance: number | null };
  bias: Bias;
  confidence: number;
  notes: string;
}

export interface HeuristicSignal {
  direction: Bias;
  entry_price: number | null;
  stop_loss: number | null;
  take_profit: number | null;
  confidence: number;
  rationale: string;
}

/** Stop distance in ATRs, and take-profit distance as a multiple of that risk. */
export const STOP_ATR_MULTIPLE = 1.5;
export const REWARD_RISK = 2;

export class HeuristicProvider implements LlmProvider {
  readonly name = 'heuristic' as const;

  async complete(req: CompletionRequest): Promise<CompletionResult> {
    const start = performance.now();
    const context = req.context ?? {};
    const answer = req.purpose === 'analysis' ? analyse(context) : consolidate(context);
    return {
      text: JSON.stringify(answer),
      provider: this.name,
      model: HEURISTIC_MODEL,
      latency_ms: elapsedMs(start),
      prompt_tokens: null,
      completion_tokens: null,
      attempts: 1,
    };
  }
}

interface Readings {
  price: number | undefined;
  rsi: number | undefined;
  atr: number | undefined;
  histogram: number | undefined;
  ma20: number | undefined;
  ma50: number | undefined;
}

/** -1 down, 0 no opinion or unknown, +1 up — one vote per indicator family. */
interface Votes {
  trend: -1 | 0 | 1;
  rsi: -1 | 0 | 1;
  macd: -1 | 0 | 1;
}

export function readings(context: Record<string, unknown>): Readings {
  const ind = record(context.indicators);
  return {
    price: positive(context.current_price),
    rsi: finite(ind.rsi),
    atr: positive(ind.atr),
    histogram: finite(record(ind.macd).histogram),
    ma20: positive(ind.ma20),
    ma50: positive(ind.ma50),
  };
}

function votes(r: Readings): Votes {
  const { price, ma20, ma50, rsi, histogram } = r;
  let trend: Votes['trend'] = 0;
  if (price !== undefined && ma20 !== undefined && ma50 !== undefined) {
    if (price > ma20 && ma20 > ma50) trend = 1;
    else if (price < ma20 && ma20 < ma50) trend = -1;
  }
  const rsiVote = rsi === undefined ? 0 : rsi > 55 ? 1 : rsi < 45 ? -1 : 0;
  const macd = histogram === undefined ? 0 : (Math.sign(histogram) as -1 | 0 | 1);
  return { trend, rsi: rsiVote, macd };
}

/** Long when at least two of trend, RSI and MACD point up and none down; short mirrored. */
function biasOf(v: Votes): { bias: Bias; agreeing: number } {
  const all = [v.trend, v.rsi, v.macd];
  const up = all.filter((x) => x === 1).length;
  const down = all.filter((x) => x === -1).length;
  if (up >= 2 && down === 0) return { bias: 'long', agreeing: up };
  if (down >= 2 && up === 0) return { bias: 'short', agreeing: down };
  return { bias: 'no_trade', agreeing: 0 };
}

/** The per-timeframe analysis. */
export function analyse(context: Record<string, unknown>): HeuristicAnalysis {
  const r = readings(context);
  const v = votes(r);
  const { bias, agreeing } = biasOf(v);
  const momentumScore = v.rsi + v.macd;
  const notes: string[] = ['Heuristic rules, not an LLM.'];
  if (v.trend === 1) notes.push('Price above MA20 above MA50.');
  else if (v.trend === -1) notes.push('Price below MA20 below MA50.');
  else
    notes.push(
      r.ma20 === undefined || r.ma50 === undefined ? 'Moving averages missing.' : 'Averages not aligned.',
    );
  if (r.rsi !== undefined)
    notes.push(`RSI ${round(r.rsi, 1)}${r.rsi >= 70 ? ' (overbought)' : r.rsi <= 30 ? ' (oversold)' : ''}.`);
  if (r.histogram !== undefined)
    notes.push(`MACD histogram ${r.histogram > 0 ? 'positive' : r.histogram < 0 ? 'negative' : 'flat'}.`);
  const stretched = (bias === 'long' && (r.rsi ?? 0) >= 70) || (bias === 'short' && (r.rsi ?? 100) <= 30);
  return {
    timeframe: typeof context.timeframe === 'string' ? context.timeframe : null,
    trend: v.trend === 1 ? 'up' : v.trend === -1 ? 'down' : 'sideways',
    momentum: momentumScore > 0 ? 'bullish' : momentumScore < 0 ? 'bearish' : 'neutral',
    levels: levels(r),
    bias,
    // 0.7 with two indicators agreeing, 0.8 with three, 0.1 less when RSI is already stretched.
    confidence: bias === 'no_trade' ? 0 : round(0.5 + 0.1 * agreeing - (stretched ? 0.1 : 0), 2),
    notes: notes.join(' '),
  };
}

/** Nearest moving average on each side of price, else one ATR away, else unknown. */
function levels(r: Readings): HeuristicAnalysis['levels'] {
  const { price, atr } = r;
  if (price === undefined) return { support: null, resistance: null };
  const mas = [r.ma20, r.ma50].filter((x): x is number => x !== undefined);
  const below = mas.filter((m) => m < price);
  const above = mas.filter((m) => m > price);
  const support = below.length ? Math.max(...below) : atr !== undefined ? price - atr : null;
  const resistance = above.length ? Math.min(...above) : atr !== undefined ? price + atr : null;
  return {
    support: support === null ? null : round(support, 8),
    resistance: resistance === null ? null : round(resistance, 8),
  };
}

/**
 * The trade decision. With analyses: long when the bullish ones are a majority and none is
 * bearish, short mirrored, otherwise no_trade. Without analyses: the indicator rules above. A
 * trade also needs current_price and indicators.atr, for the 1.5-ATR stop and 2R target.
 */
export function consolidate(context: Record<string, unknown>): HeuristicSignal {
  const r = readings(context);
  const analyses = Array.isArray(context.analyses) ? context.analyses : [];
  let direction: Bias;
  let confidence: number;
  let why: string;
  if (analyses.length > 0) {
    const read = analyses.map(readAnalysis);
    const longs = read.filter((a) => a.bias === 'long');
    const shorts = read.filter((a) => a.bias === 'short');
    const agreeing = longs.length > 0 ? longs : shorts;
    const dir: Bias =
      longs.length * 2 > read.length && shorts.length === 0
        ? 'long'
        : shorts.length * 2 > read.length && longs.length === 0
          ? 'short'
          : 'no_trade';
    direction = dir;
    const mean = agreeing.reduce((sum, a) => sum + (a.confidence ?? 0.5), 0) / Math.max(1, agreeing.length);
    confidence = round((mean * agreeing.length) / read.length, 2);
    why = `${longs.length} of ${read.length} timeframe analyses long, ${shorts.length} short${
      dir === 'no_trade' ? ': no agreement' : ''
    }.`;
  } else {
    const a = analyse(context);
    direction = a.bias;
    confidence = a.confidence;
    why = `No analyses; indicators say ${a.bias} (trend ${a.trend}, momentum ${a.momentum}).`;
  }
  if (direction !== 'no_trade' && (r.price === undefined || r.atr === undefined)) {
    return noTrade(`${why} No trade: current price or ATR missing, so no stop can be placed.`);
  }
  if (direction === 'no_trade' || r.price === undefined || r.atr === undefined) return noTrade(why);
  const risk = STOP_ATR_MULTIPLE * r.atr;
  const sign = direction === 'long' ? 1 : -1;
  return {
    direction,
    entry_price: round(r.price, 8),
    stop_loss: round(r.price - sign * risk, 8),
    take_profit: round(r.price + sign * REWARD_RISK * risk, 8),
    confidence,
    rationale: `Heuristic rules, not an LLM. ${why} Stop ${STOP_ATR_MULTIPLE} ATR from entry, target ${REWARD_RISK}x risk.`,
  };
}

function noTrade(why: string): HeuristicSignal {
  return {
    direction: 'no_trade',
    entry_price: null,
    stop_loss: null,
    take_profit: null,
    confidence: 0,
    rationale: `Heuristic rules, not an LLM. ${why}`,
  };
}

/** An analysis's bias and confidence from its JSON text (or object); unreadable ones count as no opinion. */
function readAnalysis(item: unknown): { bias: Bias; confidence: number | undefined } {
  let content = record(item).content;
  if (typeof content === 'string') {
    try {
      content = JSON.parse(content);
    } catch {
      return { bias: 'no_trade', confidence: undefined };
    }
  }
  const a = record(content);
  const raw = typeof a.bias === 'string' ? a.bias.trim().toLowerCase() : '';
  const bias: Bias = ['long', 'bullish', 'buy'].includes(raw)
    ? 'long'
    : ['short', 'bearish', 'sell'].includes(raw)
      ? 'short'
      : 'no_trade';
  const c = finite(a.confidence);
  return { bias, confidence: c !== undefined && c >= 0 && c <= 1 ? c : undefined };
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Numbers may arrive as numeric strings when the context came through JSON from elsewhere. */
function finite(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

function positive(v: unknown): number | undefined {
  const n = finite(v);
  return n !== undefined && n > 0 ? n : undefined;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
