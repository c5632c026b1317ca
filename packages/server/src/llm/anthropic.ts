import Anthropic from '@anthropic-ai/sdk';
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

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** The Messages API requires max_tokens; used when the prompt's model_config has none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

/** What this provider has learnt about an endpoint/model pair. */
export interface AnthropicShape {
  /** Whether to send `output_config.format` (native structured output) along with the instruction. */
  structured: boolean;
}

const SDK_ERRORS: SdkErrorClasses = Anthropic;

const messageSchema = z.object({
  model: z.string().optional(),
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullish(),
  usage: z
    .object({
      input_tokens: z.number().nullish(),
      output_tokens: z.number().nullish(),
      cache_creation_input_tokens: z.number().nullish(),
      cache_read_input_tokens: z.number().nullish(),
    })
    .nullish(),
});

/**
 * Claude through the official SDK's Messages API. System messages go to `system`; when a schema
 * is asked for, it is both stated in the system prompt (which every model and every
 * Anthropic-compatible server understands) and sent as `output_config.format` (native structured
 * output on models that have it, dropped for the rest after the first rejection).
 */
export class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic' as const;
  readonly #client: Anthropic;
  readonly #options: RemoteProviderOptions;
  readonly #retry: RetryPolicy;
  readonly #shapes = new Map<string, AnthropicShape>();

  constructor(options: RemoteProviderOptions) {
    this.#options = options;
    this.#retry = retryPolicy(options);
    this.#client = new Anthropic({
      apiKey: sdkApiKey(options.config.apiKey),
      // Explicit so ANTHROPIC_BASE_URL in the environment cannot redirect requests.
      baseURL: options.config.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
      timeout: options.config.timeoutMs,
      maxRetries: 0,
    });
  }

  shapeFor(model: string): AnthropicShape {
    return this.#shapes.get(model) ?? { structured: true };
  }

  async complete(req: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult> {
    const settings = resolveSettings(req.settings, this.#options.config.model);
    const model = settings.model;
    const system = systemPrompt(req);
    const messages = req.messages
      .filter((m) => m.role !== 'system')
      .map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content }));
    return callWithPolicy(
      this.name,
      model,
      {
        start: this.shapeFor(model),
        send: async (shape, s) => {
          const body: Anthropic.MessageCreateParamsNonStreaming = {
            model,
            max_tokens: settings.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
            messages,
          };
          if (system) body.system = system;
          // No temperature: API version 2026-10-21, which SDK 1.x sends, rejects temperature, top_p
          // and top_k with a 400 even at their defaults. The prompt's value stays in its record.
          if (req.responseSchema && shape.structured) {
            body.output_config = { format: { type: 'json_schema', schema: req.responseSchema.schema } };
          }
          const raw: unknown = await this.#client.messages.create(body, { signal: s });
          return parseMessage(raw);
        },
        adapt: (shape, err) => adaptShape(shape, err),
        learned: (shape) => {
          if (req.responseSchema) this.#shapes.set(model, shape);
        },
      },
      { timeoutMs: this.#options.config.timeoutMs, retry: this.#retry, sdk: SDK_ERRORS, signal },
    );
  }
}

/** The system messages joined, plus the JSON instruction when a schema is asked for. */
export function systemPrompt(req: CompletionRequest): string {
  const parts = req.messages.filter((m) => m.role === 'system').map((m) => m.content);
  if (req.responseSchema) {
    parts.push(
      `Answer with a single JSON object and nothing else (no prose, no code fences). ` +
        `It must match this JSON schema ("${req.responseSchema.name}"):\n${JSON.stringify(req.responseSchema.schema)}`,
    );
  }
  return parts.join('\n\n');
}

function parseMessage(raw: unknown): Answer {
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) {
    const what =
      typeof raw === 'string'
        ? `with a non-JSON body: ${JSON.stringify(raw.slice(0, 80))}`
        : 'not with a message';
    throw malformed('anthropic', what);
  }
  const { model, content, usage, stop_reason } = parsed.data;
  const texts = content.filter((b) => b.type === 'text' && typeof b.text === 'string').map((b) => b.text!);
  // A thinking model can spend all of max_tokens thinking; the stop reason says so.
  if (texts.length === 0) {
    throw malformed('anthropic', `with no text content${stop_reason ? ` (stop_reason ${stop_reason})` : ''}`);
  }
  // Anthropic counts cached input separately; the prompt's size is the sum.
  const input =
    usage?.input_tokens == null
      ? null
      : usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
  return {
    text: texts.join(''),
    model,
    prompt_tokens: input,
    completion_tokens: usage?.output_tokens ?? null,
  };
}

/** A 400 about output_config (older models, compatible servers) means: ask in the prompt only. */
export function adaptShape(shape: AnthropicShape, err: LlmError): AnthropicShape | undefined {
  if (err.kind !== 'bad_request' || err.status !== 400 || !shape.structured) return undefined;
  return /output_config|output_format|json_schema|structured|no body/i.test(err.message)
    ? { structured: false }
    : undefined;
}
