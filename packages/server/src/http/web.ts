import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

const MISSING_BUILD = `<!doctype html><meta charset="utf-8"><title>Prompt Ledger</title>
<h1>Prompt Ledger</h1><p>The web UI has not been built. Run <code>npm run build</code> and restart.
The API is available at <a href="/docs">/docs</a>.</p>`;

/**
 * Serves the built Prompt Manager at `/`. Client-side routes (`/prompts`, `/leaderboard`…) get
 * index.html so a reload or a shared link works; API and docs paths keep their JSON 404s.
 */
export async function registerWeb(app: FastifyInstance, dist = WEB_DIST): Promise<boolean> {
  const index = path.join(dist, 'index.html');
  const built = fs.existsSync(index);
  if (built) {
    await app.register(fastifyStatic, { root: dist, prefix: '/', wildcard: false, index: ['index.html'] });
  } else {
    app.get('/', { config: { auth: 'public' }, schema: { hide: true } }, (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(MISSING_BUILD),
    );
  }
  return built;
}

export function isClientRoute(method: string, url: string, accept: string | undefined): boolean {
  return (
    method === 'GET' &&
    !url.startsWith('/api/') &&
    !url.startsWith('/docs') &&
    url !== '/health' &&
    (accept ?? '').includes('text/html')
  );
}
