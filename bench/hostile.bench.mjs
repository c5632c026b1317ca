// Availability under hostile templates: the service (its own process, embedded database) gets each
// payload of packages/server/test/fixtures/hostile-templates.json as POST /prompts/render from a
// viewer key while a client polls /health every 5 ms. Prints the answer time of each payload and
// the slowest /health answer during it. Baseline in the same run: /health with nothing else running.
// Targets (issue 11): every payload answered in < 2 s, never 5xx; /health never slower than 250 ms.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLI = path.resolve('packages/server/dist/cli.js');
const TOKEN = 'bench-admin-token-0123456789';
const fixture = JSON.parse(fs.readFileSync('packages/server/test/fixtures/hostile-templates.json', 'utf8'));
const expand = (parts) =>
  parts
    .map(([text, times]) =>
      Array.from({ length: times }, (_, i) => text.replaceAll('@i@', String(i))).join(''),
    )
    .join('');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bench-hostile-'));
const child = spawn(process.execPath, [CLI, 'serve'], {
  env: {
    ...process.env,
    PORT: '0',
    PROMPTLEDGER_DATA_DIR: dir,
    PROMPTLEDGER_ADMIN_TOKEN: TOKEN,
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
    const m = /is running at (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
});
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

async function health() {
  const t = performance.now();
  const res = await fetch(`${url}/health`);
  await res.arrayBuffer();
  return performance.now() - t;
}

async function healthWhile(done) {
  let finished = false;
  done.finally(() => {
    finished = true;
  });
  const times = [];
  while (!finished) {
    times.push(await health());
    await new Promise((r) => setTimeout(r, 5));
  }
  return times;
}

const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

// Baseline: /health alone (after 20 warm-up requests).
for (let i = 0; i < 20; i++) await health();
const idle = [];
for (let i = 0; i < 200; i++) idle.push(await health());

const rows = [];
let allHealth = [];
for (const c of fixture.cases) {
  const body = JSON.stringify({ template_content: expand(c.parts), context: {} });
  const t = performance.now();
  const request = fetch(`${url}/api/v1/prompts/render`, { method: 'POST', headers, body }).then(
    async (r) => ({
      status: r.status,
      body: await r.json(),
    }),
  );
  const times = await healthWhile(request);
  const { status, body: answer } = await request;
  const ms = performance.now() - t;
  allHealth = allHealth.concat(times);
  rows.push({
    name: c.name,
    status,
    kind: answer.error_type ?? '',
    ms,
    worst: Math.max(0, ...times),
    n: times.length,
  });
}
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
fs.rmSync(dir, { recursive: true, force: true });

const ok = (b) => (b ? 'PASS' : 'FAIL');
console.log(`${os.cpus().length} cores; each payload once; /health polled every 5 ms while it runs`);
console.log(
  `  baseline /health alone: p50 ${pct(idle, 50).toFixed(1)} ms, p99 ${pct(idle, 99).toFixed(1)} ms, worst ${Math.max(...idle).toFixed(1)} ms (${idle.length} requests)`,
);
for (const r of rows) {
  console.log(
    `  ${r.name.padEnd(52)} ${String(r.status).padStart(3)} ${r.kind.padEnd(7)} ${r.ms.toFixed(0).padStart(5)} ms   /health worst ${r.worst.toFixed(1).padStart(6)} ms (${r.n})`,
  );
}
const slowest = Math.max(...rows.map((r) => r.ms));
const worstHealth = Math.max(...allHealth);
const fivexx = rows.filter((r) => r.status >= 500).length;
console.log(
  `  slowest answer ${slowest.toFixed(0)} ms (target < 2,000: ${ok(slowest < 2000)}); 5xx answers: ${fivexx} (${ok(fivexx === 0)})`,
);
console.log(
  `  /health during payloads: p50 ${pct(allHealth, 50).toFixed(1)} ms, p99 ${pct(allHealth, 99).toFixed(1)} ms, worst ${worstHealth.toFixed(1)} ms (target ≤ 250: ${ok(worstHealth <= 250)})`,
);
