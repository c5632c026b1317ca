import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayRanges, RollupService } from '../src/analytics/rollup-service.js';
import { systemActor } from '../src/auth/actor.js';
import type { Database } from '../src/db/database.js';
import { seed } from '../src/seed/seed.js';
import { SignalService } from '../src/signals/service.js';
import { DRIVERS, openTestDatabase } from './helpers/databases.js';

const actor = systemActor('test');

describe('day ranges', () => {
  it('groups consecutive days, at most n per range', () => {
    expect(dayRanges(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-05', '2026-01-06'], 2)).toEqual([
      ['2026-01-01', '2026-01-02'],
      ['2026-01-03', '2026-01-03'],
      ['2026-01-05', '2026-01-06'],
    ]);
    expect(dayRanges([], 7)).toEqual([]);
    expect(dayRanges(['2026-02-28', '2026-03-01'], 7)).toEqual([['2026-02-28', '2026-03-01']]);
  });
});

describe.each(DRIVERS)('daily performance rollup on %s', (kind) => {
  let db: Database & { drop(): Promise<void> };
  let signals: SignalService;
  let rollup: RollupService;
  let ids: { system: number; analysis: number; consolidation: number };

  const trade = async (day: string, exit?: number) => {
    const s = await signals.record(actor, {
      symbol: 'BTC',
      direction: 'long',
      entry_price: 100,
      stop_loss: 90,
      take_profit: 130,
      prompt_template_id: ids.consolidation,
      prompt_version: 1,
      prompt_type: 'consolidation',
      created_at: new Date(`${day}T10:00:00Z`),
      prompts: [
        { template_id: ids.system, version: 1, prompt_type: 'system_message' },
        { template_id: ids.analysis, version: 1, prompt_type: 'analysis', timeframe: '1h' },
        { template_id: ids.analysis, version: 1, prompt_type: 'analysis', timeframe: '4h' },
      ],
    });
    if (exit !== undefined) {
      await signals.close(actor, s.id, {
        exit_price: exit,
        exit_time: new Date(`${day}T20:00:00Z`),
        profit_loss: exit - 100,
      });
    }
    return s.id;
  };
  const rows = () =>
    db.query<{
      prompt_template_id: number;
      evaluation_date: string;
      signals_generated: number;
      win_count: number;
      loss_count: number;
      sum_r: number;
      pending_count: number;
    }>(
      `select prompt_template_id, to_char(evaluation_date, 'YYYY-MM-DD') as evaluation_date, signals_generated, win_count, loss_count, sum_r, pending_count
         from prompt_performance order by prompt_template_id, evaluation_date`,
    );

  beforeEach(async () => {
    db = await openTestDatabase(kind);
    await seed(db);
    const prompts = await db.query<{ id: number; template_type: string }>(
      'select id, template_type from prompt_templates',
    );
    const id = (t: string) => prompts.find((p) => p.template_type === t)!.id;
    ids = { system: id('system_message'), analysis: id('analysis'), consolidation: id('consolidation') };
    signals = new SignalService(db, 0.05);
    rollup = new RollupService(db);
  });
  afterEach(() => db.drop());

  it('a signal counts once for every distinct prompt version that took part, on its UTC day', async () => {
    await trade('2026-11-01', 120);
    await trade('2026-11-01', 95);
    await trade('2026-11-02');
    const report = await rollup.run();
    expect(report).toMatchObject({ mode: 'full', days: 2 });
    const r = await rows();
    expect(r).toHaveLength(6); // 3 prompts × 2 days
    const analysisDay1 = r.find(
      (x) => x.prompt_template_id === ids.analysis && x.evaluation_date === '2026-11-01',
    )!;
    expect(analysisDay1).toMatchObject({
      signals_generated: 2,
      win_count: 1,
      loss_count: 1,
      pending_count: 0,
    });
    expect(analysisDay1.sum_r).toBeCloseTo(2 - 0.5, 12);
    expect(r.filter((x) => x.evaluation_date === '2026-11-02').every((x) => x.pending_count === 1)).toBe(
      true,
    );
  });

  it('incremental runs recompute exactly the changed days; running again changes nothing', async () => {
    await trade('2026-11-01', 120);
    const pending = await trade('2026-11-03');
    await trade('2026-11-05', 80);
    await rollup.run();
    const before = await rows();
    expect((await rollup.run()).days).toBe(0);
    expect(await rows()).toEqual(before);

    await signals.close(actor, pending, { exit_price: 130, exit_time: new Date('2026-11-03T20:00:00Z') });
    const report = await rollup.run();
    expect(report).toMatchObject({ mode: 'incremental', days: 1 });
    const after = await rows();
    const day3 = after.filter((x) => x.evaluation_date === '2026-11-03');
    expect(
      day3.every((x) => x.win_count === 1 && x.pending_count === 0 && Math.abs(x.sum_r - 3) < 1e-12),
    ).toBe(true);
    expect(after.filter((x) => x.evaluation_date !== '2026-11-03')).toEqual(
      before.filter((x) => x.evaluation_date !== '2026-11-03'),
    );

    // A correction is a change too.
    await signals.close(actor, pending, {
      exit_price: 85,
      exit_time: new Date('2026-11-03T21:00:00Z'),
      correction: true,
    });
    expect((await rollup.run()).days).toBe(1);
    expect((await rows()).find((x) => x.evaluation_date === '2026-11-03')!.loss_count).toBe(1);
  });

  it('catches up every day missed while it was not running, and a full run equals incremental ones', async () => {
    await trade('2026-10-01', 120);
    await rollup.run();
    for (const day of ['2026-10-02', '2026-10-03', '2026-10-09']) await trade(day, 95);
    expect((await rollup.run()).days).toBe(3);
    const incremental = await rows();
    await db.exec('delete from prompt_performance');
    // A full run walks every day from the first signal to the last (here 1–9 October).
    expect((await rollup.run({ full: true })).days).toBe(9);
    expect(await rows()).toEqual(incremental);
  });
});
