import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/auth/actor.js';
import { PromptChangeBus } from '../../src/prompts/change-bus.js';
import { PromptService } from '../../src/prompts/service.js';
import { TemplatePool } from '../../src/rendering/pool.js';
import { RenderService } from '../../src/rendering/service.js';
import { StrategyService } from '../../src/strategies/service.js';
import { DRIVERS, openTestDatabase } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe.each(DRIVERS)('stored templates named by include/extends/import on %s', (kind) => {
  let t: TestServer;
  let editor: string;
  let strategyId: number;
  const call = (method: string, path: string, body?: unknown) =>
    t.request(method, `/api/v1${path}`, { key: editor, body });
  const create = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/prompts', { template_type: 'analysis', ...body });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
    return res.json() as { id: number };
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    editor = await t.keyFor('editor');
    strategyId = ((await call('POST', '/strategies', { name: 'Scalping' })).json() as { id: number }).id;
    await create({ name: 'snippet', template_content: 'global snippet' });
    await create({ name: 'snippet', template_content: 'strategy snippet', strategy_id: strategyId });
  });
  afterAll(() => t.stop());

  it("an unsaved template (the editor's preview) includes stored prompts, in the scope it is given", async () => {
    const render = async (extra: Record<string, unknown>) =>
      call('POST', '/prompts/render', {
        template_content: "[{% include 'snippet' %}]",
        context: {},
        ...extra,
      });
    expect((await render({})).json()).toMatchObject({ rendered: '[global snippet]' });
    expect((await render({ strategy_id: null })).json()).toMatchObject({ rendered: '[global snippet]' });
    expect((await render({ strategy_id: strategyId })).json()).toMatchObject({
      rendered: '[strategy snippet]',
    });
    const unknown = await render({ strategy_id: 999_999 });
    expect(unknown.status).toBe(422);
    expect(unknown.json()).toMatchObject({ errors: [{ field: 'body.strategy_id' }] });
    const withId = await call('POST', '/prompts/render', {
      prompt_id: 1,
      strategy_id: strategyId,
      context: {},
    });
    expect(withId.status).toBe(422);
    expect(withId.json()).toMatchObject({ errors: [{ field: 'body.strategy_id' }] });
  });

  it('a chain of includes is resolved level by level and capped at 100 templates', async () => {
    for (let i = 0; i < 101; i++) {
      await create({
        name: `chain${i}`,
        template_content: `${i} {% include 'chain${i + 1}' ignore missing %}`,
      });
    }
    const capped = await call('POST', '/prompts/render', {
      template_content: "{% include 'chain0' %}",
      context: {},
    });
    expect(capped.status).toBe(422);
    expect(capped.json()).toMatchObject({
      error_type: 'limit',
      detail: expect.stringMatching(/more than 100/),
    });
    const fits = await call('POST', '/prompts/render', {
      template_content: "{% include 'chain2' %}",
      context: {},
    });
    expect(fits.status, fits.text).toBe(200);
    expect((fits.json() as { rendered: string }).rendered.trim().split(/\s+/)).toHaveLength(99);
  });
});

describe.each(DRIVERS)('the render cache on %s', (kind) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let pool: TemplatePool;
  let changes: PromptChangeBus;
  let prompts: PromptService;
  let rendering: RenderService;
  const actor = systemActor('test');
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    pool = new TemplatePool({ workers: 1 });
    changes = new PromptChangeBus(database);
    prompts = new PromptService(database, changes, pool);
    rendering = new RenderService(database, changes, pool);
  });
  afterAll(async () => {
    await pool.close();
    await database.drop();
  });
  const create = (name: string, template_content: string) =>
    prompts.create(actor, { name, template_type: 'analysis', template_content });
  const rendered = async (id: number) => (await rendering.renderPrompt(id, undefined, {})).rendered;

  it('a change drops only the bundles that hold or name the changed prompt', async () => {
    await create('part', 'P1');
    const a = await create('uses part', "A[{% include 'part' %}][{% include 'later' ignore missing %}]");
    const b = await create('plain', 'B');
    const other = await create('other', 'O1');
    expect(await rendered(a.id)).toBe('A[P1][]');
    expect(await rendered(b.id)).toBe('B');
    const base = rendering.stats().prepared;

    await prompts.update(actor, other.id, { template_content: 'O2' });
    expect(await rendered(a.id)).toBe('A[P1][]');
    expect(await rendered(b.id)).toBe('B');
    expect(rendering.stats().prepared).toBe(base); // neither was rebuilt

    const part = (await prompts.list({ page: 1, page_size: 10, search: 'part' })).items.find(
      (p) => p.name === 'part',
    )!;
    await prompts.update(actor, part.id, { template_content: 'P2' });
    expect(await rendered(a.id)).toBe('A[P2][]');
    expect(await rendered(b.id)).toBe('B');
    expect(rendering.stats().prepared).toBe(base + 1); // only A

    // A name A looked up and did not find: creating it changes what A renders.
    await create('later', 'L');
    expect(await rendered(a.id)).toBe('A[P2][L]');
    expect(rendering.stats().prepared).toBe(base + 2);
  });

  it('a bundle prepared while an invalidation arrives serves its request but is not kept', async () => {
    const p = await create('raced', 'R1');
    const pending = rendering.renderPrompt(p.id, undefined, {});
    // The prepare is awaiting the database now; a change lands before it finishes.
    changes.publish({ id: p.id, names: ['raced'] });
    expect((await pending).rendered).toBe('R1');
    const before = rendering.stats().prepared;
    await rendering.renderPrompt(p.id, undefined, {});
    expect(rendering.stats().prepared).toBe(before + 1);
  });

  it("a nested include resolves in the including prompt's scope, then globally", async () => {
    const strategies = new StrategyService(database);
    const s = await strategies.create(actor, { name: 'Levels' });
    await prompts.create(actor, { name: 'lvl2', template_type: 'analysis', template_content: 'two' });
    await prompts.create(actor, {
      name: 'lvl1',
      template_type: 'analysis',
      template_content: "one {% include 'lvl2' %}",
      strategy_id: s.id,
    });
    const top = await prompts.create(actor, {
      name: 'top',
      template_type: 'analysis',
      template_content: "top {% include 'lvl1' %}",
      strategy_id: s.id,
    });
    expect(await rendered(top.id)).toBe('top one two');
  });
});
