/** What the browser tests share: Debian's Chromium driven by playwright-core, and a real server. */
import fs from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { loadConfig } from '../../../server/src/config/config.js';
import { type RunningServer, startServer } from '../../../server/src/server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = fs.existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/**
 * The service as `promptledger serve` runs it, on an embedded database in `dataDir`, any free
 * port, no scheduled jobs, the heuristic LLM; `adminToken` is accepted as an admin key.
 */
export function startBrowserTestServer(dataDir: string, adminToken: string): Promise<RunningServer> {
  return startServer(
    loadConfig({
      PORT: '0',
      PROMPTLEDGER_DATA_DIR: dataDir,
      PROMPTLEDGER_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'silent',
      PROMPTLEDGER_ROLLUP_CRON: 'off',
    }),
  );
}
