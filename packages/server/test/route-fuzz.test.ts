import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from './helpers/databases.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './helpers/server.js';

/**
 * Every route the app has (read from its own OpenAPI document), every path, query and top-level body
 * parameter, each hostile value below put in one parameter of an otherwise valid request: the answer
 * is never a 5xx, an error is always problem+json, and a 422 names the parameter that was bad.
 */

type Location = 'path' | 'query' | 'body';
interface Operation {
  method: string;
  path: string;
  fields: { in: Location; name: string }[];
  hasBody: boolean;
}
interface Request {
  params: Record<string, string>;
  query: Record<string, string>;
  body?: Record<string, unknown>;
}

/** Raw JSON text inserted where a value goes: what JSON.stringify cannot write. */
class Raw {
  constructor(readonly text: string) {}
}

const nested = (depth: number) => new Raw(`${'['.repeat(depth)}${']'.repeat(depth)}`);
const nestedObject = (depth: number) => new Raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** The hostile values: each goes into every parameter (as text in paths and query strings). */
const HOSTILE: unknown[] = [
  2_147_483_648,
  9_007_199_254_740_991,
  -1,
  0,
  1.5,
  1e20,
  -2_147_483_649,
  '2147483648',
  '99999999999999999999',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  new Raw('1e400'),
  new Raw('-1e400'),
  1e308,
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x'.repeat(300_000),
  '2025-02-30',
  '2025-13-01',
  '2025-01-01T25:00:00Z',
  '2025-02-30T00:00:00Z',
  '+300000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '0000-01-01',
  '0001-01-01T00:00:00Z',
  '300000-01-01',
  true,
  null,
  [],
  {},
  { '\u0000': 'a\u0000' },
  Array.from({ length: 20_000 }, () => 1),
  nested(5_000),
  nestedObject(2_000),
];

/** Whole bodies no route accepts as they are. */
const HOSTILE_BODIES: unknown[] = [
  new Raw('1e400'),
  'text',
  42,
  null,
  [],
  Array.from({ length: 20_000 }, () => ({})),
  nested(10_000),
  nestedObject(5_000),
  { '\u0000': 1 },
];

function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Raw) return value.text;
  return JSON.stringify(value);
}

type Schema = { $ref?: string; properties?: Record<string, Schema> };
interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string }[];
        requestBody?: { content: Record<string, { schema: Schema }> };
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

function operations(doc: OpenApi): Operation[] {
  const resolve = (s: Schema): Schema =>
    s.$ref ? resolve(doc.components?.schemas?.[s.$ref.split('/').pop()!] ?? {}) : s;
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const fields: Operation['fields'] = (op.parameters ?? [])
        .filter((p) => p.in === 'path' || p.in === 'query')
        .map((p) => ({ in: p.in as Location, name: p.name }));
      const body = op.requestBody?.content['application/json']?.schema;
      for (const name of Object.keys(body ? (resolve(body).properties ?? {}) : {}))
        fields.push({ in: 'body', name });
      return { method: method.toUpperCase(), path, fields, hasBody: body !== undefined };
    }),
  );
}

