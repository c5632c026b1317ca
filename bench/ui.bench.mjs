// The Prompt Manager measured in Chromium against the real service (in-process, embedded database
// with 10,000 extra prompts inserted by SQL): cold load of the list, editor ready, table refresh
// after a filter change, and preview update after typing stops (the 300 ms debounce excluded).
// Needs `npm run build` (packages/server/dist and packages/web/dist) and /usr/bin/chromium.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'bench-admin-token-0123456789';
const DEBOUNCE_MS = 300;
const DIST = path.resolve('packages/web/dist');
if (!fs.existsSync(path.join(DIST, 'index.html')))
  throw new Error('packages/web/dist is missing: run npm run build');
if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing`);

const { startServer } = await import('../packages/server/dist/server.js');
const { openDatabase } = await import('../packages/server/dist/db/database.js');
const { loadLlmConfig } = await import('../packages/server/dist/llm/config.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bench-ui-'));
const config = {
  port: 0,
  host: '127.0.0.1',
  database: { kind: 'pglite', dataDir: dir },
  dataDir: dir,
  adminToken: TOKEN,
  logLevel: 'warn',
  breakevenEpsilon: 0.05,
  llm: loadLlmConfig({}),
  rollupCron: null,
};
// First start migrates and seeds; then the extra prompts go in by SQL, before the measured start.
await (await startServer(config)).close();
{
  const db = await openDatabase(config.database);
  await db.exec(`insert into prompt_templates (name, description, template_type, template_content, language)
    select 'bench prompt ' || g, 'generated for the benchmark', (array['analysis','consolidation','system_message'])[1 + g % 3],
           'Prompt {{ symbol }} number ' || g, (array['en','de','fr'])[1 + g % 3] from generate_series(1, 10000) g`);
  await db.close();
}
const server = await startServer(config);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-quic',
    '--disable-sync',
  ],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const newPage = async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return { context, page };
};

try {
  // 1. Cold load: a new browser context (empty cache) until the table has rows and buttons work.
  const cold = [];
  for (let i = 0; i < 5; i++) {
    const { context, page } = await newPage();
    await page.goto(`${server.url}/prompts?token=${TOKEN}`);
    const handle = await page.waitForFunction(
      () => document.querySelector('table.prompts tbody tr') && performance.now(),
      undefined,
      { polling: 'raf' },
    );
    cold.push(await handle.jsonValue());
    await context.close();
  }

  // 2. Editor ready: click "New prompt" in a fresh context (Monaco's chunk not cached) until the
  // editor shows its text.
  const editor = [];
  for (let i = 0; i < 3; i++) {
    const { context, page } = await newPage();
    await page.goto(`${server.url}/prompts?token=${TOKEN}`);
    await page.getByRole('button', { name: 'New prompt' }).waitFor();
    const t0 = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'New prompt' }).click();
    const handle = await page.waitForFunction(
      () => document.querySelector('.editor-host .view-line span') && performance.now(),
      undefined,
      { polling: 'raf' },
    );
    editor.push((await handle.jsonValue()) - t0);
    await context.close();
  }

  // 3 and 4 in one page.
  const { page } = await newPage();
  await page.goto(`${server.url}/prompts?token=${TOKEN}`);
  await page.locator('table.prompts tbody tr').first().waitFor();
  const filterTimes = [];
  const choices = [
    ['Type', 'consolidation'],
    ['Language', 'de'],
    ['Type', 'analysis'],
    ['Language', 'fr'],
    ['Status', 'inactive'],
    ['Type', ''],
    ['Language', ''],
    ['Status', ''],
  ];
  for (let round = 0; round < 3; round++) {
    for (const [label, value] of choices) {
      const id = await page
        .getByLabel(label)
        .first()
        .evaluate((el) => {
          el.dataset.benchId ??= Math.random().toString(36).slice(2);
          return el.dataset.benchId;
        });
      filterTimes.push(
        await page.evaluate(
          ([sel, v]) =>
            new Promise((resolve) => {
              const area = document.querySelector('.table-area');
              const select = document.querySelector(`[data-bench-id="${sel}"]`);
              const obs = new MutationObserver(() => {
                if (!area.hasAttribute('aria-busy')) {
                  obs.disconnect();
                  // The table is in the DOM; wait for the frame that shows it.
                  requestAnimationFrame(() => resolve(performance.now() - t0));
                }
              });
              obs.observe(area, { attributes: true, childList: true, subtree: true });
              const t0 = performance.now();
              select.value = v;
              select.dispatchEvent(new Event('change'));
            }),
          [id, value],
        ),
      );
    }
  }

  await page.getByRole('button', { name: 'New prompt' }).click();
  await page.locator('.editor-host .monaco-editor').waitFor();
  await page.getByRole('button', { name: 'Preview' }).click();
  const output = page.getByLabel('Rendered output');
  await page.waitForFunction(() => document.querySelector('.rendered')?.dataset.renderedAt);
  const previewTimes = [];
  for (let i = 0; i < 15; i++) {
    previewTimes.push(
      await page.evaluate(
        ([n, debounce]) =>
          new Promise((resolve) => {
            const area = document.querySelector('.preview-layout textarea');
            const out = document.querySelector('.rendered');
            const ctx = JSON.parse(area.value);
            ctx.current_price = 43000 + n;
            const t0 = performance.now();
            area.value = JSON.stringify(ctx, null, 2);
            area.dispatchEvent(new Event('input'));
            const obs = new MutationObserver(() => {
              if (Number(out.dataset.renderedAt) > t0) {
                obs.disconnect();
                requestAnimationFrame(() => resolve(performance.now() - t0 - debounce));
              }
            });
            obs.observe(out, { attributes: true });
          }),
        [i, DEBOUNCE_MS],
      ),
    );
  }
  if (!(await output.textContent())?.includes('BTCUSDT')) throw new Error('the preview did not render');

  const row = (label, ms, target) =>
    console.log(
      `  ${label.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms   target ≤ ${String(target).padStart(4)} ms: ${ms <= target ? 'PASS' : 'FAIL'}`,
    );
  console.log(
    `Chromium ${browser.version()}, 1280×800, ${os.cpus().length} cores; 10,003 prompts stored (medians)`,
  );
  row(`prompt list interactive, cold load (n=${cold.length})`, median(cold), 1000);
  row(`editor ready after "New prompt", Monaco uncached (n=${editor.length})`, median(editor), 1500);
  row(`table refresh after a filter change (n=${filterTimes.length})`, median(filterTimes), 200);
  row(
    `preview update after typing stops, excl. debounce (n=${previewTimes.length})`,
    median(previewTimes),
    100,
  );

  console.log('\nBundle (dist/assets), raw and gzip:');
  let initial = 0;
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  for (const file of fs.readdirSync(path.join(DIST, 'assets')).sort()) {
    const buf = fs.readFileSync(path.join(DIST, 'assets', file));
    const gz = zlib.gzipSync(buf, { level: 9 }).length;
    if (html.includes(file)) initial += gz;
    console.log(
      `  ${file.padEnd(40)} ${(buf.length / 1024).toFixed(1).padStart(8)} KiB ${(gz / 1024).toFixed(1).padStart(8)} KiB gzip${html.includes(file) ? '  (initial load)' : ''}`,
    );
  }
  console.log(
    `  initial load (index.html's assets): ${(initial / 1024).toFixed(1)} KiB gzip; the rest loads on demand`,
  );
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
