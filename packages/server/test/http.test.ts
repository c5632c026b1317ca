import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from './helpers/databases.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './helpers/server.js';

const PROBLEM = 'application/problem+json; charset=utf-8';

describe.each(DRIVERS)('HTTP service on %s', (kind) => {
  let t: TestServer;
  let viewer: string;
  let editor: string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    viewer = await t.keyFor('viewer');
    editor = await t.keyFor('editor');
  });
  afterAll(() => t.stop());

  it('GET /health checks the database, the schema, the seed and the engine', async () => {
    const res = await t.request('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      database: { kind, ok: true },
      schema: { ok: true, missing_tables: [] },
      prompts: { live: 3 },
      engine: { ok: true },
    });
  });

  it('401 problem+json without a key, or with an unknown or malformed one', async () => {
    for (const key of [undefined, 'pl_00000000_0000000000000000000000000000000000000000', 'nonsense']) {
      const res = await t.request('GET', '/api/v1/strategies', { key });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe(PROBLEM);
      expect(res.json()).toMatchObject({
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        instance: '/api/v1/strategies',
      });
    }
  });

  it('403 for a viewer writing, and for an editor doing an admin task; nothing is changed', async () => {
    const write = await t.request('POST', '/api/v1/strategies', { key: viewer, body: { name: 'Nope' } });
    expect(write.status).toBe(403);
    expect(write.json()).toMatchObject({
      status: 403,
      detail: expect.stringMatching(/needs the editor role/),
    });
    const adminTask = await t.request('POST', '/api/v1/keys', {
      key: editor,
      body: { name: 'x', role: 'admin' },
    });
    expect(adminTask.status).toBe(403);
    const list = await t.request('GET', '/api/v1/strategies?search=Nope', { key: viewer });
    expect(list.json()).toMatchObject({ total: 0 });
  });

  it('strategies: create, read, list with filters, update, soft delete — each write audited', async () => {
    const created = await t.request('POST', '/api/v1/strategies', {
      key: editor,
      body: { name: 'Mean Reversion', description: 'Fades extremes' },
    });
    expect(created.status).toBe(201);
    const s = created.json() as { id: number; name: string; is_active: boolean };
    expect(s).toMatchObject({ name: 'Mean Reversion', is_active: true });

    expect((await t.request('GET', `/api/v1/strategies/${s.id}`, { key: viewer })).json()).toMatchObject({
      id: s.id,
    });
    const page = (
      await t.request('GET', '/api/v1/strategies?search=revers&page_size=5', { key: viewer })
    ).json();
    expect(page).toMatchObject({ total: 1, page: 1, page_size: 5, pages: 1, items: [{ id: s.id }] });

    const updated = await t.request('PUT', `/api/v1/strategies/${s.id}`, {
      key: editor,
      body: { is_active: false },
    });
    expect(updated.json()).toMatchObject({ id: s.id, is_active: false, description: 'Fades extremes' });

    const dup = await t.request('POST', '/api/v1/strategies', {
      key: editor,
      body: { name: 'Mean Reversion' },
    });
    expect(dup.status).toBe(409);
    expect(dup.json()).toMatchObject({ errors: [{ field: 'body.name' }] });

    expect((await t.request('DELETE', `/api/v1/strategies/${s.id}`, { key: editor })).status).toBe(403);
    const del = await t.request('DELETE', `/api/v1/strategies/${s.id}`, { key: ADMIN_TOKEN });
    expect(del.status).toBe(204);
    expect((await t.request('GET', `/api/v1/strategies/${s.id}`, { key: viewer })).status).toBe(404);
    // Soft: the row is still there, and its name can be reused.
    const [row] = await t.server.database.query<{ deleted: boolean }>(
      'select deleted_at is not null as deleted from strategies where id = $1',
      [s.id],
    );
    expect(row?.deleted).toBe(true);
    expect(
      (await t.request('POST', '/api/v1/strategies', { key: editor, body: { name: 'Mean Reversion' } }))
        .status,
    ).toBe(201);

    const audit = await t.server.database.query<{ action: string; actor: string }>(
      `select action, actor from audit_events where entity_type = 'strategy' and entity_id = $1 order by id`,
      [String(s.id)],
    );
    expect(audit.map((a) => a.action)).toEqual(['strategy.create', 'strategy.update', 'strategy.delete']);
    expect(audit[0]?.actor).toBe('editor key');
    expect(audit[2]?.actor).toBe('admin-token');
  });

  it('422 problem+json naming the field for invalid and unknown fields; nothing stored', async () => {
    const blank = await t.request('POST', '/api/v1/strategies', { key: editor, body: { name: '' } });
    expect(blank.status).toBe(422);
    expect(blank.headers.get('content-type')).toBe(PROBLEM);
    expect(blank.json()).toMatchObject({ status: 422, errors: [{ field: 'body.name' }] });
    const unknown = await t.request('POST', '/api/v1/strategies', {
      key: editor,
      body: { name: 'X1', colour: 'red' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.json()).toMatchObject({
      errors: [{ field: 'body.colour', message: expect.stringMatching(/unknown/) }],
    });
    const badQuery = await t.request('GET', '/api/v1/strategies?page=0', { key: viewer });
    expect(badQuery.status).toBe(422);
    expect(badQuery.json()).toMatchObject({ errors: [{ field: 'querystring.page' }] });
    expect((await t.request('GET', '/api/v1/strategies?search=X1', { key: viewer })).json()).toMatchObject({
      total: 0,
    });
  });

  it('404 problem+json for unknown ids and routes; 400 for malformed JSON; 413 for bodies over 1 MB', async () => {
    const missing = await t.request('GET', '/api/v1/strategies/999999', { key: viewer });
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ title: 'Not Found', detail: 'No strategy with id 999999' });
    const noRoute = await t.request('GET', '/api/v1/nothing-here', { key: viewer });
    expect(noRoute.status).toBe(404);
    expect(noRoute.headers.get('content-type')).toBe(PROBLEM);
    const malformed = await t.request('POST', '/api/v1/strategies', { key: editor, body: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe(PROBLEM);
    const huge = await t.request('POST', '/api/v1/strategies', {
      key: editor,
      body: { name: 'big', description: 'x'.repeat(1_100_000) },
    });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toBe(PROBLEM);
    expect(huge.json()).toMatchObject({
      detail: 'The request body is larger than the 1 MiB POST /api/v1/strategies accepts.',
    });
    const hugeImport = await t.request('POST', '/api/v1/prompts/import', {
      key: editor,
      body: 'x'.repeat(17 * 1024 * 1024),
    });
    expect(hugeImport.status).toBe(413);
    expect(hugeImport.json()).toMatchObject({
      detail: expect.stringContaining('16 MiB POST /api/v1/prompts/import'),
    });
  });

  it('keys: admins create, list and revoke; a revoked key stops working at once', async () => {
    const key = await t.keyFor('viewer');
    expect((await t.request('GET', '/api/v1/strategies', { key })).status).toBe(200);
    const list = (await t.request('GET', '/api/v1/keys', { key: ADMIN_TOKEN })).json() as {
      id: number;
      prefix: string;
    }[];
    const mine = list.find((k) => key.startsWith(`pl_${k.prefix}_`))!;
    expect(mine).toBeDefined();
    expect(JSON.stringify(list)).not.toContain('scrypt');
    expect((await t.request('DELETE', `/api/v1/keys/${mine.id}`, { key: ADMIN_TOKEN })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/strategies', { key })).status).toBe(401);
    expect((await t.request('DELETE', `/api/v1/keys/${mine.id}`, { key: ADMIN_TOKEN })).status).toBe(404);
    const [stored] = await t.server.database.query<{ key_hash: string }>(
      'select key_hash from api_keys where id = $1',
      [mine.id],
    );
    expect(stored?.key_hash).toMatch(/^scrypt\$/);
    expect(stored?.key_hash).not.toContain(key.slice(12));
  });

  it('serves the OpenAPI document at /docs/json and the UI at / (and at client routes)', async () => {
    const doc = (await t.request('GET', '/docs/json')).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/api/v1/strategies', '/api/v1/strategies/{id}', '/api/v1/keys']),
    );
    expect((await t.request('GET', '/docs')).status).toBe(200);
    const ui = await t.request('GET', '/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('<title>Prompt Ledger</title>');
    const clientRoute = await t.request('GET', '/prompts?page=2', { headers: { accept: 'text/html' } });
    expect(clientRoute.status).toBe(200);
    expect(clientRoute.text).toContain('<title>Prompt Ledger</title>');
  });
});
