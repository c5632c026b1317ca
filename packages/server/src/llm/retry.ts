import { LlmError } from './types.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The first back-off; each later one doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * The longest Retry-After we honour. A server asking for more (an hour-long quota window) will
   * not be ready within this run, so we give up at once instead of stalling the pipeline.
   */
  maxRetryAfterMs: number;
  /** Injected so tests can capture the delays instead of waiting them out. */
  sleep: Sleep;
  /** In [0, 1); injected so the jitter is testable. */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: Omit<RetryPolicy, 'maxRetries'> = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  sleep: abortableSleep,
  random: Math.random,
};

/** setTimeout that rejects with an 'aborted' LlmError when the caller cancels. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortedError(): LlmError {
  return new LlmError('aborted', 'the request was cancelled by the caller', { retryable: false });
}

/**
 * Exponential back-off with "equal jitter": half the delay is fixed, half random. The fixed half
 * keeps retries from hammering a struggling server; the random half spreads out clients that
 * failed together.
 */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
) {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * policy.random());
}

/**
 * The wait a response asks for, in ms: `retry-after-ms` (OpenAI, Azure), else `Retry-After` as
 * seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries are used up. Failures must be
 * LlmErrors (providers classify their SDK's errors first); anything else is a bug and propagates.
 * The final error carries the number of attempts made. `attempt` receives the 1-based attempt.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<{ value: T; attempts: number }> {
  for (let n = 1; ; n++) {
    try {
      return { value: await attempt(n), attempts: n };
    } catch (err) {
      if (!(err instanceof LlmError)) throw err;
      err.attempts = n;
      if (!err.retryable || n > policy.maxRetries) throw err;
      if (err.retryAfterMs !== undefined && err.retryAfterMs > policy.maxRetryAfterMs) throw err;
      const delay = err.retryAfterMs ?? backoffDelay(n, policy);
      try {
        await policy.sleep(delay, signal);
      } catch (sleepErr) {
        if (sleepErr instanceof LlmError) sleepErr.attempts = n;
        throw sleepErr;
      }
    }
  }
}
