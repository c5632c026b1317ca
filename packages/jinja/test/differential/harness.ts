/**
 * Differential harness: runs cases through CPython Jinja2 (the oracle, `oracle.py`) and through our
 * batch CLI (`promptledger-jinja --batch`), one process each with every case in one batch, and
 * compares them. Outputs must match byte for byte; errors must match in `type` and `line` (the
 * message text may differ).
 *
 * Also usable as a script:
 *   npx tsx packages/jinja/test/differential/harness.ts            # corpus, readable report
 *   npx tsx packages/jinja/test/differential/harness.ts --md       # one markdown line per mismatch
 *   npx tsx packages/jinja/test/differential/harness.ts --append-md  # …also appended to docs/engine-mismatches.md
 *   npx tsx packages/jinja/test/differential/harness.ts --oracle   # print oracle results only
 * Environment: PL_JINJA_CLI=dist|src picks the built CLI or the TypeScript source (run by tsx);
 * by default the built one is used when it is newer than every source file. PL_JINJA_CLI=oracle
 * runs the oracle against itself (a self-test of the harness: zero mismatches expected).
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_DIR = resolve(HERE, '..', '..');
export const REPO_DIR = resolve(PACKAGE_DIR, '..', '..');
export const CORPUS_DIR = join(HERE, 'corpus');
export const ORACLE_SCRIPT = join(HERE, 'oracle.py');
export const PYTHON = process.env.PL_ORACLE_PYTHON ?? '/usr/bin/python3';
export const DIFFERENCES_MD = join(PACKAGE_DIR, 'docs', 'differences.md');
export const KNOWN_MISMATCHES_JSON = join(HERE, 'known-mismatches.json');
export const ENGINE_MISMATCHES_MD = join(PACKAGE_DIR, 'docs', 'engine-mismatches.md');

export type ErrorType = 'syntax' | 'undefined' | 'runtime' | 'limit' | 'security';

export interface CaseOptions {
  trim_blocks?: boolean;
  lstrip_blocks?: boolean;
  keep_trailing_newline?: boolean;
  autoescape?: boolean;
  undefined?: 'default' | 'strict';
  templates?: Record<string, string>;
  /** Jinja2 extensions by import name; only `jinja2.ext.loopcontrols` is supported. */
  extensions?: string[];
}

export interface Case {
  id: string;
  template: string;
  /** The context, for display. What is sent is `json` (which keeps `43.0` a float). */
  context: unknown;
  options: CaseOptions;
  /** The exact JSON line sent to both processes. */
  json: string;
  /** Where the case came from (corpus file name, or `generated`). */
  source: string;
}

export interface ResultError {
  type: string;
  message: string;
  line: number | null;
  column: number | null;
}

export interface Result {
  id: string | null;
  output?: string;
  error?: ResultError;
}

export type MismatchCategory =
  | 'output'
  | 'expected-output-got-error'
  | 'expected-error-got-output'
  | 'error-type'
  | 'error-line'
  | 'no-result';

export interface Mismatch {
  id: string;
  category: MismatchCategory;
  case: Case;
  expected: Result;
  actual: Result | undefined;
  /** A readable multi-line explanation. */
  diff: string;
}

/** A float whose value happens to be integral, serialised with a trailing `.0` (Python float). */
export class PyFloatLiteral {
  constructor(readonly value: number) {}
}

/** JSON that keeps Python's int/float distinction: `PyFloatLiteral(43)` is written `43.0`. */
export function pyJson(value: unknown): string {
  if (value instanceof PyFloatLiteral) {
    const v = value.value;
    if (!Number.isFinite(v)) throw new Error('pyJson: non-finite floats are not JSON');
    if (Number.isInteger(v) && !Object.is(v, -0)) {
      const s = String(v);
      return s.includes('e') ? s : `${s}.0`;
    }
    return Object.is(v, -0) ? '-0.0' : String(v);
  }
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('pyJson: non-finite numbers are not JSON');
    return String(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pyJson).join(',')}]`;
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${JSON.stringify(k)}:${pyJson(v)}`,
    );
    return `{${parts.join(',')}}`;
  }
  throw new Error(`pyJson: cannot serialise ${typeof value}`);
}

export function makeCase(
  id: string,
  template: string,
  context: unknown = {},
  options: CaseOptions = {},
  source = 'generated',
): Case {
  const json = `{"id":${JSON.stringify(id)},"template":${JSON.stringify(template)},"context":${pyJson(context)},"options":${pyJson(options)}}`;
  return { id, template, context, options, json, source };
}

