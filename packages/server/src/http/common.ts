import { z } from 'zod';
import { idText, MAX_INT4 } from './fields.js';
import { problemSchema } from './problem.js';

/** Path ids: positive integers, coerced from the URL. */
export const idParam = z.object({ id: idText });

/** Pagination query shared by every list endpoint (1-based pages, as the original API had). */
export const pageQuery = {
  page: z.coerce.number().int().min(1).max(MAX_INT4).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(10),
};

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
    pages: z.number().int(),
  });
}

export function paginate<T>(items: T[], total: number, page: number, pageSize: number) {
  return { items, total, page, page_size: pageSize, pages: Math.ceil(total / pageSize) };
}

/** The problem responses each kind of route can give, for the OpenAPI document. */
export const problems = {
  read: { 401: problemSchema, 403: problemSchema, 404: problemSchema, 503: problemSchema },
  write: {
    401: problemSchema,
    403: problemSchema,
    404: problemSchema,
    409: problemSchema,
    422: problemSchema,
    503: problemSchema,
  },
};

/** Query-string booleans: `true/false/1/0`, anything else is a 422, never silently false. */
export const queryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
