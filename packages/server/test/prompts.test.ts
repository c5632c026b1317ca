import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from './helpers/databases.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './helpers/server.js';

interface Prompt {
  id: number;
  name: string;
  version: number;
  is_active: boolean;
  strategy_id: number | null;
  template_content: string;
  model_config: Record<string, unknown>;
}

describe.each(DRIVERS)('prompt registry on %s', (kind) => {
  let t: TestServer;
  let viewer: string;
  let editor: string;
  let strategyId: number;
  const call = (method: string, path: string, key: string, body?: unknown) =>
    t.request(method, `/api/v1${path}`, { key, body });
  const create = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/prompts/', editor, {
      template_type: 'analysis',
      template_content: 'Hi {{ symbol }}',
      ...body,
    });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
    return res.json() as Prompt;
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    viewer = await t.keyFor('viewer');
    editor = await t.keyFor('editor');
    strategyId = ((await call('POST', '/strategies', editor, { name: 'Breakout' })).json() as { id: number })
      .id;
  });
  afterAll(() => t.stop());

  it('lists the seed prompts with filters and 1-based pagination (trailing slash as in the original API)', async () => {
    const all = (await call('GET', '/prompts/?page_size=2', viewer)).json() as {
      items: Prompt[];
      total: number;
      pages: number;
    };
    expect(all.total).toBe(3);
    expect(all.pages).toBe(2);
    expect(all.items).toHaveLength(2);
    const analysis = (
      await call('GET', '/prompts?template_type=analysis&is_global=true&is_active=true', viewer)
    ).json() as {
      items: Prompt[];
    };
    expect(analysis.items.map((p) => p.name)).toEqual(['Default market analysis']);
    expect((await call('GET', '/prompts?search=CONSOLIDATION', viewer)).json()).toMatchObject({ total: 1 });
    expect((await call('GET', '/prompts?page_size=101', viewer)).status).toBe(422);
    expect((await call('GET', '/prompts?is_active=maybe', viewer)).status).toBe(422);
  });

  it('creates version 1 and answers 422 with line and column for invalid Jinja2, storing nothing', async () => {
    const p = await create({ name: 'RSI only', template_content: 'RSI {{ rsi | round(1) }}' });
    expect(p).toMatchObject({
      version: 1,
      is_active: false,
      is_global: true,
      strategy_id: null,
      language: 'en',
    });
    const versions = (await call('GET', `/prompts/${p.id}/versions`, viewer)).json() as {
      version: number;
      variables: string[];
    }[];
    expect(versions).toEqual([
      expect.objectContaining({ version: 1, variables: ['rsi'], created_by: 'editor key' }),
    ]);

    const bad = await call('POST', '/prompts', editor, {
      name: 'broken',
      template_type: 'analysis',
      template_content: 'line one\n{% if x %}\nno end',
    });
    expect(bad.status).toBe(422);
    const problem = bad.json() as {
      errors: { field: string; line: number; column: number; message: string }[];
    };
    expect(problem.errors[0]).toMatchObject({
      field: 'body.template_content',
      line: expect.any(Number),
      column: expect.any(Number),
    });
    expect(problem.errors[0]!.line).toBeGreaterThanOrEqual(2);
    expect((await call('GET', '/prompts?search=broken', viewer)).json()).toMatchObject({ total: 0 });
  });

  it('refuses a second active prompt in a slot (409 naming it) unless asked to take it over', async () => {
    const clash = await call('POST', '/prompts', editor, {
      name: 'New analysis',
      template_type: 'analysis',
      template_content: 'x',
      is_active: true,
    });
    expect(clash.status).toBe(409);
    expect(clash.json()).toMatchObject({
      detail: expect.stringContaining('"Default market analysis" is already active'),
    });
    const taken = await create({
      name: 'New analysis',
      template_content: 'x',
      is_active: true,
      take_over_slot: true,
    });
    expect(taken.is_active).toBe(true);
    const old = (await call('GET', '/prompts?search=Default market analysis', viewer)).json() as {
      items: Prompt[];
    };
    expect(old.items[0]!.is_active).toBe(false);
    const resolved = (await call('GET', '/prompts/resolve?template_type=analysis', viewer)).json();
    expect(resolved).toMatchObject({ source: 'global', prompt: { id: taken.id } });
  });

  it('names are unique per scope (409), and the same name may live in a strategy', async () => {
    const dup = await call('POST', '/prompts', editor, {
      name: 'RSI only',
      template_type: 'analysis',
      template_content: 'x',
    });
    expect(dup.status).toBe(409);
    expect(dup.json()).toMatchObject({ errors: [{ field: 'body.name' }] });
    const own = await call('POST', `/strategies/${strategyId}/prompts`, editor, {
      name: 'RSI only',
      template_type: 'analysis',
      template_content: 'strategy {{ symbol }}',
      is_active: true,
    });
    expect(own.status).toBe(201);
    expect(own.json()).toMatchObject({ strategy_id: strategyId, is_global: false });
    const resolved = (
      await call('GET', `/prompts/resolve?template_type=analysis&strategy_id=${strategyId}`, viewer)
    ).json();
    expect(resolved).toMatchObject({
      source: 'strategy',
      prompt: { name: 'RSI only', strategy_id: strategyId },
    });
    const list = (await call('GET', `/strategies/${strategyId}/prompts`, viewer)).json() as { total: number };
    expect(list.total).toBe(1);
  });

  it('PUT bumps the version only for content or model_config, keeps history immutable, and detects stale edits', async () => {
    const p = await create({ name: 'Versioned', template_content: 'v1 {{ a }}' });
    const meta = (
      await call('PUT', `/prompts/${p.id}`, editor, { description: 'just metadata' })
    ).json() as Prompt;
    expect(meta.version).toBe(1);
    const v2 = (
      await call('PUT', `/prompts/${p.id}`, editor, {
        template_content: 'v2 {{ a }} {{ b }}',
        change_note: 'adds b',
        expected_version: 1,
      })
    ).json() as Prompt;
    expect(v2.version).toBe(2);
    const v3 = (
      await call('PUT', `/prompts/${p.id}`, editor, { model_config: { model: 'gpt-x', temperature: 0.3 } })
    ).json() as Prompt;
    expect(v3.version).toBe(3);
    const same = (
      await call('PUT', `/prompts/${p.id}`, editor, { model_config: { temperature: 0.3, model: 'gpt-x' } })
    ).json() as Prompt;
    expect(same.version).toBe(3);

    const stale = await call('PUT', `/prompts/${p.id}`, editor, {
      template_content: 'lost?',
      expected_version: 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.json()).toMatchObject({ detail: expect.stringContaining('is at version 3') });

    const v1 = (await call('GET', `/prompts/${p.id}/versions/1`, viewer)).json();
    expect(v1).toMatchObject({ version: 1, template_content: 'v1 {{ a }}', change_note: 'Created' });
    const diff = (await call('GET', `/prompts/${p.id}/diff?from=1&to=3`, viewer)).json() as Record<
      string,
      unknown
    >;
    expect(diff.unified_diff).toContain('-v1 {{ a }}');
    expect(diff.unified_diff).toContain('+v2 {{ a }} {{ b }}');
    expect(diff.model_config_changes).toEqual([
      { key: 'model', to: 'gpt-x' },
      { key: 'temperature', to: 0.3 },
    ]);
    expect(diff.variables_added).toEqual(['b']);

    const restored = (await call('POST', `/prompts/${p.id}/versions/1/restore`, editor)).json() as Prompt;
    expect(restored).toMatchObject({ version: 4, template_content: 'v1 {{ a }}', model_config: {} });
    const history = (await call('GET', `/prompts/${p.id}/versions`, viewer)).json() as {
      version: number;
      change_note: string;
    }[];
    expect(history.map((h) => h.version)).toEqual([1, 2, 3, 4]);
    expect(history[3]!.change_note).toBe('Restored version 1');
    expect((await call('GET', `/prompts/${p.id}/versions/9`, viewer)).status).toBe(404);
    expect((await call('PUT', `/prompts/${p.id}`, editor, { strategy_id: 1 })).status).toBe(422);
  });

  it('fifty concurrent PUTs make fifty versions with no gap, no duplicate and no lost update', async () => {
    const p = await create({ name: 'Contended', template_content: 'start' });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call('PUT', `/prompts/${p.id}`, editor, { template_content: `edit ${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const versions = (await call('GET', `/prompts/${p.id}/versions`, viewer)).json() as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    const contents = await Promise.all(
      versions
        .slice(1)
        .map(
          async (v) =>
            ((await call('GET', `/prompts/${p.id}/versions/${v.version}`, viewer)).json() as Prompt)
              .template_content,
        ),
    );
    expect(new Set(contents)).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `edit ${i}`)));
    const final = (await call('GET', `/prompts/${p.id}`, viewer)).json() as Prompt;
    expect(final.version).toBe(51);
  });

  it('validate and render: errors with positions, missing variables, render by id and version, limits as 422', async () => {
    const ok = (
      await call('POST', '/prompts/validate', viewer, {
        template_content: '{{ a.b }} {% for x in xs %}{{ x }}{% endfor %}',
      })
    ).json();
    expect(ok).toEqual({ valid: true, errors: [], variables: ['a', 'xs'] });
    const bad = (
      await call('POST', '/prompts/validate', viewer, { template_content: 'a\n{{ 1 + }}' })
    ).json() as {
      valid: boolean;
      errors: { line: number }[];
    };
    expect(bad.valid).toBe(false);
    expect(bad.errors[0]!.line).toBe(2);

    const r = (
      await call('POST', '/prompts/render', viewer, {
        template_content: '{{ symbol | upper }} {{ price }}',
        context: { symbol: 'btc' },
      })
    ).json();
    expect(r).toMatchObject({ rendered: 'BTC ', variables_missing: ['price'], prompt_id: null });

    const p = await create({ name: 'Rendered', template_content: 'A {{ x }}' });
    await call('PUT', `/prompts/${p.id}`, editor, { template_content: 'B {{ x }}' });
    const latest = (
      await call('POST', '/prompts/render', viewer, { prompt_id: p.id, context: { x: 1 } })
    ).json();
    expect(latest).toMatchObject({ rendered: 'B 1', version: 2, prompt_id: p.id });
    const v1 = (
      await call('POST', '/prompts/render', viewer, { prompt_id: p.id, version: 1, context: { x: 1 } })
    ).json();
    expect(v1).toMatchObject({ rendered: 'A 1', version: 1 });
    // The cache must see the next edit at once.
    await call('PUT', `/prompts/${p.id}`, editor, { template_content: 'C {{ x }}' });
    expect(
      (await call('POST', '/prompts/render', viewer, { prompt_id: p.id, context: { x: 1 } })).json(),
    ).toMatchObject({ rendered: 'C 1' });

    const strict = await call('POST', '/prompts/render', viewer, {
      template_content: '\n{{ nope }}',
      strict: true,
    });
    expect(strict.status).toBe(422);
    expect(strict.json()).toMatchObject({ error_type: 'undefined', errors: [{ line: 2 }] });
    const limit = await call('POST', '/prompts/render', viewer, {
      template_content: '{% for i in range(10**9) %}x{% endfor %}',
    });
    expect(limit.status).toBe(422);
    expect(limit.json()).toMatchObject({ error_type: 'limit' });
    const dunder = await call('POST', '/prompts/render', viewer, {
      template_content: "{{ ''.__class__.__mro__ }}",
    });
    expect(dunder.status).toBe(422);
    expect(dunder.json()).toMatchObject({ error_type: 'security' });
    expect((await call('POST', '/prompts/render', viewer, { context: {} })).status).toBe(422);
    expect((await call('POST', '/prompts/render', viewer, { prompt_id: 999999, context: {} })).status).toBe(
      404,
    );
  });

  it('include, extends and import resolve stored prompts by name: the strategy’s own first, then global', async () => {
    await create({ name: 'snippet-risk', template_content: 'global risk rules' });
    await call('POST', `/strategies/${strategyId}/prompts`, editor, {
      name: 'snippet-risk',
      template_type: 'analysis',
      template_content: 'strategy risk rules',
    });
    await create({
      name: 'macros',
      template_content: '{% macro pct(x) %}{{ (x * 100) | round(1) }}%{% endmacro %}',
    });
    const g = await create({
      name: 'Uses snippets',
      template_content: "{% include 'snippet-risk' %} / {% from 'macros' import pct %}{{ pct(0.125) }}",
    });
    const gr = (await call('POST', '/prompts/render', viewer, { prompt_id: g.id, context: {} })).json();
    expect(gr).toMatchObject({ rendered: 'global risk rules / 12.5%' });
    const s = (
      await call('POST', `/strategies/${strategyId}/prompts`, editor, {
        name: 'Strategy uses snippets',
        template_type: 'consolidation',
        template_content: "{% include 'snippet-risk' %}",
      })
    ).json() as Prompt;
    expect(
      (await call('POST', '/prompts/render', viewer, { prompt_id: s.id, context: {} })).json(),
    ).toMatchObject({
      rendered: 'strategy risk rules',
    });
    const missing = await create({
      name: 'Missing include',
      template_content: "line\n{% include 'nowhere' %}",
    });
    const res = await call('POST', '/prompts/render', viewer, { prompt_id: missing.id, context: {} });
    expect(res.status).toBe(422);
    expect(res.json()).toMatchObject({ detail: expect.stringContaining('nowhere') });
  });

  it('clone starts at version 1, inactive, optionally in a strategy; delete is soft and admin-only', async () => {
    const p = await create({ name: 'To clone', template_content: 'one' });
    await call('PUT', `/prompts/${p.id}`, editor, { template_content: 'two' });
    const c = await call('POST', `/prompts/${p.id}/clone`, editor, { strategy_id: strategyId });
    expect(c.status).toBe(201);
    expect(c.json()).toMatchObject({
      name: 'To clone (copy)',
      version: 1,
      is_active: false,
      strategy_id: strategyId,
      template_content: 'two',
    });
    expect((await call('POST', `/prompts/${p.id}/clone`, editor, {})).json()).toMatchObject({
      name: 'To clone (copy)',
      strategy_id: null,
    });

    expect((await call('DELETE', `/prompts/${p.id}`, editor)).status).toBe(403);
    expect((await call('DELETE', `/prompts/${p.id}`, ADMIN_TOKEN)).status).toBe(204);
    expect((await call('GET', `/prompts/${p.id}`, viewer)).status).toBe(404);
    expect((await call('GET', '/prompts?search=To clone', viewer)).json()).toMatchObject({ total: 2 });
    // History stays readable after the delete.
    expect((await call('GET', `/prompts/${p.id}/versions`, viewer)).json()).toHaveLength(2);
    expect((await call('DELETE', `/prompts/${p.id}`, ADMIN_TOKEN)).status).toBe(404);
  });

  it('strategy routes 404 for a prompt that is not that strategy’s', async () => {
    const global = (await call('GET', '/prompts?is_global=true&page_size=1', viewer)).json() as {
      items: Prompt[];
    };
    const id = global.items[0]!.id;
    expect(
      (await call('PUT', `/strategies/${strategyId}/prompts/${id}`, editor, { description: 'x' })).status,
    ).toBe(404);
    expect((await call('DELETE', `/strategies/${strategyId}/prompts/${id}`, ADMIN_TOKEN)).status).toBe(404);
    expect((await call('GET', '/strategies/999999/prompts', viewer)).status).toBe(404);
  });

  it('types and stats describe the registry; every write left an audit event', async () => {
    const types = (await call('GET', '/prompts/types', viewer)).json() as {
      template_type: string;
      variables: string[];
    }[];
    expect(types.map((x) => x.template_type)).toEqual(['system_message', 'analysis', 'consolidation']);
    expect(types[1]!.variables).toContain('indicators');
    const stats = (await call('GET', '/prompts/stats', viewer)).json() as Record<string, unknown>;
    expect(stats).toMatchObject({ deleted: 1, signals_tracked: 0 });
    expect(stats.prompts).toBe((stats.active as number) + (stats.inactive as number));
    expect(stats.prompts).toBe((stats.global as number) + (stats.strategy_specific as number));
    expect(stats.versions as number).toBeGreaterThan(stats.prompts as number);
    const [audit] = await t.server.database.query<{ n: number }>(
      `select count(*)::int as n from audit_events where entity_type = 'prompt' and action = 'prompt.update'`,
    );
    expect(audit!.n).toBeGreaterThanOrEqual(50);
  });

  it('performance, calculate, compare and leaderboard work on recorded outcomes', async () => {
    const p = await create({ name: 'Scored', template_type: 'consolidation', template_content: 'go' });
    await t.server.database.exec(`
      insert into trading_signals (symbol, direction, entry_price, stop_loss, prompt_template_id, prompt_version, prompt_type, outcome, actual_r_multiple, profit_loss, exit_time, created_at)
      values ('BTC', 'long', 100, 90, ${p.id}, 1, 'consolidation', 'win', 2, 200, '2026-11-01T11:00Z', '2026-11-01T10:00Z'),
             ('BTC', 'long', 100, 90, ${p.id}, 1, 'consolidation', 'loss', -1, -100, '2026-11-01T13:00Z', '2026-11-01T12:00Z'),
             ('BTC', 'long', 100, 90, ${p.id}, 1, 'consolidation', 'breakeven', 0, 0, '2026-11-02T13:00Z', '2026-11-02T12:00Z'),
             ('BTC', 'long', 100, 90, ${p.id}, 1, 'consolidation', 'pending', null, null, null, '2026-11-02T13:00Z'),
             ('BTC', 'long', 100, 90, ${p.id}, 1, 'consolidation', 'cancelled', null, null, null, '2026-11-02T14:00Z');
      insert into signal_prompts (signal_id, template_id, version, prompt_type)
        select id, prompt_template_id, prompt_version, 'consolidation' from trading_signals where prompt_template_id = ${p.id};
    `);
    expect((await call('POST', `/prompts/${p.id}/performance/calculate`, viewer)).status).toBe(403);
    expect((await call('POST', `/prompts/${p.id}/performance/calculate`, editor)).json()).toMatchObject({
      prompt_id: p.id,
      rows: 2,
    });
    const perf = (await call('GET', `/prompts/${p.id}/performance`, viewer)).json() as {
      summary: Record<string, unknown>;
      daily: unknown[];
      equity_curve: { cumulative_r: number }[];
    };
    expect(perf.summary).toMatchObject({
      signals: 5,
      n_closed: 3,
      pending: 1,
      cancelled: 1,
      wins: 1,
      losses: 1,
      breakevens: 1,
      win_rate: 0.5,
      total_pl: 100,
      max_r: 2,
      min_r: -1,
      longest_win_streak: 1,
      longest_loss_streak: 1,
      max_drawdown_r: { depth: 1, peak: 2, trough: 1 },
    });
    expect(perf.summary.expectancy_r).toBeCloseTo(1 / 3, 12);
    expect((perf.summary.win_rate_ci as { low: number }).low).toBeLessThan(0.5);
    expect(perf.daily).toHaveLength(2);
    expect(perf.equity_curve.map((e) => e.cumulative_r)).toEqual([2, 1, 1]);
    const oneDay = (
      await call('GET', `/prompts/${p.id}/performance?from=2026-11-02&to=2026-11-02`, viewer)
    ).json() as {
      summary: Record<string, unknown>;
    };
    expect(oneDay.summary).toMatchObject({ signals: 3, n_closed: 1, breakevens: 1, win_rate: null });

    const board = (await call('GET', '/prompts/leaderboard?min_signals=3', viewer)).json() as {
      entries: { prompt_id: number; n: number; lower_bound: number }[];
    };
    expect(board.entries.map((e) => e.prompt_id)).toEqual([p.id]);
    expect(board.entries[0]!.n).toBe(2);
    expect(board.entries[0]!.lower_bound).toBeLessThan(0.5);
    expect((await call('GET', '/prompts/leaderboard', viewer)).json()).toMatchObject({
      entries: [],
      hidden_below_min: 1,
    });
    const cmp = (await call('GET', `/prompts/compare?a=${p.id}&b=${p.id}`, viewer)).json() as {
      verdict: string;
    };
    expect(cmp).toMatchObject({ win_rate: { diff: 0 }, mean_r: { diff: 0 } });
    expect(cmp.verdict).toMatch(/^Not enough data/);
    expect((await call('GET', `/prompts/999999/performance`, viewer)).status).toBe(404);
  });

  it('export carries every live prompt with its history; import is all-or-nothing and reports every conflict', async () => {
    const p = await create({ name: 'Exported', template_content: 'e1' });
    await call('PUT', `/prompts/${p.id}`, editor, { template_content: 'e2 {{ z }}', change_note: 'second' });
    const res = await call('GET', '/prompts/export', viewer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('promptledger-prompts.json');
    const doc = res.json() as {
      prompts: { name: string; strategy: string | null; versions: { version: number }[] }[];
    };
    const exported = doc.prompts.find((x) => x.name === 'Exported')!;
    expect(exported.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(doc.prompts.some((x) => x.strategy === 'Breakout')).toBe(true);

    const countBefore = ((await call('GET', '/prompts/stats', viewer)).json() as { prompts: number }).prompts;
    const again = await call('POST', '/prompts/import', editor, doc);
    expect(again.status).toBe(409);
    const problem = again.json() as { errors: unknown[] };
    expect(problem.errors).toHaveLength(doc.prompts.length);
    const badStrategy = await call('POST', '/prompts/import', editor, {
      ...doc,
      prompts: [{ ...exported, name: 'Other', strategy: 'No such strategy' }],
    });
    expect(badStrategy.status).toBe(422);
    expect(badStrategy.json()).toMatchObject({ errors: [{ field: 'body.prompts.0.strategy' }] });
    expect(((await call('GET', '/prompts/stats', viewer)).json() as { prompts: number }).prompts).toBe(
      countBefore,
    );

    const renamed = { ...doc, prompts: doc.prompts.map((x) => ({ ...x, name: `${x.name} (imported)` })) };
    const ok = await call('POST', '/prompts/import', editor, renamed);
    expect(ok.status).toBe(201);
    const result = ok.json() as { imported: number; deactivated: string[] };
    expect(result.imported).toBe(doc.prompts.length);
    // Their slots were taken by the originals, so active ones came in inactive.
    expect(result.deactivated.length).toBeGreaterThan(0);
    const found = (
      (await call('GET', '/prompts?search=Exported (imported)', viewer)).json() as { items: Prompt[] }
    ).items[0]!;
    expect(found).toMatchObject({ version: 2, template_content: 'e2 {{ z }}' });
    const hist = (await call('GET', `/prompts/${found.id}/versions`, viewer)).json() as {
      change_note: string;
    }[];
    expect(hist.map((h) => h.change_note)).toEqual(['Created', 'second']);
  });

  it('error statuses of the remaining endpoints: 401, 403, 404, 422', async () => {
    const anyId = ((await call('GET', '/prompts?page_size=1', viewer)).json() as { items: Prompt[] })
      .items[0]!.id;
    for (const [method, path] of [
      ['GET', '/prompts/types'],
      ['GET', '/prompts/stats'],
      ['GET', '/prompts/export'],
      ['GET', `/prompts/${anyId}/versions`],
      ['GET', '/prompts/leaderboard'],
    ] as const) {
      expect((await t.request(method, `/api/v1${path}`)).status, path).toBe(401);
    }
    expect((await call('POST', '/prompts/import', viewer, { format: 'promptledger-export' })).status).toBe(
      403,
    );
    expect((await call('POST', `/prompts/${anyId}/clone`, viewer, {})).status).toBe(403);
    expect((await call('POST', `/prompts/${anyId}/versions/1/restore`, viewer)).status).toBe(403);
    expect((await call('POST', '/prompts/999999/clone', editor, {})).status).toBe(404);
    expect((await call('POST', '/prompts/999999/versions/1/restore', editor)).status).toBe(404);
    expect((await call('GET', `/prompts/${anyId}/diff?from=1&to=99`, viewer)).status).toBe(404);
    expect((await call('GET', `/prompts/${anyId}/diff?from=1`, viewer)).status).toBe(422);
    expect((await call('GET', '/prompts/resolve?template_type=analysis&language=fr', viewer)).status).toBe(
      404,
    );
    expect((await call('GET', '/prompts/resolve?template_type=summary', viewer)).status).toBe(422);
    expect((await call('GET', '/prompts/leaderboard?metric=luck', viewer)).status).toBe(422);
    expect((await call('GET', '/prompts/compare?a=1', viewer)).status).toBe(422);
    expect((await call('GET', `/prompts/compare?a=${anyId}&b=999999`, viewer)).status).toBe(404);
    expect((await call('GET', `/prompts/${anyId}/performance?from=yesterday`, viewer)).status).toBe(422);
    expect((await call('POST', '/prompts/validate', viewer, {})).status).toBe(422);
    expect((await call('POST', '/prompts/import', editor, { format: 'something else' })).status).toBe(422);
  });
});
