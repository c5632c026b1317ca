import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from './helpers/databases.js';
import { captureLogs } from './helpers/log-lines.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './helpers/server.js';

interface Prompt {
  id: number;
  name: string;
}
interface ExportDoc {
  prompts: {
    name: string;
    description: string | null;
    language: string;
    versions: {
      model_config: Record<string, unknown>;
      template_content: string;
      created_by: string | null;
      created_at: string;
    }[];
  }[];
}

describe.each(DRIVERS)('prompt input hardening on %s', (kind) => {
  let t: TestServer;
  let editor: string;
  let viewer: string;
  const call = (method: string, path: string, key: string, body?: unknown) =>
    t.request(method, `/api/v1${path}`, { key, body });
  const create = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/prompts/', editor, {
      template_type: 'analysis',
      template_content: 'x',
      ...body,
    });
    if (res.status !== 201) throw new Error(res.text);
    return res.json() as Prompt;
  };
  /** An export of one prompt, renamed so it can be imported next to the original. */
  const exportOf = async (name: string, rename: string) => {
    const doc = (await call('GET', '/prompts/export', viewer)).json() as ExportDoc;
    return {
      ...doc,
      prompts: doc.prompts.filter((p) => p.name === name).map((p) => ({ ...p, name: rename })),
    };
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    editor = await t.keyFor('editor');
    viewer = await t.keyFor('viewer');
  });
  afterAll(() => t.stop());

  it.each([
    [{ api_key: 'sk-1' }, 'body.model_config.api_key'],
    [{ apiKey: 'sk-1' }, 'body.model_config.apiKey'],
    [{ APIKEY: 'sk-1' }, 'body.model_config.APIKEY'],
    [{ token: 'x' }, 'body.model_config.token'],
    [{ hf_token: 'x' }, 'body.model_config.hf_token'],
    [{ Client_Secret: 'x' }, 'body.model_config.Client_Secret'],
    [{ secret: 'x' }, 'body.model_config.secret'],
    [{ password: 'x' }, 'body.model_config.password'],
    [{ extra: { headers: { Authorization: 'Bearer x' } } }, 'body.model_config.extra.headers.Authorization'],
    [{ providers: [{ name: 'a', api_key: 'x' }] }, 'body.model_config.providers.0.api_key'],
  ])('model_config %o is refused 422 naming %s, on create and update', async (model_config, field) => {
    const created = await call('POST', '/prompts/', editor, {
      name: `Secret ${field}`,
      template_type: 'analysis',
      template_content: 'x',
      model_config,
    });
    expect(created.status).toBe(422);
    expect(created.json()).toMatchObject({
      errors: [{ field, message: expect.stringMatching(/credential/) }],
    });
    const p = await create({ name: `Clean ${field}` });
    const updated = await call('PUT', `/prompts/${p.id}`, editor, { model_config });
    expect(updated.status).toBe(422);
    expect(updated.json()).toMatchObject({ errors: [{ field }] });
  });

  it('ordinary model settings, max_tokens included, are accepted', async () => {
    const p = await create({
      name: 'Settings',
      model_config: { model: 'gpt-x', max_tokens: 500, temperature: 0.2, stop: ['\n'], token_budget: 3 },
    });
    expect(p.id).toBeGreaterThan(0);
  });

  it('clone refuses a source whose stored model_config has a credential; import refuses one in any version', async () => {
    const p = await create({ name: 'Legacy secret' });
    // Stored before the rule existed (straight into the database, as an old installation would have).
    await t.server.database.query(
      `update prompt_templates set model_config = '{"nested": {"api_key": "sk-old"}}' where id = ${p.id}`,
    );
    const clone = await call('POST', `/prompts/${p.id}/clone`, editor, { name: 'Copy' });
    expect(clone.status).toBe(422);
    expect(clone.json()).toMatchObject({ errors: [{ field: 'model_config.nested.api_key' }] });

    const doc = await exportOf('Settings', 'Settings imported');
    doc.prompts[0]!.versions[0]!.model_config = { model: 'm', openai_secret: 'x' };
    const imported = await call('POST', '/prompts/import', editor, doc);
    expect(imported.status).toBe(422);
    expect(imported.json()).toMatchObject({
      errors: [{ field: 'body.prompts.0.versions.0.model_config.openai_secret' }],
    });
  });

  it('import applies the limits of create: name, description and language', async () => {
    const base = await exportOf('Settings', 'Limits');
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'n'.repeat(201) }, 'body.prompts.0.name'],
      [{ description: 'd'.repeat(10_001) }, 'body.prompts.0.description'],
      [{ language: 'not a language' }, 'body.prompts.0.language'],
    ];
    for (const [change, field] of cases) {
      const res = await call('POST', '/prompts/import', editor, {
        ...base,
        prompts: [{ ...base.prompts[0], ...change }],
      });
      expect(res.status, field).toBe(422);
      expect((res.json() as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(field);
    }
  });

  it('import records the importing key as author and keeps the original author and time as imported_from', async () => {
    const p = await create({ name: 'Authored', template_content: 'one' });
    await call('PUT', `/prompts/${p.id}`, ADMIN_TOKEN, { template_content: 'two' });
    const doc = await exportOf('Authored', 'Authored (imported)');
    const original = doc.prompts[0]!.versions.map((v) => ({
      created_by: v.created_by,
      created_at: v.created_at,
    }));
    expect(original.map((v) => v.created_by)).toEqual(['editor key', 'admin-token']);
    // A file can claim any author and time; the import must not believe it as authorship.
    doc.prompts[0]!.versions[1]!.created_by = 'someone-else';
    original[1]!.created_by = 'someone-else';
    const started = Date.now();
    const res = await call('POST', '/prompts/import', editor, doc);
    expect(res.status, res.text).toBe(201);
    const found = (
      (await call('GET', '/prompts?search=Authored (imported)', viewer)).json() as { items: Prompt[] }
    ).items[0]!;
    const versions = (await call('GET', `/prompts/${found.id}/versions`, viewer)).json() as {
      created_by: string;
      created_at: string;
      imported_from: { created_by: string | null; created_at: string } | null;
    }[];
    expect(versions.map((v) => v.created_by)).toEqual(['editor key', 'editor key']);
    expect(versions.map((v) => v.imported_from)).toEqual(original);
    for (const v of versions) expect(Date.parse(v.created_at)).toBeGreaterThanOrEqual(started - 5_000);
    // Versions written here are not imported.
    const own = (await call('GET', `/prompts/${p.id}/versions`, viewer)).json() as {
      imported_from: unknown;
    }[];
    expect(own.map((v) => v.imported_from)).toEqual([null, null]);
  });

  it('an import whose template does not compile is 422 naming the field, never 500', async () => {
    const doc = await exportOf('Settings', 'Broken');
    doc.prompts[0]!.versions[0]!.template_content = '{% for x in %}{{ (((( }}';
    const res = await call('POST', '/prompts/import', editor, doc);
    expect(res.status).toBe(422);
    expect(res.json()).toMatchObject({ errors: [{ field: 'body.prompts.0.versions.0.template_content' }] });
  });
});

describe('/health with the database gone', () => {
  it('says "unreachable" and nothing more; the database error text goes to the log', async () => {
    const logs = captureLogs();
    const t = await startTestServer('pglite', { logLevel: 'error' }, { logStream: logs.stream });
    await t.server.database.close();
    try {
      const res = await t.request('GET', '/health');
      expect(res.status).toBe(503);
      const body = res.json() as { database: Record<string, unknown> };
      expect(body.database).toMatchObject({ ok: false, error: 'unreachable' });
      const logged = logs.entries().find((e) => e.msg === 'health check: the database query failed');
      expect(logged).toMatchObject({ level: 50, err: { message: expect.any(String) } });
      const detail = (logged!.err as { message: string }).message;
      expect(detail.length).toBeGreaterThan(0);
      expect(res.text).not.toContain(detail);
    } finally {
      await t.server.app.close();
      await t.db.drop();
    }
  });
});
