import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/plugin.js';
import { idParam, problems } from '../http/common.js';
import {
  createStrategyBody,
  listStrategiesQuery,
  strategyPage,
  strategySchema,
  updateStrategyBody,
} from './schema.js';
import type { StrategyService } from './service.js';

export const strategyRoutes =
  (strategies: StrategyService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['strategies'];
    app.get(
      '/strategies',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'List strategies',
          querystring: listStrategiesQuery,
          response: { 200: strategyPage, ...problems.read },
        },
      },
      async (request) => strategies.list(request.query),
    );
    app.get(
      '/strategies/:id',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'Get a strategy',
          params: idParam,
          response: { 200: strategySchema, ...problems.read },
        },
      },
      async (request) => strategies.get(request.params.id),
    );
    app.post(
      '/strategies',
      {
        config: { auth: 'editor' },
        schema: {
          tags,
          summary: 'Create a strategy',
          body: createStrategyBody,
          response: { 201: strategySchema, ...problems.write },
        },
      },
      async (request, reply) => reply.code(201).send(await strategies.create(actorOf(request), request.body)),
    );
    app.put(
      '/strategies/:id',
      {
        config: { auth: 'editor' },
        schema: {
          tags,
          summary: 'Update a strategy',
          params: idParam,
          body: updateStrategyBody,
          response: { 200: strategySchema, ...problems.write },
        },
      },
      async (request) => strategies.update(actorOf(request), request.params.id, request.body),
    );
    app.delete(
      '/strategies/:id',
      {
        config: { auth: 'admin' },
        schema: {
          tags,
          summary: 'Delete a strategy (soft: its prompts, signals and performance stay)',
          params: idParam,
          response: { 204: z.null(), ...problems.write },
        },
      },
      async (request, reply) => {
        await strategies.remove(actorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
