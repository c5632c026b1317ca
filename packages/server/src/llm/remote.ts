import { runAttempt, type SdkErrorClasses } from './attempt.js';
import type { LlmConfig } from './config.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from './retry.js';
import { elapsedMs } from './settings.js';
import { type CompletionResult, LlmError, type ProviderName } from './types.js';

/** What a provider extracts from one successful response. */
export interface Answer {
  text: string;
  /** The model the endpoint says answered, when it says. */
  model: string | undefined;
  prompt_tokens: number | null;
  completion_tokens: number | null;
}

/** Constructor options shared by the SDK-backed providers. */
export interface RemoteProviderOptions {
  config: Pick<LlmConfig, 'model' | 'baseUrl' | 'apiKey' | 'timeoutMs' | 'maxRetries'>;
  /** Back-off tuning; tests inject `sleep` and `random`. */
  retry?: Partial<Omit<RetryPolicy, 'maxRetries'>>;
}

export function retryPolicy(options: RemoteProviderOptions): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...options.retry, maxRetries: options.config.maxRetries };
}

/**
 * How one completion is carried out. `Q` is what the provider has learnt about the endpoint (does
 * it take a JSON schema? max_tokens or max_completion_tokens?). `adapt` turns a rejection into the
 * next, more conservative request shape, or undefined when the error is not about the shape.
 */
export interface CallPlan<Q> {
  start: Q;
  send(shape: Q, signal: AbortSignal): Promise<Answer>;
  adapt(shape: Q, err: LlmError): Q | undefined;
  /** Called with the shape that worked, so the next call starts from it. */
  learned(shape: Q): void;
}

/**
 * The policy both SDK-backed providers share, in one place so they behave the same: per-attempt
 * deadline, retries with back-off on transient failures, immediate re-send in a simpler shape when
 * the endpoint rejects a feature, and an attempt count that includes every request sent.
 */
export async function callWithPolicy<Q>(
  provider: ProviderName,
  model: string,
  plan: CallPlan<Q>,
  opts: { timeoutMs: number; retry: RetryPolicy; sdk: SdkErrorClasses; signal: AbortSignal | undefined },
): Promise<CompletionResult> {
  const start = performance.now();
  let sent = 0;
  try {
    const { value } = await withRetries(
      async () => {
        let shape = plan.start;
        for (;;) {
          sent++;
          try {
            const answer = await runAttempt((s) => plan.send(shape, s), {
              timeoutMs: opts.timeoutMs,
              signal: opts.signal,
              provider,
              sdk: opts.sdk,
            });
            plan.learned(shape);
            return answer;
          } catch (err) {
            const next = err instanceof LlmError ? plan.adapt(shape, err) : undefined;
            if (next === undefined) throw err;
            shape = next;
          }
        }
      },
      opts.retry,
      opts.signal,
    );
    return {
      text: value.text,
      provider,
      model: value.model ?? model,
      latency_ms: elapsedMs(start),
      prompt_tokens: value.prompt_tokens,
      completion_tokens: value.completion_tokens,
      attempts: sent,
    };
  } catch (err) {
    if (err instanceof LlmError) err.attempts = sent;
    throw err;
  }
}

/** A shape-check failure of a 200 answer. */
export function malformed(provider: string, what: string): LlmError {
  return new LlmError('malformed', `${provider} answered 200 but ${what}`);
}

/** The SDKs refuse an empty key; keyless local servers ignore whatever is sent. */
export function sdkApiKey(apiKey: string): string {
  return apiKey === '' ? 'no-key' : apiKey;
}
