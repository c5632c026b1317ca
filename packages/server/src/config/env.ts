import type { z } from 'zod';
import { ConfigError } from './error.js';

/**
 * Reads the variables a schema names from the environment and validates them. Values are trimmed
 * and blank counts as unset, so `PORT= npm start` behaves like no PORT at all (what people mean
 * when they blank a line of a .env file); the first problem becomes a one-line ConfigError naming
 * the variable, what it accepts and what it got.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') input[key] = value.trim();
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(
      `Invalid configuration: ${name} ${issue.message} (got ${JSON.stringify(input[name])})`,
    );
  }
  return parsed.data;
}