describe.each(DRIVERS)('route fuzz on %s', (kind) => {
  let t: TestServer;
  let ops: Operation[];
  /** A valid request for each route, so that a hostile value is the only thing wrong with it. */
  let baseline: Record<string, Request>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    const admin = { key: ADMIN_TOKEN };
    const strategy = (
      await t.request('POST', '/api/v1/strategies', { ...admin, body: { name: 'fuzz strategy' } })
    ).json() as { id: number };
    const prompt = (
      await t.request('POST', '/api/v1/prompts/', {
        ...admin,
        body: { name: 'fuzz', template_type: 'analysis', template_content: 'Hi {{ symbol }}' },
      })
    ).json() as { id: number };
    await t.request('PUT', `/api/v1/prompts/${prompt.id}`, {
      ...admin,
      body: { template_content: 'Hello {{ symbol }}' },
    });
    const owned = (
      await t.request('POST', `/api/v1/strategies/${strategy.id}/prompts`, {
        ...admin,
        body: { name: 'owned', template_type: 'system_message', template_content: 'You trade.' },
      })
    ).json() as { id: number };
    const signal = (
      await t.request('POST', '/api/v1/signals', {
        ...admin,
        body: { symbol: 'BTCUSDT', direction: 'long', entry_price: 100, stop_loss: 90 },
      })
    ).json() as { id: number };
    const key = (
      await t.request('POST', '/api/v1/keys', { ...admin, body: { name: 'fuzz key', role: 'viewer' } })
    ).json() as { key: { id: number } };
    const importDoc = {
      format: 'promptledger-export',
      format_version: 1,
      exported_at: '2025-01-01T00:00:00Z',
      prompts: [
        {
          name: 'fuzz imported',
          description: null,
          template_type: 'analysis',
          language: 'en',
          is_active: false,
          strategy: null,
          versions: [
            {
              version: 1,
              template_content: 'x',
              model_config: {},
              change_note: null,
              created_by: null,
              created_at: '2025-01-01T00:00:00Z',
            },
          ],
        },
      ],
    };

    const p = String(prompt.id);
    const s = String(strategy.id);
    const none: Request = { params: {}, query: {} };
    baseline = {
      'GET /health': none,
      'GET /api/v1/strategies': { params: {}, query: { page: '1', search: 'fuzz' } },
      'POST /api/v1/strategies': { params: {}, query: {}, body: { name: 'fuzz strategy 2' } },
      'GET /api/v1/strategies/{id}': { params: { id: s }, query: {} },
      'PUT /api/v1/strategies/{id}': { params: { id: s }, query: {}, body: { description: 'd' } },
      'DELETE /api/v1/strategies/{id}': { params: { id: s }, query: {} },
      'GET /api/v1/prompts/export': none,
      'POST /api/v1/prompts/import': { params: {}, query: {}, body: importDoc },
      'GET /api/v1/prompts': { params: {}, query: { strategy_id: s, search: 'fuzz' } },
      'GET /api/v1/prompts/types': none,
      'GET /api/v1/prompts/stats': none,
      'GET /api/v1/prompts/resolve': {
        params: {},
        query: { template_type: 'analysis', strategy_id: s, language: 'en' },
      },
      'POST /api/v1/prompts/validate': { params: {}, query: {}, body: { template_content: '{{ x }}' } },
      'POST /api/v1/prompts/render': {
        params: {},
        query: {},
        body: { prompt_id: prompt.id, version: 1, context: { symbol: 'BTC' } },
      },
      'POST /api/v1/prompts': {
        params: {},
        query: {},
        body: {
          name: 'fuzz created',
          template_type: 'consolidation',
          template_content: 'x',
          strategy_id: strategy.id,
          is_active: false,
        },
      },
      'GET /api/v1/prompts/{id}': { params: { id: p }, query: {} },
      'PUT /api/v1/prompts/{id}': {
        params: { id: p },
        query: {},
        body: { description: 'changed', expected_version: 2 },
      },
      'DELETE /api/v1/prompts/{id}': { params: { id: p }, query: {} },
      'POST /api/v1/prompts/{id}/clone': { params: { id: p }, query: {}, body: { name: 'fuzz clone' } },
      'GET /api/v1/prompts/{id}/versions': { params: { id: p }, query: {} },
      'GET /api/v1/prompts/{id}/versions/{version}': { params: { id: p, version: '1' }, query: {} },
      'GET /api/v1/prompts/{id}/diff': { params: { id: p }, query: { from: '1', to: '2' } },
      'POST /api/v1/prompts/{id}/versions/{version}/restore': {
        params: { id: p, version: '1' },
        query: {},
      },
      'GET /api/v1/strategies/{id}/prompts': { params: { id: s }, query: { page: '1' } },
      'POST /api/v1/strategies/{id}/prompts': {
        params: { id: s },
        query: {},
        body: { name: 'fuzz owned', template_type: 'analysis', template_content: 'x', is_active: false },
      },
      'PUT /api/v1/strategies/{id}/prompts/{prompt_id}': {
        params: { id: s, prompt_id: String(owned.id) },
        query: {},
        body: { description: 'changed' },
      },
      'DELETE /api/v1/strategies/{id}/prompts/{prompt_id}': {
        params: { id: s, prompt_id: String(owned.id) },
        query: {},
      },
      'GET /api/v1/prompts/{id}/performance': {
        params: { id: p },
        query: { from: '2025-01-01', to: '2025-12-31', version: '1' },
      },
      'POST /api/v1/prompts/{id}/performance/calculate': { params: { id: p }, query: {} },
      'GET /api/v1/prompts/compare': {
        params: {},
        query: { a: p, b: p, a_version: '1', b_version: '2', from: '2025-01-01', to: '2025-12-31' },
      },
      'GET /api/v1/prompts/leaderboard': {
        params: {},
        query: { metric: 'win_rate', min_signals: '0', strategy_id: s, limit: '5' },
      },
      'POST /api/v1/signals/generate': {
        params: {},
        query: {},
        body: {
          strategy_id: strategy.id,
          symbol: 'BTCUSDT',
          timeframes: ['1h'],
          context: {
            current_price: 100,
            indicators: { rsi: 50, atr: 2, macd: { value: 1, signal: 1, histogram: 0 }, ma20: 99, ma50: 98 },
          },
        },
      },
      'GET /api/v1/signals': {
        params: {},
        query: {
          strategy_id: s,
          prompt_id: p,
          version: '1',
          symbol: 'BTC',
          outcome: 'pending',
          from: '2025-01-01',
          to: '2030-01-01',
        },
      },
      'GET /api/v1/signals/{id}': { params: { id: String(signal.id) }, query: {} },
      'POST /api/v1/signals': {
        params: {},
        query: {},
        body: {
          strategy_id: strategy.id,
          symbol: 'ETHUSDT',
          direction: 'short',
          entry_price: 100,
          stop_loss: 110,
          prompt_template_id: prompt.id,
          prompt_version: 1,
          prompt_type: 'analysis',
          llm_latency_ms: 10,
          prompt_tokens: 10,
          completion_tokens: 10,
          created_at: '2025-01-01T00:00:00Z',
        },
      },
      'POST /api/v1/signals/{id}/outcome': {
        params: { id: String(signal.id) },
        query: {},
        body: { exit_price: 120, exit_time: new Date().toISOString(), correction: true },
      },
      'GET /api/v1/keys': none,
      'POST /api/v1/keys': { params: {}, query: {}, body: { name: 'fuzz key 2', role: 'viewer' } },
      'DELETE /api/v1/keys/{id}': { params: { id: String(key.key.id) }, query: {} },
    };
    const doc = (await t.request('GET', '/docs/json')).json() as OpenApi;
    // Deletes last: a hostile id that some layer reads as a real one must not remove what later routes use.
    ops = operations(doc).sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
  });
  afterAll(() => t?.stop());

  /** A lone surrogate cannot be percent-encoded as UTF-8: send the bytes it would be instead. */
  const encode = (s: string) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return '%ED%A0%80';
    }
  };

  async function send(op: Operation, req: Request, rawBody?: string) {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encode(req.params[name] ?? '1'));
    const qs = new URLSearchParams(req.query).toString();
    const body = rawBody ?? (req.body ? toJson(req.body) : undefined);
    return t.request(op.method, `${path}${qs ? `?${qs}` : ''}`, {
      key: ADMIN_TOKEN,
      ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
    });
  }

  /**
   * Fields checked against each other: a value that is fine alone can make its partner the one
   * named (a stop on the wrong side of a changed entry, either prompt_id or template_content).
   */
  const PARTNERS: Record<string, string[]> = {
    'body.entry_price': ['body.stop_loss', 'body.take_profit'],
    'body.template_content': ['body.prompt_id'],
    'body.prompt_template_id': ['body.prompt_version'],
    'body.prompt_version': ['body.prompt_template_id'],
  };

  /** What is wrong with an answer, or undefined when it is as it should be. */
  function fault(
    res: { status: number; headers: Headers; text: string; json: () => unknown },
    field?: string,
  ): string | undefined {
    if (res.status >= 500) return `${res.status}: ${res.text.slice(0, 200)}`;
    if (res.status < 400) return undefined;
    const type = res.headers.get('content-type');
    if (type !== 'application/problem+json; charset=utf-8') return `${res.status} as ${type}`;
    if (res.status === 422 && field) {
      const errors = (res.json() as { errors?: { field: string }[] }).errors ?? [];
      const accepted = [field, ...(PARTNERS[field] ?? [])];
      if (!errors.some((e) => accepted.some((f) => e.field === f || e.field.startsWith(`${f}.`))))
        return `422 does not name ${field}: ${JSON.stringify(errors).slice(0, 200)}`;
    }
    return undefined;
  }

  it('covers every route the app has, each with a valid baseline request', () => {
    expect(ops.length).toBeGreaterThanOrEqual(38);
    const missing = ops.map((o) => `${o.method} ${o.path}`).filter((k) => !(k in baseline));
    expect(missing).toEqual([]);
  });

  it('each baseline request is valid (so a 422 below is the hostile value)', async () => {
    for (const op of ops) {
      if (op.method === 'DELETE') continue;
      const res = await send(op, baseline[`${op.method} ${op.path}`]!);
      expect(res.status, `${op.method} ${op.path}: ${res.text.slice(0, 300)}`).toBeLessThan(400);
    }
  });

  it('every hostile value in every parameter: no 5xx, problem+json, a 422 names the parameter', async () => {
    let sent = 0;
    const faults: string[] = [];
    const started = performance.now();
    for (const op of ops) {
      const base = baseline[`${op.method} ${op.path}`]!;
      for (const field of op.fields) {
        for (const value of HOSTILE) {
          const req: Request = { params: { ...base.params }, query: { ...base.query }, body: base.body };
          if (field.in === 'path') req.params[field.name] = asText(value);
          else if (field.in === 'query') req.query[field.name] = asText(value);
          else req.body = { ...base.body, [field.name]: value };
          const res = await send(op, req);
          sent++;
          const where = { path: 'params', query: 'querystring', body: 'body' }[field.in];
          const shown = asText(value).slice(0, 40);
          const f = fault(res, `${where}.${field.name}`);
          if (f)
            faults.push(`${op.method} ${op.path} ${field.in}.${field.name}=${JSON.stringify(shown)} → ${f}`);
        }
      }
      if (op.hasBody) {
        for (const body of HOSTILE_BODIES) {
          const res = await send(op, base, toJson(body));
          sent++;
          const f = fault(res, 'body');
          if (f) faults.push(`${op.method} ${op.path} body=${toJson(body).slice(0, 40)} → ${f}`);
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    expect(faults).toEqual([]);
    expect(sent).toBeGreaterThan(3_000);
    // Cost, printed for the record: the suite must stay cheap enough to run on every test run.
    process.stdout.write(`route fuzz on ${kind}: ${sent} requests in ${seconds.toFixed(1)} s\n`);
  }, 240_000);
});
