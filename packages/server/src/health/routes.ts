import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { checkHealth } from './service.js';

const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptime_s: z.number(),
    database: z.object({
      kind: z.string(),
      ok: z.boolean(),
      latency_ms: z.number(),
      error: z.literal('unreachable').optional().describe('Details are in the service log, not here'),
    }),
    schema: z.object({ ok: z.boolean(), missing_tables: z.array(z.string()) }),
    prompts: z.object({ live: z.number().int() }),
    engine: z.object({ ok: z.boolean() }),
  })
  .meta({ id: 'Health' });

export const healthRoutes =
  (database: Database, version: string): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/health',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['system'],
          summary: 'Liveness and readiness: database, schema, prompt count, template engine',
          response: { 200: healthSchema, 503: healthSchema },
        },
      },
      async (request, reply) => {
        const report = await checkHealth(database, version, request.log);
        return reply.code(report.status === 'ok' ? 200 : 503).send(report);
      },
    );
  };