/** Loads every `corpus/*.jsonl` file (or the given ones), keeping each line verbatim. */
export function loadCorpus(files?: string[]): Case[] {
  const paths = files ?? readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.jsonl'));
  const cases: Case[] = [];
  const seen = new Set<string>();
  for (const file of paths.sort()) {
    const path = file.includes('/') ? file : join(CORPUS_DIR, file);
    const name = path.split('/').pop() ?? path;
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const parsed = JSON.parse(line) as {
        id: string;
        template: string;
        context?: unknown;
        options?: CaseOptions;
      };
      if (typeof parsed.id !== 'string' || typeof parsed.template !== 'string') {
        throw new Error(`${name}:${index + 1}: a case needs a string id and template`);
      }
      if (seen.has(parsed.id)) throw new Error(`${name}:${index + 1}: duplicate case id ${parsed.id}`);
      seen.add(parsed.id);
      cases.push({
        id: parsed.id,
        template: parsed.template,
        context: parsed.context ?? {},
        options: parsed.options ?? {},
        json: line,
        source: name,
      });
    });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Processes

export interface Command {
  command: string;
  args: string[];
  cwd: string;
}

export function oracleCommand(): Command {
  return { command: PYTHON, args: [ORACLE_SCRIPT], cwd: PACKAGE_DIR };
}

/** True when `/usr/bin/python3 -c "import jinja2"` works. */
export function oracleAvailable(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import jinja2'], { stdio: 'ignore' });
  return r.status === 0;
}

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, ext));
    else if (entry.name.endsWith(ext) && !entry.name.endsWith('.d.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

export const CLI_DIST = join(PACKAGE_DIR, 'dist', 'bin', 'promptledger-jinja.js');
export const CLI_SRC = join(PACKAGE_DIR, 'bin', 'promptledger-jinja.ts');

/** Our CLI: the built one when fresh (or PL_JINJA_CLI=dist), else the source through tsx. */
export function engineCommand(): Command {
  const mode = process.env.PL_JINJA_CLI;
  // Self-test of the harness: the oracle against itself must give zero mismatches.
  if (mode === 'oracle') return oracleCommand();
  // tsc -b re-emits only what changed, so compare the newest built file with the newest source.
  const distFresh =
    existsSync(CLI_DIST) &&
    newestMtime(join(PACKAGE_DIR, 'dist'), '.js') >=
      Math.max(newestMtime(join(PACKAGE_DIR, 'src'), '.ts'), newestMtime(join(PACKAGE_DIR, 'bin'), '.ts'));
  if (mode === 'dist' || (mode !== 'src' && distFresh)) {
    return { command: process.execPath, args: [CLI_DIST, '--batch'], cwd: PACKAGE_DIR };
  }
  return { command: process.execPath, args: ['--import', 'tsx', CLI_SRC, '--batch'], cwd: PACKAGE_DIR };
}

export function engineAvailable(): boolean {
  return existsSync(CLI_DIST) || existsSync(CLI_SRC);
}

interface ProcessRun {
  results: Result[];
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
}

function runProcess(cmd: Command, lines: string[], timeoutMs: number): Promise<ProcessRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const results: Result[] = [];
    let buffer = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim() !== '') {
          try {
            results.push(JSON.parse(line) as Result);
          } catch {
            results.push({
              id: null,
              error: {
                type: 'harness',
                message: `unparsable output line: ${line.slice(0, 200)}`,
                line: null,
                column: null,
              },
            });
          }
        }
        nl = buffer.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 20000) stderr += chunk;
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (buffer.trim() !== '') {
        try {
          results.push(JSON.parse(buffer) as Result);
        } catch {
          /* a partial last line of a killed process */
        }
      }
      resolvePromise({ results, stderr, exitCode: code, timedOut });
    });
    child.stdin.on('error', () => {
      /* the child may exit before reading everything; that is reported through missing results */
    });
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

/**
 * Runs all cases in one process. If the process dies or hangs part-way, the case it was on gets a
 * `no-result` error and the rest are run again in a fresh process (at most `maxRestarts` times).
 */
