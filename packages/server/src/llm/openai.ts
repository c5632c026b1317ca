import OpenAI from 'openai';
import { z } from 'zod';
import type { SdkErrorClasses } from './attempt.js';
import {
  type Answer,
  callWithPolicy,
  malformed,
  type RemoteProviderOptions,
  retryPolicy,
  sdkApiKey,
} from './remote.js';
import type { RetryPolicy } from './retry.js';
import { resolveSettings } from './settings.js';
import type { CompletionRequest, CompletionResult, LlmError, LlmProvider } from './types.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** How much structured output the endpoint takes, best first. */
export type StructuredMode = 'json_schema' | 'json_object' | 'plain';
const WEAKER: Record<StructuredMode, StructuredMode | undefined> = {
  json_schema: 'json_object',
  json_object: 'plain',
  plain: undefined,
};

/** What this provider has learnt about an endpoint/model pair. */
export interface OpenAiShape {
  mode: StructuredMode;
  /** Newer OpenAI models (o-series, gpt-5) reject max_tokens in favour of max_completion_tokens. */
  tokenParam: 'max_tokens' | 'max_completion_tokens';
  /** Reasoning models accept only the default temperature. */
  sendTemperature: boolean;
}

const SDK_ERRORS: SdkErrorClasses = OpenAI;

const completionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
        }),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() }).nullish(),
});

/**
 * Any OpenAI-compatible chat-completions endpoint through the official SDK: OpenAI, Azure OpenAI
 * (v1 API), vLLM, Ollama, LM Studio, OpenRouter… The SDK's own retries are off; ours (retry.ts)
 * behave the same for every provider and can be tested.
 */
export class OpenAiProvider implements LlmProvider {
  readonly name = 'openai' as const;
  readonly #client: OpenAI;
  readonly #options: RemoteProviderOptions;
  readonly #retry: RetryPolicy;
  /** Per model: an endpoint like OpenRouter supports structured output for some models only. */
  readonly #shapes = new Map<string, OpenAiShape>();

  constructor(options: RemoteProviderOptions) {
    this.#options = options;
    this.#retry = retryPolicy(options);
    this.#client = new OpenAI({
      apiKey: sdkApiKey(options.config.apiKey),
      // Explicit, so OPENAI_BASE_URL/OPENAI_ORG_ID/OPENAI_PROJECT_ID in the environment cannot
      // silently redirect or re-bill requests: LLM_* is the only configuration.
      baseURL: options.config.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      organization: null,
      project: null,
      timeout: options.config.timeoutMs,
      maxRetries: 0,
    });
  }

  /** The request shape the next call for `model` starts from (exposed for tests and diagnostics). */
  shapeFor(model: string): OpenAiShape {
    return (
      this.#shapes.get(model) ?? { mode: 'json_schema', tokenParam: 'max_tokens', sendTemperature: true }
    );
  }

  async complete(req: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult> {
    const settings = resolveSettings(req.settings, this.#options.config.model);
    const model = settings.model;
    const start = this.shapeFor(model);
    const initial: OpenAiShape = req.responseSchema ? start : { ...start, mode: 'plain' };
    return callWithPolicy(
      this.name,
      model,
      {
        start: initial,
        send: async (shape, s) => {
          const body: OpenAI.ChatCompletionCreateParamsNonStreaming = {
            model,
            messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
          };
          if (settings.temperature !== undefined && shape.sendTemperature) {
            body.temperature = settings.temperature;
          }
          if (settings.maxTokens !== undefined) body[shape.tokenParam] = settings.maxTokens;
          if (req.responseSchema && shape.mode === 'json_schema') {
            const { name, schema } = req.responseSchema;
            body.response_format = { type: 'json_schema', json_schema: { name, schema, strict: true } };
          } else if (req.responseSchema && shape.mode === 'json_object') {
            body.response_format = { type: 'json_object' };
          }
          const raw: unknown = await this.#client.chat.completions.create(body, { signal: s });
          return parseCompletion(raw);
        },
        adapt: (shape, err) => adaptShape(shape, err),
        // A plain request made because no schema was asked for says nothing about structured output.
        learned: (shape) =>
          this.#shapes.set(model, req.responseSchema ? shape : { ...shape, mode: start.mode }),
      },
      { timeoutMs: this.#options.config.timeoutMs, retry: this.#retry, sdk: SDK_ERRORS, signal },
    );
  }
}

function parseCompletion(raw: unknown): Answer {
  const parsed = completionSchema.safeParse(raw);
  if (!parsed.success) {
    const what =
      typeof raw === 'string'
        ? `with a non-JSON body: ${JSON.stringify(raw.slice(0, 80))}`
        : 'not with a chat completion';
    throw malformed('openai', what);
  }
  const { model, choices, usage } = parsed.data;
  const message = choices[0]!.message;
  if (typeof message.content !== 'string') {
    throw malformed('openai', message.refusal ? `refused: ${message.refusal}` : 'with no text content');
  }
  return {
    text: message.content,
    model,
    prompt_tokens: usage?.prompt_tokens ?? null,
    completion_tokens: usage?.completion_tokens ?? null,
  };
}

/**
 * Turns a 400 about the request's shape into the next shape to try. Messages are matched loosely
 * because compatible servers word them differently; a 400 with no readable body while a
 * response_format was sent is treated as a format rejection too, since some servers (vLLM) use an
 * error body the SDK cannot read. The new shape is only remembered once a request with it works.
 */
export function adaptShape(shape: OpenAiShape, err: LlmError): OpenAiShape | undefined {
  if (err.kind !== 'bad_request' || err.status !== 400) return undefined;
  const text = `${err.message} ${String((err.cause as { param?: unknown } | undefined)?.param ?? '')}`;
  if (shape.tokenParam === 'max_tokens' && /max_completion_tokens/i.test(text)) {
    return { ...shape, tokenParam: 'max_completion_tokens' };
  }
  if (shape.sendTemperature && /temperature/i.test(text) && /support|only the default/i.test(text)) {
    return { ...shape, sendTemperature: false };
  }
  const weaker = WEAKER[shape.mode];
  if (weaker && (/response_format|json_schema|json_object|structured/i.test(text) || /no body/.test(text))) {
    return { ...shape, mode: weaker };
  }
  return undefined;
}
