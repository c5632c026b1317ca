import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { ServiceUnavailableError, ValidationError } from '../errors.js';
import type {
  CheckResult,
  CheckTask,
  DiffResult,
  DiffTask,
  RenderResult,
  RenderTask,
  TemplateFailure,
  WorkerTask,
} from './tasks.js';

export interface TemplatePoolOptions {
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Hard deadline of one task's running time, in ms (default 1,000). */
  deadlineMs?: number;
}

/**
 * The worker runs from the build output even when the server itself runs from source (tests):
 * a worker thread cannot load TypeScript. `src/rendering` and `dist/rendering` are both two levels
 * below the package, so one relative path serves both.
 */
const WORKER_FILE = path.resolve(import.meta.dirname, '../../dist/rendering/worker.js');

/** Raised through the AbortSignal when a running task outlives the deadline. */
class DeadlineExceeded extends Error {}
/** Raised when a task waited in the queue longer than it would have been allowed to run. */
class QueueTimeout extends Error {}

/** A template that failed becomes a 422 saying which kind of failure and where. */
export function templateFailure(f: TemplateFailure, field: string): ValidationError {
  const where = f.line === undefined ? '' : ` (line ${f.line}, column ${f.column ?? 1})`;
  return new ValidationError(
    `Template ${f.type} error: ${f.message}${where}`,
    [{ field, message: f.message, line: f.line ?? 1, column: f.column ?? 1 }],
    { error_type: f.type },
  );
}

export function isTemplateFailure(r: unknown): r is TemplateFailure {
  return typeof r === 'object' && r !== null && (r as { failed?: unknown }).failed === true;
}

/**
 * Every template compile, check, render and version diff runs on a pool of worker threads, so
 * no template can stall the thread that serves HTTP. A task that runs longer than the deadline
 * (counted from when a worker picked it up, not from when it was queued) is answered as a
 * `limit` failure and its thread is terminated and replaced; a full queue answers 503.
 */
export class TemplatePool {
  private readonly pool: Piscina;
  readonly workers: number;
  readonly deadlineMs: number;
  private closed = false;
  /**
   * Tasks submitted and not yet settled. Piscina does not apply `maxQueue` to abortable tasks
   * (they wait in a separate queue), so the bound is kept here.
   */
  private inFlight = 0;
  /** Renders take microseconds to milliseconds: a deeper queue only adds latency nobody waits for. */
  private readonly maxInFlight: number;

  constructor(options: TemplatePoolOptions = {}) {
    this.workers = Math.max(1, options.workers ?? availableParallelism());
    this.deadlineMs = options.deadlineMs ?? 1_000;
    this.maxInFlight = this.workers * 257;
    this.pool = new Piscina({
      filename: WORKER_FILE,
      minThreads: this.workers,
      maxThreads: this.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      // A worker's heap is bounded separately from the service's, so a template that allocates
      // wildly kills its own thread, not the process.
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 },
    });
  }

  /** What /health reports. */
  stats(): { workers: number; queued: number; completed: number } {
    return { workers: this.pool.threads.length, queued: this.pool.queueSize, completed: this.pool.completed };
  }

  /** `field` names the input a deadline failure is blamed on. */
  check(source: string, field = 'body.template_content'): Promise<CheckResult> {
    return this.run<CheckResult>({ kind: 'check', source } as Omit<CheckTask, 'started'>, field);
  }

  render(task: Omit<RenderTask, 'started' | 'kind'>, field: string): Promise<RenderResult> {
    return this.run<RenderResult>({ kind: 'render', ...task }, field);
  }

  diff(task: Omit<DiffTask, 'started' | 'kind'>): Promise<DiffResult> {
    return this.run<DiffResult>({ kind: 'diff', ...task }, 'query');
  }

  private async run<T>(task: Omit<WorkerTask, 'started'>, field: string): Promise<T> {
    if (this.closed) throw new ServiceUnavailableError('The service is shutting down.', 1);
    if (this.inFlight >= this.maxInFlight) throw this.busy();
    this.inFlight++;
    const started = new BigInt64Array(new SharedArrayBuffer(8));
    const controller = new AbortController();
    const submitted = Date.now();
    const deadline = this.deadlineMs;
    // A replacement thread's start-up (after a deadline kill) is spent in the queue: allow for it.
    const patience = Math.max(2 * deadline, 1_000);
    let timer: NodeJS.Timeout | undefined;
    const watch = () => {
      const at = Number(Atomics.load(started, 0));
      const now = Date.now();
      if (at === 0) {
        // Still queued: give up once it has waited past our patience; its caller is about to.
        if (now - submitted >= patience) controller.abort(new QueueTimeout());
        else timer = setTimeout(watch, Math.min(deadline, patience - (now - submitted)));
      } else if (now - at >= deadline) {
        controller.abort(new DeadlineExceeded());
      } else {
        timer = setTimeout(watch, deadline - (now - at));
      }
    };
    timer = setTimeout(watch, deadline);
    try {
      return (await this.pool.run({ ...task, started }, { signal: controller.signal })) as T;
    } catch (err) {
      throw this.explain(err, controller.signal.reason, field);
    } finally {
      this.inFlight--;
      clearTimeout(timer);
    }
  }

  private explain(err: unknown, reason: unknown, field: string): unknown {
    const limit = (message: string) =>
      templateFailure({ failed: true, type: 'limit', message, line: undefined, column: undefined }, field);
    if (reason instanceof DeadlineExceeded) {
      return limit(`the template ran longer than the hard deadline of ${this.deadlineMs} ms and was stopped`);
    }
    if ((err as { code?: unknown } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return limit('the template used more memory than a template worker may and was stopped');
    }
    if (reason instanceof QueueTimeout) return this.busy();
    if (this.closed) return new ServiceUnavailableError('The service is shutting down.', 1);
    return err;
  }

  private busy(): ServiceUnavailableError {
    return new ServiceUnavailableError(
      'Every template worker is busy; try again in a moment.',
      Math.max(1, Math.ceil(this.deadlineMs / 1000)),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close({ force: true });
  }
}