export async function runBatch(
  cmd: Command,
  cases: Case[],
  { timeoutMs = 120_000, maxRestarts = 25 } = {},
): Promise<Result[]> {
  const out: Result[] = [];
  let rest = cases;
  let restarts = 0;
  while (rest.length > 0) {
    const run = await runProcess(
      cmd,
      rest.map((c) => c.json),
      timeoutMs,
    );
    const got = Math.min(run.results.length, rest.length);
    for (let i = 0; i < got; i++) out.push(run.results[i]!);
    if (got >= rest.length) break;
    const culprit = rest[got]!;
    const why = run.timedOut
      ? `process timed out after ${timeoutMs} ms`
      : `process exited (code ${run.exitCode}) without answering`;
    out.push({
      id: culprit.id,
      error: {
        type: 'no-result',
        message: `${why}; stderr: ${run.stderr.trim().split('\n').slice(-6).join(' | ').slice(0, 600)}`,
        line: null,
        column: null,
      },
    });
    rest = rest.slice(got + 1);
    restarts++;
    if (restarts > maxRestarts) {
      for (const c of rest) {
        out.push({
          id: c.id,
          error: {
            type: 'no-result',
            message: 'not run: too many process crashes',
            line: null,
            column: null,
          },
        });
      }
      break;
    }
  }
  return out;
}

export function runOracle(cases: Case[]): Promise<Result[]> {
  return runBatch(oracleCommand(), cases);
}

export function runEngine(cases: Case[]): Promise<Result[]> {
  return runBatch(engineCommand(), cases);
}

// ---------------------------------------------------------------------------------------------
// Comparison

