import { describe, expect, it } from 'vitest';
import {
  AnthropicProvider,
  createProvider,
  HeuristicProvider,
  loadLlmConfig,
  OpenAiProvider,
} from '../../src/llm/index.js';

describe('createProvider', () => {
  it('builds the provider LLM_PROVIDER names', () => {
    const openai = createProvider(loadLlmConfig({ LLM_PROVIDER: 'openai', LLM_API_KEY: 'sk' }));
    const anthropic = createProvider(loadLlmConfig({ LLM_PROVIDER: 'anthropic', LLM_API_KEY: 'sk' }));
    const heuristic = createProvider(loadLlmConfig({}));
    expect(openai).toBeInstanceOf(OpenAiProvider);
    expect(openai.name).toBe('openai');
    expect(anthropic).toBeInstanceOf(AnthropicProvider);
    expect(anthropic.name).toBe('anthropic');
    expect(heuristic).toBeInstanceOf(HeuristicProvider);
    expect(heuristic.name).toBe('heuristic');
  });
});
