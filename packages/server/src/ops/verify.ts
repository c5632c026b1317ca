import { type Config, publicBaseUrl } from '../config/config.js';
import { TABLE_NAMES } from '../db/schema.js';
import type { HealthReport } from '../health/service.js';
import { validateTemplate } from '../rendering/environment.js';
import { SEED_PROMPTS } from '../seed/templates.js';
import { startServer } from '../server.js';

export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, {
    signal: AbortSignal.timeout(5_000),
    headers: { accept: 'text/html,application/json' },
  });
  return { status: res.status, body: await res.text() };
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

/** The checks themselves, against a server at `url`. */
export async function runChecks(url: string): Promise<Check[]> {
  const checks: Check[] = [];
  let health: HealthReport | undefined;
  try {
    const res = await get(`${url}/health`);
    health = JSON.parse(res.body) as HealthReport;
    checks.push({ name: 'API answers (GET /health)', ok: res.status === 200, detail: `HTTP ${res.status}` });
  } catch (err) {
    checks.push({ name: 'API answers (GET /health)', ok: false, detail: (err as Error).message });
  }
  if (health) {
    checks.push({
      name: 'database reachable',
      ok: health.database.ok,
      detail: health.database.ok
        ? `${health.database.kind}, ${health.database.latency_ms} ms`
        : health.database.error,
    });
    checks.push({
      name: 'tables exist',
      ok: health.schema.ok,
      detail: health.schema.ok
        ? `all ${TABLE_NAMES.length}`
        : `missing: ${health.schema.missing_tables.join(', ')}`,
    });
    checks.push({
      name: 'seed data loaded (≥ 3 prompts)',
      ok: health.prompts.live >= 3,
      detail: `${health.prompts.live} prompts`,
    });
    checks.push({ name: 'template engine loads (server)', ok: health.engine.ok });
  }
  try {
    const res = await get(`${url}/docs/json`);
    const paths =
      res.status === 200 ? Object.keys((JSON.parse(res.body) as { paths: object }).paths).length : 0;
    checks.push({
      name: 'API docs answer (GET /docs/json)',
      ok: res.status === 200 && paths > 0,
      detail: `HTTP ${res.status}, ${paths} paths`,
    });
  } catch (err) {
    checks.push({ name: 'API docs answer (GET /docs/json)', ok: false, detail: (err as Error).message });
  }
  try {
    const res = await get(`${url}/`);
    checks.push({
      name: 'UI answers (GET /)',
      ok: res.status === 200 && res.body.includes('<'),
      detail: `HTTP ${res.status}`,
    });
  } catch (err) {
    checks.push({ name: 'UI answers (GET /)', ok: false, detail: (err as Error).message });
  }
  const compiled = SEED_PROMPTS.filter((p) => validateTemplate(p.template_content).length === 0).length;
  checks.push({
    name: 'template engine compiles the seed prompts (CLI)',
    ok: compiled === SEED_PROMPTS.length,
    detail: `${compiled}/${SEED_PROMPTS.length}`,
  });
  return checks;
}

/**
 * Verifies a deployment: against the server at `url` (default: the configured address) when one
 * answers there, else against an in-process server on the configured database, which is checked
 * as it is (no migration, no seeding).
 */
export async function verify(
  config: Config,
  options: { url?: string; log?: (line: string) => void } = {},
): Promise<{ ok: boolean; checks: Check[] }> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  let url = options.url ?? publicBaseUrl(config.host, config.port);
  let stop: (() => Promise<void>) | undefined;
  if (!options.url && !(await answers(url))) {
    log(`No server answers at ${url}; checking the configured database with a temporary server.`);
    const server = await startServer(
      { ...config, host: '127.0.0.1', port: 0, logLevel: 'warn' },
      { prepare: false },
    );
    url = server.url;
    stop = () => server.close();
  } else {
    log(`Checking the server at ${url}`);
  }
  try {
    const checks = await runChecks(url);
    for (const c of checks) log(`${c.ok ? '✓' : '✗'} ${c.name}${c.detail ? ` — ${c.detail}` : ''}`);
    const failed = checks.filter((c) => !c.ok).length;
    log(
      failed === 0 ? `All ${checks.length} checks passed.` : `${failed} of ${checks.length} checks failed.`,
    );
    return { ok: failed === 0, checks };
  } finally {
    await stop?.();
  }
}
