import { randomBytes } from 'node:crypto';
import { recordAudit } from '../audit/service.js';
import type { Database } from '../db/database.js';
import type { Role } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import type { Actor } from './actor.js';
import { generateKey, hashSecret, parseKey, safeEqual, verifySecret } from './keys.js';
import * as repo from './repository.js';

/** Verified keys are remembered this long, so scrypt runs once per key per window, not per request. */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 1_000;

/**
 * Stands in for a stored hash when a prefix is unknown or revoked: verifying against it costs the
 * same scrypt work as a real key, so response timing does not tell which prefixes exist.
 */
let dummyHash: Promise<string> | undefined;
const dummy = () => {
  dummyHash ??= hashSecret(randomBytes(20).toString('hex'));
  return dummyHash;
};

export type VerifySecret = (secret: string, stored: string) => Promise<boolean>;

export interface KeyView {
  id: number;
  name: string;
  role: Role;
  prefix: string;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

function view(row: repo.ApiKeyRow): KeyView {
  const { key_hash: _hash, ...rest } = row;
  return rest;
}

export class AuthService {
  private readonly verified = new Map<string, { actor: Actor; expires: number }>();

  constructor(
    private readonly database: Database,
    private readonly adminToken: string | undefined,
    /** The scrypt check (a parameter so a test can count the work done on each path). */
    private readonly verify: VerifySecret = verifySecret,
  ) {
    // Made now, not on the first unknown prefix: that request would otherwise pay for two scrypts.
    void dummy();
  }

  /** The actor behind a bearer token, or undefined when the token is unknown or revoked. */
  async authenticate(token: string): Promise<Actor | undefined> {
    // Keyed by the token itself: hashing it on every request cost more than the lookup, and the
    // token is in this process's memory anyway (it arrived in the request).
    const hit = this.verified.get(token);
    if (hit && hit.expires > Date.now()) return hit.actor;
    if (this.adminToken !== undefined && safeEqual(token, this.adminToken)) {
      return this.remember(token, { name: 'admin-token', keyId: null, role: 'admin' });
    }
    const parsed = parseKey(token);
    if (!parsed) return undefined;
    const found = await repo.findKeyByPrefix(this.database.db, parsed.prefix);
    const row = found && !found.revoked_at ? found : undefined;
    const ok = await this.verify(parsed.secret, row?.key_hash ?? (await dummy()));
    if (!row || !ok) return undefined;
    await repo.touchKey(this.database.db, row.id);
    return this.remember(token, { name: row.name, keyId: row.id, role: row.role });
  }

  private remember(token: string, actor: Actor): Actor {
    if (this.verified.size >= CACHE_MAX) this.verified.clear();
    this.verified.set(token, { actor, expires: Date.now() + CACHE_TTL_MS });
    return actor;
  }

  async createKey(
    actor: Actor,
    input: { name: string; role: Role },
  ): Promise<{ key: KeyView; token: string }> {
    const { token, prefix, secret } = generateKey();
    const key_hash = await hashSecret(secret);
    const row = await this.database.db.transaction(async (tx) => {
      const created = await repo.insertKey(tx, { ...input, prefix, key_hash, created_by: actor.name });
      await recordAudit(tx, actor, 'api_key.create', { type: 'api_key', id: created.id }, input);
      return created;
    });
    return { key: view(row), token };
  }

  async listKeys(): Promise<KeyView[]> {
    return (await repo.listKeys(this.database.db)).map(view);
  }

  async revokeKey(actor: Actor, id: number): Promise<KeyView> {
    const row = await this.database.db.transaction(async (tx) => {
      const revoked = await repo.revokeKey(tx, id);
      if (!revoked) throw new NotFoundError(`No active API key with id ${id}`);
      await recordAudit(tx, actor, 'api_key.revoke', { type: 'api_key', id });
      return revoked;
    });
    // Revocation must bite at once in this process; other processes notice within CACHE_TTL_MS.
    this.verified.clear();
    return view(row);
  }

  /**
   * First start: when no admin token is configured and no admin key exists, make one so the
   * owner can get in. Returns the token to print once, or undefined when none was needed.
   */
  async bootstrapAdminKey(): Promise<string | undefined> {
    if (this.adminToken !== undefined) return undefined;
    if ((await repo.countLiveAdminKeys(this.database.db)) > 0) return undefined;
    const system: Actor = { name: 'system:first-start', keyId: null, role: 'admin' };
    return (await this.createKey(system, { name: 'first admin key', role: 'admin' })).token;
  }
}
