import { undeclaredVariables } from '@promptledger/jinja';
import { type FieldError, ValidationError } from '../errors.js';
import { validateTemplate } from '../rendering/environment.js';

/**
 * Checks a template before it is stored and lists the variables it reads (stored on the version
 * row). Throws a ValidationError listing every syntax error with its line and column.
 */
export function checkTemplate(source: string, field = 'body.template_content'): string[] {
  const problems = validateTemplate(source);
  if (problems.length > 0) {
    const errors: FieldError[] = problems.map((p) => ({ field, ...p }));
    const first = problems[0]!;
    throw new ValidationError(
      `Invalid template: ${first.message} (line ${first.line}, column ${first.column})`,
      errors,
    );
  }
  return undeclaredVariables(source);
}
