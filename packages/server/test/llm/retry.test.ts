import { describe, expect, it } from 'vitest';
import {
  abortableSleep,
  backoffDelay,
  parseRetryAfter,
  type RetryPolicy,
  withRetries,
} from '../../src/llm/retry.js';
import { LlmError } from '../../src/llm/types.js';

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { delays: number[] } {
  const delays: number[] = [];
  return {
    maxRetries: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    maxRetryAfterMs: 10_000,
    random: () => 0,
    sleep: async (ms) => void delays.push(ms),
    ...overrides,
    delays,
  };
}

describe('back-off', () => {
  it('doubles from the base up to the cap, with half of each delay jittered', () => {
    const low = { baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0 };
    const high = { ...low, random: () => 0.999_999 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, low))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, high))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

describe('Retry-After', () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it('reads seconds, fractional seconds, milliseconds and HTTP dates', () => {
    expect(parseRetryAfter(h({ 'retry-after': '3' }))).toBe(3000);
    expect(parseRetryAfter(h({ 'retry-after': '0.25' }))).toBe(250);
    expect(parseRetryAfter(h({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(parseRetryAfter(h({ 'retry-after': 'Fri, 27 Nov 2026 12:00:07 GMT' }), now)).toBe(7000);
    expect(parseRetryAfter(h({ 'retry-after': 'Fri, 27 Nov 2026 11:00:00 GMT' }), now)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(h({}))).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});

describe('withRetries', () => {
  it('retries retryable kinds and reports the attempt that succeeded', async () => {
    const p = policy();
    const kinds = ['rate_limited', 'server_error', 'timeout', 'unreachable'] as const;
    let n = 0;
    const result = await withRetries(
      async () => {
        const kind = kinds[n++];
        if (kind) throw new LlmError(kind, kind);
        return 'ok';
      },
      { ...p, maxRetries: 4 },
    );
    expect(result).toEqual({ value: 'ok', attempts: 5 });
    expect(p.delays).toEqual([50, 100, 200, 400]);
  });

  it.each(['bad_request', 'auth', 'malformed', 'aborted'] as const)('does not retry %s', async (kind) => {
    const p = policy();
    let calls = 0;
    const err = await withRetries(async () => {
      calls++;
      throw new LlmError(kind, kind);
    }, p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).attempts).toBe(1);
    expect(calls).toBe(1);
    expect(p.delays).toEqual([]);
  });

  it('waits what Retry-After says instead of the back-off', async () => {
    const p = policy();
    let n = 0;
    await withRetries(async () => {
      if (n++ === 0) throw new LlmError('rate_limited', '429', { retryAfterMs: 4_000 });
      return 1;
    }, p);
    expect(p.delays).toEqual([4_000]);
  });

  it('lets other errors (bugs) through untouched', async () => {
    const bug = new TypeError('x is undefined');
    await expect(withRetries(() => Promise.reject(bug), policy())).rejects.toBe(bug);
  });

  it('stops waiting when the caller aborts during the back-off', async () => {
    const controller = new AbortController();
    const p = policy({ sleep: abortableSleep, baseDelayMs: 60_000, maxDelayMs: 60_000 });
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    const err = await withRetries(
      () => Promise.reject(new LlmError('server_error', '500')),
      p,
      controller.signal,
    ).catch((e: unknown) => e);
    expect((err as LlmError).kind).toBe('aborted');
    expect((err as LlmError).attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
