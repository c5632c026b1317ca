import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { registerAuth } from '../src/auth/plugin.js';
import { AuthService } from '../src/auth/service.js';
import { openDatabase } from '../src/db/database.js';
import { registerProblemHandlers } from '../src/http/problem.js';
import { createTestDatabase, openTestDatabase } from './helpers/databases.js';
import { ADMIN_TOKEN, testConfig } from './helpers/server.js';

describe('who may call a route', () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  const limits = { authFailures: 10, authFailureWindowMs: 60_000, rendersInFlightPerKey: 8 };
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
  });
  afterAll(() => database.drop());

  it('an undeclared /api route needs an admin, judged by the matched route, not the raw URL', async () => {
    const app = Fastify();
    registerProblemHandlers(app);
    await registerAuth(app, new AuthService(database, ADMIN_TOKEN), limits);
    app.get('/api/v1/undeclared', async () => ({ secret: true }));
    try {
      // `/%61pi/…` matches the route `/api/…` but its raw URL does not start with /api/.
      for (const url of ['/api/v1/undeclared', '/%61pi/v1/undeclared', '/%61%70%69/v1/undeclared']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(401);
        expect(res.body).not.toContain('secret');
      }
      const admin = await app.inject({
        method: 'GET',
        url: '/%61pi/v1/undeclared',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(admin.json()).toEqual({ secret: true });
    } finally {
      await app.close();
    }
  });
});

describe('start-up', () => {
  it('refuses a route under /api without a declared config.auth, naming it', async () => {
    const db = await createTestDatabase('pglite');
    const database = await openDatabase(db.config);
    const { app } = await buildApp({ config: testConfig(db), database });
    try {
      expect(() => app.get('/api/v1/forgotten', async () => 'x')).toThrow(
        /GET \/api\/v1\/forgotten declares no config\.auth/,
      );
      // Declared routes, public ones included, and routes outside /api are fine.
      expect(() =>
        app.get('/api/v1/declared', { config: { auth: 'public' } }, async () => 'x'),
      ).not.toThrow();
      expect(() => app.get('/elsewhere', async () => 'x')).not.toThrow();
      app.register(
        async (plugin) => {
          plugin.post('/widgets', async () => 'x');
        },
        { prefix: '/api/v2' },
      );
      await expect(app.ready()).rejects.toThrow(/POST \/api\/v2\/widgets declares no config\.auth/);
    } finally {
      await app.close().catch(() => undefined);
      await database.close();
      await db.drop();
    }
  });
});
