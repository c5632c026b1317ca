#!/usr/bin/env node
/**
 * promptledger-jinja: render templates from the command line.
 *
 *   promptledger-jinja --batch < cases.jsonl     one JSON result line per input line, in order
 *   promptledger-jinja TEMPLATE_FILE [--context JSON_FILE] [--strict] [--autoescape]
 *                      [--trim-blocks] [--lstrip-blocks] [--keep-trailing-newline] [--loop-controls]
 *   promptledger-jinja --version | --help
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dictLoader, Environment, type EnvironmentOptions, type Loader } from '../src/environment.js';
import { TemplateError } from '../src/errors.js';
import type { Limits } from '../src/limits.js';
import { PyFloat, toNumber } from '../src/values.js';
import { JsonSyntaxError, parsePyJson } from './pyjson.js';

const HELP = `Usage:
  promptledger-jinja --batch
      Reads JSON lines {"id", "template", "context", "options"} on stdin and writes one line per
      input: {"id", "output"} or {"id", "error": {"type", "message", "line", "column"}}.
      options: trim_blocks, lstrip_blocks, keep_trailing_newline, autoescape, undefined
      ("default" | "strict"), templates (name -> source for include/extends/import), limits,
      extensions (["jinja2.ext.loopcontrols"] enables {% break %} and {% continue %}).
  promptledger-jinja TEMPLATE_FILE [--context JSON_FILE] [--strict] [--autoescape]
      [--trim-blocks] [--lstrip-blocks] [--keep-trailing-newline] [--loop-controls]
      Renders one template file to stdout; include/extends/import resolve next to it.
  promptledger-jinja --version
`;

const LIMIT_KEYS: Record<string, keyof Limits> = {
  fuel: 'fuel',
  max_output: 'maxOutput',
  maxOutput: 'maxOutput',
  output: 'maxOutput',
  max_recursion: 'maxRecursion',
  maxRecursion: 'maxRecursion',
  recursion: 'maxRecursion',
  max_range: 'maxRange',
  maxRange: 'maxRange',
  range: 'maxRange',
  max_string: 'maxString',
  maxString: 'maxString',
  string: 'maxString',
  max_collection: 'maxCollection',
  maxCollection: 'maxCollection',
  collection: 'maxCollection',
  max_template_size: 'maxTemplateSize',
  maxTemplateSize: 'maxTemplateSize',
  template_size: 'maxTemplateSize',
  timeout_ms: 'timeoutMs',
  timeoutMs: 'timeoutMs',
};

function version(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [join(here, '..', 'package.json'), join(here, '..', '..', 'package.json')]) {
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@promptledger/jinja') return pkg.version ?? '0.0.0';
    }
  }
  return '0.0.0';
}

function get(m: unknown, key: string): unknown {
  return m instanceof Map ? m.get(key) : undefined;
}

function jsonId(v: unknown): string | number | boolean | null {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof PyFloat) return v.value;
  return null;
}

function envFromOptions(opts: unknown): Environment {
  const o: EnvironmentOptions = {
    trimBlocks: get(opts, 'trim_blocks') === true,
    lstripBlocks: get(opts, 'lstrip_blocks') === true,
    keepTrailingNewline: get(opts, 'keep_trailing_newline') === true,
    autoescape: get(opts, 'autoescape') === true,
    undefined: get(opts, 'undefined') === 'strict' ? 'strict' : 'default',
  };
  // Jinja2's `extensions`, by its import names; the engine implements only loopcontrols.
  const extensions = get(opts, 'extensions');
  if (Array.isArray(extensions)) {
    for (const ext of extensions) {
      if (ext === 'jinja2.ext.loopcontrols') o.loopControls = true;
      else throw new Error(`unsupported extension ${JSON.stringify(ext)}`);
    }
  }
  const templates = get(opts, 'templates');
  if (templates instanceof Map) {
    const table = new Map<string, string>();
    for (const [k, v] of templates) if (typeof v === 'string') table.set(k as string, v);
    o.loader = dictLoader(table);
  }
  const limits = get(opts, 'limits');
  if (limits instanceof Map) {
    const l: Partial<Limits> = {};
    for (const [k, v] of limits) {
      const key = LIMIT_KEYS[k as string];
      if (key !== undefined) l[key] = toNumber(v);
    }
    o.limits = l;
  }
  return new Environment(o);
}

interface ErrorJson {
  type: string;
  message: string;
  line: number | null;
  column: number | null;
}

function errorJson(e: unknown): ErrorJson {
  if (e instanceof TemplateError) {
    return { type: e.type, message: e.message, line: e.line ?? null, column: e.column ?? null };
  }
  if (e instanceof RangeError) {
    return { type: 'limit', message: 'maximum recursion depth exceeded', line: null, column: null };
  }
  return { type: 'runtime', message: e instanceof Error ? e.message : String(e), line: null, column: null };
}

/** Handles one batch line; never throws. */
export function runBatchLine(line: string): string {
  let input: unknown;
  try {
    input = parsePyJson(line);
  } catch (e) {
    const message = e instanceof JsonSyntaxError ? e.message : String(e);
    return JSON.stringify({
      id: null,
      error: { type: 'runtime', message: `input line is not JSON: ${message}`, line: null, column: null },
    });
  }
  const id = jsonId(get(input, 'id'));
  try {
    if (!(input instanceof Map)) throw new Error('input line must be a JSON object');
    const template = get(input, 'template');
    if (typeof template !== 'string') throw new Error('"template" must be a string');
    const env = envFromOptions(get(input, 'options'));
    const ctx = get(input, 'context');
    const context = ctx instanceof Map ? (ctx as Map<string, unknown>) : undefined;
    const output = env.fromString(template).render(context);
    return JSON.stringify({ id, output });
  } catch (e) {
    return JSON.stringify({ id, error: errorJson(e) });
  }
}

