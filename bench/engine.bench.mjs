#!/usr/bin/env node
/**
 * Engine benchmark: a realistic ~60-line trading-analysis prompt (bench/fixtures/analysis.j2) with a
 * realistic context, rendered by
 *   - our engine (packages/jinja/dist — build first: `npx tsc -b packages/jinja`),
 *   - CPython Jinja2's SandboxedEnvironment (a /usr/bin/python3 subprocess that times itself),
 *   - nunjucks 3.2.4 (comparison only; bench/fixtures/analysis.njk is the same template with the
 *     few constructs nunjucks lacks replaced — see the comment at its top).
 * Prints renders/s, compile time (median of many compiles), ratios and the targets (≥10× CPython,
 * ≥2× nunjucks, compile ≤ 1 ms) with PASS/FAIL, then how fast the limits stop hostile templates.
 * Exits non-zero only when something crashes, never for a missed target.
 *
 *   node bench/engine.bench.mjs            # full run (~25 s)
 *   BENCH_QUICK=1 node bench/engine.bench.mjs
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'bench', 'fixtures');
const DIST = join(ROOT, 'packages', 'jinja', 'dist');
const PYTHON = process.env.PL_ORACLE_PYTHON ?? '/usr/bin/python3';
const QUICK = Boolean(process.env.BENCH_QUICK);
const RENDER_SECONDS = QUICK ? 1 : 3;
/** Alternating measurement windows per engine (see main). */
const CYCLES = QUICK ? 1 : 2;
const COMPILES = QUICK ? 100 : 400;

const TEMPLATE = readFileSync(join(FIXTURES, 'analysis.j2'), 'utf8');
const TEMPLATE_NJK = readFileSync(join(FIXTURES, 'analysis.njk'), 'utf8');
const CONTEXT_TEXT = readFileSync(join(FIXTURES, 'analysis-context.json'), 'utf8');

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Renders/s of several engines, measured in alternating rounds (so a machine that gets busier or
 * quieter during the run affects all of them alike); the best round of each is reported.
 */
function measureRenders(renderers) {
  for (const render of renderers) for (let i = 0; i < 300; i++) render();
  const best = renderers.map(() => 0);
  const rounds = 6;
  for (let r = 0; r < rounds; r++) {
    renderers.forEach((render, k) => {
      const end = performance.now() + (RENDER_SECONDS * 1000) / rounds;
      let n = 0;
      const t0 = performance.now();
      while (performance.now() < end) {
        for (let i = 0; i < 20; i++) render();
        n += 20;
      }
      best[k] = Math.max(best[k], n / ((performance.now() - t0) / 1000));
    });
  }
  return best;
}

function measureCompile(compile) {
  for (let i = 0; i < 30; i++) compile();
  const times = [];
  for (let i = 0; i < COMPILES; i++) {
    const t0 = performance.now();
    compile();
    times.push(performance.now() - t0);
  }
  return median(times);
}

// ---- ours ----------------------------------------------------------------------------------------

async function benchOurs() {
  const entry = join(DIST, 'src', 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} missing: run \`npx tsc -b packages/jinja\` first`);
  const { Environment } = await import(pathToFileURL(entry).href);
  let context;
  const pyjson = join(DIST, 'bin', 'pyjson.js');
  if (existsSync(pyjson)) {
    const { parsePyJson } = await import(pathToFileURL(pyjson).href);
    context = parsePyJson(CONTEXT_TEXT); // keeps 64000.0 a float, as CPython's json does
  } else {
    context = JSON.parse(CONTEXT_TEXT);
  }
  const env = new Environment();
  const compileMs = measureCompile(() => env.fromString(TEMPLATE));
  const tmpl = env.fromString(TEMPLATE);
  const output = tmpl.render(context);
  // What the server passes: JSON.parse objects (64000.0 reads as an int there, so the output differs
  // from CPython's in two numbers; only its speed is reported).
  const plain = JSON.parse(CONTEXT_TEXT);
  return {
    name: 'ours',
    render: () => tmpl.render(context),
    renderPlain: () => tmpl.render(plain),
    compileMs,
    output,
    Environment,
  };
}

// ---- CPython -------------------------------------------------------------------------------------

