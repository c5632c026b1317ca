import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import { isLocalUrl, loadLlmConfig } from '../../src/llm/config.js';

describe('LLM configuration', () => {
  it('defaults to the heuristic provider, which needs nothing', () => {
    expect(loadLlmConfig({})).toEqual({
      provider: 'heuristic',
      model: 'heuristic-v1',
      baseUrl: undefined,
      apiKey: '',
      timeoutMs: 60_000,
      maxRetries: 3,
    });
  });

  it('picks a default model per provider, and LLM_MODEL overrides it', () => {
    expect(loadLlmConfig({ LLM_PROVIDER: 'openai', LLM_API_KEY: 'sk' }).model).toBe('gpt-4o-mini');
    expect(loadLlmConfig({ LLM_PROVIDER: 'anthropic', LLM_API_KEY: 'sk' }).model).toBe('claude-haiku-4-5');
    expect(loadLlmConfig({ LLM_PROVIDER: 'openai', LLM_API_KEY: 'sk', LLM_MODEL: 'gpt-4.1' }).model).toBe(
      'gpt-4.1',
    );
    // The heuristic has one version; a stray LLM_MODEL must not mislabel its signals.
    expect(loadLlmConfig({ LLM_MODEL: 'gpt-4.1' }).model).toBe('heuristic-v1');
  });

  it('reads every variable, trimming, and treats blank as unset', () => {
    expect(
      loadLlmConfig({
        LLM_PROVIDER: ' openai ',
        LLM_MODEL: 'llama3.1',
        LLM_BASE_URL: 'http://localhost:11434/v1',
        LLM_API_KEY: '   ',
        LLM_TIMEOUT_MS: '1500',
        LLM_MAX_RETRIES: '0',
      }),
    ).toEqual({
      provider: 'openai',
      model: 'llama3.1',
      baseUrl: 'http://localhost:11434/v1',
      apiKey: '',
      timeoutMs: 1500,
      maxRetries: 0,
    });
  });

  it.each([
    [{ LLM_PROVIDER: 'gemini' }, 'LLM_PROVIDER must be one of openai, anthropic, heuristic (got "gemini")'],
    [
      { LLM_BASE_URL: 'localhost:11434' },
      'LLM_BASE_URL must be an http:// or https:// URL (got "localhost:11434")',
    ],
    [{ LLM_TIMEOUT_MS: '10s' }, 'LLM_TIMEOUT_MS must be an integer between 1 and 3600000 (got "10s")'],
    [{ LLM_TIMEOUT_MS: '0' }, 'LLM_TIMEOUT_MS must be an integer between 1 and 3600000 (got "0")'],
    [{ LLM_MAX_RETRIES: '-1' }, 'LLM_MAX_RETRIES must be an integer between 0 and 10 (got "-1")'],
    [{ LLM_MAX_RETRIES: '11' }, 'LLM_MAX_RETRIES must be an integer between 0 and 10 (got "11")'],
    [{ LLM_PROVIDER: 'openai' }, 'LLM_API_KEY must be set when LLM_PROVIDER is openai'],
    [
      { LLM_PROVIDER: 'anthropic', LLM_BASE_URL: 'https://proxy.example.com' },
      'LLM_API_KEY must be set when LLM_PROVIDER is anthropic and LLM_BASE_URL is not a local server (got "https://proxy.example.com")',
    ],
  ])('rejects %o with one line naming the variable', (env, message) => {
    let error: unknown;
    try {
      loadLlmConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`Invalid configuration: ${message}`);
  });

  it('accepts a missing key for a local server (Ollama, LM Studio, a compose service)', () => {
    for (const url of ['http://localhost:11434/v1', 'http://127.0.0.1:1234/v1', 'http://ollama:11434/v1']) {
      expect(loadLlmConfig({ LLM_PROVIDER: 'openai', LLM_BASE_URL: url }).apiKey).toBe('');
    }
  });

  it.each([
    ['http://localhost:1/v1', true],
    ['http://127.0.0.5', true],
    ['http://[::1]:8000', true],
    ['http://10.1.2.3', true],
    ['http://172.20.0.2', true],
    ['http://192.168.1.10:8000/v1', true],
    ['http://gpu-box.local', true],
    ['http://vllm', true],
    ['https://api.openai.com/v1', false],
    ['https://openrouter.ai/api/v1', false],
    ['http://172.32.0.1', false],
    ['http://8.8.8.8', false],
    ['not a url', false],
  ])('isLocalUrl(%s) is %s', (url, local) => {
    expect(isLocalUrl(url)).toBe(local);
  });
});
