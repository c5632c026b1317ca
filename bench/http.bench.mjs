// HTTP throughput on loopback with autocannon, the service in its own process on the embedded
// database: POST /prompts/render by prompt id (the seed's analysis prompt, a realistic context)
// and GET /prompts/ with 10,000 prompts stored. Baseline in the same run: hello-world Fastify.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const CLI = path.resolve('packages/server/dist/cli.js');
const TOKEN = 'bench-admin-token-0123456789';
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;

function startProcess(args, env, pattern) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = pattern.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function stop(child) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function cannon(opts) {
  return new Promise((resolve, reject) => {
    const length = opts.amount === undefined ? { duration: DURATION } : {};
    autocannon({ connections: CONNECTIONS, ...length, ...opts }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
}

const fmt = (r) =>
  `${Math.round(r.requests.average).toLocaleString('en-US').padStart(7)} req/s  p50 ${String(r.latency.p50).padStart(3)} ms  p99 ${String(r.latency.p99).padStart(3)} ms  errors ${r.errors + r.non2xx}`;

// Baseline.
const helloFile = path.resolve('packages/server/.bench-hello.mjs');
fs.writeFileSync(
  helloFile,
  `import Fastify from 'fastify'; const app = Fastify(); app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' }); console.log('listening http://127.0.0.1:' + app.server.address().port);`,
);
const hello = await startProcess([helloFile], {}, /listening (http:\S+)/);
const baseline = await cannon({ url: hello.url });
await stop(hello.child);
fs.rmSync(helloFile);

// The service, with 10,000 extra prompts stored.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bench-http-'));
const env = {
  PORT: '0',
  PROMPTLEDGER_DATA_DIR: dir,
  PROMPTLEDGER_ADMIN_TOKEN: TOKEN,
  LOG_LEVEL: 'warn',
  DATABASE_URL: '',
};
const pattern = /is running at (http:\/\/\S+)[\s\S]*Press Ctrl\+C/;
{
  const first = await startProcess([CLI, 'serve'], env, pattern);
  await stop(first.child);
  const { openDatabase } = await import('../packages/server/dist/db/database.js');
  const db = await openDatabase({ kind: 'pglite', dataDir: dir });
  await db.exec(`insert into prompt_templates (name, description, template_type, template_content, language)
    select 'bench prompt ' || g, 'generated for the benchmark', (array['analysis','consolidation','system_message'])[1 + g % 3],
           'Prompt {{ symbol }} number ' || g, 'en' from generate_series(1, 10000) g`);
  await db.close();
}
const svc = await startProcess([CLI, 'serve'], env, pattern);
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const analysis = await (
  await fetch(`${svc.url}/api/v1/prompts/resolve?template_type=analysis`, { headers: auth })
).json();
const context = JSON.parse(fs.readFileSync('bench/fixtures/render-context.json', 'utf8'));
const body = JSON.stringify({ prompt_id: analysis.prompt.id, context });
const check = await (
  await fetch(`${svc.url}/api/v1/prompts/render`, { method: 'POST', headers: auth, body })
).json();
if (!check.rendered?.includes('BTCUSDT')) throw new Error(`render check failed: ${JSON.stringify(check)}`);

const render = await cannon({ url: `${svc.url}/api/v1/prompts/render`, method: 'POST', headers: auth, body });
const list = await cannon({ url: `${svc.url}/api/v1/prompts/?page=1&page_size=10`, headers: auth });
// Every request a different page, so each misses the in-memory page cache: the database's own cost.
let page = 0;
const uncached = await cannon({
  url: `${svc.url}/api/v1/prompts/?page=1&page_size=10`,
  headers: auth,
  amount: 1000,
  requests: [
    {
      setupRequest: (req) => ({ ...req, path: `/api/v1/prompts/?page_size=10&page=${(page++ % 1000) + 1}` }),
    },
  ],
});
const filtered = await cannon({
  url: `${svc.url}/api/v1/prompts/?template_type=analysis&search=prompt%2099&page=2`,
  headers: auth,
});
await stop(svc.child);
fs.rmSync(dir, { recursive: true, force: true });

const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
console.log(
  `autocannon, ${CONNECTIONS} connections, ${DURATION} s each, loopback, ${os.cpus().length} cores`,
);
console.log(`  baseline hello-world Fastify      ${fmt(baseline)}`);
console.log(
  `  POST /prompts/render (by id)      ${fmt(render)}  target ≥ 5,000 req/s, p99 ≤ 10 ms: ${verdict(render.requests.average >= 5000 && render.latency.p99 <= 10)}`,
);
console.log(
  `  GET /prompts/ (10,003 stored)     ${fmt(list)}  target p99 ≤ 20 ms: ${verdict(list.latency.p99 <= 20)}`,
);
console.log(
  `  GET /prompts/ 1,000 distinct pages ${fmt(uncached)}  (each request a page-cache miss: the database's own cost)`,
);
console.log(
  `  GET /prompts/ filtered + search   ${fmt(filtered)}  target p99 ≤ 20 ms: ${verdict(filtered.latency.p99 <= 20)}`,
);
console.log(
  `  render vs baseline: ${((render.requests.average / baseline.requests.average) * 100).toFixed(0)}% of hello-world throughput`,
);
