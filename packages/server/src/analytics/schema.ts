import { z } from 'zod';
import { idText, calendarDate as isoDate, MAX_INT4 } from '../http/fields.js';

const interval = z.object({ low: z.number(), high: z.number() }).nullable();
const num = z.number().nullable();

const drawdownSchema = z.object({
  depth: z.number(),
  peak: z.number(),
  trough: z.number(),
  start: z.date().nullable(),
  end: z.date().nullable(),
  duration_ms: z.number().nullable(),
  duration_trades: z.number().int(),
  recovered_at: z.date().nullable(),
});

export const metricsSchema = z
  .object({
    signals: z.number().int(),
    n_closed: z.number().int(),
    n_decided: z.number().int(),
    pending: z.number().int(),
    cancelled: z.number().int(),
    wins: z.number().int(),
    losses: z.number().int(),
    breakevens: z.number().int(),
    win_rate: num,
    win_rate_ci: interval,
    expectancy_r: num,
    expectancy_ci: interval,
    sd_r: num,
    avg_win_r: num,
    avg_loss_r: num,
    avg_win_pl: num,
    avg_loss_pl: num,
    total_pl: z.number(),
    avg_pl: num,
    profit_factor: num,
    profit_factor_unbounded: z.boolean(),
    profit_factor_pl: num,
    profit_factor_pl_unbounded: z.boolean(),
    payoff_ratio: num,
    sqn: num,
    kelly_fraction: num,
    max_r: num,
    min_r: num,
  })
  .meta({ id: 'PerformanceMetrics', description: 'Formulas and how to read them: docs/metrics.md' });

export const summarySchema = metricsSchema
  .extend({
    max_drawdown_r: drawdownSchema,
    max_drawdown_pl: drawdownSchema,
    longest_win_streak: z.number().int(),
    longest_loss_streak: z.number().int(),
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
  win_rate: num,
  avg_r_multiple: num,
  total_profit_loss: z.number(),
});

export const performanceQuery = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  version: idText.optional(),
});

export const performanceResult = z.object({
  prompt_id: z.number().int(),
  version: z.number().int().nullable(),
  summary: summarySchema,
  daily: z.array(dailySchema),
  equity_curve: z.array(
    z.object({ exit_time: z.date(), cumulative_r: z.number(), cumulative_pl: z.number() }),
  ),
});

export const calculateResult = z.object({
  prompt_id: z.number().int(),
  rows: z.number().int().describe("The prompt's daily rows after the run"),
  days_recomputed: z.number().int(),
  ms: z.number().int(),
});

export const compareQuery = z.strictObject({
  a: idText,
  b: idText,
  a_version: idText.optional(),
  b_version: idText.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

const arm = z.object({
  prompt_id: z.number().int(),
  name: z.string(),
  version: z.number().int().nullable(),
  metrics: metricsSchema,
});

export const compareResult = z.object({
  a: arm,
  b: arm,
  win_rate: z.object({
    a: num,
    b: num,
    diff: num,
    ci: interval,
    z_test: z.object({ z: z.number(), p: z.number() }).nullable(),
    fisher_p: num,
    prob_b_better: z.number(),
  }),
  mean_r: z.object({
    a: num,
    b: num,
    diff: num,
    welch: z
      .object({
        t: z.number(),
        df: z.number(),
        p: z.number(),
        ci: z.object({ low: z.number(), high: z.number() }),
      })
      .nullable(),
  }),
  required_n_per_arm: z.object({ win_rate: num, mean_r: num }),
  verdict: z.string(),
});

export const leaderboardQuery = z.strictObject({
  metric: z.enum(['win_rate', 'expectancy_r']).default('win_rate'),
  min_signals: z.coerce.number().int().min(0).max(MAX_INT4).default(30),
  strategy_id: idText.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

export const leaderboardResult = z.object({
  metric: z.string(),
  ranked_by: z.string(),
  min_signals: z.number().int(),
  hidden_below_min: z.number().int(),
  entries: z.array(
    z.object({
      rank: z.number().int(),
      prompt_id: z.number().int(),
      name: z.string(),
      version: z.number().int(),
      n: z.number().int(),
      value: num,
      lower_bound: num,
      metrics: metricsSchema,
    }),
  ),
});
