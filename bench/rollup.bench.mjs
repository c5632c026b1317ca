// The daily performance rollup at scale: 1,000,000 signals over 200 prompt versions and two years.
// Full aggregation on PGlite and on PostgreSQL, an incremental run after 1,000 new outcomes, the
// longest pause of the HTTP server while a full aggregation runs inside it, and
// GET /prompts/{id}/performance for a version with 50,000 signals.
// Targets: full ≤ 30 s embedded, ≤ 10 s PostgreSQL; incremental ≤ 1 s; performance p99 ≤ 50 ms.
// BENCH_SIGNALS overrides the size (e.g. 100000 for a quick run).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

const { openDatabase } = await import('../packages/server/dist/db/database.js');
const { RollupService } = await import('../packages/server/dist/analytics/rollup-service.js');
const { seed } = await import('../packages/server/dist/seed/seed.js');

const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 1_000_000);
const PROMPTS = 50; // × 4 versions = 200 prompt versions
const TOKEN = 'bench-admin-token-0123456789';
const CLI = path.resolve('packages/server/dist/cli.js');
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** Prompts with four versions each, then SIGNALS closed-or-pending signals over 730 days. */
async function populate(db) {
  await seed(db);
  await db.exec(`
    insert into prompt_templates (name, template_type, template_content, version)
      select 'bench ' || g, 'consolidation', 'v', 4 from generate_series(1, ${PROMPTS}) g;
    insert into prompt_template_versions (template_id, version, template_content)
      select p.id, v, 'v' || v from prompt_templates p, generate_series(1, 4) v where p.name like 'bench %';`);
  const [{ lo }] = await db.query(`select min(id) as lo from prompt_templates where name like 'bench %'`);
  const started = performance.now();
  const batch = 100_000;
  for (let offset = 0; offset < SIGNALS; offset += batch) {
    await db.exec(`
      insert into trading_signals (symbol, direction, entry_price, stop_loss, take_profit, prompt_template_id, prompt_version,
        prompt_type, outcome, actual_r_multiple, profit_loss, exit_price, exit_time, created_at, updated_at)
      select 'SYM' || (g % 20), 'long', 100, 90, 120,
        -- every 20th signal goes to one version, the busiest (50,000 of a million)
        case when g % 20 = 0 then ${lo} else ${lo} + (g % ${PROMPTS}) end,
        case when g % 20 = 0 then 1 else 1 + (g / ${PROMPTS}) % 4 end, 'consolidation',
        o.outcome, o.r, o.r * 10, 100 + o.r * 10, c.created + interval '6 hours', c.created, c.created
      from generate_series(${offset + 1}, ${Math.min(SIGNALS, offset + batch)}) g
      cross join lateral (select timestamptz '2024-11-27T00:00:00Z' + ((g % 730) || ' days')::interval + ((g % 17) || ' hours')::interval as created) c
      cross join lateral (select case when g % 10 = 0 then 'pending' when g % 10 = 1 then 'cancelled'
                                      when g % 10 < 6 then 'win' else 'loss' end as outcome) k
      cross join lateral (select k.outcome, case k.outcome when 'win' then 1 + (g % 7) * 0.25 when 'loss' then -1 else null end as r) o;
      insert into signal_prompts (signal_id, template_id, version, prompt_type)
        select id, prompt_template_id, prompt_version, 'consolidation' from trading_signals where id > ${offset} and id <= ${offset + batch};`);
    process.stderr.write(
      `\r  populating: ${Math.min(SIGNALS, offset + batch).toLocaleString('en-US')} / ${SIGNALS.toLocaleString('en-US')} signals`,
    );
  }
  process.stderr.write(` (${s(performance.now() - started)})\n`);
  return lo;
}

async function measure(db, label) {
  const rollup = new RollupService(db);
  const full = await rollup.run({ full: true });
  await db.exec(`update trading_signals set outcome = 'win', actual_r_multiple = 2, exit_price = 120, exit_time = created_at + interval '1 day'
                   where id in (select id from trading_signals where outcome = 'pending' order by id limit 1000)`);
  const inc = await rollup.run();
  const [{ n }] = await db.query('select count(*)::int as n from prompt_performance');
  return { label, full: full.ms, fullDays: full.days, inc: inc.ms, incDays: inc.days, rows: n };
}

