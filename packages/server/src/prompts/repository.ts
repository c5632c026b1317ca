import { count } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { promptTemplates, promptTemplateVersions } from '../db/schema.js';

export type PromptRow = typeof promptTemplates.$inferSelect;
export type PromptVersionRow = typeof promptTemplateVersions.$inferSelect;

export async function insertPrompt(db: Db, values: typeof promptTemplates.$inferInsert): Promise<PromptRow> {
  const [row] = await db.insert(promptTemplates).values(values).returning();
  return row!;
}

export async function insertVersion(
  db: Db,
  values: typeof promptTemplateVersions.$inferInsert,
): Promise<PromptVersionRow> {
  const [row] = await db.insert(promptTemplateVersions).values(values).returning();
  return row!;
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
