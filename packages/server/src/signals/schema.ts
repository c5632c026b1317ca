import { z } from 'zod';
import { DIRECTIONS, OUTCOMES, TEMPLATE_TYPES } from '../db/schema.js';
import { pageOf, pageQuery } from '../http/common.js';

const price = z.number().positive().finite();
const when = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const signalPromptInput = z.strictObject({
  template_id: z.number().int().positive(),
  version: z.number().int().positive(),
  prompt_type: z.enum(TEMPLATE_TYPES),
  timeframe: z.string().max(20).nullable().optional(),
  rendered_hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest')
    .nullable()
    .optional(),
});

export const recordSignalBody = z.strictObject({
  strategy_id: z.number().int().positive().nullable().optional(),
  symbol: z.string().trim().min(1).max(40),
  timeframe: z.string().max(20).nullable().optional(),
  direction: z.enum(DIRECTIONS),
  entry_price: price.nullable().optional(),
  stop_loss: price.nullable().optional(),
  take_profit: price.nullable().optional(),
  confidence: z.number().min(0).max(1).nullable().optional(),
  rationale: z.string().max(20_000).nullable().optional(),
  quantity: z.number().positive().finite().nullable().optional(),
  prompt_template_id: z.number().int().positive().nullable().optional(),
  prompt_version: z.number().int().positive().nullable().optional(),
  prompt_type: z.enum(TEMPLATE_TYPES).nullable().optional(),
  prompts: z
    .array(signalPromptInput)
    .max(50)
    .optional()
    .describe('Every prompt that took part (system, analyses, consolidation)'),
  llm_provider: z.string().max(100).nullable().optional(),
  llm_model: z.string().max(200).nullable().optional(),
  llm_latency_ms: z.number().int().min(0).nullable().optional(),
  prompt_tokens: z.number().int().min(0).nullable().optional(),
  completion_tokens: z.number().int().min(0).nullable().optional(),
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
  profit_loss: z.number().finite().nullable().optional(),
  quantity: z.number().positive().finite().optional(),
  cancelled: z.boolean().optional().describe('Close the signal as cancelled (never traded)'),
  correction: z
    .boolean()
    .optional()
    .describe(
      'Replace the outcome of an already closed signal; the previous values are kept in the audit log',
    ),
  note: z.string().max(2_000).optional(),
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

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
export const listSignalsQuery = z.strictObject({
  ...pageQuery,
  strategy_id: z.coerce.number().int().positive().optional(),
  prompt_id: z.coerce.number().int().positive().optional(),
  version: z.coerce.number().int().positive().optional(),
  symbol: z.string().max(40).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export type ListSignalsQuery = z.infer<typeof listSignalsQuery>;
export const signalPage = pageOf(signalSchema);

export const generateBody = z.strictObject({
  strategy_id: z.number().int().positive().nullable().optional(),
  symbol: z.string().trim().min(1).max(40),
  timeframes: z.array(z.string().trim().min(1).max(20)).min(1).max(8),
  language: z.string().min(2).max(20).optional(),
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
