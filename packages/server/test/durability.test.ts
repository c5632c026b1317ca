import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { cliEnv } from './helpers/cli.js';
import { createTestDatabase, DRIVERS } from './helpers/databases.js';
import { exited, spawnServe } from './helpers/process.js';

const TOKEN = 'durability-admin-token-0123456789';

describe.each(DRIVERS)('durability on %s', (kind) => {
  it('a server killed with SIGKILL during a stream of writes reopens with every acknowledged write', async () => {
    const db = await createTestDatabase(kind);
    const env = cliEnv(db, { PROMPTLEDGER_ADMIN_TOKEN: TOKEN, HOST: '127.0.0.1' });
    try {
      const { child, url } = await spawnServe(env);
      const acknowledged: string[] = [];
      let n = 0;
      let stop = false;
      const writer = async () => {
        while (!stop) {
          const name = `s-${n++}`;
          try {
            const res = await fetch(`${url}/api/v1/strategies`, {
              method: 'POST',
              headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
              body: JSON.stringify({ name }),
            });
            if (res.status === 201) acknowledged.push(name);
            else throw new Error(`write refused: HTTP ${res.status} ${await res.text()}`);
          } catch (err) {
            if ((err as Error).message.startsWith('write refused')) throw err;
            return; // the server is gone
          }
        }
      };
      const writers = Array.from({ length: 4 }, writer);
      const failed = Promise.race(writers.map((w) => w.then(() => new Promise<never>(() => undefined))));
      const enough = (async () => {
        while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 10));
      })();
      await Promise.race([enough, failed]);
      child.kill('SIGKILL');
      const { signal } = await exited(child);
      stop = true;
      await Promise.all(writers);
      expect(signal).toBe('SIGKILL');

      // Reopening takes over the dead process's lock and finds every acknowledged write.
      const reopened = await openDatabase(db.config);
      try {
        const rows = await reopened.query<{ name: string }>('select name from strategies');
        const stored = new Set(rows.map((r) => r.name));
        const lost = acknowledged.filter((name) => !stored.has(name));
        expect(lost).toEqual([]);
        expect(acknowledged.length).toBeGreaterThanOrEqual(150);
        const [audit] = await reopened.query<{ n: number }>(
          `select count(*)::int as n from audit_events where action = 'strategy.create'`,
        );
        expect(audit!.n).toBeGreaterThanOrEqual(acknowledged.length);
      } finally {
        await reopened.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('SIGTERM shuts down cleanly (exit 0) and releases the database at once', async () => {
    const db = await createTestDatabase(kind);
    try {
      const { child, url } = await spawnServe(cliEnv(db));
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const started = performance.now();
      child.kill('SIGTERM');
      expect(await exited(child)).toEqual({ code: 0, signal: null });
      expect(performance.now() - started).toBeLessThan(5_000);
      const again = await openDatabase(db.config);
      await again.close();
    } finally {
      await db.drop();
    }
  });
});
