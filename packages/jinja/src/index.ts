/**
 * @promptledger/jinja — a sandboxed, Jinja2-compatible template engine compiled to closures.
 */

export {
  dictLoader,
  Environment,
  type EnvironmentOptions,
  type FilterOptions,
  type Loader,
  Template,
} from './environment.js';
export * from './errors.js';
export { DEFAULT_LIMITS, type Limits } from './limits.js';
export {
  referencedTemplates,
  type SyntaxProblem,
  undeclaredVariables,
  type ValidateOptions,
  type ValidationResult,
  validate,
  variablePaths,
} from './meta.js';
export { Callable } from './runtime/types.js';
export { float, isFloat, isMarkup, isTuple, Markup, PyFloat, tuple, Undefined } from './values.js';
