/**
 * The Drizzle schema: the single source of truth for every table's shape. Migrations in
 * packages/server/drizzle are generated from it by drizzle-kit (`npm run db:generate -w
 * @promptledger/server`); never edit a generated migration, add a new one.
 *
 * Columns named in the original description keep their names; the rest are additions (DESIGN §3).
 * Numbers that traders compute with (prices, R, P/L) are double precision: the analytics run in
 * floating point anyway and `numeric` would come back as strings from both drivers.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const TEMPLATE_TYPES = ['analysis', 'consolidation', 'system_message'] as const;
export type TemplateType = (typeof TEMPLATE_TYPES)[number];
export const OUTCOMES = ['pending', 'win', 'loss', 'breakeven', 'cancelled'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const DIRECTIONS = ['long', 'short', 'no_trade'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A model configuration stored with a prompt: which model, and how to call it. */
export type ModelConfig = {
  model?: string;
  temperature?: number;
  max_tokens?: number;
  [key: string]: unknown;
};

const timestamps = {
  created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updated_at: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);

export const strategies = pgTable(
  'strategies',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    description: text('description'),
    is_active: boolean('is_active').notNull().default(true),
    deleted_at: timestamp('deleted_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('uq_strategies_name_live').on(t.name).where(sql`${t.deleted_at} is null`),
    check('ck_strategies_name_not_blank', sql`length(trim(${t.name})) > 0`),
  ],
);

export const promptTemplates = pgTable(
  'prompt_templates',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    description: text('description'),
    template_type: text('template_type').$type<TemplateType>().notNull(),
    template_content: text('template_content').notNull(),
    version: integer('version').notNull().default(1),
    is_active: boolean('is_active').notNull().default(false),
    is_global: boolean('is_global').notNull().default(true),
    strategy_id: integer('strategy_id').references(() => strategies.id),
    language: text('language').notNull().default('en'),
    model_config: jsonb('model_config').$type<ModelConfig>().notNull().default({}),
    deleted_at: timestamp('deleted_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index('idx_prompt_templates_strategy_id').on(t.strategy_id),
    index('idx_prompt_templates_name').on(t.name),
    index('idx_prompt_templates_template_type').on(t.template_type),
    // One active, live prompt per (type, language, scope): the resolver must never have to choose.
    uniqueIndex('uq_prompt_templates_active_slot')
      .on(t.template_type, t.language, sql`coalesce(${t.strategy_id}, 0)`)
      .where(sql`${t.is_active} and ${t.deleted_at} is null`),
    // Names identify prompts for include/extends/import, so they are unique within a scope.
    uniqueIndex('uq_prompt_templates_name_scope')
      .on(t.name, sql`coalesce(${t.strategy_id}, 0)`)
      .where(sql`${t.deleted_at} is null`),
    check('ck_prompt_templates_scope', sql`${t.is_global} = (${t.strategy_id} is null)`),
    check('ck_prompt_templates_type', inList('template_type', TEMPLATE_TYPES)),
    check('ck_prompt_templates_version', sql`${t.version} >= 1`),
    check('ck_prompt_templates_name_not_blank', sql`length(trim(${t.name})) > 0`),
  ],
);

/** Immutable history: one row per content or model_config change (a trigger refuses UPDATE/DELETE). */
export interface ImportedFrom {
  created_by: string | null;
  created_at: string;
}

export const promptTemplateVersions = pgTable(
  'prompt_template_versions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    template_id: integer('template_id')
      .notNull()
      .references(() => promptTemplates.id),
    version: integer('version').notNull(),
    template_content: text('template_content').notNull(),
    model_config: jsonb('model_config').$type<ModelConfig>().notNull().default({}),
    variables: jsonb('variables').$type<string[]>().notNull().default([]),
    change_note: text('change_note'),
    created_by: text('created_by'),
    created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set on imported versions: who wrote it and when, in the installation it came from. */
    imported_from: jsonb('imported_from').$type<ImportedFrom>(),
  },
  (t) => [
    unique('uq_prompt_template_versions_template_version').on(t.template_id, t.version),
    check('ck_prompt_template_versions_version', sql`${t.version} >= 1`),
  ],
);

