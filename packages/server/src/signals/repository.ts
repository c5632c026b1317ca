import { and, count, desc, eq, exists, gte, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { promptTemplates, signalPrompts, tradingSignals } from '../db/schema.js';
import type { ListSignalsQuery } from './schema.js';

export type SignalRow = typeof tradingSignals.$inferSelect;
export type NewSignal = typeof tradingSignals.$inferInsert;
export type NewSignalPrompt = typeof signalPrompts.$inferInsert;

export async function insertSignal(db: Db, values: NewSignal): Promise<SignalRow> {
  const [row] = await db.insert(tradingSignals).values(values).returning();
  return row!;
}

export function insertSignals(db: Db, values: NewSignal[]): Promise<SignalRow[]> {
  return db.insert(tradingSignals).values(values).returning();
}

export async function insertSignalPrompts(db: Db, rows: NewSignalPrompt[]): Promise<void> {
  if (rows.length > 0) await db.insert(signalPrompts).values(rows);
}

export function findSignal(db: Db, id: number): Promise<SignalRow | undefined> {
  return db
    .select()
    .from(tradingSignals)
    .where(eq(tradingSignals.id, id))
    .then((r) => r[0]);
}

export function lockSignal(tx: Db, id: number): Promise<SignalRow | undefined> {
  return tx
    .select()
    .from(tradingSignals)
    .where(eq(tradingSignals.id, id))
    .for('update')
    .then((r) => r[0]);
}

export async function updateSignal(db: Db, id: number, values: Partial<NewSignal>): Promise<SignalRow> {
  const [row] = await db
    .update(tradingSignals)
    .set({ ...values, updated_at: new Date() })
    .where(eq(tradingSignals.id, id))
    .returning();
  return row!;
}

export function signalPromptsOf(db: Db, signalId: number) {
  return db
    .select({
      template_id: signalPrompts.template_id,
      name: promptTemplates.name,
      version: signalPrompts.version,
      prompt_type: signalPrompts.prompt_type,
      timeframe: signalPrompts.timeframe,
      rendered_hash: signalPrompts.rendered_hash,
    })
    .from(signalPrompts)
    .leftJoin(promptTemplates, eq(promptTemplates.id, signalPrompts.template_id))
    .where(eq(signalPrompts.signal_id, signalId))
    .orderBy(signalPrompts.id);
}

/** A signal belongs to a prompt when the prompt is its own or took part in it (signal_prompts). */
function usesPrompt(promptId: number, version?: number): SQL {
  const own =
    version === undefined
      ? eq(tradingSignals.prompt_template_id, promptId)
      : and(eq(tradingSignals.prompt_template_id, promptId), eq(tradingSignals.prompt_version, version))!;
  const part = and(
    eq(signalPrompts.signal_id, tradingSignals.id),
    eq(signalPrompts.template_id, promptId),
    ...(version === undefined ? [] : [eq(signalPrompts.version, version)]),
  );
  return or(own, exists(sql`(select 1 from ${signalPrompts} where ${part})`))!;
}

export async function listSignals(
  db: Db,
  q: ListSignalsQuery,
): Promise<{ rows: SignalRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (q.strategy_id !== undefined) conditions.push(eq(tradingSignals.strategy_id, q.strategy_id));
  if (q.prompt_id !== undefined) conditions.push(usesPrompt(q.prompt_id, q.version));
  if (q.symbol) conditions.push(eq(tradingSignals.symbol, q.symbol));
  if (q.outcome) conditions.push(eq(tradingSignals.outcome, q.outcome));
  if (q.from) conditions.push(gte(tradingSignals.created_at, new Date(`${q.from}T00:00:00Z`)));
  if (q.to)
    conditions.push(lt(tradingSignals.created_at, new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000)));
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(tradingSignals)
      .where(where)
      .orderBy(desc(tradingSignals.created_at), desc(tradingSignals.id))
      .limit(q.page_size)
      .offset((q.page - 1) * q.page_size),
    db.select({ n: count() }).from(tradingSignals).where(where),
  ]);
  return { rows, total: Number(totals[0]?.n ?? 0) };
}
