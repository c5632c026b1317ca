import type { ModelConfig } from '../db/schema.js';

export interface ConfigChange {
  key: string;
  from?: unknown;
  to?: unknown;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Keys of model_config whose value differs, in key order; absent keys have no from/to. */
export function modelConfigChanges(from: ModelConfig, to: ModelConfig): ConfigChange[] {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return keys
    .filter((key) => !same(from[key], to[key]))
    .map((key) => ({
      key,
      ...(key in from ? { from: from[key] } : {}),
      ...(key in to ? { to: to[key] } : {}),
    }));
}

/** Whether two model configurations are the same (key order does not matter). */
export function sameModelConfig(a: ModelConfig, b: ModelConfig): boolean {
  return modelConfigChanges(a, b).length === 0;
}
