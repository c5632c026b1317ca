/**
 * What the main thread asks of a template worker and what comes back. Only plain data crosses the
 * thread boundary (structured clone), so template errors travel as `TemplateFailure` objects.
 */

/** Where a worker records when it began a task, so the deadline counts running time, not queueing. */
export type StartedAt = BigInt64Array;

export interface TemplateProblem {
  message: string;
  line: number;
  column: number;
}

/** A TemplateError, flattened for postMessage. */
export interface TemplateFailure {
  failed: true;
  type: 'syntax' | 'undefined' | 'runtime' | 'limit' | 'security';
  message: string;
  line: number | undefined;
  column: number | undefined;
}

/** Syntax check of one template, with what it reads and which stored templates it names. */
export interface CheckTask {
  kind: 'check';
  source: string;
  started: StartedAt;
}

export interface CheckResult {
  errors: TemplateProblem[];
  /** Undeclared variables, sorted; empty when there are errors. */
  variables: string[];
  /** Names used in include/extends/import with a constant name; empty when there are errors. */
  references: string[];
}

/**
 * Render a compiled bundle. `bundle` identifies it in the worker's cache; `sources` is sent only
 * after the worker answered `{ miss: true }`, so a hot bundle costs one small message.
 */
export interface RenderTask {
  kind: 'render';
  bundle: string;
  sources?: BundleSources;
  context: Record<string, unknown>;
  started: StartedAt;
}

export interface BundleSources {
  /** The template to render. */
  main: string;
  /** Its name, so errors inside included templates say where they are. */
  name: string | undefined;
  /** Every stored template it may include, extend or import, by name (pairs: names are user data). */
  library: [name: string, source: string][];
  strict: boolean;
}

export type RenderResult =
  | { miss: true }
  | { miss?: undefined; rendered: string; render_ms: number; variables: string[] }
  | TemplateFailure;

/** A bounded line diff of two versions (jsdiff with a time and edit budget). */
export interface DiffTask {
  kind: 'diff';
  from: { label: string; content: string };
  to: { label: string; content: string };
  started: StartedAt;
}

/** `null` when the versions are too different to diff within the budget. */
export type DiffResult = { unified: string } | { unified: null; reason: string };

export type WorkerTask = CheckTask | RenderTask | DiffTask;
