import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CompletionRequest, LlmError } from '../../src/llm/index.js';
import { OpenAiProvider } from '../../src/llm/openai.js';
import {
  closedPort,
  htmlPage,
  type LlmStub,
  openaiReply,
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

function provider(
  overrides: { baseUrl?: string; maxRetries?: number; timeoutMs?: number; apiKey?: string } = {},
) {
  return new OpenAiProvider({
    config: {
      model: 'configured-model',
      baseUrl: `${stub.url}/v1`,
      apiKey: 'sk-test',
      timeoutMs: 5_000,
      maxRetries: 3,
      ...overrides,
    },
    // Captures the back-off instead of waiting it out; random 0.5 makes the jitter predictable.
    retry: { sleep: async (ms) => void delays.push(ms), random: () => 0.5 },
  });
}

const request: CompletionRequest = {
  purpose: 'analysis',
  messages: [
    { role: 'system', content: 'You are an analyst.' },
    { role: 'user', content: 'Analyse BTCUSDT.' },
  ],
  settings: {},
};

const schema = {
  name: 'analysis',
  schema: {
    type: 'object',
    properties: { bias: { type: 'string' } },
    required: ['bias'],
    additionalProperties: false,
  },
};

async function failure(p: Promise<unknown>): Promise<LlmError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LlmError);
  return err as LlmError;
}

