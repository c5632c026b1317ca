import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/plugin.js';
import { idParam, problems } from '../http/common.js';
import { problemSchema } from '../http/problem.js';
import type { SignalGenerator } from './generate.js';
import {
  generateBody,
  generateResult,
  listSignalsQuery,
  outcomeBody,
  recordSignalBody,
  signalDetailSchema,
  signalPage,
} from './schema.js';
import type { SignalService } from './service.js';

const tags = ['signals'];

export const signalRoutes =
  (signals: SignalService, generator: SignalGenerator): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/signals/generate',
      {
        config: { auth: 'editor', renderSlot: true },
        schema: {
          tags,
          summary:
            'Generate a signal: resolve and render the prompts, ask the LLM per timeframe, consolidate, store',
          body: generateBody,
          response: { 201: generateResult, ...problems.write, 502: problemSchema },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await generator.generate(actorOf(request), request.body)),
    );
    app.get(
      '/signals',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary:
            'List signals (newest first): by strategy, prompt and version, symbol, outcome, date range',
          querystring: listSignalsQuery,
          response: { 200: signalPage, ...problems.read },
        },
      },
      async (request) => signals.list(request.query),
    );
    app.get(
      '/signals/:id',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'A signal with every prompt version that produced it and the rendered-prompt hashes',
          params: idParam,
          response: { 200: signalDetailSchema, ...problems.read },
        },
      },
      async (request) => signals.get(request.params.id),
    );
    app.post(
      '/signals',
      {
        config: { auth: 'editor' },
        schema: {
          tags,
          summary: 'Record a signal made elsewhere, with the prompt versions it used',
          body: recordSignalBody,
          response: { 201: signalDetailSchema, ...problems.write },
        },
      },
      async (request, reply) => reply.code(201).send(await signals.record(actorOf(request), request.body)),
    );
    app.post(
      '/signals/:id/outcome',
      {
        config: { auth: 'editor' },
        schema: {
          tags,
          summary:
            'Close a signal: exit price and time (R-multiple and win/loss/breakeven computed), or cancelled',
          params: idParam,
          body: outcomeBody,
          response: { 200: signalDetailSchema, ...problems.write },
        },
      },
      async (request) => signals.close(actorOf(request), request.params.id, request.body),
    );
  };