export const promptPerformance = pgTable(
  'prompt_performance',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    prompt_template_id: integer('prompt_template_id')
      .notNull()
      .references(() => promptTemplates.id),
    prompt_version: integer('prompt_version').notNull(),
    strategy_id: integer('strategy_id').references(() => strategies.id),
    evaluation_date: date('evaluation_date', { mode: 'string' }).notNull(),
    signals_generated: integer('signals_generated').notNull().default(0),
    total_profit_loss: doublePrecision('total_profit_loss').notNull().default(0),
    win_count: integer('win_count').notNull().default(0),
    loss_count: integer('loss_count').notNull().default(0),
    breakeven_count: integer('breakeven_count').notNull().default(0),
    avg_r_multiple: doublePrecision('avg_r_multiple'),
    win_rate: doublePrecision('win_rate'),
    avg_profit_per_trade: doublePrecision('avg_profit_per_trade'),
    avg_loss_per_trade: doublePrecision('avg_loss_per_trade'),
    max_r_multiple: doublePrecision('max_r_multiple'),
    min_r_multiple: doublePrecision('min_r_multiple'),
    // Sufficient statistics: any date range's mean, variance and profit factor is a sum of rows.
    closed_count: integer('closed_count').notNull().default(0),
    cancelled_count: integer('cancelled_count').notNull().default(0),
    pending_count: integer('pending_count').notNull().default(0),
    sum_r: doublePrecision('sum_r').notNull().default(0),
    sum_r2: doublePrecision('sum_r2').notNull().default(0),
    sum_r_pos: doublePrecision('sum_r_pos').notNull().default(0),
    sum_r_neg: doublePrecision('sum_r_neg').notNull().default(0),
    sum_pl_pos: doublePrecision('sum_pl_pos').notNull().default(0),
    sum_pl_neg: doublePrecision('sum_pl_neg').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    unique('uq_prompt_performance_version_day')
      .on(t.prompt_template_id, t.prompt_version, t.strategy_id, t.evaluation_date)
      .nullsNotDistinct(),
    index('idx_prompt_performance_evaluation_date').on(t.evaluation_date),
    check(
      'ck_prompt_performance_counts',
      sql`${t.signals_generated} >= 0 and ${t.win_count} >= 0 and ${t.loss_count} >= 0 and ${t.breakeven_count} >= 0`,
    ),
  ],
);

export const tradingSignals = pgTable(
  'trading_signals',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    strategy_id: integer('strategy_id').references(() => strategies.id),
    symbol: text('symbol').notNull(),
    timeframe: text('timeframe'),
    direction: text('direction').$type<Direction>().notNull(),
    entry_price: doublePrecision('entry_price'),
    stop_loss: doublePrecision('stop_loss'),
    take_profit: doublePrecision('take_profit'),
    confidence: doublePrecision('confidence'),
    rationale: text('rationale'),
    quantity: doublePrecision('quantity'),
    llm_provider: text('llm_provider'),
    llm_model: text('llm_model'),
    llm_latency_ms: integer('llm_latency_ms'),
    prompt_tokens: integer('prompt_tokens'),
    completion_tokens: integer('completion_tokens'),
    rendered_prompt_hash: text('rendered_prompt_hash'),
    prompt_template_id: integer('prompt_template_id').references(() => promptTemplates.id),
    prompt_version: integer('prompt_version'),
    prompt_type: text('prompt_type').$type<TemplateType>(),
    outcome: text('outcome').$type<Outcome>().notNull().default('pending'),
    actual_r_multiple: doublePrecision('actual_r_multiple'),
    profit_loss: doublePrecision('profit_loss'),
    exit_price: doublePrecision('exit_price'),
    exit_time: timestamp('exit_time', { withTimezone: true }),
    /**
     * The id of the transaction that last wrote the row (set by a trigger). The rollup compares it
     * with the oldest transaction still running at its previous run, so it recomputes exactly the
     * days that changed since then, commits racing that run included, which timestamps cannot do.
     */
    change_xid: bigint('change_xid', { mode: 'number' }).notNull().default(0),
    ...timestamps,
  },
  (t) => [
    index('idx_trading_signals_strategy_id').on(t.strategy_id),
    index('idx_trading_signals_outcome').on(t.outcome),
    index('idx_trading_signals_prompt_exit').on(t.prompt_template_id, t.exit_time),
    index('idx_trading_signals_created_at').on(t.created_at),
    // The rollup recomputes exactly the days whose signals changed since its last run.
    index('idx_trading_signals_change_xid').on(t.change_xid),
    check('ck_trading_signals_direction', inList('direction', DIRECTIONS)),
    check('ck_trading_signals_outcome', inList('outcome', OUTCOMES)),
    check(
      'ck_trading_signals_prompt_type',
      sql`prompt_type is null or ${inList('prompt_type', TEMPLATE_TYPES)}`,
    ),
    check(
      'ck_trading_signals_prices_positive',
      sql`(${t.entry_price} is null or ${t.entry_price} > 0) and (${t.stop_loss} is null or ${t.stop_loss} > 0) and (${t.take_profit} is null or ${t.take_profit} > 0) and (${t.exit_price} is null or ${t.exit_price} > 0)`,
    ),
    check(
      'ck_trading_signals_trade_has_prices',
      sql`${t.direction} = 'no_trade' or (${t.entry_price} is not null and ${t.stop_loss} is not null)`,
    ),
    check(
      'ck_trading_signals_confidence',
      sql`${t.confidence} is null or (${t.confidence} >= 0 and ${t.confidence} <= 1)`,
    ),
  ],
);

