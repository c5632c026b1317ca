import { Environment } from '@promptledger/jinja';
import { strftime } from './strftime.js';

export interface TemplateProblem {
  message: string;
  line: number;
  column: number;
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new TypeError(`expected a date or an ISO 8601 string, got ${JSON.stringify(value)}`);
}

/**
 * The environment every stored prompt is checked and rendered with: Jinja2's builtins plus the
 * trading filters and the `now()` / `today()` globals.
 */
export function createEnvironment(): Environment {
  const env = new Environment();
  env.addGlobal('now', () => new Date());
  env.addGlobal('today', () => {
    const d = new Date();
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  });
  env.addFilter('datetime', (value: unknown, format: unknown = '%Y-%m-%d %H:%M') =>
    strftime(toDate(value), String(format)),
  );
  env.addFilter('date', (value: unknown, format: unknown = '%Y-%m-%d') =>
    strftime(toDate(value), String(format)),
  );
  return env;
}

const shared = createEnvironment();

/** Every syntax problem in a template, checked against the server's filters and tests. */
export function validateTemplate(source: string): TemplateProblem[] {
  return shared.validate(source).errors.map((e) => ({ message: e.message, line: e.line, column: e.column }));
}