async function batch(): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length > 0) {
      process.stdout.write(`${pending.join('\n')}\n`);
      pending = [];
    }
  };
  for await (const line of rl) {
    if (line.trim() === '') continue;
    pending.push(runBatchLine(line));
    if (pending.length >= 64) flush();
  }
  flush();
}

/** Loads templates from files next to the rendered one (CLI only: hosts bring their own loader). */
function fileLoader(root: string): Loader {
  return {
    load(name) {
      const p = resolve(root, name);
      if (!p.startsWith(resolve(root)) || !existsSync(p)) return undefined;
      return { source: readFileSync(p, 'utf8'), name };
    },
  };
}

function single(args: string[]): number {
  let file: string | undefined;
  let contextFile: string | undefined;
  const opts: EnvironmentOptions = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--context') contextFile = args[++i];
    else if (a === '--strict') opts.undefined = 'strict';
    else if (a === '--autoescape') opts.autoescape = true;
    else if (a === '--trim-blocks') opts.trimBlocks = true;
    else if (a === '--lstrip-blocks') opts.lstripBlocks = true;
    else if (a === '--keep-trailing-newline') opts.keepTrailingNewline = true;
    else if (a === '--loop-controls') opts.loopControls = true;
    else if (a.startsWith('-')) {
      process.stderr.write(`unknown option ${a}\n${HELP}`);
      return 2;
    } else file = a;
  }
  if (file === undefined) {
    process.stderr.write(HELP);
    return 2;
  }
  try {
    let context: Map<string, unknown> | undefined;
    if (contextFile !== undefined) {
      const parsed = parsePyJson(readFileSync(contextFile, 'utf8'));
      if (!(parsed instanceof Map)) throw new Error('the context file must hold a JSON object');
      context = parsed as Map<string, unknown>;
    }
    const source = readFileSync(file, 'utf8');
    opts.loader = fileLoader(dirname(resolve(file)));
    const env = new Environment(opts);
    process.stdout.write(env.fromString(source, file).render(context));
    return 0;
  } catch (e) {
    const err = errorJson(e);
    const where = err.line !== null ? ` (line ${err.line})` : '';
    process.stderr.write(`${err.type} error${where}: ${err.message}\n`);
    if (e instanceof TemplateError && e.sourceLine !== undefined)
      process.stderr.write(`    ${e.sourceLine}\n`);
    return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (argv.includes('--version')) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (argv.includes('--batch')) {
    await batch();
    return 0;
  }
  return single(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
