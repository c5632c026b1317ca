/**
 * End to end: the real server (in-process, fresh embedded database) serving the built bundle, driven
 * by Chromium. The tests run in order and share one browser page, like a user's session.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/server.js';
import { CHROMIUM, haveChromium, launchChromium, startBrowserTestServer } from './helpers/browser.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST_INDEX = path.resolve(here, '../dist/index.html');
/**
 * Every run saves its screenshots under test-results/ (not tracked: pixels differ run to run);
 * UPDATE_SCREENSHOTS=1 writes them to test/screenshots/, the copies the README shows.
 */
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.join(here, 'screenshots')
    : path.resolve(here, '../test-results/screenshots');
const ADMIN = 'e2e-admin-token-0123456789';

if (!haveChromium) {
  if (process.env.CI === 'true')
    throw new Error(`${CHROMIUM} is missing: the web end-to-end tests cannot run (CI).`);
  console.warn(
    `\n!!! ${CHROMIUM} is missing: SKIPPING the web end-to-end tests (this would fail under CI=true) !!!\n`,
  );
}

describe.skipIf(!haveChromium)('Prompt Manager in the browser', () => {
  let server: RunningServer;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];
  const call = async (method: string, url: string, body?: unknown, key = ADMIN) => {
    const res = await fetch(`${base}/api/v1${url}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  /** One screenshot per colour scheme; the app follows the system until the toggle is used. */
  const shoot = async (name: string) => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(150); // Monaco and the chart repaint on the theme change
      await page.screenshot({ path: path.join(SHOTS, `${name}-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  };
  const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
  const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });
  const editorIn = (scope: ReturnType<typeof dialog>) => scope.locator('.editor-host .monaco-editor').first();
  /** The editor's visible text; Monaco renders spaces as no-break spaces. */
  const editorText = async (scope: ReturnType<typeof dialog>) =>
    ((await editorIn(scope).locator('.view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');
  const search = async (text: string) => {
    await page.getByLabel('Search by name').fill(text);
    await page.waitForFunction((t) => new URL(location.href).searchParams.get('search') === t, text);
  };

  beforeAll(async () => {
    if (!fs.existsSync(DIST_INDEX)) {
      throw new Error(
        `${DIST_INDEX} is missing: build the web bundle first (npm run build, or: cd packages/web && npx vite build)`,
      );
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptledger-web-e2e-'));
    const launching = launchChromium();
    server = await startBrowserTestServer(dataDir, ADMIN);
    base = server.url;
    browser = await launching;
    // 25 prompts besides the 3 the seed writes: three pages of ten.
    const types = ['analysis', 'consolidation', 'system_message'];
    for (let i = 1; i <= 25; i++) {
      await call('POST', '/prompts/', {
        name: `Bulk prompt ${String(i).padStart(2, '0')}`,
        description: 'Made by the test setup',
        template_type: types[i % 3],
        template_content: `Bulk {{ symbol }} ${i}`,
        language: i % 5 === 0 ? 'de' : 'en',
      });
    }
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  // A failed step must not leave a dialog over the page for the next test.
  afterEach(async () => {
    await page?.evaluate(() => {
      for (const d of document.querySelectorAll('dialog[open]')) (d as HTMLDialogElement).close();
    });
    // No uncaught exception in the page during the step.
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with #token= and lists the prompts, ten a page', async () => {
    await page.goto(`${base}/#token=${ADMIN}`);
    await page.getByRole('button', { name: 'New prompt' }).waitFor();
    expect(page.url()).not.toContain(ADMIN); // the key leaves the address bar
    await expect.poll(() => page.locator('.page-info').textContent()).toContain('of 28 prompts');
    expect(await page.locator('table.prompts tbody tr').count()).toBe(10);
    await shoot('prompt-list');
  });

  it('filters, searches and pages, keeping the state in the URL', async () => {
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.locator('.page-info').textContent()).toContain('Page 2 of 3');
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    await row('Bulk prompt 11').waitFor();

    await page.getByLabel('Type').selectOption('consolidation');
    await expect.poll(() => new URL(page.url()).searchParams.get('type')).toBe('consolidation');
    await expect.poll(() => page.locator('.page-info').textContent()).toContain('of 10 prompts'); // 9 bulk + seed
    const types = await page.locator('table.prompts tbody tr td:nth-child(2)').allTextContents();
    expect(new Set(types)).toEqual(new Set(['Consolidation']));

    await page.getByLabel('Language').selectOption('de');
    await expect.poll(() => page.locator('.page-info').textContent()).toContain('of 2 prompts'); // bulk 10 and 25
    await page.getByLabel('Status').selectOption('active');
    await page.getByRole('heading', { name: 'No prompts match these filters' }).waitFor();

    // A reload shows the same filtered view.
    await page.reload();
    await page.getByRole('heading', { name: 'No prompts match these filters' }).waitFor();
    expect(await page.getByLabel('Language').inputValue()).toBe('de');

    await page.getByRole('button', { name: 'Reset filters' }).click();
    await expect.poll(() => page.locator('.page-info').textContent()).toContain('Page 1 of 3');
    expect(new URL(page.url()).search).toBe('');

    await search('Bulk prompt 07');
    await expect.poll(() => page.locator('table.prompts tbody tr').count()).toBe(1);
    await shoot('prompt-list-search');
    await page.getByRole('button', { name: 'Reset filters' }).click();
  });

  it('creates a prompt typed into Monaco, with completion and live validation markers', async () => {
    await page.getByRole('button', { name: 'New prompt' }).click();
    const dlg = dialog('New prompt');
    await editorIn(dlg).waitFor();
    await dlg.getByLabel('Name').fill('E2E analysis');
    await dlg.getByLabel('Description').fill('Written by the browser test');
    await dlg.getByLabel('Model', { exact: true }).fill('gpt-4o-mini');
    await dlg.getByLabel('Temperature').fill('0.2');
    await dlg.locator('.editor-host .view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('Analyse {{ symbol }} on {{ timeframe }}. Price {{ cur');
    // Completion offers the analysis type's variables.
    const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: 'current_price' });
    await suggestion.first().waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.type(' | num');
    await page.locator('.suggest-widget .monaco-list-row', { hasText: 'number' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.type(' }}.');
    await expect.poll(() => editorText(dlg)).toContain('{{ current_price | number }}.');

    // A syntax error: a marker at its line and column, listed under the editor; fixing it clears both.
    await page.keyboard.type(' {{ oops');
    await dlg.getByRole('list', { name: 'Template errors' }).waitFor();
    await expect.poll(() => editorIn(dlg).locator('.squiggly-error').count()).toBeGreaterThan(0);
    expect(await dlg.getByRole('list', { name: 'Template errors' }).textContent()).toMatch(
      /Line 1, column \d+/,
    );
    await shoot('edit-prompt-error');
    for (let i = 0; i < ' {{ oops'.length; i++) await page.keyboard.press('Backspace');
    await dlg.getByText('Template is valid.').waitFor();
    await expect.poll(() => editorIn(dlg).locator('.squiggly-error').count()).toBe(0);

    // The reference panel inserts at the cursor.
    await dlg.getByRole('button', { name: 'Insert rsi' }).click();
    await expect.poll(() => editorText(dlg)).toContain('{{ indicators.rsi }}');
    await shoot('edit-prompt');

    // Preview renders with the sample context, live as the context changes.
    await dlg.getByRole('button', { name: 'Preview' }).click();
    const preview = dialog('Preview');
    const output = preview.getByLabel('Rendered output');
    await expect.poll(() => output.textContent()).toContain('Analyse BTCUSDT on 4h. Price 43,250.5.');
    const context = preview.getByLabel('Context (JSON)');
    await context.fill((await context.inputValue()).replace('"BTCUSDT"', '"ETHUSDT"'));
    await expect.poll(() => output.textContent()).toContain('Analyse ETHUSDT');
    await shoot('preview');
    await context.fill('{ not json');
    await preview.getByRole('alert').filter({ hasText: 'not valid JSON' }).waitFor();
    await preview.getByRole('button', { name: 'Close', exact: true }).click();

    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    await search('E2E analysis');
    await row('E2E analysis').getByRole('cell', { name: 'v1' }).waitFor();
  });

  it('reports a render error with its line and column in the preview', async () => {
    await row('E2E analysis').getByRole('button', { name: 'Edit' }).click();
    const dlg = dialog('Edit “E2E analysis”');
    await editorIn(dlg).waitFor();
    await dlg.locator('.editor-host .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' {{ symbol | nope }}');
    await dlg.getByRole('button', { name: 'Preview' }).click();
    const preview = dialog('Preview');
    await preview
      .getByRole('alert')
      .filter({ hasText: /Line 1, column \d+/ })
      .waitFor();
    await preview.getByRole('button', { name: 'Close', exact: true }).click();
    await dlg.getByRole('button', { name: 'Cancel' }).click();
    await dlg.waitFor({ state: 'detached' });
  });

  it('edits the prompt into version 2, and reports a concurrent save without losing the text', async () => {
    await row('E2E analysis').getByRole('button', { name: 'Edit' }).click();
    const dlg = dialog('Edit “E2E analysis”');
    await editorIn(dlg).waitFor();
    await dlg.locator('.editor-host .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' ATR {{ indicators.atr }}');
    await dlg.getByLabel('Temperature').fill('0.5');
    await dlg.getByLabel('Change note').fill('add ATR');
    // Someone else saves first.
    const id = (await call('GET', '/prompts/?search=E2E%20analysis')).items[0].id as number;
    await call('PUT', `/prompts/${id}`, { description: 'Edited elsewhere', expected_version: 1 });
    const stored = await call('GET', `/prompts/${id}`);
    await call('PUT', `/prompts/${id}`, {
      template_content: `${stored.template_content}\n`,
      expected_version: 1,
    });
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.getByRole('alert').filter({ hasText: 'Someone else saved this prompt first' }).waitFor();
    expect(await editorText(dlg)).toContain('ATR {{ indicators.atr }}');
    await shoot('edit-conflict');
    await dlg.getByRole('button', { name: 'Save mine over theirs' }).click();
    await dlg.waitFor({ state: 'detached' });
    await row('E2E analysis').getByRole('cell', { name: 'v3' }).waitFor();
  });

  it('shows the history, a side-by-side diff with model settings, and restores a version', async () => {
    await row('E2E analysis').getByRole('button', { name: 'History' }).click();
    const dlg = dialog('History of “E2E analysis”');
    await dlg.getByRole('rowheader', { name: 'v3' }).waitFor();
    await dlg.getByLabel('From version').selectOption('1');
    await dlg.getByLabel('To version').selectOption('3');
    await dlg.getByText('Model settings, v1 → v3').waitFor();
    expect(await dlg.locator('.config-changes').textContent()).toContain('temperature: 0.2 → 0.5');
    const diff = dlg.locator('.diff-host');
    await expect.poll(() => diff.locator('.char-insert, .line-insert').count()).toBeGreaterThan(0);
    expect(await diff.locator('.editor.modified .view-lines').textContent()).toContain('ATR');
    await shoot('versions-diff');
    await dlg
      .getByRole('row', { name: /^v1 / })
      .getByRole('button', { name: 'Restore this version' })
      .click();
    await dlg.getByText('Restored version 1 as version 4.').waitFor();
    await dlg.getByRole('button', { name: 'Close', exact: true }).click();
    await row('E2E analysis').getByRole('cell', { name: 'v4' }).waitFor();
    const restored = await call('GET', '/prompts/?search=E2E%20analysis');
    expect(restored.items[0].template_content).not.toContain('ATR');
  });

  it('duplicates a prompt and deletes the copy after confirmation', async () => {
    await row('E2E analysis').getByRole('button', { name: 'Duplicate' }).click();
    await page.getByText('Duplicated as “E2E analysis (copy)”').waitFor();
    await row('E2E analysis (copy)').waitFor();
    await row('E2E analysis (copy)').getByRole('button', { name: 'Delete' }).click();
    const confirm = dialog('Delete “E2E analysis (copy)”?');
    await confirm.waitFor();
    await shoot('confirm-delete');
    // Esc closes without deleting.
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    await row('E2E analysis (copy)').getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Confirm delete' }).click();
    await page.getByText('Deleted “E2E analysis (copy)”.').waitFor();
    await expect.poll(() => row('E2E analysis (copy)').count()).toBe(0);
  });

  it('activates a prompt whose slot is taken only when the user says so', async () => {
    await row('E2E analysis').getByRole('button', { name: 'Edit' }).click();
    const dlg = dialog('Edit “E2E analysis”');
    await editorIn(dlg).waitFor();
    await dlg.getByLabel(/Active \(used by the pipeline/).check();
    await dlg.getByRole('button', { name: 'Save' }).click();
    // The seed's "Default market analysis" holds the (analysis, en, global) slot.
    await dlg.getByRole('alert').filter({ hasText: 'Default market analysis' }).waitFor();
    await dlg.getByRole('button', { name: 'Activate this one instead' }).click();
    await dlg.waitFor({ state: 'detached' });
    await row('E2E analysis').getByText('Active', { exact: true }).waitFor();
    const seed = await call('GET', '/prompts/?search=Default%20market%20analysis');
    expect(seed.items[0].is_active).toBe(false);
  });

  it('keeps an unsaved edit from an accidental Esc, and closes on the second', async () => {
    await search('Bulk prompt 02');
    await row('Bulk prompt 02').getByRole('button', { name: 'Edit' }).click();
    const dlg = dialog('Edit “Bulk prompt 02”');
    await editorIn(dlg).waitFor();
    await dlg.locator('.editor-host .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' draft');
    await page.keyboard.press('Escape');
    await dlg.getByText('You have unsaved changes').waitFor();
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Reset filters' }).click();
  });

  it('shows performance figures and the equity curve for a prompt with outcomes', async () => {
    const prompt = (await call('GET', '/prompts/?search=E2E%20analysis')).items[0];
    const day = (n: number, h: number) => new Date(Date.UTC(2026, 9, 1 + n, h)).toISOString();
    // Entry 100, stop 95: a 110 exit is +2R, a 95 exit is −1R.
    const exits = [110, 95, 110, 110, 95, 107.5, 110, 95];
    for (const [i, exit] of exits.entries()) {
      const signal = await call('POST', '/signals', {
        symbol: 'BTCUSDT',
        direction: 'long',
        entry_price: 100,
        stop_loss: 95,
        take_profit: 110,
        quantity: 1,
        prompt_template_id: prompt.id,
        prompt_version: prompt.version,
        prompt_type: 'analysis',
        created_at: day(i, 8),
      });
      await call('POST', `/signals/${signal.id}/outcome`, { exit_price: exit, exit_time: day(i, 16) });
    }
    await call('POST', `/prompts/${prompt.id}/performance/calculate`);

    await search('E2E analysis');
    await row('E2E analysis').getByRole('button', { name: 'Performance' }).click();
    const dlg = dialog('Performance of “E2E analysis”');
    const signals = dlg.getByRole('group', { name: 'Total signals' });
    await expect.poll(() => signals.textContent()).toContain('8');
    expect(await dlg.getByRole('group', { name: 'Win rate' }).textContent()).toMatch(
      /62\.5%.*95% interval .* n = 8/,
    );
    expect(await dlg.getByRole('group', { name: 'Average R' }).textContent()).toContain('+0.81');
    expect(await dlg.getByRole('group', { name: 'Total P/L' }).textContent()).toContain('+$32.50');
    await dlg.locator('.chart canvas').waitFor();
    expect(await dlg.locator('table.daily tbody tr').count()).toBe(8);
    await shoot('performance');
    // A date range without trades.
    await dlg.getByLabel('From').fill('2030-01-01');
    await dlg.getByText('No outcomes yet').waitFor();
    await dlg.getByRole('button', { name: 'Close', exact: true }).click();

    await page.getByRole('button', { name: 'Reset filters' }).click();
    await row('Bulk prompt 01').getByRole('button', { name: 'Performance' }).click();
    await dialog('Performance of “Bulk prompt 01”').getByText('No outcomes yet').waitFor();
    await shoot('performance-empty');
    await page.keyboard.press('Escape');
  });

  it('ranks versions on the leaderboard and compares two prompts in plain words', async () => {
    await page.getByRole('link', { name: 'Leaderboard' }).click();
    await page.getByLabel('Minimum closed trades').fill('0');
    await page.getByLabel('Minimum closed trades').dispatchEvent('change');
    await page.getByRole('rowheader', { name: 'E2E analysis' }).waitFor();
    expect(new URL(page.url()).searchParams.get('min_signals')).toBe('0');
    await shoot('leaderboard');

    const ids = (await call('GET', '/prompts/?search=E2E%20analysis')).items[0].id;
    const other = (await call('GET', '/prompts/?search=Bulk%20prompt%2001')).items[0].id;
    await page.goto(`${base}/compare?a=${other}&b=${ids}`);
    const verdict = page.getByRole('region', { name: 'Verdict' });
    await verdict.waitFor();
    expect((await verdict.textContent())?.length).toBeGreaterThan(20);
    await shoot('compare');
  });

  it('gives a viewer a read-only list and an editor no Delete', async () => {
    const viewerKey = (await call('POST', '/keys', { name: 'e2e viewer', role: 'viewer' })).token as string;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewer = await ctx.newPage();
    await viewer.goto(`${base}/prompts#token=${viewerKey}`);
    await viewer
      .getByRole('row')
      .filter({ hasText: 'Bulk prompt 01' })
      .getByRole('button', { name: 'View' })
      .waitFor();
    expect(await viewer.getByRole('button', { name: 'New prompt' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Duplicate' }).count()).toBe(0);
    await ctx.close();

    // An editor writes but does not delete.
    const editorKey = (await call('POST', '/keys', { name: 'e2e editor', role: 'editor' })).token as string;
    const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const editor = await ctx2.newPage();
    await editor.goto(`${base}/prompts#token=${editorKey}`);
    await editor.getByRole('button', { name: 'New prompt' }).waitFor();
    // The toolbar renders before the list's first page arrives: wait for a row, then count.
    await editor
      .getByRole('row')
      .filter({ hasText: 'Bulk prompt 01' })
      .getByRole('button', { name: 'Duplicate' })
      .waitFor();
    expect(await editor.getByRole('button', { name: 'Duplicate' }).count()).toBe(10);
    expect(await editor.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await ctx2.close();
  });

  it('signs out and signs in again by pasting a key', async () => {
    await page.goto(`${base}/prompts`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await shoot('sign-in');
    await page.getByLabel('API key').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'New prompt' }).waitFor();
  });

  it('switches to dark mode with the toggle and keeps it after a reload', async () => {
    await page.goto(`${base}/prompts`);
    await page.getByRole('button', { name: 'Dark mode' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload();
    await page.getByRole('button', { name: 'New prompt' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await page.getByRole('button', { name: 'Dark mode' }).getAttribute('aria-pressed')).toBe('true');
  });
});