const results = [];
// PGlite
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bench-rollup-'));
let lo;
{
  const db = await openDatabase({ kind: 'pglite', dataDir: dir });
  await db.migrate();
  process.stderr.write('PGlite:\n');
  lo = await populate(db);
  results.push(await measure(db, 'PGlite (embedded)'));
  await db.exec('delete from performance_rollup_state');
  await db.close();
}

// The HTTP server during a full aggregation inside it, and the performance endpoint.
const server = await new Promise((resolve, reject) => {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      PROMPTLEDGER_DATA_DIR: dir,
      PROMPTLEDGER_ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      PROMPTLEDGER_ROLLUP_CRON: 'off',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
    const m = /is running at (http:\/\/\S+)[\s\S]*Press Ctrl/.exec(out);
    if (m) resolve({ child, url: m[1] });
  });
  child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
});
const auth = { authorization: `Bearer ${TOKEN}` };
let maxPause = 0;
let pinging = true;
const pinger = (async () => {
  while (pinging) {
    const t = performance.now();
    await fetch(`${server.url}/health`);
    maxPause = Math.max(maxPause, performance.now() - t);
    await new Promise((r) => setTimeout(r, 5));
  }
})();
const calc = await (
  await fetch(`${server.url}/api/v1/prompts/${lo}/performance/calculate`, { method: 'POST', headers: auth })
).json();
pinging = false;
await pinger;
const busiest = lo;
const version = 1;
const count = SIGNALS / 20; // about: the busiest version gets every 20th signal
const perf = await new Promise((resolve, reject) =>
  autocannon(
    {
      url: `${server.url}/api/v1/prompts/${busiest}/performance?version=${version}`,
      headers: auth,
      connections: 4,
      duration: 5,
    },
    (err, res) => (err ? reject(err) : resolve(res)),
  ),
);
server.child.kill('SIGTERM');
await new Promise((r) => server.child.once('exit', r));
fs.rmSync(dir, { recursive: true, force: true });

// PostgreSQL
const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
try {
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  const name = `pl_bench_${process.pid}`;
  await admin.query(`create database ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  try {
    const db = await openDatabase({ kind: 'postgres', url: url.toString() });
    await db.migrate();
    process.stderr.write('PostgreSQL:\n');
    await populate(db);
    await db.exec('analyze');
    results.push(await measure(db, 'PostgreSQL 15'));
    await db.close();
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
} catch (err) {
  results.push({ label: 'PostgreSQL', error: err.message });
}

const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
console.log(`rollup of ${SIGNALS.toLocaleString('en-US')} signals, ${PROMPTS * 4} prompt versions, 730 days`);
for (const r of results) {
  if (r.error) {
    console.log(`  ${r.label}: skipped (${r.error})`);
    continue;
  }
  const target = r.label.startsWith('PGlite') ? 30_000 : 10_000;
  console.log(
    `  ${r.label.padEnd(18)} full ${s(r.full)} (${r.fullDays} days, ${r.rows.toLocaleString('en-US')} rows) target ≤ ${s(target)}: ${verdict(r.full <= target)}`,
  );
  console.log(
    `  ${''.padEnd(18)} incremental after 1,000 new outcomes ${s(r.inc)} (${r.incDays} days) target ≤ 1.00 s: ${verdict(r.inc <= 1000)}`,
  );
}
console.log(
  `  HTTP during a full aggregation inside the embedded server (${s(calc.ms ?? 0)}): longest /health answer ${maxPause.toFixed(0)} ms`,
);
console.log(
  `  GET /prompts/{id}/performance, one version with ${count.toLocaleString('en-US')} signals: ${Math.round(perf.requests.average)} req/s, p50 ${perf.latency.p50} ms, p99 ${perf.latency.p99} ms; target p99 ≤ 50 ms: ${verdict(perf.latency.p99 <= 50)}`,
);
