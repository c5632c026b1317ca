import { isIP } from 'node:net';
import { z } from 'zod';
import { parseEnv } from '../config/env.js';
import { ConfigError } from '../config/error.js';
import type { ProviderName } from './types.js';

export const LLM_PROVIDERS = ['openai', 'anthropic', 'heuristic'] as const satisfies readonly ProviderName[];

/**
 * Default models. Anthropic's is `claude-haiku-4-5` rather than `claude-3-5-haiku-latest`: the 3.5
 * alias is no longer among the installed SDK's known models, and a default that 404s would make
 * the zero-argument anthropic setup fail on first use.
 */
export const DEFAULT_MODELS: Record<ProviderName, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
  heuristic: 'heuristic-v1',
};

export interface LlmConfig {
  provider: ProviderName;
  /** The model used when a prompt's model_config names none; always 'heuristic-v1' for the heuristic. */
  model: string;
  /** The endpoint; undefined means the provider's public API. */
  baseUrl: string | undefined;
  /** May be '' only for a local endpoint (Ollama, LM Studio…) and for the heuristic. */
  apiKey: string;
  /** Per attempt, connecting to the last byte of the answer. */
  timeoutMs: number;
  /** Retries after the first attempt, on 429, 5xx, timeouts and connection failures. */
  maxRetries: number;
}

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be an integer between ${min} and ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be an integer between ${min} and ${max}`);

const envSchema = z.object({
  LLM_PROVIDER: z
    .enum(LLM_PROVIDERS, { error: `must be one of ${LLM_PROVIDERS.join(', ')}` })
    .default('heuristic'),
  LLM_MODEL: z.string().max(200, 'must be at most 200 characters long').optional(),
  LLM_BASE_URL: z
    .string()
    .refine((s) => /^https?:$/.test(safeUrl(s)?.protocol ?? ''), 'must be an http:// or https:// URL')
    .optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_TIMEOUT_MS: integer(1, 3_600_000).default(60_000),
  LLM_MAX_RETRIES: integer(0, 10).default(3),
});

/**
 * The LLM part of the configuration, validated on its own so it can be wired into the main
 * loader (config/config.ts) without touching it. Same conventions as there: values are trimmed,
 * blank counts as unset, the first problem becomes a one-line ConfigError naming the variable.
 */
export function loadLlmConfig(env: NodeJS.ProcessEnv = process.env): LlmConfig {
  const e = parseEnv(envSchema, env);
  const apiKey = e.LLM_API_KEY ?? '';
  if (e.LLM_PROVIDER !== 'heuristic' && apiKey === '' && !(e.LLM_BASE_URL && isLocalUrl(e.LLM_BASE_URL))) {
    throw new ConfigError(
      `Invalid configuration: LLM_API_KEY must be set when LLM_PROVIDER is ${e.LLM_PROVIDER}` +
        (e.LLM_BASE_URL
          ? ` and LLM_BASE_URL is not a local server (got ${JSON.stringify(e.LLM_BASE_URL)})`
          : ''),
    );
  }
  return {
    provider: e.LLM_PROVIDER,
    // The heuristic has one version; reporting LLM_MODEL for it would mislabel every recorded signal.
    model:
      e.LLM_PROVIDER === 'heuristic'
        ? DEFAULT_MODELS.heuristic
        : (e.LLM_MODEL ?? DEFAULT_MODELS[e.LLM_PROVIDER]),
    baseUrl: e.LLM_BASE_URL,
    apiKey,
    timeoutMs: e.LLM_TIMEOUT_MS,
    maxRetries: e.LLM_MAX_RETRIES,
  };
}

function safeUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/**
 * Whether a URL names a server on this machine or this network, where keyless endpoints (Ollama,
 * LM Studio, vLLM without --api-key) are normal: loopback, private and link-local addresses,
 * `localhost`, `*.local`/`*.internal`/`*.lan`, and single-label hosts such as a compose service
 * named `ollama`. Anything else is a public API, for which a missing key is a mistake.
 */
export function isLocalUrl(url: string): boolean {
  const u = safeUrl(url);
  if (!u) return false;
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const ipVersion = isIP(host);
  if (ipVersion === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return (
      a === 127 ||
      a === 10 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  if (ipVersion === 6) {
    return host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  }
  return (
    host === 'localhost' || !host.includes('.') || /\.(localhost|local|internal|lan|home\.arpa)$/.test(host)
  );
}
