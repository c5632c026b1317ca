/**
 * The Prompt Manager under its Content Security Policy, and sign-in links: the real server serving
 * the built bundle, driven by Chromium (CSP enforced; playwright's bypassCSP stays off).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/server.js';
import { haveChromium, launchChromium, startBrowserTestServer } from './helpers/browser.js';

const ADMIN = 'security-admin-token-0123456789';

declare global {
  interface Window {
    __violations: string[];
    __injected?: boolean;
    __attr?: boolean;
  }
}

interface Watched {
  page: Page;
  /** CSP violations the page reported, and its console errors and uncaught exceptions. */
  violations: () => Promise<string[]>;
  errors: string[];
  requests: string[];
}

describe.skipIf(!haveChromium)('security in the browser', () => {
  let server: RunningServer;
  let dataDir: string;
  let browser: Browser;
  let base: string;
  let viewerKey: string;
  const contexts: BrowserContext[] = [];

  /** A fresh tab (own sessionStorage) that records violations, console errors and every request. */
  const watchedPage = async (): Promise<Watched> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    await ctx.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`),
      );
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    return { page, errors, requests, violations: () => page.evaluate(() => window.__violations) };
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptledger-web-security-'));
    const launching = launchChromium();
    server = await startBrowserTestServer(dataDir, ADMIN);
    base = server.url;
    browser = await launching;
    const res = await fetch(`${base}/api/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'browser viewer', role: 'viewer' }),
    });
    viewerKey = ((await res.json()) as { token: string }).token;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the UI works under the CSP: list, Monaco editor with live validation, preview; nothing violates it', async () => {
    const { page, violations, errors } = await watchedPage();
    const res = await page.goto(`${base}/#token=${ADMIN}`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('button', { name: 'New prompt' }).waitFor();
    await expect.poll(() => page.locator('table.prompts tbody tr').count()).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'New prompt' }).click();
    const dlg = page.getByRole('dialog', { name: 'New prompt' });
    await dlg.locator('.editor-host .monaco-editor').first().waitFor();
    await dlg.locator('.editor-host .view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('Analyse {{ symbol }} {{ oops');
    await dlg.getByRole('list', { name: 'Template errors' }).waitFor();
    await expect.poll(() => dlg.locator('.squiggly-error').count()).toBeGreaterThan(0);
    for (let i = 0; i < ' {{ oops'.length; i++) await page.keyboard.press('Backspace');
    await dlg.getByText('Template is valid.').waitFor();

    await dlg.getByRole('button', { name: 'Preview' }).click();
    const output = page.getByRole('dialog', { name: 'Preview' }).getByLabel('Rendered output');
    await expect.poll(() => output.textContent()).toContain('Analyse BTCUSDT');
    // Monaco's editor worker ran (a same-origin module worker): it computes the word highlights
    // and links, and a blocked worker would have been reported as a violation below.
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('an injected inline script or event-handler attribute does not run, and is reported', async () => {
    const { page, violations } = await watchedPage();
    await page.goto(`${base}/#token=${ADMIN}`);
    await page.getByRole('button', { name: 'New prompt' }).waitFor();
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__attr = true');
      img.src = '/no-such-image.png';
      document.body.append(img);
      await new Promise((r) => setTimeout(r, 300));
      return { script: window.__injected === true, attr: window.__attr === true };
    });
    expect(ran).toEqual({ script: false, attr: false });
    const reported = await violations();
    expect(reported).toContainEqual(expect.stringMatching(/^script-src-elem blocked inline/));
    expect(reported).toContainEqual(expect.stringMatching(/^script-src-attr blocked inline/));
  });

  it('/docs (swagger-ui) works under its own policy', async () => {
    const { page, violations, errors } = await watchedPage();
    await page.goto(`${base}/docs`);
    await page.getByRole('heading', { name: /Prompt Ledger API/ }).waitFor();
    await page.getByText('/api/v1/prompts/render').first().waitFor();
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('a #token= link signs in, leaves neither the address bar nor history, and is never sent', async () => {
    const { page, requests } = await watchedPage();
    await page.goto(`${base}/#token=${ADMIN}`);
    await page.getByRole('button', { name: 'New prompt' }).waitFor();
    expect(page.url()).not.toContain('token');
    expect(requests.filter((u) => u.includes(ADMIN))).toEqual([]);
    // Back leaves the app (its one entry was replaced); Forward returns to it without the key.
    await page.goBack();
    await page.goForward();
    await page.getByRole('button', { name: 'New prompt' }).waitFor();
    expect(page.url()).not.toContain('token');
  });

  it('a link with a different key asks before replacing the session; the same key does not ask', async () => {
    const { page } = await watchedPage();
    const role = page.locator('.topbar .role');
    await page.goto(`${base}/#token=${ADMIN}`);
    await expect.poll(() => role.textContent()).toBe('admin');

    await page.goto(`${base}/prompts#token=${viewerKey}`);
    await page.getByRole('heading', { name: 'Replace your session?' }).waitFor();
    expect(page.url()).not.toContain('token');
    // The question names keys by their public prefix only.
    expect(await page.locator('main').textContent()).toContain(viewerKey.slice(0, 11));
    expect(await page.locator('main').textContent()).not.toContain(viewerKey.slice(12));
    await page.getByRole('button', { name: 'Keep the current session' }).click();
    await expect.poll(() => role.textContent()).toBe('admin');

    await page.goto(`${base}/prompts#token=${viewerKey}`);
    await page.getByRole('button', { name: 'Sign in with the new key' }).click();
    await expect.poll(() => role.textContent()).toBe('viewer');
    expect(await page.getByRole('button', { name: 'New prompt' }).count()).toBe(0);

    await page.goto(`${base}/prompts#token=${viewerKey}`);
    await expect.poll(() => role.textContent()).toBe('viewer');
    expect(await page.getByRole('heading', { name: 'Replace your session?' }).count()).toBe(0);
  });

  it('a ?token= link is not used (a query reaches server logs): sign-in explains, the key leaves the address', async () => {
    const { page } = await watchedPage();
    await page.goto(`${base}/?token=${ADMIN}`);
    await page.getByRole('heading', { name: 'Sign in to Prompt Ledger' }).waitFor();
    await page.getByRole('alert').filter({ hasText: '#token=' }).waitFor();
    expect(page.url()).not.toContain(ADMIN);
  });
});
