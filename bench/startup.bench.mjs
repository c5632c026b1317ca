// Start-up and idle memory of `promptledger serve`: first-ever start (PGlite initialises its data
// directory), cold start on an existing embedded database, and on PostgreSQL when one answers.
// Baseline in the same run: a hello-world Fastify process, start to first 200.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLI = path.resolve('packages/server/dist/cli.js');
const TARGET_COLD_MS = 2000;

function startToFirst200(args, env, urlFrom) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let polling = false;
    child.stdout.on('data', (c) => {
      out += c;
      const url = urlFrom(out);
      if (!url || polling) return;
      polling = true;
      const poll = async () => {
        try {
          const res = await fetch(`${url}/health`);
          if (res.status === 200) return resolve({ ms: performance.now() - started, child, url });
        } catch {}
        setTimeout(poll, 5);
      };
      poll();
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

const rssMb = (pid) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
};

async function stop(child) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const serveUrl = (out) => /is running at (http:\/\/\S+)/.exec(out)?.[1];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bench-start-'));
const env = {
  PORT: '0',
  PROMPTLEDGER_DATA_DIR: dir,
  PROMPTLEDGER_ADMIN_TOKEN: 'bench-admin-token-0123456789',
  LOG_LEVEL: 'warn',
  DATABASE_URL: '',
};

// Baseline: hello-world Fastify.
const hello = `import Fastify from 'fastify'; const app = Fastify(); app.get('/health', async () => ({ ok: true }));
await app.listen({ port: 0, host: '127.0.0.1' }); console.log('listening http://127.0.0.1:' + app.server.address().port);`;
const helloFile = path.resolve('packages/server/.bench-hello.mjs');
fs.writeFileSync(helloFile, hello);
const baseline = [];
for (let i = 0; i < 5; i++) {
  const r = await startToFirst200([helloFile], {}, (o) => /listening (http:\S+)/.exec(o)?.[1]);
  baseline.push(r.ms);
  await stop(r.child);
}
fs.rmSync(helloFile);

const first = await startToFirst200([CLI, 'serve'], env, serveUrl);
await stop(first.child);

const cold = [];
let idleRss = 0;
for (let i = 0; i < 5; i++) {
  const r = await startToFirst200([CLI, 'serve'], env, serveUrl);
  cold.push(r.ms);
  if (i === 4) {
    await new Promise((res) => setTimeout(res, 2000));
    idleRss = rssMb(r.child.pid);
  }
  await stop(r.child);
}

let pgCold;
const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
try {
  const r = await startToFirst200([CLI, 'serve'], { ...env, DATABASE_URL: pgUrl }, serveUrl);
  await new Promise((res) => setTimeout(res, 1000));
  pgCold = { ms: r.ms, rss: rssMb(r.child.pid) };
  await stop(r.child);
} catch (err) {
  pgCold = { error: err.message.split('\n')[0] };
}
fs.rmSync(dir, { recursive: true, force: true });

const f = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log('start to first 200 on GET /health (process spawn included)');
console.log(`  baseline: hello-world Fastify             ${f(median(baseline))} (median of 5)`);
console.log(
  `  first-ever start, embedded PGlite         ${f(first.ms)} (initialises the data directory, migrates, seeds)`,
);
console.log(
  `  cold start, existing embedded database    ${f(median(cold))} (median of 5; min ${f(Math.min(...cold))}, max ${f(Math.max(...cold))}) target ≤ ${f(TARGET_COLD_MS)}: ${median(cold) <= TARGET_COLD_MS ? 'PASS' : 'FAIL'}`,
);
if (pgCold.ms) console.log(`  cold start, PostgreSQL                    ${f(pgCold.ms)}`);
else console.log(`  cold start, PostgreSQL                    skipped: ${pgCold.error}`);
console.log('resident memory at idle');
console.log(`  embedded PGlite                           ${idleRss.toFixed(0)} MB`);
if (pgCold.rss) console.log(`  PostgreSQL                                ${pgCold.rss.toFixed(0)} MB`);
