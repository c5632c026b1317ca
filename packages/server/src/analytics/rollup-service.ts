import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { changedDays, oldestRunningXid, rebuildDays } from './rollup.js';

/**
 * Days rebuilt per transaction. The embedded database runs queries on the server's own thread, so
 * its chunks are small enough that HTTP requests wait at most a fraction of a second; a PostgreSQL
 * server works in its own process and takes bigger chunks.
 */
const DAYS_PER_CHUNK = { pglite: 8, postgres: 62 } as const;
const ROLLUP_LOCK_KEY = 727_274_002;

export interface RollupReport {
  mode: 'incremental' | 'full';
  days: number;
  ms: number;
  /** The transaction horizon the next incremental run starts from. */
  watermark_xid: number;
}

/** Consecutive days grouped into [from, to] ranges of at most `max` days. */
export function dayRanges(days: readonly string[], max: number): [string, string][] {
  const ranges: [string, string][] = [];
  let start: string | undefined;
  let prev: string | undefined;
  let length = 0;
  for (const day of days) {
    const next = prev && Date.parse(`${day}T00:00:00Z`) - Date.parse(`${prev}T00:00:00Z`) === 86_400_000;
    if (start && prev && next && length < max) {
      prev = day;
      length++;
      continue;
    }
    if (start && prev) ranges.push([start, prev]);
    start = day;
    prev = day;
    length = 1;
  }
  if (start && prev) ranges.push([start, prev]);
  return ranges;
}

/**
 * The daily performance rollup: recomputes exactly the days whose signals changed since the last
 * run (new signals, outcomes, corrections) — after downtime that is every day missed — or every
 * day on a full run. Idempotent; runs one at a time in this process, and chunk by chunk under an
 * advisory lock across processes.
 */
export class RollupService {
  private running: Promise<RollupReport> | undefined;

  constructor(private readonly database: Database) {}

  run(
    options: {
      full?: boolean;
      from?: string;
      to?: string;
      onProgress?: (done: number, total: number) => void;
    } = {},
  ): Promise<RollupReport> {
    // A second caller waits for the run in progress and then starts its own: its changes may be newer.
    const previous = this.running ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.runNow(options));
    this.running = next.finally(() => {
      if (this.running === next) this.running = undefined;
    });
    return next;
  }

  private async runNow(options: {
    full?: boolean;
    from?: string;
    to?: string;
    onProgress?: (done: number, total: number) => void;
  }): Promise<RollupReport> {
    const started = performance.now();
    const db = this.database.db;
    await this.database.refreshStatistics();
    const state = await this.state();
    const full = options.full || options.from !== undefined || state.watermark_xid === null;
    // Read before scanning: whatever commits after this point is found by the next run.
    const watermark = await oldestRunningXid(db);
    let days = await changedDays(db, full ? null : state.watermark_xid);
    if (options.from) days = days.filter((d) => d >= options.from!);
    if (options.to) days = days.filter((d) => d <= options.to!);
    const perChunk = DAYS_PER_CHUNK[this.database.kind];
    let done = 0;
    for (let i = 0; i < days.length; i += perChunk) {
      const chunk = days.slice(i, i + perChunk);
      await db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${ROLLUP_LOCK_KEY})`);
        await rebuildDays(tx, dayRanges(chunk, perChunk));
      });
      done += chunk.length;
      options.onProgress?.(done, days.length);
      // Let HTTP requests queued behind this chunk run before the next one.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const ms = Math.round(performance.now() - started);
    const partial = options.from !== undefined || options.to !== undefined;
    await this.saveState({
      // A partial rebuild leaves other days' changes for the next incremental run.
      watermark_xid: partial ? state.watermark_xid : watermark,
      last_run_at: new Date(),
      last_full_run_at: full && !partial ? new Date() : state.last_full_run_at,
      last_run_days: days.length,
      last_run_ms: ms,
    });
    return { mode: full ? 'full' : 'incremental', days: days.length, ms, watermark_xid: watermark };
  }

  async state(): Promise<{
    watermark_xid: number | null;
    last_run_at: Date | null;
    last_full_run_at: Date | null;
  }> {
    const [row] = await this.database.query<{
      watermark_xid: string | number | null;
      last_run_at: Date | null;
      last_full_run_at: Date | null;
    }>(
      'select watermark_xid::text as watermark_xid, last_run_at, last_full_run_at from performance_rollup_state where id = 1',
    );
    const date = (v: Date | string | null | undefined) => (v ? new Date(v) : null);
    return {
      watermark_xid: row?.watermark_xid == null ? null : Number(row.watermark_xid),
      last_run_at: date(row?.last_run_at),
      last_full_run_at: date(row?.last_full_run_at),
    };
  }

  private async saveState(s: {
    watermark_xid: number | null;
    last_run_at: Date;
    last_full_run_at: Date | null;
    last_run_days: number;
    last_run_ms: number;
  }): Promise<void> {
    await this.database.query(
      `insert into performance_rollup_state (id, watermark_xid, last_run_at, last_full_run_at, last_run_days, last_run_ms)
       values (1, $1, $2, $3, $4, $5)
       on conflict (id) do update set watermark_xid = excluded.watermark_xid, last_run_at = excluded.last_run_at,
         last_full_run_at = excluded.last_full_run_at, last_run_days = excluded.last_run_days, last_run_ms = excluded.last_run_ms`,
      [s.watermark_xid, s.last_run_at, s.last_full_run_at, s.last_run_days, s.last_run_ms],
    );
  }
}
