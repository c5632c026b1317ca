import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { TABLE_NAMES } from '../src/db/schema.js';
import { DRIVERS } from './helpers/databases.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './helpers/server.js';

async function fingerprint(db: Database): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLE_NAMES) {
    // A key's last_used_at moves when it is used; that is bookkeeping, not data a request changed.
    const rows =
      table === 'api_keys' ? '(select id, name, role, prefix, key_hash, revoked_at from api_keys)' : table;
    const [row] = await db.query<{ n: number; sum: string }>(
      `select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t.id), '')) as sum from ${rows} t`,
    );
    parts.push(`${table}:${row!.n}:${row!.sum}`);
  }
  return parts.join(' ');
}

/** A path parameter that is never a valid id: text, zero, negatives, fractions, overflow, escapes. */
const badId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/^\s*[1-9]\d{0,8}\s*$/.test(s)),
  fc.constantFrom('0', '-1', '1.5', '1e3', '99999999999999999999', '%00', 'NaN', '..', '%2e%2e', 'null'),
);

/** A JSON body that no endpoint accepts: a value of the wrong shape, or an object with an unknown field. */
const badBody = fc.oneof(
  fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
  fc
    .dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }))
    .map((o) => ({ ...o, fuzz_unknown_field: 1 })),
  fc.record({
    name: fc.oneof(fc.constant(''), fc.string({ minLength: 201, maxLength: 260 }), fc.integer()),
    template_type: fc.string({ maxLength: 12 }),
    template_content: fc.oneof(fc.integer(), fc.constant(null)),
  }),
);

const badJsonText = fc.oneof(
  fc.constantFrom('{', '{"a":', '[1,2', 'nul', '{"name": "x",}', '\u0000'),
  fc.string({ maxLength: 30 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
);

describe.each(DRIVERS)('malformed requests on %s', (kind) => {
  let t: TestServer;
  let routes: { method: string; path: string }[];
  let editor: string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    editor = await t.keyFor('editor');
    const doc = (await t.request('GET', '/docs/json')).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
  });
  afterAll(() => t.stop());

  it('a few hundred generated bad requests at every endpoint: never a 5xx, always problem+json, nothing changed', async () => {
    expect(routes.length).toBeGreaterThanOrEqual(25);
    const before = await fingerprint(t.server.database);
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        badId,
        badId,
        fc.oneof(
          badBody.map((b) => JSON.stringify(b)),
          badJsonText,
        ),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
        fc.constantFrom(editor, ADMIN_TOKEN),
        async (route, id, version, body, query, key) => {
          const path = route.path
            .replace('{id}', encodeURIComponent(id))
            .replace('{prompt_id}', encodeURIComponent(version))
            .replace('{version}', encodeURIComponent(version));
          const qs = new URLSearchParams({ ...query, fuzz_unknown: '1' }).toString();
          const hasBody = route.method === 'POST' || route.method === 'PUT';
          const res = await t.request(route.method, `${path}?${qs}`, {
            key,
            ...(hasBody ? { body, headers: { 'content-type': 'application/json' } } : {}),
          });
          seen.set(String(res.status), (seen.get(String(res.status)) ?? 0) + 1);
          expect(res.status, `${route.method} ${path}?${qs} ${body}: ${res.text}`).toBeLessThan(500);
          // Reads without parameters may answer 200 (they ignore unknown query keys); every write must fail.
          if (route.method === 'GET' && res.status === 200) return;
          expect(res.status, `${route.method} ${path}?${qs} ${body}`).toBeGreaterThanOrEqual(400);
          expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
        },
      ),
      { numRuns: 300, seed: 20261127 },
    );
    expect(await fingerprint(t.server.database)).toBe(before);
    // The generator reaches the validation layer, not only the router.
    expect(seen.get('422') ?? 0).toBeGreaterThan(50);
  });
});
