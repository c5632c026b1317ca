import { z } from 'zod';
import { pageOf, pageQuery, queryBool } from '../http/common.js';
import { text } from '../http/fields.js';

export const strategySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    is_active: z.boolean(),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .meta({ id: 'Strategy' });

export type StrategyView = z.infer<typeof strategySchema>;

export const createStrategyBody = z.strictObject({
  name: text(200, { trim: true, min: 1 }),
  description: text(10_000).nullable().optional(),
  is_active: z.boolean().optional(),
});
export type CreateStrategyInput = z.infer<typeof createStrategyBody>;

export const updateStrategyBody = createStrategyBody.partial();
export type UpdateStrategyInput = z.infer<typeof updateStrategyBody>;

export const listStrategiesQuery = z.strictObject({
  ...pageQuery,
  is_active: queryBool.optional(),
  search: text(200).optional(),
});
export type ListStrategiesQuery = z.infer<typeof listStrategiesQuery>;

export const strategyPage = pageOf(strategySchema);
