import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { DIRECTIONS, OUTCOMES, TEMPLATE_TYPES } from '../db/schema.js';
import { idText, money, price, quantity, text as textField, timestamp } from '../http/fields.js';
import { levelErrors } from './outcome.js';

/**
 * One CSV row of signal history, as typed values, checked with the same field types as the API (ids
 * within int4, text PostgreSQL can store, bounded numbers). Blank cells are "not given". Dates are
 * ISO 8601: a date alone means midnight UTC, a time without an offset is UTC, and a space may
 * stand for the `T` (as spreadsheets and pandas write them).
 */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const num = optional(z.coerce.number().pipe(money));
const positive = optional(z.coerce.number().pipe(price));
const int = optional(idText);
const text = (max: number) => optional(textField(max, { trim: true }));
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const date = optional(
  z
    .string()
    .trim()
    .transform((s) => {
      if (DATE_ONLY.test(s)) return `${s}T00:00:00Z`;
      const iso = s.replace(' ', 'T');
      return HAS_OFFSET.test(iso) ? iso : `${iso}Z`;
    })
    .pipe(timestamp),
);

const columns = {
  symbol: textField(40, { trim: true, min: 1 }),
  direction: z.enum(DIRECTIONS),
  entry_price: positive,
  stop_loss: positive,
  take_profit: positive,
  confidence: z.preprocess(blankToUndefined, z.coerce.number().min(0).max(1).optional()),
  rationale: text(20_000),
  timeframe: text(20),
  strategy_id: int,
  quantity: optional(z.coerce.number().pipe(quantity)),
  prompt_template_id: int,
  prompt_version: int,
  prompt_type: z.preprocess(blankToUndefined, z.enum(TEMPLATE_TYPES).optional()),
  created_at: date,
  outcome: z.preprocess(blankToUndefined, z.enum(OUTCOMES).optional()),
  exit_price: positive,
  exit_time: date,
  profit_loss: num,
};
export const CSV_COLUMNS = Object.keys(columns);

export const csvRow = z.object(columns).superRefine((r, ctx) => {
  if (r.direction !== 'no_trade') {
    if (r.entry_price === undefined)
      ctx.addIssue({ code: 'custom', path: ['entry_price'], message: 'is required for a trade' });
    if (r.stop_loss === undefined)
      ctx.addIssue({ code: 'custom', path: ['stop_loss'], message: 'is required for a trade' });
    if (r.entry_price !== undefined && r.stop_loss !== undefined) {
      for (const e of levelErrors(r.direction, r.entry_price, r.stop_loss, r.take_profit)) {
        ctx.addIssue({ code: 'custom', path: [e.field.replace('body.', '')], message: e.message });
      }
    }
  }
  if ((r.prompt_template_id === undefined) !== (r.prompt_version === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['prompt_version'],
      message: 'prompt_template_id and prompt_version go together',
    });
  }
  const closing = r.exit_price !== undefined || r.exit_time !== undefined;
  if (closing && (r.exit_price === undefined || r.exit_time === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['exit_time'], message: 'exit_price and exit_time go together' });
  }
  if (!closing && (r.outcome === 'win' || r.outcome === 'loss' || r.outcome === 'breakeven')) {
    ctx.addIssue({
      code: 'custom',
      path: ['exit_price'],
      message: `a ${r.outcome} needs exit_price and exit_time (R is computed from them)`,
    });
  }
  if (closing && r.outcome === 'pending')
    ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'a row with an exit is not pending' });
  if (closing && r.direction === 'no_trade')
    ctx.addIssue({ code: 'custom', path: ['exit_price'], message: 'a no-trade row has no exit' });
  if (r.exit_time && r.created_at && r.exit_time < r.created_at) {
    ctx.addIssue({ code: 'custom', path: ['exit_time'], message: 'is before created_at' });
  }
  // Row checks run even when a field failed (zod keeps going to report every issue): a failed date
  // is still text here.
  if (r.created_at instanceof Date && r.created_at.getTime() > Date.now())
    ctx.addIssue({ code: 'custom', path: ['created_at'], message: 'is in the future' });
});
export type CsvRow = z.infer<typeof csvRow>;

export interface CsvProblem {
  line: number;
  message: string;
}

/** Parses and checks a whole file; every bad row is reported with its line number. */
export function parseSignalCsv(content: string): {
  rows: { line: number; row: CsvRow }[];
  problems: CsvProblem[];
} {
  let records: Record<string, string>[];
  try {
    records = parse(content, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), bom: true });
  } catch (err) {
    const e = err as { lines?: number; message: string };
    return { rows: [], problems: [{ line: e.lines ?? 1, message: e.message }] };
  }
  const rows: { line: number; row: CsvRow }[] = [];
  const problems: CsvProblem[] = [];
  const header = Object.keys(records[0] ?? {});
  const unknown = header.filter((c) => !CSV_COLUMNS.includes(c));
  if (unknown.length > 0) {
    problems.push({
      line: 1,
      message: `unknown column(s) ${unknown.join(', ')}; known: ${CSV_COLUMNS.join(', ')}`,
    });
  }
  records.forEach((record, i) => {
    const line = i + 2; // 1-based, after the header
    const parsed = csvRow.safeParse(record);
    if (parsed.success) rows.push({ line, row: parsed.data });
    else {
      for (const issue of parsed.error.issues) {
        const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
        problems.push({ line, message: `${where}${issue.message}` });
      }
    }
  });
  return { rows, problems };
}
