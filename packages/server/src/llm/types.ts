/**
 * The provider layer's contract. The signal pipeline renders prompts into messages, hands them to
 * one LlmProvider and records whatever comes back, answer or LlmError, so a provider never throws
 * anything else for a failure of the far side.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A prompt's `model_config`. Only model, temperature and max_tokens are read; the rest is kept for the record. */
export interface ModelSettings {
  model?: string;
  temperature?: number;
  max_tokens?: number;
  [k: string]: unknown;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  settings: ModelSettings;
  /** JSON schema the answer must follow, when the endpoint supports structured output. */
  responseSchema?: { name: string; schema: Record<string, unknown> };
  /** The structured inputs the prompts were rendered from; only the heuristic provider reads them. */
  context?: Record<string, unknown>;
  purpose: 'analysis' | 'consolidation';
}

export interface CompletionResult {
  /** The answer as the model wrote it; checking it is a signal is the pipeline's job. */
  text: string;
  provider: string;
  /** The model that answered, as the endpoint reports it (falls back to the one asked for). */
  model: string;
  /** From the first request to the answer, retries and back-off included. */
  latency_ms: number;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  /** HTTP requests sent, retries and structured-output fallbacks included (1 for the heuristic). */
  attempts: number;
}

export type ProviderName = 'openai' | 'anthropic' | 'heuristic';

export interface LlmProvider {
  readonly name: ProviderName;
  complete(req: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult>;
}

/**
 * Why a completion failed, in words the pipeline can record and act on:
 * - timeout: no complete answer within LLM_TIMEOUT_MS (per attempt);
 * - rate_limited: 429, retries used up or Retry-After longer than we are willing to wait;
 * - server_error: 5xx, retries used up;
 * - bad_request: 400/404/409/422…, or a prompt model_config the provider cannot send;
 * - auth: 401/403 — a wrong or missing LLM_API_KEY;
 * - unreachable: connection refused, reset or DNS failure, retries used up;
 * - malformed: a 200 answer that is not the protocol's shape (HTML, truncated JSON, no text);
 * - aborted: the caller's AbortSignal fired. Added to the design's list because a cancelled run
 *   (shutdown, user abort) is not a provider failure and must not be recorded as one.
 */
export type LlmErrorKind =
  | 'timeout'
  | 'rate_limited'
  | 'server_error'
  | 'bad_request'
  | 'auth'
  | 'unreachable'
  | 'malformed'
  | 'aborted';

export interface LlmErrorOptions {
  attempts?: number;
  status?: number;
  /** How long the server asked us to wait (Retry-After), when it said. */
  retryAfterMs?: number;
  /** False when retrying cannot help even though the kind usually can (e.g. an exhausted quota). */
  retryable?: boolean;
  cause?: unknown;
}

export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  /** Requests sent before giving up; set by the retry loop once it stops. */
  attempts: number;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly retryable: boolean;

  constructor(kind: LlmErrorKind, message: string, options: LlmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LlmError';
    this.kind = kind;
    this.attempts = options.attempts ?? 0;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    this.retryable = options.retryable ?? RETRYABLE_KINDS.has(kind);
  }
}

/** Kinds that a later attempt can plausibly fix. Malformed answers are not among them: a base URL
 * that serves an HTML page will serve it again, and retrying would only hide the misconfiguration. */
export const RETRYABLE_KINDS: ReadonlySet<LlmErrorKind> = new Set([
  'timeout',
  'rate_limited',
  'server_error',
  'unreachable',
]);
