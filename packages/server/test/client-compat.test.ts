import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from './helpers/databases.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './helpers/server.js';

/**
 * What the clients of the original system send: `Content-Type: application/json` on requests without
 * a body, and the `is_global` column alongside `strategy_id`.
 */
describe.each(DRIVERS)('clients of the original API on %s', (kind) => {
  let t: TestServer;
  let strategyId: number;
  const admin = { key: ADMIN_TOKEN };
  const JSON_TYPE = { 'content-type': 'application/json' };

  async function newPrompt(name: string): Promise<number> {
    const res = await t.request('POST', '/api/v1/prompts/', {
      ...admin,
      body: { name, template_type: 'analysis', template_content: `{{ symbol }} ${name}` },
    });
    expect(res.status, res.text).toBe(201);
    return (res.json() as { id: number }).id;
  }

  beforeAll(async () => {
    t = await startTestServer(kind);
    const s = await t.request('POST', '/api/v1/strategies', { ...admin, body: { name: 'compat' } });
    strategyId = (s.json() as { id: number }).id;
  });
  afterAll(() => t?.stop());

  describe('an empty body sent as application/json is no body', () => {
    it('DELETE /prompts/{id}, restore and performance/calculate answer as without the header', async () => {
      const id = await newPrompt('bodiless');
      await t.request('PUT', `/api/v1/prompts/${id}`, { ...admin, body: { template_content: 'v2' } });

      const restore = await t.request('POST', `/api/v1/prompts/${id}/versions/1/restore`, {
        ...admin,
        headers: JSON_TYPE,
      });
      expect(restore.status, restore.text).toBe(200);
      expect(restore.json()).toMatchObject({ version: 3 });

      const calculate = await t.request('POST', `/api/v1/prompts/${id}/performance/calculate`, {
        ...admin,
        headers: JSON_TYPE,
      });
      expect(calculate.status, calculate.text).toBe(200);

      const del = await t.request('DELETE', `/api/v1/prompts/${id}`, { ...admin, headers: JSON_TYPE });
      expect(del.status, del.text).toBe(204);
      expect((await t.request('GET', `/api/v1/prompts/${id}`, admin)).status).toBe(404);
    });

    it('no route without a required body refuses it (every route, from the OpenAPI document)', async () => {
      const doc = (await t.request('GET', '/docs/json')).json() as {
        paths: Record<string, Record<string, { requestBody?: { required?: boolean } }>>;
      };
      const bodiless = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, op]) => !op.requestBody?.required)
          .map(([method]) => ({ method: method.toUpperCase(), path })),
      );
      expect(bodiless.length).toBeGreaterThan(20);
      const id = await newPrompt('every-route');
      // Its own strategy: DELETE /strategies/{id} is among the routes.
      const own = await t.request('POST', '/api/v1/strategies', { ...admin, body: { name: 'every-route' } });
      const sid = (own.json() as { id: number }).id;
      for (const { method, path } of bodiless) {
        // Real ids where the route needs one, so an answer other than 400 means the body was accepted.
        const url = path
          .replace('/strategies/{id}', `/strategies/${sid}`)
          .replace('{id}', String(id))
          .replace('{prompt_id}', String(id))
          .replace('{version}', '1');
        const query = path.endsWith('/diff')
          ? '?from=1&to=1'
          : path.endsWith('/compare')
            ? `?a=${id}&b=${id}`
            : '';
        const res = await t.request(method, `${url}${query}`, { ...admin, headers: JSON_TYPE });
        expect(res.status, `${method} ${path}: ${res.text}`).not.toBe(400);
        expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(500);
      }
    });

    it('a route that needs a body answers 422 naming body; malformed JSON is still 400 problem+json', async () => {
      const empty = await t.request('POST', '/api/v1/prompts/validate', { ...admin, headers: JSON_TYPE });
      expect(empty.status).toBe(422);
      expect(empty.json()).toMatchObject({ errors: [{ field: 'body' }] });

      for (const text of ['{', '{"template_content": }', ' ']) {
        const bad = await t.request('POST', '/api/v1/prompts/validate', { ...admin, body: text });
        expect(bad.status, text).toBe(400);
        expect(bad.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      }
    });
  });

  describe('is_global', () => {
    const base = { template_type: 'consolidation', template_content: 'x' };

    it('POST /prompts/ accepts is_global that agrees with strategy_id', async () => {
      const global = await t.request('POST', '/api/v1/prompts/', {
        ...admin,
        body: { ...base, name: 'g1', is_global: true },
      });
      expect(global.status, global.text).toBe(201);
      expect(global.json()).toMatchObject({ is_global: true, strategy_id: null });

      const globalNull = await t.request('POST', '/api/v1/prompts/', {
        ...admin,
        body: { ...base, name: 'g2', is_global: true, strategy_id: null },
      });
      expect(globalNull.status, globalNull.text).toBe(201);

      const owned = await t.request('POST', '/api/v1/prompts/', {
        ...admin,
        body: { ...base, name: 's1', is_global: false, strategy_id: strategyId },
      });
      expect(owned.status, owned.text).toBe(201);
      expect(owned.json()).toMatchObject({ is_global: false, strategy_id: strategyId });
    });

    it('POST /prompts/ answers 422 naming is_global when it contradicts strategy_id', async () => {
      for (const body of [
        { ...base, name: 'c1', is_global: true, strategy_id: strategyId },
        { ...base, name: 'c2', is_global: false },
        { ...base, name: 'c3', is_global: false, strategy_id: null },
        { ...base, name: 'c4', is_global: 'yes' },
      ]) {
        const res = await t.request('POST', '/api/v1/prompts/', { ...admin, body });
        expect(res.status, JSON.stringify(body)).toBe(422);
        expect((res.json() as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(
          'body.is_global',
        );
      }
    });

    it('the strategy-scoped create, PUT and clone check is_global against the scope', async () => {
      const scoped = `/api/v1/strategies/${strategyId}/prompts`;
      const ok = await t.request('POST', scoped, {
        ...admin,
        body: { ...base, name: 'o1', is_global: false },
      });
      expect(ok.status, ok.text).toBe(201);
      const ownedId = (ok.json() as { id: number }).id;
      const bad = await t.request('POST', scoped, {
        ...admin,
        body: { ...base, name: 'o2', is_global: true },
      });
      expect(bad.status).toBe(422);
      expect(bad.json()).toMatchObject({ errors: [{ field: 'body.is_global' }] });

      const globalId = await newPrompt('put-global');
      const putOk = await t.request('PUT', `/api/v1/prompts/${globalId}`, {
        ...admin,
        body: { is_global: true, description: 'd' },
      });
      expect(putOk.status, putOk.text).toBe(200);
      const putBad = await t.request('PUT', `/api/v1/prompts/${globalId}`, {
        ...admin,
        body: { is_global: false, description: 'e' },
      });
      expect(putBad.status).toBe(422);
      expect(putBad.json()).toMatchObject({ errors: [{ field: 'body.is_global' }] });
      const scopedPut = await t.request('PUT', `${scoped}/${ownedId}`, {
        ...admin,
        body: { is_global: true },
      });
      expect(scopedPut.status).toBe(422);
      expect(scopedPut.json()).toMatchObject({ errors: [{ field: 'body.is_global' }] });
      expect(
        (await t.request('PUT', `${scoped}/${ownedId}`, { ...admin, body: { is_global: false } })).status,
      ).toBe(200);

      const cloneOk = await t.request('POST', `/api/v1/prompts/${globalId}/clone`, {
        ...admin,
        body: { name: 'cl1', is_global: false, strategy_id: strategyId },
      });
      expect(cloneOk.status, cloneOk.text).toBe(201);
      const cloneSame = await t.request('POST', `/api/v1/prompts/${globalId}/clone`, {
        ...admin,
        body: { name: 'cl2', is_global: true },
      });
      expect(cloneSame.status, cloneSame.text).toBe(201);
      const cloneBad = await t.request('POST', `/api/v1/prompts/${globalId}/clone`, {
        ...admin,
        body: { name: 'cl3', is_global: true, strategy_id: strategyId },
      });
      expect(cloneBad.status).toBe(422);
      expect(cloneBad.json()).toMatchObject({ errors: [{ field: 'body.is_global' }] });
      const cloneBadScope = await t.request('POST', `/api/v1/prompts/${ownedId}/clone`, {
        ...admin,
        body: { name: 'cl4', is_global: true },
      });
      expect(cloneBadScope.status).toBe(422);
      expect(cloneBadScope.json()).toMatchObject({ errors: [{ field: 'body.is_global' }] });
    });
  });
});
