import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { DRIVERS, openTestDatabase } from './helpers/databases.js';

/**
 * Each statement breaks exactly one rule; the database itself must refuse it, whatever code path
 * (ours, a script, a psql session) tries.
 */
describe.each(DRIVERS)('constraints on %s', (kind) => {
  let db: Database & { drop(): Promise<void> };

  const rejects = async (sqlText: string, pattern: RegExp) => {
    await expect(db.exec(sqlText)).rejects.toThrow(pattern);
  };

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await db.exec(`
      insert into strategies (id, name) values (1001, 'S1'), (1002, 'S2');
      insert into prompt_templates (id, name, template_type, template_content, is_global, strategy_id, is_active)
        values (2001, 'global analysis', 'analysis', 'x', true, null, true),
               (2002, 'strategy analysis', 'analysis', 'x', false, 1001, true);
      insert into prompt_template_versions (template_id, version, template_content) values (2001, 1, 'x');
      insert into trading_signals (id, symbol, direction, entry_price, stop_loss) values (3001, 'BTC', 'long', 100, 90);
    `);
  });
  afterAll(() => db.drop());

  it('is_global ⇔ strategy_id is null', async () => {
    await rejects(
      `insert into prompt_templates (name, template_type, template_content, is_global, strategy_id) values ('a', 'analysis', 'x', true, 1001)`,
      /ck_prompt_templates_scope/,
    );
    await rejects(
      `insert into prompt_templates (name, template_type, template_content, is_global, strategy_id) values ('b', 'analysis', 'x', false, null)`,
      /ck_prompt_templates_scope/,
    );
  });

  it('template_type is one of analysis, consolidation, system_message', async () => {
    await rejects(
      `insert into prompt_templates (name, template_type, template_content) values ('c', 'summary', 'x')`,
      /ck_prompt_templates_type/,
    );
  });

  it('one active live prompt per (type, language, scope), per scope', async () => {
    await rejects(
      `insert into prompt_templates (name, template_type, template_content, is_active) values ('d', 'analysis', 'x', true)`,
      /uq_prompt_templates_active_slot/,
    );
    await rejects(
      `insert into prompt_templates (name, template_type, template_content, is_active, is_global, strategy_id) values ('e', 'analysis', 'x', true, false, 1001)`,
      /uq_prompt_templates_active_slot/,
    );
    // Other language, other strategy, inactive, or deleted: all allowed.
    await db.exec(`
      insert into prompt_templates (name, template_type, template_content, is_active, language) values ('f', 'analysis', 'x', true, 'de');
      insert into prompt_templates (name, template_type, template_content, is_active, is_global, strategy_id) values ('g', 'analysis', 'x', true, false, 1002);
      insert into prompt_templates (name, template_type, template_content, is_active) values ('h', 'analysis', 'x', false);
      insert into prompt_templates (name, template_type, template_content, is_active, deleted_at) values ('i', 'analysis', 'x', true, now());
    `);
  });

  it('names are unique among live prompts of one scope only', async () => {
    await rejects(
      `insert into prompt_templates (name, template_type, template_content) values ('global analysis', 'consolidation', 'x')`,
      /uq_prompt_templates_name_scope/,
    );
    await db.exec(`
      insert into prompt_templates (name, template_type, template_content, is_global, strategy_id) values ('global analysis', 'consolidation', 'x', false, 1002);
      update prompt_templates set deleted_at = now() where name = 'h';
      insert into prompt_templates (name, template_type, template_content) values ('h', 'analysis', 'x');
    `);
  });

  it('versions: unique per template, immutable, and tied to an existing template', async () => {
    await rejects(
      `insert into prompt_template_versions (template_id, version, template_content) values (2001, 1, 'y')`,
      /uq_prompt_template_versions_template_version/,
    );
    await rejects(`update prompt_template_versions set template_content = 'changed'`, /immutable/);
    await rejects(`delete from prompt_template_versions`, /immutable/);
    await rejects(
      `insert into prompt_template_versions (template_id, version, template_content) values (9999, 1, 'y')`,
      /foreign key/,
    );
    await rejects(
      `insert into prompt_template_versions (template_id, version, template_content) values (2001, 0, 'y')`,
      /ck_prompt_template_versions_version/,
    );
  });

  it('signals: direction, outcome, positive prices, confidence in [0, 1], trades have prices', async () => {
    await rejects(
      `insert into trading_signals (symbol, direction, entry_price, stop_loss) values ('X', 'up', 1, 1)`,
      /ck_trading_signals_direction/,
    );
    await rejects(
      `insert into trading_signals (symbol, direction, entry_price, stop_loss, outcome) values ('X', 'long', 1, 1, 'won')`,
      /ck_trading_signals_outcome/,
    );
    await rejects(
      `insert into trading_signals (symbol, direction, entry_price, stop_loss) values ('X', 'long', 0, 1)`,
      /ck_trading_signals_prices_positive/,
    );
    await rejects(
      `insert into trading_signals (symbol, direction, entry_price, stop_loss) values ('X', 'short', 10, -1)`,
      /ck_trading_signals_prices_positive/,
    );
    await rejects(
      `update trading_signals set exit_price = 0 where id = 3001`,
      /ck_trading_signals_prices_positive/,
    );
    await rejects(
      `insert into trading_signals (symbol, direction, entry_price, stop_loss, confidence) values ('X', 'long', 10, 9, 1.5)`,
      /ck_trading_signals_confidence/,
    );
    await rejects(
      `insert into trading_signals (symbol, direction) values ('X', 'long')`,
      /ck_trading_signals_trade_has_prices/,
    );
    await rejects(
      `insert into trading_signals (symbol, direction, entry_price, stop_loss, prompt_type) values ('X', 'long', 10, 9, 'other')`,
      /ck_trading_signals_prompt_type/,
    );
    await db.exec(`insert into trading_signals (symbol, direction) values ('X', 'no_trade')`);
  });

  it('signal_prompts reference real signals and templates', async () => {
    await rejects(
      `insert into signal_prompts (signal_id, template_id, version, prompt_type) values (9999, 2001, 1, 'analysis')`,
      /foreign key/,
    );
    await rejects(
      `insert into signal_prompts (signal_id, template_id, version, prompt_type) values (3001, 2001, 1, 'other')`,
      /ck_signal_prompts_prompt_type/,
    );
  });

  it('performance rows are unique per (prompt, version, strategy, day), a null strategy included', async () => {
    await db.exec(
      `insert into prompt_performance (prompt_template_id, prompt_version, strategy_id, evaluation_date) values (2001, 1, null, '2026-01-01')`,
    );
    await rejects(
      `insert into prompt_performance (prompt_template_id, prompt_version, strategy_id, evaluation_date) values (2001, 1, null, '2026-01-01')`,
      /uq_prompt_performance_version_day/,
    );
    await rejects(
      `insert into prompt_performance (prompt_template_id, prompt_version, evaluation_date, win_count) values (2001, 1, '2026-01-02', -1)`,
      /ck_prompt_performance_counts/,
    );
  });

  it('api keys have a known role and a unique prefix; strategies a unique live name', async () => {
    await rejects(
      `insert into api_keys (name, role, prefix, key_hash) values ('k', 'root', 'aaaa', 'h')`,
      /ck_api_keys_role/,
    );
    await db.exec(`insert into api_keys (name, role, prefix, key_hash) values ('k', 'viewer', 'bbbb', 'h')`);
    await rejects(
      `insert into api_keys (name, role, prefix, key_hash) values ('k2', 'viewer', 'bbbb', 'h')`,
      /uq_api_keys_prefix/,
    );
    await rejects(`insert into strategies (name) values ('S1')`, /uq_strategies_name_live/);
    await rejects(`insert into strategies (name) values ('  ')`, /ck_strategies_name_not_blank/);
  });
});
