import { Environment, type EnvironmentOptions } from '@promptledger/jinja';
import { registerTradingFilters } from './filters.js';

export interface TemplateProblem {
  message: string;
  line: number;
  column: number;
}

/**
 * The environment every stored prompt is checked and rendered with: Jinja2's builtins plus the
 * trading filters and the `now()` / `today()` globals, and `{% break %}` / `{% continue %}`
 * (Jinja2's loopcontrols extension, which model chat templates use).
 */
export function createEnvironment(options: EnvironmentOptions = {}): Environment {
  const env = new Environment({ loopControls: true, ...options });
  registerTradingFilters(env);
  return env;
}

const shared = createEnvironment();

/** Every syntax problem in a template, checked against the server's filters and tests. */
export function validateTemplate(source: string): TemplateProblem[] {
  return shared.validate(source).errors.map((e) => ({ message: e.message, line: e.line, column: e.column }));
}