/** Every prompt that took part in a signal (system message, each analysis, the consolidation). */
export const signalPrompts = pgTable(
  'signal_prompts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    signal_id: integer('signal_id')
      .notNull()
      .references(() => tradingSignals.id),
    template_id: integer('template_id')
      .notNull()
      .references(() => promptTemplates.id),
    version: integer('version').notNull(),
    prompt_type: text('prompt_type').$type<TemplateType>().notNull(),
    timeframe: text('timeframe'),
    rendered_hash: text('rendered_hash'),
    created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('idx_signal_prompts_signal_id').on(t.signal_id),
    index('idx_signal_prompts_template_version').on(t.template_id, t.version),
    check('ck_signal_prompts_prompt_type', inList('prompt_type', TEMPLATE_TYPES)),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    role: text('role').$type<Role>().notNull(),
    /** The public part of the key (`pl_<prefix>_…`): finds the row without scanning hashes. */
    prefix: text('prefix').notNull(),
    /** scrypt$N$r$p$salt$hash of the secret part. */
    key_hash: text('key_hash').notNull(),
    created_by: text('created_by'),
    created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    last_used_at: timestamp('last_used_at', { withTimezone: true }),
    revoked_at: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [unique('uq_api_keys_prefix').on(t.prefix), check('ck_api_keys_role', inList('role', ROLES))],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    actor: text('actor').notNull(),
    actor_key_id: integer('actor_key_id').references(() => apiKeys.id),
    action: text('action').notNull(),
    entity_type: text('entity_type').notNull(),
    entity_id: text('entity_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('idx_audit_events_entity').on(t.entity_type, t.entity_id),
    index('idx_audit_events_created_at').on(t.created_at),
  ],
);

/**
 * Where the daily rollup got to. One row (id = 1). The next incremental run recomputes exactly
 * the days of signals written by transactions at or after `watermark_xid`.
 */
export const rollupState = pgTable(
  'performance_rollup_state',
  {
    id: integer('id').primaryKey().default(1),
    /** Oldest transaction id still running when the last run started (pg_snapshot_xmin). */
    watermark_xid: bigint('watermark_xid', { mode: 'number' }),
    last_run_at: timestamp('last_run_at', { withTimezone: true }),
    last_full_run_at: timestamp('last_full_run_at', { withTimezone: true }),
    last_run_days: integer('last_run_days').notNull().default(0),
    last_run_ms: integer('last_run_ms').notNull().default(0),
  },
  (t) => [check('ck_performance_rollup_state_single_row', sql`${t.id} = 1`)],
);

/** Every table of ours, in dependency order (parents first): backups, checks and tests walk it. */
export const TABLE_NAMES = [
  'strategies',
  'prompt_templates',
  'prompt_template_versions',
  'prompt_performance',
  'trading_signals',
  'signal_prompts',
  'api_keys',
  'audit_events',
  'performance_rollup_state',
] as const;
