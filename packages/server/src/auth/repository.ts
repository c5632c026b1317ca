import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { apiKeys, type Role } from '../db/schema.js';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export function findKeyByPrefix(db: Db, prefix: string): Promise<ApiKeyRow | undefined> {
  return db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.prefix, prefix))
    .then((rows) => rows[0]);
}

export function listKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(asc(apiKeys.id));
}

export async function insertKey(
  db: Db,
  values: { name: string; role: Role; prefix: string; key_hash: string; created_by: string },
): Promise<ApiKeyRow> {
  const [row] = await db.insert(apiKeys).values(values).returning();
  return row!;
}

export async function revokeKey(db: Db, id: number): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revoked_at: new Date() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revoked_at)))
    .returning();
  return row;
}

export async function countLiveAdminKeys(db: Db): Promise<number> {
  const rows = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.role, 'admin'), isNull(apiKeys.revoked_at)));
  return rows.length;
}

export async function touchKey(db: Db, id: number): Promise<void> {
  await db.update(apiKeys).set({ last_used_at: new Date() }).where(eq(apiKeys.id, id));
}
