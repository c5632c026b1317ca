import { sql } from 'drizzle-orm';
import type { Database, Db } from '../db/database.js';

const CHANNEL = 'promptledger_prompts';

/**
 * Tells caches that prompts changed. The prompt service announces inside its transaction (so
 * other server processes on the same PostgreSQL hear it through NOTIFY exactly when the change
 * commits) and publishes locally right after the commit (so this process never serves a stale
 * render, not even for the few milliseconds a notification takes).
 */
export class PromptChangeBus {
  private readonly listeners = new Set<(promptId: number | null) => void>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly database: Database) {}

  subscribe(listener: (promptId: number | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Inside the writing transaction. */
  async announce(tx: Db, promptId: number): Promise<void> {
    if (this.database.kind === 'postgres')
      await tx.execute(sql`select pg_notify(${CHANNEL}, ${String(promptId)})`);
  }

  /** After the commit. */
  publish(promptId: number | null): void {
    for (const listener of this.listeners) listener(promptId);
  }

  /** Hear other processes' changes (PostgreSQL only: an embedded database has one process). */
  async start(): Promise<void> {
    if (this.database.kind !== 'postgres' || this.unlisten) return;
    this.unlisten = await this.database.listen(CHANNEL, (payload) => {
      const id = Number(payload);
      this.publish(Number.isInteger(id) && id > 0 ? id : null);
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }
}
