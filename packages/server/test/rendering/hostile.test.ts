import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Requests an attacker with a viewer key (or an editor) can send, each cheap to send and, before
 * the worker pool and the engine's metering, each able to freeze the whole service for seconds to
 * hours. Every one must be answered within 2 s, never with a 5xx, while /health keeps answering.
 */
const fixture = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/hostile-templates.json'), 'utf8'),
) as { cases: { name: string; parts: [string, number][] }[] };
/** Same expansion as bench/hostile.bench.mjs. */
const renders: [string, string][] = fixture.cases.map(({ name, parts }) => [
  name,
  parts
    .map(([text, times]) =>
      Array.from({ length: times }, (_, i) => text.replaceAll('@i@', String(i))).join(''),
    )
    .join(''),
]);

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await work();
  return [r, performance.now() - t];
}

/** Polls /health until `done` settles; returns the slowest answer in ms. */
async function healthWhile(s: TestServer, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  let worst = 0;
  while (!finished) {
    const [res, ms] = await timed(() => fetch(`${s.url}/health`));
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    worst = Math.max(worst, ms);
    await new Promise((r) => setTimeout(r, 10));
  }
  return worst;
}

describe.each(DRIVERS)('hostile requests on %s', (driver) => {
  let s: TestServer;
  let viewer: string;
  let editor: string;
  beforeAll(async () => {
    s = await startTestServer(driver);
    viewer = await s.keyFor('viewer');
    editor = await s.keyFor('editor');
  });
  afterAll(() => s?.stop());

  async function hostile(method: string, path: string, key: string, body: unknown) {
    const request = timed(() => s.request(method, path, { key, body }));
    const worstHealth = await healthWhile(s, request);
    const [res, ms] = await request;
    return { res, ms, worstHealth };
  }

  it.each(renders)(
    'render: %s — answered within 2 s, no 5xx, /health keeps answering',
    async (_name, template) => {
      const { res, ms, worstHealth } = await hostile('POST', '/api/v1/prompts/render', viewer, {
        template_content: template,
        context: {},
      });
      expect(res.status, res.text).toBeLessThan(500);
      if (res.status !== 200) {
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.status).toBe(422);
      }
      expect(ms).toBeLessThan(2_000);
      // The target is 250 ms (measured by `npm run bench -- hostile`); a test shares this machine with
      // other test files, so it asserts the property (no stall) with room for a loaded CI host.
      expect(worstHealth).toBeLessThan(1_000);
    },
  );

  it('validate and create with a template that is slow to compile', async () => {
    const slow = renders.find(([n]) => n.startsWith('five thousand distinct macros'))![1];
    for (const [path, key, body] of [
      ['/api/v1/prompts/validate', viewer, { template_content: slow }],
      ['/api/v1/prompts', editor, { name: 'slow', template_type: 'analysis', template_content: slow }],
    ] as const) {
      const { res, ms, worstHealth } = await hostile('POST', path, key, body);
      expect(res.status, res.text).toBeLessThan(500);
      expect(ms).toBeLessThan(2_000);
      expect(worstHealth).toBeLessThan(1_000);
    }
  });

  it('a diff of two large unrelated versions is bounded', async () => {
    const lines = (seed: number) =>
      Array.from({ length: 8_000 }, (_, i) => `line ${(i * 7919 + seed) % 10007} {{ v${i % 13} }}`).join(
        '\n',
      );
    const created = await s.request('POST', '/api/v1/prompts', {
      key: editor,
      body: { name: 'big diff', template_type: 'analysis', template_content: lines(1) },
    });
    expect(created.status, created.text).toBe(201);
    const id = (created.json() as { id: number }).id;
    const put = await s.request('PUT', `/api/v1/prompts/${id}`, {
      key: editor,
      body: { template_content: lines(5003) },
    });
    expect(put.status, put.text).toBe(200);
    const { res, ms, worstHealth } = await hostile(
      'GET',
      `/api/v1/prompts/${id}/diff?from=1&to=2`,
      viewer,
      undefined,
    );
    expect(res.status, res.text).toBe(200);
    const diff = res.json() as { unified_diff: string | null; too_different?: string };
    expect(diff.unified_diff).toBeNull();
    expect(diff.too_different).toMatch(/too different/);
    expect(ms).toBeLessThan(2_000);
    expect(worstHealth).toBeLessThan(1_000);
  });

  it('after all of it, the service still renders', async () => {
    const res = await s.request('POST', '/api/v1/prompts/render', {
      key: viewer,
      body: { template_content: '{{ x|upper }}', context: { x: 'ok' } },
    });
    expect(res.status).toBe(200);
    expect((res.json() as { rendered: string }).rendered).toBe('OK');
  });
});
