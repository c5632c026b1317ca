import { describe, expect, it } from 'vitest';
import { systemActor } from '../src/auth/actor.js';
import { startServer } from '../src/server.js';
import { SignalService } from '../src/signals/service.js';
import { cliEnv, runCli } from './helpers/cli.js';
import { createTestDatabase, DRIVERS } from './helpers/databases.js';
import { testConfig } from './helpers/server.js';

describe.each(DRIVERS)('scheduled rollup on %s', (kind) => {
  it('start-up schedules the daily job (cron, UTC) in pg-boss and catches up missed days at once', async () => {
    const db = await createTestDatabase(kind);
    // A signal recorded while no server ran: the start-up run must fold it in.
    const first = await startServer(testConfig(db));
    const [prompt] = await first.database.query<{ id: number }>(
      `select id from prompt_templates where template_type = 'consolidation'`,
    );
    await new SignalService(first.database, 0.05).record(systemActor('t'), {
      symbol: 'BTC',
      direction: 'long',
      entry_price: 100,
      stop_loss: 90,
      prompt_template_id: prompt!.id,
      prompt_version: 1,
      created_at: new Date('2026-11-01T10:00:00Z'),
    });
    await first.close();

    const server = await startServer(testConfig(db, { rollupCron: '15 0 * * *' }));
    try {
      const deadline = Date.now() + 20_000;
      let rows: { n: number }[] = [];
      while (Date.now() < deadline) {
        rows = await server.database.query<{ n: number }>(
          'select count(*)::int as n from prompt_performance',
        );
        if (rows[0]!.n > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(rows[0]!.n).toBe(1);
      const schedules = await server.database.query<{ name: string; cron: string; timezone: string }>(
        'select name, cron, timezone from pgboss.schedule',
      );
      expect(schedules).toEqual([{ name: 'performance-rollup', cron: '15 0 * * *', timezone: 'UTC' }]);
    } finally {
      await server.close();
      await db.drop();
    }
  });

  it('promptledger aggregate runs it on demand, incremental by default, --full on request', async () => {
    const db = await createTestDatabase(kind);
    try {
      const env = cliEnv(db);
      const first = await runCli(['aggregate'], env);
      expect(first.stdout).toMatch(/Full rollup: 0 day\(s\) recomputed/);
      const again = await runCli(['aggregate'], env);
      expect(again.stdout).toMatch(/Incremental rollup: 0 day\(s\) recomputed/);
      expect((await runCli(['aggregate', '--full'], env)).stdout).toMatch(/Full rollup/);
      expect((await runCli(['aggregate', '--from', '2026-13-01'], env)).stderr).toMatch(
        /must be a date YYYY-MM-DD/,
      );
    } finally {
      await db.drop();
    }
  });
});
