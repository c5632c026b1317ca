import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/plugin.js';
import { problems } from '../http/common.js';
import type { RenderService } from '../rendering/service.js';
import {
  cloneBody,
  createPromptBody,
  diffQuery,
  diffResult,
  listPromptsQuery,
  promptIdParams,
  promptPage,
  promptSchema,
  renderBody,
  renderResult,
  resolveQuery,
  resolveResult,
  statsResult,
  strategyPromptBody,
  strategyPromptParams,
  typesResult,
  updatePromptBody,
  validateBody,
  validateResult,
  versionParams,
  versionSchema,
  versionSummarySchema,
} from './schema.js';
import type { PromptService } from './service.js';
import { exportDocument, importDocument, importResult } from './transfer-schema.js';

const tags = ['prompts'];

/** The largest import accepted in one request. */
export const IMPORT_BODY_LIMIT = 16 * 1024 * 1024;

export const promptRoutes =
  (prompts: PromptService, rendering: RenderService): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/prompts/export',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'Every live prompt with its whole version history, as JSON',
          response: { 200: exportDocument, ...problems.read },
        },
      },
      async (_request, reply) => {
        reply.header('content-disposition', 'attachment; filename="promptledger-prompts.json"');
        return prompts.exportAll();
      },
    );
    app.post(
      '/prompts/import',
      {
        config: { auth: 'editor' },
        // Whole histories are large, but parsing and checking the body happens on the thread that
        // serves everyone: 16 MiB parses in ~0.1 s. Larger installations import in parts.
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Import an export: all or nothing, reporting every conflict',
          description:
            'The body may be at most 16 MiB; split a larger export into several files (each prompt with its whole history) and import them one by one.',
          body: importDocument,
          response: { 201: importResult, ...problems.write },
        },
      },
      async (request, reply) => reply.code(201).send(await prompts.importAll(actorOf(request), request.body)),
    );
    // 1. list
    app.get(
      '/prompts',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'List prompts (filters, search, pagination; deleted prompts never appear)',
          querystring: listPromptsQuery,
          response: { 200: promptPage, ...problems.read },
        },
      },
      async (request) => prompts.list(request.query),
    );
    // 16. types
    app.get(
      '/prompts/types',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'Template types, what each is for and the variables it receives',
          response: { 200: typesResult, ...problems.read },
        },
      },
      async () => prompts.types(),
    );
    // 17. stats
    app.get(
      '/prompts/stats',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'System-wide prompt statistics',
          response: { 200: statsResult, ...problems.read },
        },
      },
      async () => prompts.stats(),
    );
    app.get(
      '/prompts/resolve',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: "The prompt the pipeline would use: the strategy's active one, else the global one",
          querystring: resolveQuery,
          response: { 200: resolveResult, ...problems.read },
        },
      },
      async (request) => prompts.resolve(request.query),
    );
    // 6. validate
    app.post(
      '/prompts/validate',
      {
        config: { auth: 'viewer', renderSlot: true },
        schema: {
          tags,
          summary: 'Check Jinja2 syntax: every error with line and column, and the variables used',
          body: validateBody,
          response: { 200: validateResult, ...problems.write },
        },
      },
      async (request) => rendering.validate(request.body.template_content),
    );
    // 7. render
    app.post(
      '/prompts/render',
      {
        config: { auth: 'viewer', renderSlot: true },
        schema: {
          tags,
          summary: 'Render a template (given, or a stored prompt and optional version) with a context',
          body: renderBody,
          response: { 200: renderResult, ...problems.write },
        },
      },
      async (request) => {
        const b = request.body;
        return b.prompt_id !== undefined
          ? rendering.renderPrompt(b.prompt_id, b.version, b.context, b.strict)
          : rendering.renderContent(b.template_content ?? '', b.context, b.strict, b.strategy_id ?? null);
      },
    );
    // 3. create
    app.post(
      '/prompts',
      {
        config: { auth: 'editor' },
        schema: {
          tags,
          summary: 'Create a prompt (version 1); invalid Jinja2 → 422 with line and column',
          body: createPromptBody,
          response: { 201: promptSchema, ...problems.write },
        },
      },
      async (request, reply) => reply.code(201).send(await prompts.create(actorOf(request), request.body)),
    );
    // 2. get
    app.get(
      '/prompts/:id',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'Get a prompt',
          params: promptIdParams,
          response: { 200: promptSchema, ...problems.read },
        },
      },
      async (request) => prompts.get(request.params.id),
    );
    // 4. update
    app.put(
      '/prompts/:id',
      {
        config: { auth: 'editor' },
        schema: {
          tags,
          summary: 'Update a prompt; a content or model_config change makes a new version',
          params: promptIdParams,
          body: updatePromptBody,
          response: { 200: promptSchema, ...problems.write },
        },
      },
      async (request) => prompts.update(actorOf(request), request.params.id, request.body),
    );
    // 5. delete
    app.delete(
      '/prompts/:id',
      {
        config: { auth: 'admin' },
        schema: {
          tags,
          summary: 'Delete a prompt (soft: versions, signals and performance stay)',
          params: promptIdParams,
          response: { 204: z.null(), ...problems.write },
        },
      },
      async (request, reply) => {
        await prompts.remove(actorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    // 18. clone
    app.post(
      '/prompts/:id/clone',
      {
        config: { auth: 'editor' },
        schema: {
          tags,
          summary: 'Clone a prompt (new name, optionally into a strategy; starts at version 1, inactive)',
          params: promptIdParams,
          body: cloneBody.default({}),
          response: { 201: promptSchema, ...problems.write },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await prompts.clone(actorOf(request), request.params.id, request.body)),
    );
    app.get(
      '/prompts/:id/versions',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'Version history (oldest first), without the content',
          params: promptIdParams,
          response: { 200: z.array(versionSummarySchema), ...problems.read },
        },
      },
      async (request) =>
        (await prompts.versions(request.params.id)).map(({ template_content: _c, ...v }) => v),
    );
    app.get(
      '/prompts/:id/versions/:version',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'One version, with its content',
          params: versionParams,
          response: { 200: versionSchema, ...problems.read },
        },
      },
      async (request) => prompts.version(request.params.id, request.params.version),
    );
    app.get(
      '/prompts/:id/diff',
      {
        config: { auth: 'viewer' },
        schema: {
          tags,
          summary: 'Unified diff of two versions, with model_config and variable changes',
          params: promptIdParams,
          querystring: diffQuery,
          response: { 200: diffResult, ...problems.read },
        },
      },
      async (request) => prompts.diff(request.params.id, request.query.from, request.query.to),
    );
    app.post(
      '/prompts/:id/versions/:version/restore',
      {
        config: { auth: 'editor' },
        schema: {
          tags,
          summary: "Make a new version with an old version's content and model_config",
          params: versionParams,
          response: { 200: promptSchema, ...problems.write },
        },
      },
      async (request) => prompts.restore(actorOf(request), request.params.id, request.params.version),
    );

    // 12–15: a strategy's own prompts.
    const stags = ['strategies'];
    app.get(
      '/strategies/:id/prompts',
      {
        config: { auth: 'viewer' },
        schema: {
          tags: stags,
          summary: "A strategy's own prompts",
          params: promptIdParams,
          querystring: listPromptsQuery.omit({ strategy_id: true, is_global: true }),
          response: { 200: promptPage, ...problems.read },
        },
      },
      async (request) => {
        await prompts.requireStrategyExists(request.params.id);
        return prompts.list({ ...request.query, strategy_id: request.params.id });
      },
    );
    app.post(
      '/strategies/:id/prompts',
      {
        config: { auth: 'editor' },
        schema: {
          tags: stags,
          summary: 'Create a prompt specific to this strategy',
          params: promptIdParams,
          body: strategyPromptBody,
          response: { 201: promptSchema, ...problems.write },
        },
      },
      async (request, reply) => {
        await prompts.requireStrategyExists(request.params.id);
        return reply
          .code(201)
          .send(await prompts.create(actorOf(request), { ...request.body, strategy_id: request.params.id }));
      },
    );
    app.put(
      '/strategies/:id/prompts/:prompt_id',
      {
        config: { auth: 'editor' },
        schema: {
          tags: stags,
          summary: "Update one of this strategy's prompts (404 when it is not this strategy's)",
          params: strategyPromptParams,
          body: updatePromptBody,
          response: { 200: promptSchema, ...problems.write },
        },
      },
      async (request) =>
        prompts.update(actorOf(request), request.params.prompt_id, request.body, request.params.id),
    );
    app.delete(
      '/strategies/:id/prompts/:prompt_id',
      {
        config: { auth: 'admin' },
        schema: {
          tags: stags,
          summary: "Delete one of this strategy's prompts (soft)",
          params: strategyPromptParams,
          response: { 204: z.null(), ...problems.write },
        },
      },
      async (request, reply) => {
        await prompts.remove(actorOf(request), request.params.prompt_id, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
