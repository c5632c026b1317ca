import { abortedError, parseRetryAfter } from './retry.js';
import { LlmError } from './types.js';

type Ctor<T> = abstract new (...args: never[]) => T;

/** The error classes both official SDKs export (they share a generator, so the shapes match). */
export interface SdkErrorClasses {
  APIError: Ctor<Error & { status: number | undefined; headers: Headers | undefined; error: unknown }>;
  APIConnectionError: Ctor<Error>;
  APIConnectionTimeoutError: Ctor<Error>;
  APIUserAbortError: Ctor<Error>;
}

/**
 * One request with a hard deadline. The SDKs' own `timeout` only covers the wait for response
 * headers; a server that sends headers and then stalls the body would hang forever. So each
 * attempt gets its own AbortSignal, fired by our timer or by the caller's signal, and the error
 * is classified by which of the two fired rather than by what the SDK happened to throw.
 */
export async function runAttempt<T>(
  send: (signal: AbortSignal) => Promise<T>,
  opts: { timeoutMs: number; signal: AbortSignal | undefined; provider: string; sdk: SdkErrorClasses },
): Promise<T> {
  if (opts.signal?.aborted) throw abortedError();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, opts.timeoutMs);
  const onAbort = () => controller.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await send(controller.signal);
  } catch (err) {
    if (opts.signal?.aborted) throw abortedError();
    if (timedOut) {
      throw new LlmError('timeout', `${opts.provider} did not answer within ${opts.timeoutMs} ms`, {
        cause: err,
      });
    }
    throw classifySdkError(err, opts.provider, opts.sdk);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Maps whatever an SDK call threw to an LlmError; see LlmErrorKind for the meaning of each kind. */
export function classifySdkError(err: unknown, provider: string, sdk: SdkErrorClasses): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof sdk.APIConnectionTimeoutError) {
    return new LlmError('timeout', `${provider} did not answer in time`, { cause: err });
  }
  if (err instanceof sdk.APIConnectionError || err instanceof sdk.APIUserAbortError) {
    return new LlmError('unreachable', `cannot reach ${provider}: ${describeCause(err)}`, { cause: err });
  }
  if (err instanceof sdk.APIError && err.status !== undefined) {
    return statusError(err.status, `${provider} answered ${err.message}`, err.headers, err.error, err);
  }
  if (err instanceof SyntaxError) {
    // The SDK parses a JSON content type itself; a truncated or invalid body surfaces here.
    return new LlmError('malformed', `${provider} answered with invalid JSON: ${err.message}`, {
      cause: err,
    });
  }
  // Anything else thrown during a request is the transport failing mid-answer (socket reset
  // while the body streams in, undici's "terminated"), which a retry can fix.
  const message = err instanceof Error ? describeCause(err) : String(err);
  return new LlmError('unreachable', `connection to ${provider} failed: ${message}`, { cause: err });
}

function statusError(
  status: number,
  message: string,
  headers: Headers | undefined,
  body: unknown,
  cause: unknown,
): LlmError {
  const base = { status, cause };
  if (status === 401 || status === 403) return new LlmError('auth', message, base);
  if (status === 408) return new LlmError('timeout', message, base);
  if (status === 429) {
    // OpenAI answers 429 for an exhausted quota too; waiting will not refill it.
    const quota = (body as { code?: unknown } | undefined)?.code === 'insufficient_quota';
    const retryAfterMs = parseRetryAfter(headers);
    return new LlmError('rate_limited', message, {
      ...base,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(quota ? { retryable: false } : {}),
    });
  }
  if (status >= 500) {
    const retryAfterMs = parseRetryAfter(headers);
    return new LlmError('server_error', message, {
      ...base,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  return new LlmError('bad_request', message, base);
}

function describeCause(err: Error): string {
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const inner = cause.cause instanceof Error ? describeCause(cause) : cause.message;
    return typeof code === 'string' ? `${code} ${inner}` : inner;
  }
  return err.message;
}
