import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const summarySchema = z
  .object({
    signals_generated: z.number().int(),
    closed: z.number().int(),
    pending: z.number().int(),
    cancelled: z.number().int(),
    wins: z.number().int(),
    losses: z.number().int(),
    breakevens: z.number().int(),
    win_rate: z.number().nullable(),
    avg_r_multiple: z.number().nullable(),
    std_r_multiple: z.number().nullable(),
    total_profit_loss: z.number(),
    avg_profit_per_trade: z.number().nullable(),
    avg_win_pl: z.number().nullable(),
    avg_loss_pl: z.number().nullable(),
    max_r_multiple: z.number().nullable(),
    min_r_multiple: z.number().nullable(),
  })
  .meta({ id: 'PerformanceSummary' });

export const dailySchema = z.object({
  evaluation_date: z.string(),
  prompt_version: z.number().int(),
  strategy_id: z.number().int().nullable(),
  signals_generated: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  breakevens: z.number().int(),
  win_rate: z.number().nullable(),
  avg_r_multiple: z.number().nullable(),
  total_profit_loss: z.number(),
});

export const performanceQuery = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  version: z.coerce.number().int().positive().optional(),
});

export const performanceResult = z.object({
  prompt_id: z.number().int(),
  summary: summarySchema,
  daily: z.array(dailySchema),
});

export const calculateResult = z.object({
  prompt_id: z.number().int(),
  rows: z.number().int().describe("The prompt's daily rows after the run"),
  days_recomputed: z.number().int(),
  ms: z.number().int(),
});

export const compareQuery = z.strictObject({
  a: z.coerce.number().int().positive(),
  b: z.coerce.number().int().positive(),
  a_version: z.coerce.number().int().positive().optional(),
  b_version: z.coerce.number().int().positive().optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

export const compareResult = z.object({
  a: z.object({ prompt_id: z.number().int(), version: z.number().int().nullable(), summary: summarySchema }),
  b: z.object({ prompt_id: z.number().int(), version: z.number().int().nullable(), summary: summarySchema }),
  difference: z.object({
    win_rate: z.number().nullable(),
    avg_r_multiple: z.number().nullable(),
    total_profit_loss: z.number(),
  }),
});

export const leaderboardQuery = z.strictObject({
  metric: z.enum(['win_rate', 'avg_r_multiple', 'total_profit_loss']).default('win_rate'),
  min_signals: z.coerce.number().int().min(0).default(30),
  strategy_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

export const leaderboardResult = z.object({
  metric: z.string(),
  min_signals: z.number().int(),
  entries: z.array(
    z.object({
      rank: z.number().int(),
      prompt_id: z.number().int(),
      name: z.string(),
      version: z.number().int(),
      value: z.number().nullable(),
      summary: summarySchema,
    }),
  ),
});
