import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | null): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out[name] = values;
  }
  return out;
}

describe.each(DRIVERS)('security headers on %s', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t.stop());

  it('the UI gets a strict CSP: own scripts only, no framing, nothing from elsewhere', async () => {
    const res = await t.request('GET', '/', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp).toMatchObject({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'connect-src': ["'self'"],
      'frame-ancestors': ["'none'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'worker-src': ["'self'"],
    });
    // No allowance anywhere for inline or eval'd script, or for another origin.
    for (const [name, values] of Object.entries(csp)) {
      if (name.startsWith('script')) expect(values.join(' ')).not.toMatch(/unsafe|data:|blob:/);
      for (const v of values) expect(v, `${name} ${v}`).toMatch(/^('self'|'none'|'unsafe-inline'|data:)$/);
    }
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('API answers, errors included, carry nosniff and no-referrer too', async () => {
    for (const path of ['/health', '/api/v1/strategies']) {
      const res = await t.request('GET', path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  it('/docs keeps working under its own policy that allows only its own files', async () => {
    const page = await t.request('GET', '/docs/static/index.html');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-bundle.js');
    const csp = directives(page.headers.get('content-security-policy'));
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect((await t.request('GET', '/docs/json')).status).toBe(200);
    const bundle = await t.request('GET', '/docs/static/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
  });
});
