import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/server.js';

interface Signal {
  id: number;
  outcome: string;
  actual_r_multiple: number | null;
  profit_loss: number | null;
  prompts: {
    template_id: number;
    version: number;
    prompt_type: string;
    name: string | null;
    rendered_hash: string | null;
  }[];
}

const HASH = 'a'.repeat(64);

describe.each(DRIVERS)('signal tracking on %s', (kind) => {
  let t: TestServer;
  let editor: string;
  let viewer: string;
  let analysisId: number;
  let consolidationId: number;
  const call = (method: string, path: string, key: string, body?: unknown) =>
    t.request(method, `/api/v1${path}`, { key, body });
  const record = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/signals', editor, {
      symbol: 'BTCUSDT',
      direction: 'long',
      entry_price: 100,
      stop_loss: 90,
      take_profit: 120,
      prompt_template_id: consolidationId,
      prompt_version: 1,
      prompt_type: 'consolidation',
      created_at: '2026-11-20T10:00:00Z',
      ...body,
    });
    if (res.status !== 201) throw new Error(`record failed ${res.status} ${res.text}`);
    return res.json() as Signal;
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    editor = await t.keyFor('editor');
    viewer = await t.keyFor('viewer');
    const page = (await call('GET', '/prompts', viewer)).json() as {
      items: { id: number; template_type: string }[];
    };
    analysisId = page.items.find((p) => p.template_type === 'analysis')!.id;
    consolidationId = page.items.find((p) => p.template_type === 'consolidation')!.id;
  });
  afterAll(() => t.stop());

  it('records a signal with every prompt that took part, and shows them', async () => {
    const s = await record({
      prompts: [
        {
          template_id: analysisId,
          version: 1,
          prompt_type: 'analysis',
          timeframe: '4h',
          rendered_hash: HASH,
        },
      ],
      rendered_prompt_hash: HASH,
      llm_provider: 'openai',
      llm_model: 'gpt-x',
    });
    expect(s.outcome).toBe('pending');
    expect(s.prompts).toEqual([
      expect.objectContaining({
        template_id: analysisId,
        version: 1,
        prompt_type: 'analysis',
        rendered_hash: HASH,
      }),
      expect.objectContaining({
        template_id: consolidationId,
        version: 1,
        prompt_type: 'consolidation',
        name: 'Default consolidation',
      }),
    ]);
    const got = (await call('GET', `/signals/${s.id}`, viewer)).json() as Signal;
    expect(got.prompts).toHaveLength(2);
    const byAnalysis = (await call('GET', `/signals?prompt_id=${analysisId}`, viewer)).json() as {
      total: number;
    };
    expect(byAnalysis.total).toBe(1);
    expect(
      ((await call('GET', `/signals?prompt_id=${analysisId}&version=2`, viewer)).json() as { total: number })
        .total,
    ).toBe(0);
  });

  it('refuses bad signals with 422 naming the field, storing nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ stop_loss: 105 }, 'body.stop_loss'],
      [{ direction: 'short', stop_loss: 90, take_profit: 80 }, 'body.stop_loss'],
      [{ take_profit: 95 }, 'body.take_profit'],
      [{ entry_price: -1 }, 'body.entry_price'],
      [{ entry_price: null }, 'body.entry_price'],
      [{ created_at: '2999-01-01T00:00:00Z' }, 'body.created_at'],
      [{ prompt_version: 99 }, 'body.prompt_version'],
      [{ strategy_id: 99999 }, 'body.strategy_id'],
      [{ confidence: 1.5 }, 'body.confidence'],
    ];
    const before = ((await call('GET', '/signals', viewer)).json() as { total: number }).total;
    for (const [patch, field] of cases) {
      const res = await call('POST', '/signals', editor, {
        symbol: 'X',
        direction: 'long',
        entry_price: 100,
        stop_loss: 90,
        take_profit: 120,
        prompt_template_id: consolidationId,
        prompt_version: 1,
        ...patch,
      });
      expect(res.status, JSON.stringify(patch)).toBe(422);
      expect(
        (res.json() as { errors: { field: string }[] }).errors.map((e) => e.field),
        JSON.stringify(patch),
      ).toContain(field);
    }
    expect(((await call('GET', '/signals', viewer)).json() as { total: number }).total).toBe(before);
  });

  it('outcomes: R and win/loss/breakeven for longs and shorts, P/L from quantity, cancelled', async () => {
    const win = await record({ quantity: 2 });
    const closed = (
      await call('POST', `/signals/${win.id}/outcome`, editor, {
        exit_price: 125,
        exit_time: '2026-11-21T10:00:00Z',
      })
    ).json() as Signal;
    expect(closed).toMatchObject({ outcome: 'win', actual_r_multiple: 2.5, profit_loss: 50 });

    const short = await record({ direction: 'short', entry_price: 100, stop_loss: 104, take_profit: 90 });
    const lost = (
      await call('POST', `/signals/${short.id}/outcome`, editor, {
        exit_price: 104,
        exit_time: '2026-11-21T10:00:00Z',
        profit_loss: -40,
      })
    ).json() as Signal;
    expect(lost).toMatchObject({ outcome: 'loss', actual_r_multiple: -1, profit_loss: -40 });

    const flat = await record({});
    const be = (
      await call('POST', `/signals/${flat.id}/outcome`, editor, {
        exit_price: 100.4,
        exit_time: '2026-11-21T10:00:00Z',
      })
    ).json() as Signal;
    expect(be.outcome).toBe('breakeven');
    expect(be.actual_r_multiple).toBeCloseTo(0.04, 10);

    const never = await record({});
    expect(
      (await call('POST', `/signals/${never.id}/outcome`, editor, { cancelled: true })).json(),
    ).toMatchObject({ outcome: 'cancelled' });
  });

  it('closing a closed signal is 409 unless it is a correction, which keeps the old values in the audit log', async () => {
    const s = await record({});
    await call('POST', `/signals/${s.id}/outcome`, editor, {
      exit_price: 120,
      exit_time: '2026-11-21T10:00:00Z',
    });
    const again = await call('POST', `/signals/${s.id}/outcome`, editor, {
      exit_price: 80,
      exit_time: '2026-11-21T11:00:00Z',
    });
    expect(again.status).toBe(409);
    const fixed = await call('POST', `/signals/${s.id}/outcome`, editor, {
      exit_price: 80,
      exit_time: '2026-11-21T11:00:00Z',
      correction: true,
      note: 'wrong fill price',
    });
    expect(fixed.json()).toMatchObject({ outcome: 'loss', actual_r_multiple: -2 });
    const [audit] = await t.server.database.query<{
      details: { previous: { outcome: string; actual_r_multiple: number }; note: string };
    }>(`select details from audit_events where action = 'signal.correct_outcome' and entity_id = $1`, [
      String(s.id),
    ]);
    expect(audit!.details.previous).toMatchObject({ outcome: 'win', actual_r_multiple: 2 });
    expect(audit!.details.note).toBe('wrong fill price');
  });

  it('outcome errors: exit before entry time, missing exit, unknown signal, no-trade signals', async () => {
    const s = await record({});
    const early = await call('POST', `/signals/${s.id}/outcome`, editor, {
      exit_price: 110,
      exit_time: '2026-11-19T10:00:00Z',
    });
    expect(early.status).toBe(422);
    expect(early.json()).toMatchObject({ errors: [{ field: 'body.exit_time' }] });
    expect((await call('POST', `/signals/${s.id}/outcome`, editor, { exit_price: 110 })).status).toBe(422);
    expect(
      (
        await call('POST', `/signals/${s.id}/outcome`, editor, {
          exit_price: 0,
          exit_time: '2026-11-21T10:00:00Z',
        })
      ).status,
    ).toBe(422);
    expect((await call('POST', '/signals/999999/outcome', editor, { cancelled: true })).status).toBe(404);
    const noTrade = (
      await call('POST', '/signals', editor, { symbol: 'X', direction: 'no_trade' })
    ).json() as Signal;
    expect(noTrade.outcome).toBe('cancelled');
    expect((await call('POST', `/signals/${noTrade.id}/outcome`, editor, { cancelled: true })).status).toBe(
      409,
    );
    expect((await call('POST', `/signals/${s.id}/outcome`, viewer, { cancelled: true })).status).toBe(403);
  });

  it('lists by outcome, symbol and date range, newest first', async () => {
    await record({ symbol: 'ETHUSDT', created_at: '2026-11-25T08:00:00Z' });
    const eth = (await call('GET', '/signals?symbol=ETHUSDT', viewer)).json() as { total: number };
    expect(eth.total).toBe(1);
    const day = (await call('GET', '/signals?from=2026-11-25&to=2026-11-25', viewer)).json() as {
      total: number;
    };
    expect(day.total).toBe(1);
    const wins = (await call('GET', '/signals?outcome=win', viewer)).json() as { items: Signal[] };
    expect(wins.items.every((s) => s.outcome === 'win')).toBe(true);
    expect((await call('GET', '/signals?outcome=great', viewer)).status).toBe(422);
  });
});
