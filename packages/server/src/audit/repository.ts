import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { auditEvents } from '../db/schema.js';

export type AuditEventRow = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;

export async function insertAuditEvent(db: Db, event: NewAuditEvent): Promise<void> {
  await db.insert(auditEvents).values(event);
}

export function listAuditEvents(db: Db, limit: number, entityType?: string): Promise<AuditEventRow[]> {
  const query = db.select().from(auditEvents);
  return (entityType ? query.where(eq(auditEvents.entity_type, entityType)) : query)
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}
