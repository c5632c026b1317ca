import { describe, expect, it } from 'vitest';
import { startServer } from '../src/server.js';
import { createTestDatabase, DRIVERS } from './helpers/databases.js';
import { ADMIN_TOKEN, testConfig } from './helpers/server.js';

const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

async function post(url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

describe.skipIf(!DRIVERS.includes('postgres'))('render cache across server processes on PostgreSQL', () => {
  it('an edit through one instance is rendered by another at once (LISTEN/NOTIFY)', async () => {
    const db = await createTestDatabase('postgres');
    const a = await startServer(testConfig(db));
    const b = await startServer(testConfig(db));
    try {
      const created = await post(`${a.url}/api/v1/prompts`, {
        name: 'shared',
        template_type: 'analysis',
        template_content: 'one',
      });
      const id = created.id as number;
      // B compiles and caches version 1, and a page of the list.
      expect((await post(`${b.url}/api/v1/prompts/render`, { prompt_id: id, context: {} })).rendered).toBe(
        'one',
      );
      const listB = async () =>
        (
          (await (await fetch(`${b.url}/api/v1/prompts?search=shared`, { headers })).json()) as {
            items: { version: number }[];
          }
        ).items[0]?.version;
      expect(await listB()).toBe(1);

      await fetch(`${a.url}/api/v1/prompts/${id}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ template_content: 'two' }),
      });
      let rendered: unknown;
      for (let i = 0; i < 50; i++) {
        rendered = (await post(`${b.url}/api/v1/prompts/render`, { prompt_id: id, context: {} })).rendered;
        if (rendered === 'two') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(rendered).toBe('two');
      expect(await listB()).toBe(2);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
