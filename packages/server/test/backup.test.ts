import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { TABLE_NAMES } from '../src/db/schema.js';
import { backup } from '../src/ops/backup.js';
import { restore } from '../src/ops/restore.js';
import { seed } from '../src/seed/seed.js';
import { DRIVERS, openTestDatabase } from './helpers/databases.js';

async function fingerprint(db: Database): Promise<Record<string, { n: number; sum: string }>> {
  const out: Record<string, { n: number; sum: string }> = {};
  for (const table of TABLE_NAMES) {
    const [row] = await db.query<{ n: number; sum: string }>(
      `select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t.id), '')) as sum from ${table} t`,
    );
    out[table] = row!;
  }
  return out;
}

describe.each(DRIVERS)('backup and restore on %s', (kind) => {
  let db: Database & { drop(): Promise<void> };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-backup-'));

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await seed(db);
    await db.exec(`
      insert into api_keys (name, role, prefix, key_hash) values ('k', 'editor', 'abcdabcd', 'scrypt$1$1$1$x$y');
      insert into trading_signals (strategy_id, symbol, direction, entry_price, stop_loss, take_profit, prompt_template_id, prompt_version, prompt_type, outcome, actual_r_multiple, profit_loss, exit_price, exit_time, rationale)
        select 1, 'BTC', 'long', 100 + g, 90 + g, 120 + g, 2, 1, 'consolidation', case when g % 3 = 0 then 'win' else 'loss' end, (g % 5) - 1.5, g * 1.25, 101 + g, now(), E'it''s a "quote"\\nnew line ü'
        from generate_series(1, 1200) g;
      insert into signal_prompts (signal_id, template_id, version, prompt_type) select id, 2, 1, 'analysis' from trading_signals;
      insert into prompt_performance (prompt_template_id, prompt_version, strategy_id, evaluation_date, signals_generated, sum_r) values (2, 1, null, '2026-11-01', 10, 3.5), (2, 1, 1, '2026-11-01', 4, -1.25);
      insert into audit_events (actor, action, entity_type, details) values ('t', 'test.write', 'test', '{"nested": {"a": [1, 2, null]}}');
    `);
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('backup → wipe → restore gives identical rows in every table, and the database keeps working', async () => {
    const before = await fingerprint(db);
    expect(before.trading_signals?.n).toBe(1200);
    const { file, bytes } = await backup(db, dir);
    expect(path.basename(file)).toMatch(/^backup_\d{8}_\d{6}\.sql$/);
    expect(bytes).toBeGreaterThan(10_000);

    await db.exec('drop schema public cascade; create schema public; drop schema drizzle cascade;');
    const [gone] = await db.query<{ t: string | null }>(
      `select to_regclass('public.trading_signals')::text as t`,
    );
    expect(gone?.t).toBeNull();

    await restore(db, file);
    expect(await fingerprint(db)).toEqual(before);
    // Sequences, triggers and the migration history came back too.
    expect(await db.migrate()).toBe(0);
    await db.exec(`insert into strategies (name) values ('after restore')`);
    await expect(db.exec('update prompt_template_versions set change_note = null')).rejects.toThrow(
      /immutable/,
    );
  });

  it('a restore that fails half-way leaves the database exactly as it was', async () => {
    const before = await fingerprint(db);
    const { file } = await backup(db, dir);
    const broken = path.join(dir, 'broken.sql');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(
      broken,
      text.replace('INSERT INTO public.trading_signals', 'INSERT INTO public.no_such_table'),
    );
    await expect(restore(db, broken)).rejects.toThrow(/no_such_table/);
    expect(await fingerprint(db)).toEqual(before);
    await expect(restore(db, path.join(dir, 'nope.sql'))).rejects.toThrow(/ENOENT/);
    fs.writeFileSync(broken, 'select 1;');
    await expect(restore(db, broken)).rejects.toThrow(/not a PostgreSQL plain-SQL dump/);
    expect(await fingerprint(db)).toEqual(before);
  });

  it('writes the dump 0600 in a folder it creates 0700, even under a permissive umask', async () => {
    const nested = path.join(dir, 'private', 'dumps');
    const previous = process.umask(0);
    try {
      const { file } = await backup(db, nested);
      expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
      expect((fs.statSync(nested).mode & 0o777).toString(8)).toBe('700');
      expect((fs.statSync(path.join(dir, 'private')).mode & 0o777).toString(8)).toBe('700');
    } finally {
      process.umask(previous);
    }
  });
});
