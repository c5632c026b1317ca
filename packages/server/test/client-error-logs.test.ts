import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerProblemHandlers } from '../src/http/problem.js';
import { cliEnv } from './helpers/cli.js';
import { createTestDatabase, DRIVERS, openTestDatabase } from './helpers/databases.js';
import { exited, spawnServe } from './helpers/process.js';
import { ADMIN_TOKEN } from './helpers/server.js';

/** What a log line of a client's mistake must never carry: SQL text or a stack trace. */
const LEAKS =
  /\b(select|insert|update|delete)\b[^"]*\b(from|into|set|where)\b|Failed query|\n\s+at |"stack"/i;

describe.each(DRIVERS)('client errors in the logs on %s', (kind) => {
  it('hostile requests to the real service are 4xx and log no SQL and no stack', async () => {
    const db = await createTestDatabase(kind);
    const serve = await spawnServe(cliEnv(db, { LOG_LEVEL: 'info', PROMPTLEDGER_ADMIN_TOKEN: ADMIN_TOKEN }));
    try {
      const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
      const requests: [string, string, string?][] = [
        ['GET', '/api/v1/prompts/2147483648'],
        ['GET', '/api/v1/signals?from=2025-13-01'],
        ['GET', '/api/v1/prompts/?search=a%00b'],
        ['POST', '/api/v1/strategies', JSON.stringify({ name: 'a\u0000b' })],
        ['POST', '/api/v1/signals', '{"symbol":"X","direction":"long","prompt_tokens":1e400}'],
        ['POST', '/api/v1/strategies', '{"name":'],
        ['GET', `/api/v1/prompts/${'9'.repeat(300)}`],
      ];
      for (const [method, path, body] of requests) {
        const res = await fetch(`${serve.url}${path}`, { method, headers, body });
        expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
      }
    } finally {
      serve.child.kill('SIGTERM');
      await exited(serve.child);
      await db.drop();
    }
    expect(serve.stdout()).not.toMatch(LEAKS);
    expect(serve.stdout()).not.toMatch(/"level":(50|60)/);
  });

  it('a value the database refuses that no schema caught is a 422 logged at warn, without SQL', async () => {
    const database = await openTestDatabase(kind);
    let logged = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const app = Fastify({ logger: { level: 'info', stream } });
    registerProblemHandlers(app);
    app.get('/overflow', async () => database.query('select $1::integer as n', ['2147483648']));
    try {
      const res = await app.inject({ method: 'GET', url: '/overflow' });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json().detail).toMatch(/out of range|cannot store/i);
      expect(res.body).not.toMatch(LEAKS);
      expect(logged).toMatch(/"level":40/);
      expect(logged).toMatch(/22003/);
      expect(logged).not.toMatch(LEAKS);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
