import { AnthropicProvider } from './anthropic.js';
import type { LlmConfig } from './config.js';
import { HeuristicProvider } from './heuristic.js';
import { OpenAiProvider } from './openai.js';
import type { RetryPolicy } from './retry.js';
import type { LlmProvider } from './types.js';

export { AnthropicProvider } from './anthropic.js';
export { DEFAULT_MODELS, LLM_PROVIDERS, type LlmConfig, loadLlmConfig } from './config.js';
export { HEURISTIC_MODEL, HeuristicProvider } from './heuristic.js';
export { OpenAiProvider } from './openai.js';
export type { RemoteProviderOptions } from './remote.js';
export type { RetryPolicy, Sleep } from './retry.js';
export * from './types.js';

/** The provider LLM_PROVIDER names. `retry` overrides back-off tuning (tests inject `sleep`). */
export function createProvider(
  config: LlmConfig,
  options: { retry?: Partial<Omit<RetryPolicy, 'maxRetries'>> } = {},
): LlmProvider {
  switch (config.provider) {
    case 'openai':
      return new OpenAiProvider({ config, ...options });
    case 'anthropic':
      return new AnthropicProvider({ config, ...options });
    case 'heuristic':
      return new HeuristicProvider();
  }
}
