import { z } from 'zod';
import { levelErrors } from './outcome.js';

/** What the consolidation call must answer: one trade decision. */
export const signalAnswer = z
  .object({
    direction: z.enum(['long', 'short', 'no_trade']),
    entry_price: z.number().positive().nullable().optional(),
    stop_loss: z.number().positive().nullable().optional(),
    take_profit: z.number().positive().nullable().optional(),
    confidence: z.number().min(0).max(1),
    rationale: z.string().min(1).max(20_000),
  })
  .superRefine((a, ctx) => {
    if (a.direction === 'no_trade') return;
    for (const key of ['entry_price', 'stop_loss', 'take_profit'] as const) {
      if (a[key] == null)
        ctx.addIssue({ code: 'custom', path: [key], message: `is required for a ${a.direction}` });
    }
    if (a.entry_price != null && a.stop_loss != null) {
      for (const e of levelErrors(a.direction, a.entry_price, a.stop_loss, a.take_profit)) {
        ctx.addIssue({ code: 'custom', path: [e.field.replace('body.', '')], message: e.message });
      }
    }
  });
export type SignalAnswer = z.infer<typeof signalAnswer>;

/** The same shape as a JSON schema, for endpoints that enforce structured output. */
export const SIGNAL_ANSWER_JSON_SCHEMA = {
  name: 'trade_signal',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['direction', 'entry_price', 'stop_loss', 'take_profit', 'confidence', 'rationale'],
    properties: {
      direction: { type: 'string', enum: ['long', 'short', 'no_trade'] },
      entry_price: { type: ['number', 'null'] },
      stop_loss: { type: ['number', 'null'] },
      take_profit: { type: ['number', 'null'] },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      rationale: { type: 'string' },
    },
  },
};

/**
 * Reads the decision out of a model's text: the whole text as JSON, else the first {...} block in
 * it (models wrap JSON in prose or code fences). Returns the problems in words the model can fix.
 */
export function parseSignalAnswer(
  text: string,
): { ok: true; answer: SignalAnswer } | { ok: false; problem: string } {
  let value: unknown;
  const candidates = [
    text.trim(),
    /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1],
    /\{[\s\S]*\}/.exec(text)?.[0],
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      value = JSON.parse(candidate);
      break;
    } catch {
      // try the next reading
    }
  }
  if (value === undefined) return { ok: false, problem: 'The answer was not JSON.' };
  const parsed = signalAnswer.safeParse(value);
  if (parsed.success) return { ok: true, answer: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`).join('; ');
  return { ok: false, problem: `The answer did not follow the format: ${issues}.` };
}
