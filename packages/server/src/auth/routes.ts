import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParam, problems } from '../http/common.js';
import { actorOf } from './plugin.js';
import { createdKeySchema, createKeyBody, keySchema } from './schema.js';
import type { AuthService } from './service.js';

export const keyRoutes =
  (auth: AuthService): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/keys',
      {
        config: { auth: 'admin' },
        schema: {
          tags: ['keys'],
          summary: 'List API keys',
          response: { 200: z.array(keySchema), ...problems.read },
        },
      },
      async () => auth.listKeys(),
    );
    app.post(
      '/keys',
      {
        config: { auth: 'admin' },
        schema: {
          tags: ['keys'],
          summary: 'Create an API key (the key is returned once)',
          body: createKeyBody,
          response: { 201: createdKeySchema, ...problems.write },
        },
      },
      async (request, reply) => reply.code(201).send(await auth.createKey(actorOf(request), request.body)),
    );
    app.delete(
      '/keys/:id',
      {
        config: { auth: 'admin' },
        schema: {
          tags: ['keys'],
          summary: 'Revoke an API key',
          params: idParam,
          response: { 200: keySchema, ...problems.write },
        },
      },
      async (request) => auth.revokeKey(actorOf(request), request.params.id),
    );
  };
