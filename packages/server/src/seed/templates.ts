/**
 * The seed's three global prompts. They are real prompts, not placeholders: a fresh install can
 * generate signals with them, and they show new users the variables and filters they can use.
 *
 * Variables the pipeline supplies: symbol, timeframe, current_price, indicators (rsi, atr, macd
 * {value, signal, histogram}, ma20, ma50, volume, volume_avg20), recent_candles, strategy {name,
 * description}, analyses (consolidation only), and the globals now() and today().
 */
import type { ModelConfig, TemplateType } from '../db/schema.js';

export interface SeedPrompt {
  name: string;
  description: string;
  template_type: TemplateType;
  model_config: ModelConfig;
  template_content: string;
}

export const SEED_STRATEGY = {
  name: 'Trend Following',
  description:
    'Example strategy: trades pullbacks in the direction of the prevailing trend (price above the 20- and 50-period averages), stop beyond 1.5 ATR.',
};

const systemMessage = `You are a disciplined quantitative trading analyst{% if strategy %} working for the "{{ strategy.name }}" strategy{% endif %}.
{% if strategy and strategy.description %}
Strategy brief: {{ strategy.description }}
{% endif %}
Rules you always follow:
- Base every conclusion on the data you are given; never invent prices or indicator values.
- Prefer no trade over a weak trade: recommend a trade only when trend, momentum and risk agree.
- Every trade has an entry, a stop loss and a take profit; the stop is on the correct side of entry
  (below it for a long, above it for a short) and the reward is at least 1.5 times the risk.
- Confidence is a number from 0 to 1 that reflects how much of the evidence agrees.
- Answer in the JSON format you are asked for, with no text outside it.

Current time: {{ now() | datetime('%Y-%m-%d %H:%M') }} UTC.`;

const analysis = `{#- Per-timeframe market analysis. One call per timeframe; the answers feed the consolidation prompt. -#}
Analyse {{ symbol | upper }} on the {{ timeframe }} timeframe{% if strategy %} for the "{{ strategy.name }}" strategy{% endif %}.

## Market snapshot
- Last price: {{ current_price | round(4) }}
{%- if indicators is defined %}
{%- set ind = indicators %}
{%- if ind.rsi is defined %}
- RSI(14): {{ ind.rsi | round(1) }}
  {%- if ind.rsi >= 70 %} (overbought)
  {%- elif ind.rsi <= 30 %} (oversold)
  {%- else %} (neutral){% endif %}
{%- endif %}
{%- if ind.atr is defined %}
- ATR(14): {{ ind.atr | round(4) }} ({{ (ind.atr / current_price * 100) | round(2) }}% of price)
{%- endif %}
{%- if ind.macd is defined %}
- MACD: {{ ind.macd.value | round(4) }} vs signal {{ ind.macd.signal | round(4) }}, histogram {{ ind.macd.histogram | round(4) }}
  {%- if ind.macd.histogram > 0 %} (bullish momentum){% else %} (bearish momentum){% endif %}
{%- endif %}
{%- if ind.ma20 is defined %}
- MA20: {{ ind.ma20 | round(4) }} (price is {{ 'above' if current_price > ind.ma20 else 'below' }} it)
{%- endif %}
{%- if ind.ma50 is defined %}
- MA50: {{ ind.ma50 | round(4) }} (price is {{ 'above' if current_price > ind.ma50 else 'below' }} it)
{%- endif %}
{%- if ind.volume is defined and ind.volume_avg20 is defined and ind.volume_avg20 > 0 %}
- Volume: {{ ind.volume }} ({{ (ind.volume / ind.volume_avg20) | round(2) }}x the 20-period average)
{%- endif %}
{%- endif %}
{%- if recent_candles is defined and recent_candles %}

## Last {{ recent_candles | length }} candles (oldest first)
| time | open | high | low | close |
|---|---|---|---|---|
{%- for c in recent_candles %}
| {{ c.time }} | {{ c.open }} | {{ c.high }} | {{ c.low }} | {{ c.close }} |
{%- endfor %}
{%- endif %}

## Task
1. Classify the trend (up, down or sideways) and say which of the figures above show it.
2. Judge momentum and whether price is stretched (RSI, MACD histogram, distance from MA20 in ATRs).
3. Name the nearest support and resistance you can infer from the data.
4. Give a bias: long, short or no trade, with a confidence between 0 and 1.

Answer as JSON: {"timeframe": "{{ timeframe }}", "trend": "...", "momentum": "...", "levels": {"support": 0, "resistance": 0}, "bias": "long|short|no_trade", "confidence": 0.0, "notes": "..."}`;

const consolidation = `{#- Combines the per-timeframe analyses into one trade decision. -#}
You have analysed {{ symbol | upper }} on {{ analyses | length }} timeframe{{ 's' if analyses | length != 1 }}. Combine them into one decision{% if strategy %} for the "{{ strategy.name }}" strategy{% endif %}.

Last price: {{ current_price | round(4) }}{% if indicators is defined and indicators.atr is defined %}; ATR(14): {{ indicators.atr | round(4) }}{% endif %}
{% for a in analyses %}
### {{ a.timeframe }}
{{ a.content | trim }}
{% endfor %}
Decide:
- Trade only when the higher timeframes agree with the lower ones; otherwise answer no_trade.
- For a long, the stop goes below entry; for a short, above entry. Place it beyond the nearest level,
  at least 1 ATR away, and set the take profit at no less than 1.5 times the risk.
- Confidence reflects how many timeframes agree and how strong the evidence is.

Answer only with JSON:
{"direction": "long|short|no_trade", "entry_price": 0.0, "stop_loss": 0.0, "take_profit": 0.0, "confidence": 0.0, "rationale": "one or two sentences"}`;

export const SEED_PROMPTS: SeedPrompt[] = [
  {
    name: 'Default system message',
    description: 'Sets the analyst persona, the risk rules and the answer discipline for every call.',
    template_type: 'system_message',
    model_config: { temperature: 0.2 },
    template_content: systemMessage,
  },
  {
    name: 'Default market analysis',
    description:
      'Per-timeframe analysis of price, RSI, ATR, MACD, moving averages, volume and recent candles.',
    template_type: 'analysis',
    model_config: { temperature: 0.2, max_tokens: 800 },
    template_content: analysis,
  },
  {
    name: 'Default consolidation',
    description: 'Merges the per-timeframe analyses into one trade decision with entry, stop and target.',
    template_type: 'consolidation',
    model_config: { temperature: 0.1, max_tokens: 500 },
    template_content: consolidation,
  },
];
