import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { createEnvironment } from '../src/rendering/environment.js';
import { seed, seedIfEmpty } from '../src/seed/seed.js';
import { SEED_PROMPTS } from '../src/seed/templates.js';
import { DRIVERS, openTestDatabase } from './helpers/databases.js';

const SAMPLE = {
  symbol: 'ethusdt',
  timeframe: '1h',
  current_price: 3120.55,
  indicators: {
    rsi: 74.2,
    atr: 41.3,
    macd: { value: -3.1, signal: -1.2, histogram: -1.9 },
    ma20: 3150.1,
    ma50: 3010.4,
  },
  strategy: { name: 'Trend Following', description: 'Trend pullbacks.' },
  analyses: [{ timeframe: '1h', content: '{"bias": "short"}' }],
};

describe.each(DRIVERS)('seed data on %s', (kind) => {
  let db: Database & { drop(): Promise<void> };
  beforeEach(async () => {
    db = await openTestDatabase(kind);
  });
  afterEach(() => db.drop());

  it('adds one strategy and three active global prompts with their version-1 rows', async () => {
    expect(await seed(db)).toEqual({ strategies: 1, prompts: 3 });
    const prompts = await db.query<{
      name: string;
      template_type: string;
      is_active: boolean;
      is_global: boolean;
      version: number;
    }>('select name, template_type, is_active, is_global, version from prompt_templates order by id');
    expect(prompts.map((p) => p.template_type).sort()).toEqual([
      'analysis',
      'consolidation',
      'system_message',
    ]);
    expect(prompts.every((p) => p.is_active && p.is_global && p.version === 1)).toBe(true);
    const versions = await db.query<{ version: number; variables: string[]; created_by: string }>(
      'select version, variables, created_by from prompt_template_versions order by template_id',
    );
    expect(versions).toHaveLength(3);
    expect(versions.every((v) => v.version === 1 && v.created_by === 'system:seed')).toBe(true);
    const analysis = versions[1]!;
    expect(analysis.variables).toEqual(
      expect.arrayContaining(['symbol', 'timeframe', 'current_price', 'indicators']),
    );
  });

  it('is idempotent, and never brings back a prompt the user deleted', async () => {
    await seed(db);
    const before = await db.query('select * from prompt_templates order by id');
    expect(await seed(db)).toEqual({ strategies: 0, prompts: 0 });
    expect(await db.query('select * from prompt_templates order by id')).toEqual(before);
    await db.exec(`update prompt_templates set deleted_at = now() where template_type = 'analysis'`);
    expect(await seed(db)).toEqual({ strategies: 0, prompts: 0 });
    expect(await seedIfEmpty(db)).toBeUndefined();
  });

  it('leaves an occupied slot to its active prompt (the seed prompt is added inactive)', async () => {
    await db.exec(
      `insert into prompt_templates (name, template_type, template_content, is_active) values ('mine', 'analysis', 'hi', true)`,
    );
    await seed(db);
    const [row] = await db.query<{ is_active: boolean }>(
      `select is_active from prompt_templates where name = 'Default market analysis'`,
    );
    expect(row?.is_active).toBe(false);
  });
});

describe('seed prompts', () => {
  it('render with the server environment into useful text', () => {
    const env = createEnvironment();
    const out = Object.fromEntries(
      SEED_PROMPTS.map((p) => [p.template_type, env.fromString(p.template_content).render(SAMPLE)]),
    );
    expect(out.analysis).toContain('Analyse ETHUSDT on the 1h timeframe for the "Trend Following" strategy.');
    expect(out.analysis).toContain('- RSI(14): 74.2 (overbought)');
    expect(out.analysis).toContain('- ATR(14): 41.3 (1.32% of price)');
    expect(out.analysis).toContain('(bearish momentum)');
    expect(out.analysis).toContain('- MA20: 3150.1 (price is below it)');
    expect(out.system_message).toMatch(/Current time: \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
    expect(out.consolidation).toContain('You have analysed ETHUSDT on 1 timeframe.');
  });
});
