/**
 * The template worker: every template the service compiles or renders runs here, on a worker
 * thread of the pool (rendering/pool.ts), never on the thread that serves HTTP. A template that
 * outlives the hard deadline gets its thread terminated and replaced by the pool.
 */
import {
  dictLoader,
  referencedTemplates,
  type Template,
  TemplateError,
  undeclaredVariables,
} from '@promptledger/jinja';
import { createTwoFilesPatch } from 'diff';
import { createEnvironment, validateTemplate } from './environment.js';
import type {
  BundleSources,
  CheckResult,
  CheckTask,
  DiffResult,
  DiffTask,
  RenderResult,
  RenderTask,
  StartedAt,
  TemplateFailure,
  WorkerTask,
} from './tasks.js';

/** Compiled bundles this thread keeps; the main thread's descriptors decide what is current. */
const MAX_CACHED = 1_000;
/** jsdiff's budget: beyond it two versions are "too different to diff" (a side-by-side view still works). */
const DIFF_TIMEOUT_MS = 250;
const DIFF_MAX_EDIT_LENGTH = 5_000;

interface Compiled {
  template: Template;
  variables: string[];
}

const cache = new Map<string, Compiled>();
const adhoc = { default: createEnvironment(), strict: createEnvironment({ undefined: 'strict' }) };

/** Tells the pool's watchdog the task left the queue: its deadline counts from now. */
function markStarted(started: StartedAt): void {
  Atomics.store(started, 0, BigInt(Date.now()));
}

function failure(err: unknown): TemplateFailure {
  if (err instanceof TemplateError) {
    return { failed: true, type: err.type, message: err.message, line: err.line, column: err.column };
  }
  // The engine bounds nesting itself; should some path still exhaust the stack, it is the
  // template's doing (a limit), not a server fault.
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return {
      failed: true,
      type: 'limit',
      message: 'the template nests too deeply',
      line: undefined,
      column: undefined,
    };
  }
  throw err;
}

function compile(sources: BundleSources): Compiled {
  const env =
    sources.library.length > 0
      ? createEnvironment({
          loader: dictLoader(new Map(sources.library)),
          ...(sources.strict ? { undefined: 'strict' as const } : {}),
        })
      : adhoc[sources.strict ? 'strict' : 'default'];
  return {
    template: env.fromString(sources.main, sources.name),
    variables: undeclaredVariables(sources.main),
  };
}

function render(task: RenderTask): RenderResult {
  let compiled = task.bundle === '' ? undefined : cache.get(task.bundle);
  let fresh = false;
  if (!compiled) {
    if (!task.sources) return { miss: true };
    try {
      compiled = compile(task.sources);
    } catch (err) {
      return failure(err);
    }
    fresh = true;
    if (task.bundle !== '') {
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      cache.set(task.bundle, compiled);
    }
  }
  const t0 = performance.now();
  let rendered: string;
  try {
    rendered = compiled.template.render(task.context);
  } catch (err) {
    return failure(err);
  }
  const render_ms = Math.round((performance.now() - t0) * 1000) / 1000;
  return { rendered, render_ms, variables: fresh ? compiled.variables : [] };
}

function check(task: CheckTask): CheckResult {
  try {
    const errors = validateTemplate(task.source);
    if (errors.length > 0) return { errors, variables: [], references: [] };
    return {
      errors,
      variables: undeclaredVariables(task.source),
      references: [...new Set(referencedTemplates(task.source).filter((n): n is string => n !== null))],
    };
  } catch (err) {
    const f = failure(err);
    return {
      errors: [{ message: f.message, line: f.line ?? 1, column: f.column ?? 1 }],
      variables: [],
      references: [],
    };
  }
}

function diff(task: DiffTask): DiffResult {
  const unified = createTwoFilesPatch(
    task.from.label,
    task.to.label,
    task.from.content,
    task.to.content,
    '',
    '',
    {
      context: 3,
      timeout: DIFF_TIMEOUT_MS,
      maxEditLength: DIFF_MAX_EDIT_LENGTH,
    },
  );
  if (unified === undefined) {
    return {
      unified: null,
      reason: `The versions are too different to diff (more than ${DIFF_MAX_EDIT_LENGTH} changed lines, or over ${DIFF_TIMEOUT_MS} ms); compare them side by side.`,
    };
  }
  return { unified };
}

/** Piscina calls the default export with each task. */
export default function run(task: WorkerTask): CheckResult | RenderResult | DiffResult {
  markStarted(task.started);
  switch (task.kind) {
    case 'render':
      return render(task);
    case 'check':
      return check(task);
    case 'diff':
      return diff(task);
  }
}
