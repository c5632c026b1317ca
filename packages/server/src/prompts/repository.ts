import { and, asc, count, eq, ilike, inArray, isNotNull, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { promptTemplates, promptTemplateVersions, type TemplateType, tradingSignals } from '../db/schema.js';
import type { ListPromptsQuery } from './schema.js';

export type PromptRow = typeof promptTemplates.$inferSelect;
export type PromptVersionRow = typeof promptTemplateVersions.$inferSelect;

const live = isNull(promptTemplates.deleted_at);
const inScope = (strategyId: number | null) =>
  strategyId === null ? isNull(promptTemplates.strategy_id) : eq(promptTemplates.strategy_id, strategyId);

export function findPrompt(db: Db, id: number): Promise<PromptRow | undefined> {
  return db
    .select()
    .from(promptTemplates)
    .where(and(eq(promptTemplates.id, id), live))
    .then((r) => r[0]);
}

/** Locks the row until the transaction ends: concurrent edits of one prompt queue here. */
export function lockPrompt(tx: Db, id: number): Promise<PromptRow | undefined> {
  return tx
    .select()
    .from(promptTemplates)
    .where(and(eq(promptTemplates.id, id), live))
    .for('update')
    .then((r) => r[0]);
}

export function findActiveInSlot(
  db: Db,
  slot: { template_type: TemplateType; language: string; strategy_id: number | null },
  excludeId?: number,
): Promise<PromptRow | undefined> {
  const conditions = [
    live,
    eq(promptTemplates.is_active, true),
    eq(promptTemplates.template_type, slot.template_type),
    eq(promptTemplates.language, slot.language),
    inScope(slot.strategy_id),
  ];
  if (excludeId !== undefined) conditions.push(ne(promptTemplates.id, excludeId));
  return db
    .select()
    .from(promptTemplates)
    .where(and(...conditions))
    .then((r) => r[0]);
}

export function findByNameInScope(
  db: Db,
  name: string,
  strategyId: number | null,
): Promise<PromptRow | undefined> {
  return db
    .select()
    .from(promptTemplates)
    .where(and(live, eq(promptTemplates.name, name), inScope(strategyId)))
    .then((r) => r[0]);
}

/** A stored template another template may include, extend or import, as the renderer needs it. */
export interface LibraryRow {
  id: number;
  version: number;
  name: string;
  strategy_id: number | null;
  template_content: string;
}

/**
 * The live prompts with any of these names in a strategy's scope or the global scope (one query
 * for a whole level of includes); the caller prefers the strategy's own.
 */
export function findLibraryByNames(
  db: Db,
  names: string[],
  strategyId: number | null,
): Promise<LibraryRow[]> {
  if (names.length === 0) return Promise.resolve([]);
  const scope =
    strategyId === null
      ? isNull(promptTemplates.strategy_id)
      : or(isNull(promptTemplates.strategy_id), eq(promptTemplates.strategy_id, strategyId));
  return db
    .select({
      id: promptTemplates.id,
      version: promptTemplates.version,
      name: promptTemplates.name,
      strategy_id: promptTemplates.strategy_id,
      template_content: promptTemplates.template_content,
    })
    .from(promptTemplates)
    .where(and(live, inArray(promptTemplates.name, names), scope));
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type PromptFilter = Omit<ListPromptsQuery, 'page' | 'page_size'>;

function listWhere(q: PromptFilter): SQL | undefined {
  const conditions: SQL[] = [live];
  if (q.template_type) conditions.push(eq(promptTemplates.template_type, q.template_type));
  if (q.language) conditions.push(eq(promptTemplates.language, q.language));
  if (q.strategy_id !== undefined) conditions.push(eq(promptTemplates.strategy_id, q.strategy_id));
  if (q.is_active !== undefined) conditions.push(eq(promptTemplates.is_active, q.is_active));
  if (q.is_global !== undefined) conditions.push(eq(promptTemplates.is_global, q.is_global));
  if (q.search) {
    const pattern = `%${escapeLike(q.search)}%`;
    conditions.push(or(ilike(promptTemplates.name, pattern), ilike(promptTemplates.description, pattern))!);
  }
  return and(...conditions);
}

/** One page of live prompts matching the filter, by name. */
export function listPrompts(db: Db, q: ListPromptsQuery): Promise<PromptRow[]> {
  return db
    .select()
    .from(promptTemplates)
    .where(listWhere(q))
    .orderBy(asc(promptTemplates.name), asc(promptTemplates.id))
    .limit(q.page_size)
    .offset((q.page - 1) * q.page_size);
}

/** How many live prompts match the filter (the same for every page of it). */
export async function countPrompts(db: Db, q: PromptFilter): Promise<number> {
  const [row] = await db.select({ n: count() }).from(promptTemplates).where(listWhere(q));
  return Number(row?.n ?? 0);
}

export async function insertPrompt(db: Db, values: typeof promptTemplates.$inferInsert): Promise<PromptRow> {
  const [row] = await db.insert(promptTemplates).values(values).returning();
  return row!;
}

export async function updatePrompt(
  db: Db,
  id: number,
  values: Partial<typeof promptTemplates.$inferInsert>,
): Promise<PromptRow> {
  const [row] = await db
    .update(promptTemplates)
    .set({ ...values, updated_at: new Date() })
    .where(eq(promptTemplates.id, id))
    .returning();
  return row!;
}

export async function insertVersion(
  db: Db,
  values: typeof promptTemplateVersions.$inferInsert,
): Promise<PromptVersionRow> {
  const [row] = await db.insert(promptTemplateVersions).values(values).returning();
  return row!;
}

export function listVersions(db: Db, templateId: number): Promise<PromptVersionRow[]> {
  return db
    .select()
    .from(promptTemplateVersions)
    .where(eq(promptTemplateVersions.template_id, templateId))
    .orderBy(asc(promptTemplateVersions.version));
}

export function findVersion(
  db: Db,
  templateId: number,
  version: number,
): Promise<PromptVersionRow | undefined> {
  return db
    .select()
    .from(promptTemplateVersions)
    .where(
      and(eq(promptTemplateVersions.template_id, templateId), eq(promptTemplateVersions.version, version)),
    )
    .then((r) => r[0]);
}

/** Every prompt ever stored, deleted ones included. */
export async function countAllPrompts(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(promptTemplates);
  return Number(row?.n ?? 0);
}

export function listPromptNames(db: Db): Promise<{ name: string; strategy_id: number | null }[]> {
  return db
    .select({ name: promptTemplates.name, strategy_id: promptTemplates.strategy_id })
    .from(promptTemplates);
}

export interface PromptCounts {
  prompts: number;
  active: number;
  global: number;
  deleted: number;
  by_type: Record<string, number>;
  by_language: Record<string, number>;
  versions: number;
  signals_tracked: number;
}

export async function promptCounts(db: Db): Promise<PromptCounts> {
  const n = sql<number>`count(*)::int`;
  const [totals, byType, byLanguage, versions, signals] = await Promise.all([
    db
      .select({
        all: n,
        live: sql<number>`(count(*) filter (where ${promptTemplates.deleted_at} is null))::int`,
        active: sql<number>`(count(*) filter (where ${promptTemplates.deleted_at} is null and ${promptTemplates.is_active}))::int`,
        global: sql<number>`(count(*) filter (where ${promptTemplates.deleted_at} is null and ${promptTemplates.is_global}))::int`,
      })
      .from(promptTemplates),
    db
      .select({ key: promptTemplates.template_type, n })
      .from(promptTemplates)
      .where(live)
      .groupBy(promptTemplates.template_type),
    db
      .select({ key: promptTemplates.language, n })
      .from(promptTemplates)
      .where(live)
      .groupBy(promptTemplates.language),
    db.select({ n }).from(promptTemplateVersions),
    db.select({ n }).from(tradingSignals).where(isNotNull(tradingSignals.prompt_template_id)),
  ]);
  const t = totals[0]!;
  return {
    prompts: Number(t.live),
    active: Number(t.active),
    global: Number(t.global),
    deleted: Number(t.all) - Number(t.live),
    by_type: Object.fromEntries(byType.map((r) => [r.key, Number(r.n)])),
    by_language: Object.fromEntries(byLanguage.map((r) => [r.key, Number(r.n)])),
    versions: Number(versions[0]?.n ?? 0),
    signals_tracked: Number(signals[0]?.n ?? 0),
  };
}
