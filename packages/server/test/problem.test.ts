import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { createTestDatabase } from './helpers/databases.js';
import { testConfig } from './helpers/server.js';

describe('unexpected errors', () => {
  it('become a 500 problem+json that reveals no message or stack, and are logged', async () => {
    const db = await createTestDatabase('pglite');
    const database = await openDatabase(db.config);
    const { app } = await buildApp({ config: testConfig(db), database });
    const logged: string[] = [];
    app.addHook('onError', async (_req, _reply, err) => {
      logged.push(err.message);
    });
    app.get('/boom', { config: { auth: 'public' } }, () => {
      throw new Error('secret internals: password=hunter2');
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/boom' });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: 'The server failed to handle this request; the error has been logged.',
        instance: '/boom',
      });
      expect(res.body).not.toContain('hunter2');
      expect(res.body).not.toContain('at ');
      expect(logged).toEqual(['secret internals: password=hunter2']);
    } finally {
      await app.close();
      await database.close();
      await db.drop();
    }
  });
});