const PY_BENCH = `
import json, sys, time, statistics
from jinja2.sandbox import SandboxedEnvironment
src = open(sys.argv[1]).read()
ctx = json.load(open(sys.argv[2]))
seconds = float(sys.argv[3]); compiles = int(sys.argv[4])
env = SandboxedEnvironment()
for _ in range(10): env.from_string(src)
times = []
for _ in range(compiles):
    t0 = time.perf_counter(); env.from_string(src); times.append((time.perf_counter() - t0) * 1000)
t = env.from_string(src)
out = t.render(ctx)
for _ in range(50): t.render(ctx)
best = 0.0
for _ in range(6):
    n = 0; t0 = time.perf_counter(); end = t0 + seconds / 6
    while time.perf_counter() < end:
        for _ in range(5): t.render(ctx)
        n += 5
    best = max(best, n / (time.perf_counter() - t0))
print(json.dumps({"rps": best, "compile_ms": statistics.median(times), "output": out}))
`;

function benchCPython() {
  const r = spawnSync(
    PYTHON,
    [
      '-c',
      PY_BENCH,
      join(FIXTURES, 'analysis.j2'),
      join(FIXTURES, 'analysis-context.json'),
      String(RENDER_SECONDS),
      String(QUICK ? 20 : 60),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0)
    return { name: 'CPython Jinja2', error: (r.stderr || r.error?.message || 'failed').trim() };
  const j = JSON.parse(r.stdout);
  return { name: 'CPython Jinja2', rps: j.rps, compileMs: j.compile_ms, output: j.output };
}

// ---- nunjucks ------------------------------------------------------------------------------------

/** Minimal printf for the formats the template uses: %[flags][width][.prec](d|f|s). */
function printf(fmt, ...args) {
  let i = 0;
  return fmt.replace(/%([+\- 0]*)(\d*)(?:\.(\d+))?([dfs%])/g, (_m, flags, width, prec, conv) => {
    if (conv === '%') return '%';
    const v = args[i++];
    let s;
    if (conv === 'd') s = String(Math.trunc(Number(v)));
    else if (conv === 'f') s = Number(v).toFixed(prec === undefined ? 6 : Number(prec));
    else s = String(v);
    if (flags.includes('+') && conv !== 's' && Number(v) >= 0) s = `+${s}`;
    const w = Number(width || 0);
    if (s.length < w) s = flags.includes('-') ? s.padEnd(w) : s.padStart(w, flags.includes('0') ? '0' : ' ');
    return s;
  });
}

function benchNunjucks() {
  const require = createRequire(import.meta.url);
  const nunjucks = require('nunjucks');
  const env = new nunjucks.Environment(null, { autoescape: false });
  env.addFilter('format', (fmt, ...args) => printf(String(fmt), ...args));
  env.addFilter('commas', (v) => Math.round(Number(v)).toLocaleString('en-US'));
  env.addFilter('where', (arr, attr, value) => arr.filter((x) => x[attr] === value));
  const context = JSON.parse(CONTEXT_TEXT);
  const compileMs = measureCompile(() => new nunjucks.Template(TEMPLATE_NJK, env, 'analysis.njk', true));
  const tmpl = new nunjucks.Template(TEMPLATE_NJK, env, 'analysis.njk', true);
  const output = tmpl.render(context);
  return { name: 'nunjucks 3.2.4', render: () => tmpl.render(context), compileMs, output };
}

// ---- limits --------------------------------------------------------------------------------------

const HOSTILE = [
  [
    'endless loop (10^5 x 10^5)',
    '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}',
  ],
  ['range(10**9)', '{% for i in range(10**9) %}{% endfor %}'],
  ['deep recursion (macro)', '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}'],
  ['huge output (10^5 x 100 KB)', "{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}"],
  ["string bomb 'x' * 10**9", "{{ 'x' * 10**9 }}"],
  ['include recursion', "{% include 'self' %}"],
];

function benchLimits(Environment) {
  const rows = [];
  for (const [name, src] of HOSTILE) {
    const times = [];
    let outcome = '';
    for (let i = 0; i < 5; i++) {
      const env = new Environment({
        loader: { load: (n) => (n === 'self' ? "x{% include 'self' %}" : undefined) },
      });
      const t0 = performance.now();
      try {
        env.fromString(src).render({});
        outcome = 'NOT STOPPED (rendered)';
      } catch (e) {
        outcome =
          e && typeof e === 'object' && 'type' in e
            ? `${e.type}${e.limit ? `/${e.limit}` : ''}`
            : `crash: ${e}`;
      }
      times.push(performance.now() - t0);
    }
    rows.push({ name, first: times[0], median: median(times), outcome });
  }
  return rows;
}

// ---- report --------------------------------------------------------------------------------------

function fmt(n, digits = 0) {
  return n === undefined
    ? 'n/a'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main() {
  console.log(
    `engine benchmark — template ${TEMPLATE.split('\n').length} lines, node ${process.version}${QUICK ? ' (quick)' : ''}`,
  );
  // The machine's speed drifts (a shared 2-core VM here), so CPython and the JS engines are
  // measured in alternating windows — CPython, JS, CPython, JS — and each keeps its best round:
  // every engine gets the same number of rounds (12; quick: 6) spread over the same stretch of time.
  const ours = await benchOurs();
  const njk = benchNunjucks();
  let py = { name: 'CPython Jinja2', error: 'not run' };
  ours.rps = 0;
  ours.plainRps = 0;
  njk.rps = 0;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const run = benchCPython();
    if (!run.error) {
      const compileMs = Math.min(run.compileMs, py.compileMs ?? Number.POSITIVE_INFINITY);
      py = py.error || run.rps > py.rps ? { ...run, compileMs } : { ...py, compileMs };
    } else if (py.error) py = run;
    const [o, n, p] = measureRenders([ours.render, njk.render, ours.renderPlain]);
    ours.rps = Math.max(ours.rps, o);
    njk.rps = Math.max(njk.rps, n);
    ours.plainRps = Math.max(ours.plainRps, p);
  }

  const rows = [ours, py, njk];
  console.log('');
  console.log(
    `${'engine'.padEnd(18)}${'renders/s'.padStart(14)}${'compile ms (median)'.padStart(22)}${'output chars'.padStart(15)}`,
  );
  for (const r of rows) {
    if (r.error) {
      console.log(`${r.name.padEnd(18)}  unavailable: ${r.error.split('\n').pop()}`);
      continue;
    }
    console.log(
      `${r.name.padEnd(18)}${fmt(r.rps).padStart(14)}${fmt(r.compileMs, 3).padStart(22)}${String(r.output.length).padStart(15)}`,
    );
  }
  console.log(
    `${'ours, JSON data'.padEnd(18)}${fmt(ours.plainRps).padStart(14)}   (context from JSON.parse, as the server renders; the rows above use dicts as Maps)`,
  );
  if (!py.error) {
    console.log(
      `\noutput identical to CPython Jinja2: ${ours.output === py.output ? 'yes' : 'NO (see the differential suite)'}`,
    );
  }

  const vsPy = py.error ? undefined : ours.rps / py.rps;
  const vsNjk = ours.rps / njk.rps;
  const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
  console.log('\ntargets');
  console.log(
    `  ours / CPython   ${vsPy === undefined ? 'n/a' : `${fmt(vsPy, 1)}x`.padStart(7)}   target >= 10x   ${vsPy === undefined ? 'n/a' : verdict(vsPy >= 10)}`,
  );
  console.log(
    `  ours / nunjucks  ${`${fmt(vsNjk, 1)}x`.padStart(7)}   target >= 2x    ${verdict(vsNjk >= 2)}`,
  );
  console.log(
    `  compile (ours)   ${`${fmt(ours.compileMs, 3)} ms`.padStart(9)} target <= 1 ms  ${verdict(ours.compileMs <= 1)}`,
  );
  if (!py.error)
    console.log(`  (compile: CPython ${fmt(py.compileMs, 3)} ms, nunjucks ${fmt(njk.compileMs, 3)} ms)`);

  console.log('\nlimits: time to stop hostile templates (ours; target < 100 ms)');
  for (const r of benchLimits(ours.Environment)) {
    console.log(
      `  ${r.name.padEnd(30)} first ${fmt(r.first, 1).padStart(7)} ms   median ${fmt(r.median, 1).padStart(7)} ms   ${r.outcome}   ${verdict(r.median < 100 && !r.outcome.startsWith('NOT') && !r.outcome.startsWith('crash'))}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
