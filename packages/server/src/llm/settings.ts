import { LlmError, type ModelSettings } from './types.js';

export interface ResolvedSettings {
  model: string;
  temperature: number | undefined;
  maxTokens: number | undefined;
}

/**
 * A prompt's model_config over the configured model. Prompts saved through the API are already
 * validated, but imports and direct database edits are not; a bad value is the prompt's fault, so
 * it fails as bad_request before any request is sent rather than as a confusing 400 later.
 */
export function resolveSettings(settings: ModelSettings, defaultModel: string): ResolvedSettings {
  const { model, temperature, max_tokens } = settings;
  if (model !== undefined && (typeof model !== 'string' || model.trim() === '')) {
    throw invalid('model must be a non-empty string', model);
  }
  if (temperature !== undefined && (typeof temperature !== 'number' || !Number.isFinite(temperature))) {
    throw invalid('temperature must be a number', temperature);
  }
  if (max_tokens !== undefined && (!Number.isInteger(max_tokens) || max_tokens <= 0)) {
    throw invalid('max_tokens must be a positive integer', max_tokens);
  }
  return { model: model?.trim() || defaultModel, temperature, maxTokens: max_tokens };
}

function invalid(what: string, got: unknown): LlmError {
  return new LlmError('bad_request', `model_config.${what} (got ${JSON.stringify(got)})`, {
    retryable: false,
  });
}

/** Elapsed whole milliseconds since `start` (a performance.now() reading). */
export function elapsedMs(start: number): number {
  return Math.round(performance.now() - start);
}
