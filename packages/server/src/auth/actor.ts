import type { Role } from '../db/schema.js';

/** Who is doing something: recorded on every audit event and version row. */
export interface Actor {
  /** A readable name: the key's name, `admin-token`, or `cli:<user>` / `system:seed`. */
  name: string;
  keyId: number | null;
  role: Role;
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export function hasRole(actor: Actor, required: Role): boolean {
  return RANK[actor.role] >= RANK[required];
}

export function systemActor(name: string): Actor {
  return { name, keyId: null, role: 'admin' };
}
