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

/**
 * Every key path in `value` that names a secret, as field errors under `field`. Iterative, and
 * paths are built only for the keys reported: a deeply nested body costs neither stack nor
 * quadratic string building.
 */
export function secretFields(value: unknown, field: string): FieldError[] {
  interface Node {
    value: unknown;
    key: string;
    parent: Node | undefined;
  }
  const pathOf = (node: Node): string => {
    const keys: string[] = [];
    for (let n: Node | undefined = node; n; n = n.parent) keys.push(n.key);
    return keys.reverse().join('.');
  };
  const found: FieldError[] = [];
  const stack: Node[] = [{ value, key: field, parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (v === null || typeof v !== 'object') continue;
    const entries: [string, unknown][] = Array.isArray(v)
      ? v.map((item, i): [string, unknown] => [String(i), item])
      : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, inner] = entries[i]!;
      const child = { value: inner, key, parent: node };
      if (!Array.isArray(v) && SECRET_KEY.test(key)) found.push({ field: pathOf(child), message: MESSAGE });
      stack.push(child);
    }
  }
  return found;
}
