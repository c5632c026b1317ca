import { z } from 'zod';
import { DIRECTIONS, OUTCOMES, TEMPLATE_TYPES } from '../db/schema.js';
import { pageOf, pageQuery } from '../http/common.js';
import {
  calendarDate,
  count,
  id,
  idText,
  money,
  price,
  quantity,
  text,
  timestamp as when,
} from '../http/fields.js';

export const signalPromptInput = z.strictObject({
  template_id: id,
  version: id,
  prompt_type: z.enum(TEMPLATE_TYPES),
  timeframe: text(20).nullable().optional(),
  rendered_hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest')
    .nullable()
    .optional(),
});

export const recordSignalBody = z.strictObject({
  strategy_id: id.nullable().optional(),
  symbol: text(40, { trim: true, min: 1 }),
  timeframe: text(20).nullable().optional(),
  direction: z.enum(DIRECTIONS),
  entry_price: price.nullable().optional(),
  stop_loss: price.nullable().optional(),
  take_profit: price.nullable().optional(),
  confidence: z.number().min(0).max(1).nullable().optional(),
  rationale: text(20_000).nullable().optional(),
  quantity: quantity.nullable().optional(),
  prompt_template_id: id.nullable().optional(),
  prompt_version: id.nullable().optional(),
  prompt_type: z.enum(TEMPLATE_TYPES).nullable().optional(),
  prompts: z
    .array(signalPromptInput)
    .max(50)
    .optional()
    .describe('Every prompt that took part (system, analyses, consolidation)'),
  llm_provider: text(100).nullable().optional(),
  llm_model: text(200).nullable().optional(),
  llm_latency_ms: count.nullable().optional(),
  prompt_tokens: count.nullable().optional(),
  completion_tokens: count.nullable().optional(),
  rendered_prompt_hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest')
    .nullable()
    .optional(),
  created_at: when.optional().describe('When the signal was generated (for history); never in the future'),
});
export type RecordSignalInput = z.infer<typeof recordSignalBody>;

export const outcomeBody = z.strictObject({
  exit_price: price.optional(),
  exit_time: when.optional(),
  profit_loss: money.nullable().optional(),
  quantity: quantity.optional(),
  cancelled: z.boolean().optional().describe('Close the signal as cancelled (never traded)'),
  correction: z
    .boolean()
    .optional()
    .describe(
      'Replace the outcome of an already closed signal; the previous values are kept in the audit log',
    ),
  note: text(2_000).optional(),
});
export type OutcomeInput = z.infer<typeof outcomeBody>;

export const signalPromptSchema = z.object({
  template_id: z.number().int(),
  name: z.string().nullable(),
  version: z.number().int(),
  prompt_type: z.enum(TEMPLATE_TYPES),
  timeframe: z.string().nullable(),
  rendered_hash: z.string().nullable(),
});

export const signalSchema = z
  .object({
    id: z.number().int(),
    strategy_id: z.number().int().nullable(),
    symbol: z.string(),
    timeframe: z.string().nullable(),
    direction: z.enum(DIRECTIONS),
    entry_price: z.number().nullable(),
    stop_loss: z.number().nullable(),
    take_profit: z.number().nullable(),
    confidence: z.number().nullable(),
    rationale: z.string().nullable(),
    quantity: z.number().nullable(),
    llm_provider: z.string().nullable(),
    llm_model: z.string().nullable(),
    llm_latency_ms: z.number().int().nullable(),
    prompt_tokens: z.number().int().nullable(),
    completion_tokens: z.number().int().nullable(),
    rendered_prompt_hash: z.string().nullable(),
    prompt_template_id: z.number().int().nullable(),
    prompt_version: z.number().int().nullable(),
    prompt_type: z.enum(TEMPLATE_TYPES).nullable(),
    outcome: z.enum(OUTCOMES),
    actual_r_multiple: z.number().nullable(),
    profit_loss: z.number().nullable(),
    exit_price: z.number().nullable(),
    exit_time: z.date().nullable(),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .meta({ id: 'Signal' });
export type SignalView = z.infer<typeof signalSchema>;

export const signalDetailSchema = signalSchema
  .extend({ prompts: z.array(signalPromptSchema) })
  .meta({ id: 'SignalDetail' });

export const listSignalsQuery = z.strictObject({
  ...pageQuery,
  strategy_id: idText.optional(),
  prompt_id: idText.optional(),
  version: idText.optional(),
  symbol: text(40).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  from: calendarDate.optional(),
  to: calendarDate.optional(),
});
export type ListSignalsQuery = z.infer<typeof listSignalsQuery>;
export const signalPage = pageOf(signalSchema);

export const generateBody = z.strictObject({
  strategy_id: id.nullable().optional(),
  symbol: text(40, { trim: true, min: 1 }),
  timeframes: z
    .array(text(20, { trim: true, min: 1 }))
    .min(1)
    .max(8),
  language: text(20, { min: 2 }).optional(),
  context: z
    .record(z.string(), z.unknown())
    .default({})
    .describe(
      'Market data the prompts read: current_price, indicators {rsi, atr, macd, ma20, ma50…}, recent_candles…',
    ),
});

export const generateResult = z.object({
  signal: signalDetailSchema,
  analyses: z.array(z.object({ timeframe: z.string(), content: z.string() })),
  llm: z.object({ provider: z.string(), model: z.string(), calls: z.number().int() }),
});
