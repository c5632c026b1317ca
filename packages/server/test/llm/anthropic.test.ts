import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnthropicProvider, systemPrompt } from '../../src/llm/anthropic.js';
import { type CompletionRequest, LlmError } from '../../src/llm/index.js';
import {
  anthropicReply,
  closedPort,
  htmlPage,
  type LlmStub,
  startLlmStub,
  truncatedJson,
} from '../helpers/llm-stub.js';

let stub: LlmStub;
let delays: number[];

beforeEach(async () => {
  stub = await startLlmStub();
  delays = [];
});
afterEach(() => stub.close());

function provider(overrides: { baseUrl?: string; maxRetries?: number; timeoutMs?: number } = {}) {
  return new AnthropicProvider({
    config: {
      model: 'configured-claude',
      baseUrl: stub.url,
      apiKey: 'sk-ant-test',
      timeoutMs: 5_000,
      maxRetries: 3,
      ...overrides,
    },
    retry: { sleep: async (ms) => void delays.push(ms), random: () => 0.5 },
  });
}

const request: CompletionRequest = {
  purpose: 'consolidation',
  messages: [
    { role: 'system', content: 'You are a disciplined analyst.' },
    { role: 'user', content: 'Combine the analyses.' },
  ],
  settings: {},
};

const schema = {
  name: 'signal',
  schema: { type: 'object', properties: { direction: { type: 'string' } }, required: ['direction'] },
};

async function failure(p: Promise<unknown>): Promise<LlmError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LlmError);
  return err as LlmError;
}

describe('anthropic provider against a stub endpoint', () => {
  it('sends system separately and max_tokens, and maps the answer and usage', async () => {
    stub.reply(
      anthropicReply.ok(
        '{"direction":"long"}',
        { input_tokens: 100, cache_read_input_tokens: 20, cache_creation_input_tokens: 5, output_tokens: 40 },
        'claude-haiku-4-5-20251001',
      ),
    );
    const result = await provider().complete({
      ...request,
      settings: { model: 'claude-sonnet-4-6', max_tokens: 500, temperature: 0.1 },
    });
    expect(result).toMatchObject({
      text: '{"direction":"long"}',
      provider: 'anthropic',
      model: 'claude-haiku-4-5-20251001',
      prompt_tokens: 125,
      completion_tokens: 40,
      attempts: 1,
    });
    const sent = stub.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers.authorization).toBe('Bearer sk-ant-test');
    // temperature is deliberately not sent: API version 2026-10-21 rejects it.
    expect(sent.body).toEqual({
      model: 'claude-sonnet-4-6',
      max_tokens: 500,
      system: 'You are a disciplined analyst.',
      messages: [{ role: 'user', content: 'Combine the analyses.' }],
    });
  });

  it('defaults max_tokens to 1024 and the model to the configured one', async () => {
    stub.reply(anthropicReply.ok('hi'));
    await provider().complete({ ...request, messages: [{ role: 'user', content: 'hi' }] });
    expect(stub.requests[0]!.body).toEqual({
      model: 'configured-claude',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('asks for JSON in the system prompt and through output_config when a schema is given', async () => {
    stub.reply(anthropicReply.ok('{"direction":"no_trade"}'));
    await provider().complete({ ...request, responseSchema: schema });
    const body = stub.requests[0]!.body as Record<string, unknown>;
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema: schema.schema } });
    expect(body.system).toBe(systemPrompt({ ...request, responseSchema: schema }));
    expect(body.system).toMatch(/^You are a disciplined analyst\.\n\nAnswer with a single JSON object/);
    expect(body.system).toContain(JSON.stringify(schema.schema));
  });

  it('drops output_config when the model rejects it, keeps the instruction, and remembers', async () => {
    stub.reply(
      anthropicReply.error(
        400,
        'invalid_request_error',
        'output_config.format: structured outputs are not supported for this model',
      ),
      anthropicReply.ok('{"direction":"short"}'),
    );
    const p = provider();
    const result = await p.complete({ ...request, responseSchema: schema });
    expect(result.attempts).toBe(2);
    expect(stub.requests[1]!.body).not.toHaveProperty('output_config');
    expect((stub.requests[1]!.body as { system: string }).system).toContain(
      'Answer with a single JSON object',
    );
    stub.reply(anthropicReply.ok('{"direction":"short"}'));
    expect((await p.complete({ ...request, responseSchema: schema })).attempts).toBe(1);
    expect(stub.requests[2]!.body).not.toHaveProperty('output_config');
  });

  it('retries 500 and 529 (overloaded), then succeeds', async () => {
    stub.reply(
      anthropicReply.error(500, 'api_error', 'Internal server error'),
      anthropicReply.error(529, 'overloaded_error', 'Overloaded'),
      anthropicReply.ok('ok'),
    );
    const result = await provider().complete(request);
    expect(result.attempts).toBe(3);
    expect(delays).toEqual([375, 750]);
  });

  it('honours Retry-After given in seconds', async () => {
    stub.reply(
      anthropicReply.error(429, 'rate_limit_error', 'Too many requests', { 'retry-after': '1' }),
      anthropicReply.ok('ok'),
    );
    const result = await provider().complete(request);
    expect(result.attempts).toBe(2);
    expect(delays).toEqual([1000]);
  });

  it('gives up at once when Retry-After is longer than we are willing to wait', async () => {
    stub.reply(anthropicReply.error(429, 'rate_limit_error', 'Daily limit', { 'retry-after': '3600' }));
    const err = await failure(provider().complete(request));
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(err.attempts).toBe(1);
    expect(delays).toEqual([]);
  });

  it.each([
    [401, 'authentication_error', 'auth'],
    [403, 'permission_error', 'auth'],
    [404, 'not_found_error', 'bad_request'],
  ] as const)('maps %i (%s) to %s without retrying', async (status, type, kind) => {
    stub.reply(anthropicReply.error(status, type, 'nope'));
    const err = await failure(provider().complete(request));
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    expect(err.attempts).toBe(1);
    expect(stub.requests).toHaveLength(1);
  });

  it('times out a hanging endpoint', async () => {
    stub.reply({ hang: true });
    const started = Date.now();
    const err = await failure(provider({ timeoutMs: 200, maxRetries: 0 }).complete(request));
    expect(err.kind).toBe('timeout');
    expect(err.attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it.each([
    ['an HTML page', htmlPage, /non-JSON body/],
    ['truncated JSON', truncatedJson, /invalid JSON/],
    [
      'a message without text blocks',
      {
        json: { type: 'message', content: [{ type: 'thinking', thinking: '…' }], stop_reason: 'max_tokens' },
      },
      /no text content \(stop_reason max_tokens\)/,
    ],
  ])('turns %s into a malformed error', async (_label, reply, message) => {
    stub.reply(reply);
    const err = await failure(provider().complete(request));
    expect(err.kind).toBe('malformed');
    expect(err.message).toMatch(message);
    expect(err.attempts).toBe(1);
  });

  it('reports an unreachable endpoint after retrying', async () => {
    const port = await closedPort();
    const err = await failure(
      provider({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1 }).complete(request),
    );
    expect(err.kind).toBe('unreachable');
    expect(err.attempts).toBe(2);
  });
});