describe('openai provider against a stub endpoint', () => {
  it('returns the text, token counts and model, and sends what the prompt asked for', async () => {
    stub.reply(
      openaiReply.ok('{"bias":"long"}', { prompt_tokens: 120, completion_tokens: 33 }, 'gpt-4o-2024-08-06'),
    );
    const result = await provider().complete({
      ...request,
      settings: { model: 'gpt-4o', temperature: 0.2, max_tokens: 800, top_p: 0.9 },
    });
    expect(result).toMatchObject({
      text: '{"bias":"long"}',
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      prompt_tokens: 120,
      completion_tokens: 33,
      attempts: 1,
    });
    expect(result.latency_ms).toBeGreaterThanOrEqual(0);
    expect(stub.requests).toHaveLength(1);
    const sent = stub.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer sk-test');
    // model_config overrides LLM_MODEL; keys other than model/temperature/max_tokens are not sent.
    expect(sent.body).toEqual({
      model: 'gpt-4o',
      temperature: 0.2,
      max_tokens: 800,
      messages: [
        { role: 'system', content: 'You are an analyst.' },
        { role: 'user', content: 'Analyse BTCUSDT.' },
      ],
    });
  });

  it('uses the configured model when model_config names none, and null tokens when usage is absent', async () => {
    stub.reply(openaiReply.ok('hello', null));
    const result = await provider().complete(request);
    expect((stub.requests[0]!.body as { model: string }).model).toBe('configured-model');
    expect(stub.requests[0]!.body).not.toHaveProperty('temperature');
    expect(stub.requests[0]!.body).not.toHaveProperty('max_tokens');
    expect(result.prompt_tokens).toBeNull();
    expect(result.completion_tokens).toBeNull();
  });

  it('sends an empty key as a placeholder, since the SDK refuses none (keyless local servers)', async () => {
    stub.reply(openaiReply.ok('ok'));
    await provider({ apiKey: '' }).complete(request);
    expect(stub.requests[0]!.headers.authorization).toBe('Bearer no-key');
  });

  it('asks for strict JSON-schema output when a schema is given', async () => {
    stub.reply(openaiReply.ok('{"bias":"short"}'));
    await provider().complete({ ...request, responseSchema: schema });
    expect((stub.requests[0]!.body as Record<string, unknown>).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'analysis', schema: schema.schema, strict: true },
    });
  });

  it('falls back to json_object, then to plain, when the endpoint rejects response_format, and remembers', async () => {
    stub.reply(
      openaiReply.error(
        400,
        "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
        {
          param: 'response_format',
        },
      ),
      openaiReply.error(400, "'response_format.type' must be 'json_schema' or 'text'"),
      openaiReply.ok('{"bias":"long"}'),
    );
    const p = provider();
    const result = await p.complete({ ...request, responseSchema: schema });
    expect(result.text).toBe('{"bias":"long"}');
    expect(result.attempts).toBe(3);
    const formats = stub.requests.map((r) => (r.body as Record<string, unknown>).response_format);
    expect(formats).toEqual([
      { type: 'json_schema', json_schema: { name: 'analysis', schema: schema.schema, strict: true } },
      { type: 'json_object' },
      undefined,
    ]);
    // Fallbacks are immediate, not retries: no back-off.
    expect(delays).toEqual([]);

    // The next call for the same model goes straight to the shape that worked.
    stub.reply(openaiReply.ok('{"bias":"long"}'));
    const again = await p.complete({ ...request, responseSchema: schema });
    expect(again.attempts).toBe(1);
    expect(stub.requests[3]!.body).not.toHaveProperty('response_format');
    // …but another model on the same endpoint still gets the full schema first.
    stub.reply(openaiReply.ok('{}'));
    await p.complete({ ...request, settings: { model: 'other' }, responseSchema: schema });
    expect((stub.requests[4]!.body as Record<string, { type: string }>).response_format?.type).toBe(
      'json_schema',
    );
  });

  it('switches to max_completion_tokens when the model rejects max_tokens', async () => {
    stub.reply(
      openaiReply.error(
        400,
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        { param: 'max_tokens', code: 'unsupported_parameter' },
      ),
      openaiReply.ok('done'),
    );
    const result = await provider().complete({ ...request, settings: { model: 'o4-mini', max_tokens: 500 } });
    expect(result.attempts).toBe(2);
    expect(stub.requests[1]!.body).toMatchObject({ max_completion_tokens: 500 });
    expect(stub.requests[1]!.body).not.toHaveProperty('max_tokens');
  });

  it('falls back on a 400 whose body the SDK cannot read (vLLM) while a response_format was sent', async () => {
    stub.reply(
      {
        status: 400,
        json: {
          object: 'error',
          message: 'guided decoding failed',
          type: 'BadRequestError',
          param: null,
          code: 400,
        },
      },
      openaiReply.ok('{"bias":"long"}'),
    );
    const result = await provider().complete({ ...request, responseSchema: schema });
    expect(result.attempts).toBe(2);
    expect((stub.requests[1]!.body as Record<string, unknown>).response_format).toEqual({
      type: 'json_object',
    });
  });

  it('drops temperature for a model that only accepts the default', async () => {
    stub.reply(
      openaiReply.error(
        400,
        "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
        { param: 'temperature', code: 'unsupported_value' },
      ),
      openaiReply.ok('done'),
    );
    const result = await provider().complete({
      ...request,
      settings: { model: 'gpt-5-mini', temperature: 0.2 },
    });
    expect(result.attempts).toBe(2);
    expect(stub.requests[0]!.body).toMatchObject({ temperature: 0.2 });
    expect(stub.requests[1]!.body).not.toHaveProperty('temperature');
  });

  it('does not fall back on a 400 unrelated to the request shape', async () => {
    stub.reply(openaiReply.error(400, "This model's maximum context length is 8192 tokens."));
    const err = await failure(provider().complete({ ...request, responseSchema: schema }));
    expect(err.kind).toBe('bad_request');
    expect(err.status).toBe(400);
    expect(err.attempts).toBe(1);
    expect(err.message).toMatch(/maximum context length/);
    expect(stub.requests).toHaveLength(1);
  });

  it('retries 500s with exponential back-off and counts the attempts', async () => {
    stub.reply(
      openaiReply.error(500, 'boom', { type: 'server_error' }),
      openaiReply.error(502, 'bad gateway', { type: 'server_error' }),
      openaiReply.ok('finally'),
    );
    const result = await provider().complete(request);
    expect(result.text).toBe('finally');
    expect(result.attempts).toBe(3);
    expect(stub.requests).toHaveLength(3);
    // base 500 ms, doubling; equal jitter at random 0.5 gives 3/4 of each ceiling.
    expect(delays).toEqual([375, 750]);
  });

  it('honours Retry-After on a 429', async () => {
    stub.reply(
      openaiReply.error(429, 'Rate limit reached', {
        type: 'rate_limit_error',
        headers: { 'retry-after': '2' },
      }),
      openaiReply.ok('ok'),
    );
    const result = await provider().complete(request);
    expect(result.attempts).toBe(2);
    expect(delays).toEqual([2000]);
  });

  it('gives up after LLM_MAX_RETRIES with the last error, status and attempt count', async () => {
    stub.reply(
      ...Array.from({ length: 3 }, () => openaiReply.error(503, 'overloaded', { type: 'server_error' })),
    );
    const err = await failure(provider({ maxRetries: 2 }).complete(request));
    expect(err.kind).toBe('server_error');
    expect(err.status).toBe(503);
    expect(err.attempts).toBe(3);
    expect(stub.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });

  it('does not retry an exhausted quota, although it is a 429', async () => {
    stub.reply(openaiReply.error(429, 'You exceeded your current quota', { code: 'insufficient_quota' }));
    const err = await failure(provider().complete(request));
    expect(err.kind).toBe('rate_limited');
    expect(err.attempts).toBe(1);
    expect(delays).toEqual([]);
  });

  it('maps 401 to auth without retrying', async () => {
    stub.reply(openaiReply.error(401, 'Incorrect API key provided', { code: 'invalid_api_key' }));
    const err = await failure(provider().complete(request));
    expect(err.kind).toBe('auth');
    expect(err.status).toBe(401);
    expect(err.attempts).toBe(1);
    expect(stub.requests).toHaveLength(1);
  });

  it('times out a hanging endpoint quickly, per attempt, and retries', async () => {
    stub.reply({ hang: true }, { hang: true });
    const started = Date.now();
    const err = await failure(provider({ timeoutMs: 200, maxRetries: 1 }).complete(request));
    expect(err.kind).toBe('timeout');
    expect(err.attempts).toBe(2);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('times out an answer whose body stalls after the headers (beyond the SDK timeout)', async () => {
    stub.reply({ stallBody: '{"id":"x",' });
    const started = Date.now();
    const err = await failure(provider({ timeoutMs: 200, maxRetries: 0 }).complete(request));
    expect(err.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('accepts a slow answer that arrives within the timeout', async () => {
    stub.reply({ delayMs: 100, reply: openaiReply.ok('slow but fine') });
    const result = await provider({ timeoutMs: 2_000 }).complete(request);
    expect(result.text).toBe('slow but fine');
    expect(result.latency_ms).toBeGreaterThanOrEqual(90);
  });

  it.each([
    ['an HTML page with status 200', htmlPage, /non-JSON body/],
    ['truncated JSON', truncatedJson, /invalid JSON/],
    ['JSON that is not a chat completion', { json: { hello: 'world' } }, /not with a chat completion/],
    [
      'a completion without text',
      { json: { choices: [{ message: { role: 'assistant', content: null, refusal: 'I cannot help' } }] } },
      /refused: I cannot help/,
    ],
  ])('turns %s into a malformed error, without retrying', async (_label, reply, message) => {
    stub.reply(reply);
    const err = await failure(provider().complete(request));
    expect(err.kind).toBe('malformed');
    expect(err.message).toMatch(message);
    expect(err.attempts).toBe(1);
  });

  it('reports an unreachable endpoint after retrying', async () => {
    const port = await closedPort();
    const err = await failure(
      provider({ baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 2 }).complete(request),
    );
    expect(err.kind).toBe('unreachable');
    expect(err.attempts).toBe(3);
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(delays).toEqual([375, 750]);
  });

  it('treats a connection reset as unreachable, and recovers on retry', async () => {
    stub.reply({ reset: true }, openaiReply.ok('back'));
    const result = await provider().complete(request);
    expect(result.text).toBe('back');
    expect(result.attempts).toBe(2);
  });

  it('stops at once, as aborted, when the caller cancels', async () => {
    stub.reply({ hang: true });
    const controller = new AbortController();
    const pending = provider().complete(request, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const err = await failure(pending);
    expect(err.kind).toBe('aborted');
    expect(err.attempts).toBe(1);
  });

  it('rejects an invalid model_config before sending anything', async () => {
    const err = await failure(provider().complete({ ...request, settings: { max_tokens: -5 } }));
    expect(err.kind).toBe('bad_request');
    expect(err.message).toBe('model_config.max_tokens must be a positive integer (got -5)');
    expect(stub.requests).toHaveLength(0);
  });
});
