import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLlmConfig } from '../src/llm/config.js';
import { DRIVERS } from './helpers/databases.js';
import { anthropicReply, closedPort, type LlmStub, openaiReply, startLlmStub } from './helpers/llm-stub.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './helpers/server.js';

const CONTEXT = {
  current_price: 43250.5,
  indicators: {
    rsi: 62,
    atr: 800,
    macd: { value: 120, signal: 90, histogram: 30 },
    ma20: 42800,
    ma50: 41500,
  },
};
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface Generated {
  signal: {
    id: number;
    direction: string;
    entry_price: number;
    stop_loss: number;
    take_profit: number;
    prompt_template_id: number;
    prompt_version: number;
    prompt_type: string;
    llm_provider: string;
    rendered_prompt_hash: string;
    outcome: string;
    prompts: {
      template_id: number;
      version: number;
      prompt_type: string;
      timeframe: string | null;
      rendered_hash: string;
    }[];
  };
  analyses: { timeframe: string; content: string }[];
  llm: { provider: string; calls: number };
}

describe.each(DRIVERS)('signal generation on %s', (kind) => {
  describe('with the default heuristic provider (no key, no network)', () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(kind);
    });
    afterAll(() => t.stop());

    it('produces a stored, traceable signal that an outcome call closes with the correct R', async () => {
      const res = await t.request('POST', '/api/v1/signals/generate', {
        key: ADMIN_TOKEN,
        body: { symbol: 'BTCUSDT', timeframes: ['1h', '4h'], context: CONTEXT },
      });
      expect(res.status, res.text).toBe(201);
      const g = res.json() as Generated;
      expect(g.llm).toEqual({ provider: 'heuristic', model: 'heuristic-v1', calls: 3 });
      expect(g.analyses.map((a) => a.timeframe)).toEqual(['1h', '4h']);
      expect(g.signal).toMatchObject({
        direction: 'long',
        prompt_type: 'consolidation',
        prompt_version: 1,
        llm_provider: 'heuristic',
        outcome: 'pending',
      });
      expect(g.signal.stop_loss).toBeLessThan(g.signal.entry_price);
      expect(g.signal.take_profit).toBeGreaterThan(g.signal.entry_price);
      // system once, analysis per timeframe, consolidation: each with the hash of its rendered text.
      expect(g.signal.prompts.map((p) => [p.prompt_type, p.timeframe])).toEqual([
        ['system_message', null],
        ['analysis', '1h'],
        ['analysis', '4h'],
        ['consolidation', null],
      ]);
      expect(g.signal.prompts.every((p) => /^[0-9a-f]{64}$/.test(p.rendered_hash))).toBe(true);

      // The rendered text can be reproduced from the stored version and its hash checked.
      const analysis = g.signal.prompts[1]!;
      const rendered = (
        await t.request('POST', '/api/v1/prompts/render', {
          key: ADMIN_TOKEN,
          body: {
            prompt_id: analysis.template_id,
            version: analysis.version,
            context: {
              ...CONTEXT,
              symbol: 'BTCUSDT',
              timeframes: ['1h', '4h'],
              strategy: null,
              timeframe: '1h',
            },
          },
        })
      ).json() as { rendered: string };
      expect(sha256(rendered.rendered)).toBe(analysis.rendered_hash);

      const risk = g.signal.entry_price - g.signal.stop_loss;
      const exit = g.signal.entry_price + 1.5 * risk;
      const closed = (
        await t.request('POST', `/api/v1/signals/${g.signal.id}/outcome`, {
          key: ADMIN_TOKEN,
          body: { exit_price: exit, exit_time: new Date().toISOString() },
        })
      ).json() as { outcome: string; actual_r_multiple: number };
      expect(closed.outcome).toBe('win');
      expect(closed.actual_r_multiple).toBeCloseTo(1.5, 9);
    });

    it('a strategy-specific prompt is used for that strategy', async () => {
      const s = (
        await t.request('POST', '/api/v1/strategies', { key: ADMIN_TOKEN, body: { name: 'Scalper' } })
      ).json() as { id: number };
      const own = (
        await t.request('POST', `/api/v1/strategies/${s.id}/prompts`, {
          key: ADMIN_TOKEN,
          body: {
            name: 'scalper analysis',
            template_type: 'analysis',
            template_content: 'Scalp {{ symbol }} {{ timeframe }}',
            is_active: true,
          },
        })
      ).json() as { id: number };
      const g = (
        await t.request('POST', '/api/v1/signals/generate', {
          key: ADMIN_TOKEN,
          body: { strategy_id: s.id, symbol: 'ETHUSDT', timeframes: ['5m'], context: CONTEXT },
        })
      ).json() as Generated;
      expect(g.signal.prompts.find((p) => p.prompt_type === 'analysis')!.template_id).toBe(own.id);
    });
  });

  describe('with the OpenAI SDK against a stub server', () => {
    let t: TestServer;
    let stub: LlmStub;
    beforeAll(async () => {
      stub = await startLlmStub();
      t = await startTestServer(kind, {
        llm: loadLlmConfig({
          LLM_PROVIDER: 'openai',
          LLM_BASE_URL: `${stub.url}/v1`,
          LLM_API_KEY: 'sk-test',
          LLM_MAX_RETRIES: '1',
          LLM_TIMEOUT_MS: '2000',
        }),
      });
    });
    afterAll(async () => {
      await t.stop();
      await stub.close();
    });

    it('records the model, tokens and a no-trade answer as no-trade; retries once on an invalid answer', async () => {
      stub.requests.length = 0;
      stub.reply(
        openaiReply.ok('{"bias":"long"}', { prompt_tokens: 100, completion_tokens: 10 }, 'gpt-test'),
        openaiReply.ok(
          'Here you go: {"direction": "long", "entry_price": 100, "stop_loss": 110, "take_profit": 120, "confidence": 0.7, "rationale": "x"}',
          { prompt_tokens: 200, completion_tokens: 20 },
          'gpt-test',
        ),
        openaiReply.ok(
          '```json\n{"direction": "no_trade", "entry_price": null, "stop_loss": null, "take_profit": null, "confidence": 0.2, "rationale": "mixed"}\n```',
          { prompt_tokens: 250, completion_tokens: 25 },
          'gpt-test',
        ),
      );
      const res = await t.request('POST', '/api/v1/signals/generate', {
        key: ADMIN_TOKEN,
        body: { symbol: 'BTCUSDT', timeframes: ['1h'], context: CONTEXT },
      });
      expect(res.status, res.text).toBe(201);
      const g = res.json() as Generated & {
        signal: { prompt_tokens: number; completion_tokens: number; llm_model: string };
      };
      expect(g.signal).toMatchObject({
        direction: 'no_trade',
        outcome: 'cancelled',
        llm_model: 'gpt-test',
        prompt_tokens: 550,
        completion_tokens: 55,
      });
      expect(stub.requests).toHaveLength(3);
      const retry = stub.requests[2]!.body as { messages: { role: string; content: string }[] };
      expect(retry.messages.at(-1)!.content).toContain('stop_loss: must be below entry_price for a long');
    });

    it('a provider that is down is a recorded 502 failure, not a crash; nothing is stored', async () => {
      const before = (
        (await t.request('GET', '/api/v1/signals', { key: ADMIN_TOKEN })).json() as { total: number }
      ).total;
      stub.reply(openaiReply.error(500, 'boom'), openaiReply.error(503, 'still down'));
      const res = await t.request('POST', '/api/v1/signals/generate', {
        key: ADMIN_TOKEN,
        body: { symbol: 'BTCUSDT', timeframes: ['1h'], context: CONTEXT },
      });
      expect(res.status).toBe(502);
      expect(res.json()).toMatchObject({
        llm_error: 'server_error',
        detail: expect.stringContaining('analysis 1h'),
      });
      expect(
        ((await t.request('GET', '/api/v1/signals', { key: ADMIN_TOKEN })).json() as { total: number }).total,
      ).toBe(before);
      const [failure] = await t.server.database.query<{ details: { kind: string; stage: string } }>(
        `select details from audit_events where action = 'signal.generate_failed' order by id desc limit 1`,
      );
      expect(failure!.details).toMatchObject({ kind: 'server_error', stage: 'analysis 1h' });
      expect((await t.request('GET', '/health')).status).toBe(200);
    });

    it('an unreachable provider is a 502 too', async () => {
      const port = await closedPort();
      const down = await startTestServer(kind, {
        llm: loadLlmConfig({
          LLM_PROVIDER: 'openai',
          LLM_BASE_URL: `http://127.0.0.1:${port}/v1`,
          LLM_MAX_RETRIES: '0',
        }),
      });
      try {
        const res = await down.request('POST', '/api/v1/signals/generate', {
          key: ADMIN_TOKEN,
          body: { symbol: 'BTCUSDT', timeframes: ['1h'], context: CONTEXT },
        });
        expect(res.status).toBe(502);
        expect(res.json()).toMatchObject({ llm_error: 'unreachable' });
      } finally {
        await down.stop();
      }
    });
  });

  describe('with the Anthropic SDK against a stub server', () => {
    it('generates a stored signal through the Messages API, retrying a 529 overload', async () => {
      const stub = await startLlmStub();
      const t = await startTestServer(kind, {
        llm: loadLlmConfig({
          LLM_PROVIDER: 'anthropic',
          LLM_BASE_URL: stub.url,
          LLM_API_KEY: 'sk-ant-test',
          LLM_MAX_RETRIES: '2',
        }),
      });
      try {
        stub.reply(
          anthropicReply.error(529, 'overloaded_error', 'busy', { 'retry-after': '0' }),
          anthropicReply.ok('{"bias": "short"}', { input_tokens: 300, output_tokens: 20 }, 'claude-test'),
          anthropicReply.ok(
            '{"direction": "short", "entry_price": 100, "stop_loss": 104, "take_profit": 92, "confidence": 0.6, "rationale": "lower highs"}',
            { input_tokens: 400, output_tokens: 40 },
            'claude-test',
          ),
        );
        const res = await t.request('POST', '/api/v1/signals/generate', {
          key: ADMIN_TOKEN,
          body: { symbol: 'ETHUSDT', timeframes: ['4h'], context: CONTEXT },
        });
        expect(res.status, res.text).toBe(201);
        const g = res.json() as Generated & {
          signal: { llm_model: string; prompt_tokens: number; completion_tokens: number };
        };
        expect(g.signal).toMatchObject({
          direction: 'short',
          stop_loss: 104,
          llm_provider: 'anthropic',
          llm_model: 'claude-test',
          prompt_tokens: 700,
          completion_tokens: 60,
        });
        expect(stub.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(3);
        const body = stub.requests[2]!.body as { system: string; messages: { role: string }[] };
        expect(body.system).toContain('disciplined quantitative trading analyst');
        expect(body.messages.every((m) => m.role !== 'system')).toBe(true);
      } finally {
        await t.stop();
        await stub.close();
      }
    });
  });
});
