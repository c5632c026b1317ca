/**
 * Resource limits enforced inside the render loop, so a hostile template is stopped in the same
 * thread without a worker: a step budget ("fuel") spent by loop iterations, calls and output
 * writes, plus caps on output, recursion depth, range/string/collection sizes and a wall-clock
 * safety net. Defaults stop an endless loop, runaway recursion or a flood of output well within
 * 100 ms on a current machine.
 */
import { LimitError } from './errors.js';
import type { Budget } from './runtime/types.js';

export interface Limits {
  /** Steps of work per render (loop iterations, calls, output writes). Default 2,000,000. */
  fuel: number;
  /** Characters of output (per render, and per captured buffer). Default 1 MiB (1,048,576). */
  maxOutput: number;
  /** Nesting of macro calls, includes, imports, recursive loops and blocks. Default 200. */
  maxRecursion: number;
  /** Longest `range()`. Default 100,000 (Jinja2's sandbox MAX_RANGE). */
  maxRange: number;
  /** Longest string any operation may build. Default 1 MiB (1,048,576). */
  maxString: number;
  /** Largest list/dict any operation may build. Default 100,000 items. */
  maxCollection: number;
  /** Longest template source accepted by the compiler. Default 1,000,000 characters. */
  maxTemplateSize: number;
  /**
   * Wall-clock milliseconds per render, checked every 4,096 steps of fuel. Default 100: the backstop for loops whose bodies are expensive per
   * step, which fuel alone would let run longer. 0 disables it.
   */
  timeoutMs: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  fuel: 2_000_000,
  maxOutput: 1_048_576,
  maxRecursion: 200,
  maxRange: 100_000,
  maxString: 1_048_576,
  maxCollection: 100_000,
  maxTemplateSize: 1_000_000,
  timeoutMs: 100,
});

/** Merges host overrides onto the defaults, ignoring non-numbers and negatives. */
export function resolveLimits(overrides?: Partial<Limits> | null): Limits {
  const out: Limits = { ...DEFAULT_LIMITS };
  if (overrides) {
    for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
      const v = overrides[key];
      if (typeof v === 'number' && v >= 0 && !Number.isNaN(v)) out[key] = v;
    }
  }
  return out;
}

/** How often (in steps) the wall clock is consulted: cheap enough to be invisible. */
const CLOCK_CHUNK = 4096;

/** One render's budget. `spend` is on the hot path, so it is a single subtraction and compare. */
export class RenderBudget implements Budget {
  /** Steps left before the next slow-path check (clock, real exhaustion). Hot loops decrement it directly. */
  chunk: number;
  /** Steps left after the current chunk. */
  private reserve: number;
  /** Wall-clock deadline of this render (the clock is only read again every CLOCK_CHUNK steps). */
  private readonly deadline: number;

  constructor(readonly limits: Limits) {
    this.chunk = Math.min(limits.fuel, CLOCK_CHUNK);
    this.reserve = limits.fuel - this.chunk;
    this.deadline = limits.timeoutMs > 0 ? Date.now() + limits.timeoutMs : Number.POSITIVE_INFINITY;
  }

  spend(n: number): void {
    this.chunk -= n;
    if (this.chunk < 0) this.refill();
  }

  /** Slow path of `spend`: checks the clock and moves fuel from the reserve into the chunk. */
  refill(): void {
    if (Date.now() > this.deadline) {
      throw new LimitError(
        'fuel',
        `template rendering took longer than ${this.limits.timeoutMs} ms (time limit)`,
      );
    }
    while (this.chunk < 0) {
      if (this.reserve <= 0) {
        throw new LimitError(
          'fuel',
          `template used more than ${this.limits.fuel} steps of work (fuel limit)`,
        );
      }
      const take = Math.min(this.reserve, CLOCK_CHUNK);
      this.reserve -= take;
      this.chunk += take;
    }
  }

  checkString(size: number): void {
    if (size > this.limits.maxString) {
      throw new LimitError(
        'string',
        `string of ${size} characters exceeds the limit of ${this.limits.maxString}`,
      );
    }
  }

  checkCollection(size: number): void {
    if (size > this.limits.maxCollection) {
      throw new LimitError(
        'collection',
        `collection of ${size} items exceeds the limit of ${this.limits.maxCollection}`,
      );
    }
  }

  checkRange(size: number): void {
    if (size > this.limits.maxRange) {
      throw new LimitError(
        'range',
        `range too big: ${size} items exceed the limit of ${this.limits.maxRange}`,
      );
    }
  }
}
