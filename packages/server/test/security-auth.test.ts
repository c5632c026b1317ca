import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySecret } from '../src/auth/keys.js';
import { AuthService } from '../src/auth/service.js';
import { loadLlmConfig } from '../src/llm/config.js';
import { DRIVERS, openTestDatabase } from './helpers/databases.js';
import { type LlmStub, startLlmStub } from './helpers/llm-stub.js';
import { captureLogs, type LogCapture } from './helpers/log-lines.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './helpers/server.js';

const PROBLEM = 'application/problem+json; charset=utf-8';
const WRONG_SECRET = 'f'.repeat(40);
const ipHeader = (ip: string) => ({ 'x-forwarded-for': ip });

describe.each(DRIVERS)('failed authentications on %s', (kind) => {
  let t: TestServer;
  let logs: LogCapture;
  let viewer: string;
  beforeAll(async () => {
    logs = captureLogs();
    t = await startTestServer(
      kind,
      {
        logLevel: 'warn',
        trustProxy: true,
        limits: { authFailures: 3, authFailureWindowMs: 60_000, rendersInFlightPerKey: 8 },
      },
      { logStream: logs.stream },
    );
    viewer = await t.keyFor('viewer');
  });
  afterAll(() => t.stop());

  it('are answered 401 up to the limit per IP, then 429 problem+json with Retry-After; a valid key is never limited', async () => {
    const headers = ipHeader('203.0.113.7');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await t.request('GET', '/api/v1/strategies', { key: `wrong-${i}`, headers })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await t.request('GET', '/api/v1/strategies', { key: 'wrong-again', headers });
    expect(limited.headers.get('content-type')).toBe(PROBLEM);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
    // The same address with a valid key still gets in, again and again.
    for (let i = 0; i < 5; i++) {
      expect((await t.request('GET', '/api/v1/strategies', { key: viewer, headers })).status).toBe(200);
    }
    // Another address is not affected.
    const other = await t.request('GET', '/api/v1/strategies', {
      key: 'wrong',
      headers: ipHeader('203.0.113.8'),
    });
    expect(other.status).toBe(401);
  });

  it('are counted per key prefix across addresses, so spreading guesses over IPs does not help', async () => {
    const prefix = viewer.slice(0, 11); // pl_<8 hex>
    const guess = `${prefix}_${WRONG_SECRET}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const headers = ipHeader(`198.51.100.${10 + i}`);
      statuses.push((await t.request('GET', '/api/v1/strategies', { key: guess, headers })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // The key's owner, with the real secret, is not locked out by someone guessing at its prefix.
    const owner = await t.request('GET', '/api/v1/strategies', {
      key: viewer,
      headers: ipHeader('198.51.100.99'),
    });
    expect(owner.status).toBe(200);
  });

  it('are logged at warn with the key prefix and the address, never the secret', () => {
    const entries = logs.entries().filter((e) => e.msg === 'authentication failed');
    const forPrefix = entries.find((e) => e.ip === '198.51.100.10');
    expect(forPrefix).toMatchObject({ level: 40, key_prefix: viewer.slice(0, 11) });
    expect(logs.raw.join('\n')).not.toContain(WRONG_SECRET);
    expect(logs.raw.join('\n')).not.toContain(viewer.slice(12));
  });

  it('without any key are not counted: 401 asking for one', async () => {
    const headers = ipHeader('192.0.2.200');
    for (let i = 0; i < 5; i++) {
      expect((await t.request('GET', '/api/v1/strategies', { headers })).status).toBe(401);
    }
  });
});

describe('per-IP limits by default believe the socket, not X-Forwarded-For', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite', {
      limits: { authFailures: 2, authFailureWindowMs: 60_000, rendersInFlightPerKey: 8 },
    });
  });
  afterAll(() => t.stop());

  it('a client cannot reset its count by claiming another address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await t.request('GET', '/api/v1/strategies', {
        key: 'nope',
        headers: ipHeader(`10.0.0.${i}`),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 429, 429]);
  });
});

describe('an unknown key prefix costs the same scrypt work as a known one', () => {
  it('verifies against a dummy hash, taking about as long as a wrong secret for a real prefix', async () => {
    const database = await openTestDatabase('pglite');
    try {
      const hashesChecked: string[] = [];
      const auth = new AuthService(database, undefined, (secret, stored) => {
        hashesChecked.push(stored);
        return verifySecret(secret, stored);
      });
      const { token } = await auth.createKey(
        { name: 'test', keyId: null, role: 'admin' },
        { name: 'k', role: 'viewer' },
      );
      const known = `${token.slice(0, 11)}_${WRONG_SECRET}`;
      const unknown = `pl_00000000_${WRONG_SECRET}`;
      expect(await auth.authenticate(unknown)).toBeUndefined();
      expect(hashesChecked).toHaveLength(1);
      expect(hashesChecked[0]).toMatch(/^scrypt\$16384\$8\$1\$/);

      const time = async (t: string) => {
        const started = performance.now();
        await auth.authenticate(t);
        return performance.now() - started;
      };
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const knownMs: number[] = [];
      const unknownMs: number[] = [];
      for (let i = 0; i < 7; i++) {
        knownMs.push(await time(known));
        unknownMs.push(await time(unknown));
      }
      // Loose on purpose (a shared machine): the unknown path must not be an order of magnitude cheaper.
      const ratio = median(unknownMs) / median(knownMs);
      expect(ratio).toBeGreaterThan(0.33);
      expect(ratio).toBeLessThan(3);
      expect(hashesChecked).toHaveLength(15);
    } finally {
      await database.drop();
    }
  });
});

describe('the per-key cap on renders in flight', () => {
  let t: TestServer;
  let stub: LlmStub;
  let editor: string;
  beforeAll(async () => {
    stub = await startLlmStub();
    t = await startTestServer('pglite', {
      limits: { authFailures: 10, authFailureWindowMs: 60_000, rendersInFlightPerKey: 2 },
      llm: loadLlmConfig({
        LLM_PROVIDER: 'openai',
        LLM_BASE_URL: `${stub.url}/v1`,
        LLM_API_KEY: 'sk-test',
        LLM_MAX_RETRIES: '0',
        LLM_TIMEOUT_MS: '1500',
      }),
    });
    editor = await t.keyFor('editor');
  });
  afterAll(async () => {
    await t.stop();
    await stub.close();
  });

  it('answers 429 problem+json past the cap for that key only, and frees the slots when work ends', async () => {
    stub.reply({ hang: true }, { hang: true });
    const generate = (key: string) =>
      t.request('POST', '/api/v1/signals/generate', {
        key,
        body: { symbol: 'BTCUSDT', timeframes: ['1h'], context: { current_price: 100 } },
      });
    const slow = [generate(editor), generate(editor)];
    await new Promise((r) => setTimeout(r, 300));
    const third = await generate(editor);
    expect(third.status).toBe(429);
    expect(third.headers.get('content-type')).toBe(PROBLEM);
    expect(third.json()).toMatchObject({ status: 429, detail: expect.stringMatching(/2 renders in flight/) });
    const render = await t.request('POST', '/api/v1/prompts/render', {
      key: editor,
      body: { template_content: 'x', context: {} },
    });
    expect(render.status).toBe(429);
    // Another key has its own slots.
    const other = await t.request('POST', '/api/v1/prompts/validate', {
      key: ADMIN_TOKEN,
      body: { template_content: '{{ x }}' },
    });
    expect(other.status).toBe(200);
    // The hung calls time out (502); then the key's slots are free again.
    for (const s of await Promise.all(slow)) expect(s.status).toBe(502);
    const after = await t.request('POST', '/api/v1/prompts/validate', {
      key: editor,
      body: { template_content: '{{ x }}' },
    });
    expect(after.status).toBe(200);
  });
});
