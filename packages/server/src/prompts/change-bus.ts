import { sql } from 'drizzle-orm';
import type { Database, Db } from '../db/database.js';

const CHANNEL = 'promptledger_prompts';

/**
 * One prompt changed: its id, and every name it had before or has after the change, so caches of
 * templates that include it by name (or tried to and found nothing) can be dropped selectively.
 * `null` means "anything may have changed".
 */
export interface PromptChange {
  id: number;
  names: string[];
}

function parsePayload(payload: string): PromptChange | null {
  try {
    const v = JSON.parse(payload) as { id?: unknown; names?: unknown };
    if (Number.isInteger(v.id) && Array.isArray(v.names) && v.names.every((n) => typeof n === 'string'))
      return { id: v.id as number, names: v.names as string[] };
  } catch {
    // An older process's payload (a bare id) or anything unexpected: drop everything, to be safe.
  }
  return null;
}

/**
 * Tells caches that prompts changed. The prompt service announces inside its transaction (so
 * other server processes on the same PostgreSQL hear it through NOTIFY exactly when the change
 * commits) and publishes locally right after the commit (so this process never serves a stale
 * render, not even for the few milliseconds a notification takes).
 */
export class PromptChangeBus {
  private readonly listeners = new Set<(change: PromptChange | null) => void>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly database: Database) {}

  subscribe(listener: (change: PromptChange | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Inside the writing transaction. */
  async announce(tx: Db, change: PromptChange): Promise<void> {
    if (this.database.kind === 'postgres')
      await tx.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`);
  }

  /** After the commit. */
  publish(change: PromptChange | null): void {
    for (const listener of this.listeners) listener(change);
  }

  /** Hear other processes' changes (PostgreSQL only: an embedded database has one process). */
  async start(): Promise<void> {
    if (this.database.kind !== 'postgres' || this.unlisten) return;
    this.unlisten = await this.database.listen(CHANNEL, (payload) => this.publish(parsePayload(payload)));
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }
}
