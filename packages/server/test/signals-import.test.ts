import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { seed } from '../src/seed/seed.js';
import { parseSignalCsv } from '../src/signals/csv.js';
import { cliEnv, runCli } from './helpers/cli.js';
import { createTestDatabase, DRIVERS } from './helpers/databases.js';

const HEADER =
  'symbol,direction,entry_price,stop_loss,take_profit,prompt_template_id,prompt_version,prompt_type,created_at,exit_price,exit_time,outcome,quantity';

describe('CSV rows', () => {
  it('reports every bad row with its line number and what is wrong', () => {
    const csv = [
      HEADER,
      'BTC,long,100,90,120,2,1,consolidation,2026-11-01,110,2026-11-02,,1',
      'BTC,long,100,110,120,,,,,,,,',
      'BTC,sideways,100,90,120,,,,,,,,',
      'BTC,short,100,110,90,,,,2026-11-01,95,,,',
      'BTC,long,100,90,,,,,2026-11-05,95,2026-11-04,,',
      'BTC,long,abc,90,,,,,,,,,',
      'BTC,long,100,90,,,,,,,,win,',
    ].join('\n');
    const { rows, problems } = parseSignalCsv(csv);
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(problems).toEqual([
      { line: 3, message: 'stop_loss: must be below entry_price for a long' },
      expect.objectContaining({ line: 4, message: expect.stringContaining('direction') }),
      { line: 5, message: 'exit_time: exit_price and exit_time go together' },
      { line: 6, message: 'exit_time: is before created_at' },
      expect.objectContaining({ line: 7, message: expect.stringContaining('entry_price') }),
      { line: 8, message: 'exit_price: a win needs exit_price and exit_time (R is computed from them)' },
    ]);
  });

  it('refuses, by line and column, every value the database could not store', () => {
    const ok = 'BTC,long,100,90,120,,,,2026-11-01,,,,';
    const csv = [
      HEADER,
      'BTC,long,100,90,120,2147483648,1,consolidation,2026-11-01,,,,',
      'BTC,long,100,90,120,1,9007199254740991,consolidation,2026-11-01,,,,',
      'B\u0000TC,long,100,90,120,,,,2026-11-01,,,,',
      'BTC,long,100,90,120,,,,2025-02-30,,,,',
      'BTC,long,100,90,120,,,,2025-13-01,,,,',
      'BTC,long,100,90,120,,,,2025-01-01T25:00:00Z,,,,',
      'BTC,long,100,90,120,,,,+300000-01-01T00:00:00Z,,,,',
      'BTC,long,100,90,120,,,,-000100-01-01T00:00:00Z,,,,',
      'BTC,long,100,90,120,,,,0001-01-01,,,,',
      'BTC,long,1e400,90,120,,,,2026-11-01,,,,',
      'BTC,long,100,90,120,,,,2026-11-01,,,,1e300',
      'BTC,long,100,90,120,,,,Feb 30 2025,,,,',
      ok,
      'BTC,long,100,90,120,,,,2026-11-01 08:00:00+00:00,,,,',
      'BTC,long,100,90,120,,,,2026-11-01T08:00:00,,,,',
    ].join('\n');
    const { rows, problems } = parseSignalCsv(csv);
    expect(rows.map((r) => r.line)).toEqual([14, 15, 16]);
    expect(rows[2]!.row.created_at).toEqual(new Date('2026-11-01T08:00:00Z'));
    const where = problems.map((p) => `${p.line} ${p.message.split(':')[0]}`);
    expect(where).toEqual([
      '2 prompt_template_id',
      '3 prompt_version',
      '4 symbol',
      '5 created_at',
      '6 created_at',
      '7 created_at',
      '8 created_at',
      '9 created_at',
      '10 created_at',
      '11 entry_price',
      '12 quantity',
      '13 created_at',
    ]);
  });

  it('names unknown columns once', () => {
    const { problems } = parseSignalCsv('symbol,direction,colour\nBTC,no_trade,red\n');
    expect(problems).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringContaining('unknown column(s) colour') }),
    ]);
  });
});

describe.each(DRIVERS)('promptledger signals import on %s', (kind) => {
  it('loads a file in one go with R computed; a file with a bad reference loads nothing', async () => {
    const db = await createTestDatabase(kind);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-csv-'));
    try {
      const d = await openDatabase(db.config);
      await seed(d);
      const [cons] = await d.query<{ id: number }>(
        `select id from prompt_templates where template_type = 'consolidation'`,
      );
      await d.close();
      const rows = Array.from({ length: 1200 }, (_, i) => {
        const day = String(1 + (i % 28)).padStart(2, '0');
        const exit = i % 3 === 0 ? `,${i % 2 ? 120 : 95},2026-10-${day}T12:00:00Z,,2` : ',,,,';
        return `ETH,long,100,90,130,${cons!.id},1,consolidation,2026-10-${day}T08:00:00Z${exit}`;
      });
      const good = path.join(dir, 'good.csv');
      fs.writeFileSync(good, [HEADER, ...rows].join('\n'));
      const r = await runCli(['signals', 'import', good], cliEnv(db));
      expect(r.stderr).toContain('Importing signals');
      expect(r.stdout).toContain('Imported 1200 signal(s), 400 with an outcome.');
      expect(r.code).toBe(0);

      const check = await openDatabase(db.config);
      const stats = await check.query<{ outcome: string; n: number; r: number }>(
        `select outcome, count(*)::int as n, max(actual_r_multiple) as r from trading_signals group by outcome order by outcome`,
      );
      expect(stats).toEqual([
        { outcome: 'loss', n: 200, r: -0.5 },
        { outcome: 'pending', n: 800, r: null },
        { outcome: 'win', n: 200, r: 2 },
      ]);
      const [links] = await check.query<{ n: number }>('select count(*)::int as n from signal_prompts');
      expect(links!.n).toBe(1200);
      await check.close();

      const bad = path.join(dir, 'bad.csv');
      fs.writeFileSync(
        bad,
        [HEADER, rows[0], `ETH,long,100,90,130,${cons!.id},7,consolidation,2026-10-01,,,,`].join('\n'),
      );
      const refused = await runCli(['signals', 'import', bad], cliEnv(db));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`line 3: prompt ${cons!.id} has no version 7`);
      expect(refused.stderr).toContain('Nothing was imported');
      const after = await openDatabase(db.config);
      const [count] = await after.query<{ n: number }>('select count(*)::int as n from trading_signals');
      expect(count!.n).toBe(1200);
      await after.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });
});
