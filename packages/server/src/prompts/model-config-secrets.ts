import type { FieldError } from '../errors.js';

/**
 * Keys that name credentials. A prompt's model_config is visible to every viewer, exported and
 * copied into every version row, so a key there would leak; credentials belong in the server's
 * environment (LLM_API_KEY). Matched case-insensitively at any depth: `api_key`, `apiKey`,
 * `token`, `access_token`, `secret`, `client_secret`, `password`, `authorization`.
 */
const SECRET_KEY = /^(api[-_]?key|token|secret|password|authorization)$|[-_](token|secret)$/i;

const MESSAGE =
  'looks like a credential; keep secrets in the server environment (LLM_API_KEY), not in a prompt';

/** Every key path in `value` that names a secret, as field errors under `field`. */
export function secretFields(value: unknown, field: string): FieldError[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => secretFields(item, `${field}.${i}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    ...(SECRET_KEY.test(key) ? [{ field: `${field}.${key}`, message: MESSAGE }] : []),
    ...secretFields(inner, `${field}.${key}`),
  ]);
}
