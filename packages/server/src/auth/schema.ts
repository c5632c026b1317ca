import { z } from 'zod';
import { ROLES } from '../db/schema.js';
import { text } from '../http/fields.js';

export const keySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: z.enum(ROLES),
    prefix: z.string(),
    created_by: z.string().nullable(),
    created_at: z.date(),
    last_used_at: z.date().nullable(),
    revoked_at: z.date().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const createKeyBody = z.strictObject({
  name: text(200, { trim: true, min: 1 }),
  role: z.enum(ROLES),
});

export const createdKeySchema = z.object({
  key: keySchema,
  token: z.string().describe('The API key itself. It is shown only in this response: store it now.'),
});