function show(s: string, max = 300): string {
  const j = JSON.stringify(s);
  return j.length > max ? `${j.slice(0, max)}…(${s.length} chars)` : j;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function describe(r: Result | undefined): string {
  if (r === undefined) return '(no result)';
  if (r.error) return `error ${r.error.type} at line ${r.error.line ?? '?'}: ${r.error.message}`;
  return `output ${show(r.output ?? '')}`;
}

/** Where two strings first differ, with a little context on both sides. */
export function firstDifference(expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const before = expected.slice(0, i);
  const line = before.split('\n').length;
  const column = i - before.lastIndexOf('\n');
  const from = Math.max(0, i - 20);
  return `first difference at offset ${i} (line ${line}, column ${column}): expected ${show(
    expected.slice(from, i + 30),
    120,
  )} got ${show(actual.slice(from, i + 30), 120)}`;
}

export function compareOne(c: Case, expected: Result, actual: Result | undefined): Mismatch | undefined {
  const mk = (category: MismatchCategory, detail: string): Mismatch => ({
    id: c.id,
    category,
    case: c,
    expected,
    actual,
    diff: `${detail}\n  expected: ${describe(expected)}\n  actual:   ${describe(actual)}`,
  });
  if (actual === undefined || actual.error?.type === 'no-result' || actual.error?.type === 'harness') {
    return mk('no-result', 'the engine gave no result');
  }
  if (expected.error) {
    if (!actual.error) return mk('expected-error-got-output', 'expected an error, got output');
    if (actual.error.type !== expected.error.type) {
      return mk('error-type', `error type ${expected.error.type} expected, got ${actual.error.type}`);
    }
    if (expected.error.line !== null && actual.error.line !== expected.error.line) {
      return mk('error-line', `error line ${expected.error.line} expected, got ${actual.error.line}`);
    }
    return undefined;
  }
  if (actual.error) return mk('expected-output-got-error', 'expected output, got an error');
  if (actual.output !== expected.output) {
    return mk('output', firstDifference(expected.output ?? '', actual.output ?? ''));
  }
  return undefined;
}

export function compareAll(cases: Case[], expected: Result[], actual: Result[]): Mismatch[] {
  const byId = new Map<string, Result>();
  for (const r of actual) if (typeof r.id === 'string' && !byId.has(r.id)) byId.set(r.id, r);
  const mismatches: Mismatch[] = [];
  cases.forEach((c, i) => {
    const exp = expected[i];
    if (!exp || exp.id !== c.id) throw new Error(`oracle result out of order at ${c.id}`);
    const positional = actual[i];
    const act = positional && positional.id === c.id ? positional : byId.get(c.id);
    const m = compareOne(c, exp, act);
    if (m) mismatches.push(m);
  });
  return mismatches;
}

export interface DifferentialRun {
  cases: Case[];
  expected: Result[];
  actual: Result[];
  mismatches: Mismatch[];
  oracleMs: number;
  engineMs: number;
}

export async function runDifferential(cases: Case[]): Promise<DifferentialRun> {
  const t0 = performance.now();
  let oracleMs = 0;
  let engineMs = 0;
  const oraclePromise = runOracle(cases).then((r) => {
    oracleMs = performance.now() - t0;
    return r;
  });
  const enginePromise = runEngine(cases).then((r) => {
    engineMs = performance.now() - t0;
    return r;
  });
  const [expected, actual] = await Promise.all([oraclePromise, enginePromise]);
  return { cases, expected, actual, mismatches: compareAll(cases, expected, actual), oracleMs, engineMs };
}

/** A readable block for one mismatch (id, template, context, options, diff). */
export function formatMismatch(m: Mismatch): string {
  return [
    `✗ ${m.id} [${m.category}] (${m.case.source})`,
    `  template: ${show(m.case.template, 400)}`,
    `  case:     ${clip(m.case.json, 500)}`,
    `  ${m.diff}`,
  ].join('\n');
}

/** One markdown line, for docs/engine-mismatches.md. */
export function formatMismatchLine(m: Mismatch): string {
  const exp = m.expected.error
    ? `${m.expected.error.type}@${m.expected.error.line ?? '?'}`
    : show(m.expected.output ?? '', 160);
  const act =
    m.actual === undefined
      ? '(none)'
      : m.actual.error
        ? `${m.actual.error.type}@${m.actual.error.line ?? '?'} (${m.actual.error.message.slice(0, 120)})`
        : show(m.actual.output ?? '', 160);
  return `- \`${m.id}\` [${m.category}] \`${show(m.case.template, 160)}\` expected ${exp} got ${act}`;
}

export function countByCategory(mismatches: Mismatch[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of mismatches) counts[m.category] = (counts[m.category] ?? 0) + 1;
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Allow-lists

/** Ids listed as `- \`id\` — reason` in docs/differences.md (justified, permanent differences). */
export function loadAcceptedDifferences(path = DIFFERENCES_MD): Map<string, string> {
  const accepted = new Map<string, string>();
  if (!existsSync(path)) return accepted;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^- `([^`]+)`\s*[—:-]+\s*(.*)$/.exec(line);
    if (m) accepted.set(m[1]!, m[2]!.trim());
  }
  return accepted;
}

export interface KnownMismatch {
  id: string;
  reason: string;
}

export interface KnownMismatches {
  corpus: KnownMismatch[];
  generated: KnownMismatch[];
}

/** `known-mismatches.json`: open engine bugs, listed so the suite stays green and they stay visible. */
export function loadKnownMismatches(path = KNOWN_MISMATCHES_JSON): KnownMismatches {
  if (!existsSync(path)) return { corpus: [], generated: [] };
  const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<KnownMismatches>;
  return { corpus: data.corpus ?? [], generated: data.generated ?? [] };
}

// ---------------------------------------------------------------------------------------------
// Script mode

async function main(argv: string[]): Promise<void> {
  const files = argv.filter((a) => !a.startsWith('--'));
  const cases = loadCorpus(files.length ? files : undefined);
  if (argv.includes('--oracle')) {
    const results = await runOracle(cases);
    for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const run = await runDifferential(cases);
  const accepted = loadAcceptedDifferences();
  const known = new Set(loadKnownMismatches().corpus.map((k) => k.id));
  if (argv.includes('--md') || argv.includes('--append-md')) {
    const lines = run.mismatches.filter((m) => !accepted.has(m.id)).map(formatMismatchLine);
    if (argv.includes('--append-md')) {
      const stamp = new Date().toISOString().slice(11, 16);
      const header = `\n## ${stamp} UTC — harness run (${cases.length} corpus cases, ${lines.length} open mismatches)\n\n`;
      appendFileSync(ENGINE_MISMATCHES_MD, header + (lines.length ? `${lines.join('\n')}\n` : 'None.\n'));
    }
    for (const line of lines) process.stdout.write(`${line}\n`);
  } else {
    for (const m of run.mismatches) {
      const tag = accepted.has(m.id) ? ' (accepted difference)' : known.has(m.id) ? ' (known open)' : '';
      process.stdout.write(`${formatMismatch(m)}${tag}\n\n`);
    }
  }
  const acceptedCount = run.mismatches.filter((m) => accepted.has(m.id)).length;
  process.stderr.write(
    `differential: ${cases.length} cases, ${run.mismatches.length - acceptedCount} mismatches, ${acceptedCount} accepted; by category ${JSON.stringify(countByCategory(run.mismatches))}; oracle ${Math.round(run.oracleMs)} ms, engine ${Math.round(run.engineMs)} ms\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(2);
  });
}
