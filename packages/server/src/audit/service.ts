import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/database.js';
import { insertAuditEvent } from './repository.js';

/**
 * Records who changed what. Called by every service inside the same transaction as the change it
 * describes, so an audit event exists exactly when the change does.
 */
export function recordAudit(
  db: Db,
  actor: Actor,
  action: string,
  entity: { type: string; id?: string | number | null },
  details: Record<string, unknown> = {},
): Promise<void> {
  return insertAuditEvent(db, {
    actor: actor.name,
    actor_key_id: actor.keyId,
    action,
    entity_type: entity.type,
    entity_id: entity.id === undefined || entity.id === null ? null : String(entity.id),
    details,
  });
}
