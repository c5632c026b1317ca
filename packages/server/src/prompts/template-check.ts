import { type FieldError, ValidationError } from '../errors.js';
import type { TemplatePool } from '../rendering/pool.js';

/**
 * Checks a template on a template worker before it is stored and lists the variables it reads
 * (stored on the version row). Throws a ValidationError listing every syntax error with its line
 * and column.
 */
export async function checkTemplate(
  pool: TemplatePool,
  source: string,
  field = 'body.template_content',
): Promise<string[]> {
  const { errors: problems, variables } = await pool.check(source, field);
  if (problems.length > 0) {
    const errors: FieldError[] = problems.map((p) => ({ field, ...p }));
    const first = problems[0]!;
    throw new ValidationError(
      `Invalid template: ${first.message} (line ${first.line}, column ${first.column})`,
      errors,
    );
  }
  return variables;
}
