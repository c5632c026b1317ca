/**
 * The public Environment and Template: options, host filters/tests/globals, the loader and the
 * per-environment cache of compiled templates.
 */
import { builtinFilters } from './builtins/filters.js';
import { builtinGlobals } from './builtins/globals.js';
import { builtinTests } from './builtins/tests.js';
import { Compiler, runTemplate } from './compiler.js';
import { LimitError, TemplateError, TemplateRuntimeError, TemplateSyntaxError } from './errors.js';
import { normalizeSource, tokenize } from './lexer.js';
import { type Limits, resolveLimits } from './limits.js';
import { type ValidationResult, validate } from './meta.js';
import { parseTokens } from './parser.js';
import {
  type CompiledTemplate,
  contextScope,
  type EngineEnv,
  locateError,
  RenderState,
  Scope,
} from './runtime/state.js';
import type { FilterFn, TestFn } from './runtime/types.js';
import { bindHostArgs, fromHost, wrapHostFunction } from './sandbox.js';
import { MISSING, ownData } from './values.js';

/** Resolves template names for include/extends/import. Synchronous by design. */
export interface Loader {
  load(name: string): string | { source: string; name?: string } | undefined;
}

export interface EnvironmentOptions {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  keepTrailingNewline?: boolean;
  /** Escape output as HTML (Jinja2's `autoescape=True`). Default false. */
  autoescape?: boolean;
  /** `'strict'` makes every use of an undefined value an error (StrictUndefined). */
  undefined?: 'default' | 'strict';
  loader?: Loader;
  limits?: Partial<Limits>;
  /**
   * Accept `{% break %}` and `{% continue %}` in loops, as Jinja2 does with the
   * `jinja2.ext.loopcontrols` extension. Default false: they are unknown tags, as in plain Jinja2.
   */
  loopControls?: boolean;
}

export interface FilterOptions {
  /** Names of the filter's positional parameters (after the value), so keywords bind by name. */
  params?: string[];
}

/** A loader over a fixed name → source table (like Jinja2's DictLoader). */
export function dictLoader(templates: Record<string, string> | Map<string, string>): Loader {
  const map =
    templates instanceof Map
      ? new Map(templates)
      : new Map(Object.keys(templates).map((k) => [k, templates[k]!]));
  return { load: (name) => map.get(name) };
}

type HostFn = (value: unknown, ...args: unknown[]) => unknown;

function callHost(name: string, fn: HostFn, value: unknown, args: unknown[]): unknown {
  try {
    return fromHost(Reflect.apply(fn, undefined, [value, ...args]));
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    throw new TemplateRuntimeError(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Fills in the source excerpt of an error from the template it happened in. */
function withSourceLine(err: TemplateError, lines: readonly string[] | undefined): TemplateError {
  if (err.sourceLine === undefined && err.line !== undefined && lines) err.sourceLine = lines[err.line - 1];
  return err;
}

export class Template {
  /** @internal */
  constructor(
    private readonly env: Environment,
    /** @internal */ readonly compiled: CompiledTemplate,
  ) {}

  get name(): string | undefined {
    return this.compiled.name;
  }

  /** Renders with `context` (a plain object or Map of top-level variables). */
  render(context?: Record<string, unknown> | Map<string, unknown>): string {
    const env = this.env;
    const rt = new RenderState(env, env.autoescape, env.limits);
    const ctxScope = contextScope(env.globalsScope);
    const vars = ctxScope.v;
    if (context instanceof Map) {
      for (const [k, v] of context) if (typeof k === 'string') vars[k] = fromHost(v);
    } else if (context !== null && context !== undefined) {
      for (const k of Object.keys(context)) {
        const v = ownData(context, k);
        if (v !== MISSING) vars[k] = fromHost(v);
      }
    }
    try {
      // The context scope doubles as the top-level scope: top-level `set`s shadow context values.
      runTemplate(rt, this.compiled, ctxScope);
      return rt.out;
    } catch (e) {
      const err = e instanceof TemplateError ? e : locateError(e, Number.NaN, Number.NaN, this.compiled.name);
      if (Number.isNaN(err.line)) {
        err.line = undefined;
        err.column = undefined;
      }
      if (err.templateName === this.compiled.name) throw withSourceLine(err, this.compiled.lines);
      return env.rethrow(err);
    }
  }
}

export class Environment implements EngineEnv {
  readonly filters: Record<string, FilterFn>;
  readonly tests: Record<string, TestFn>;
  readonly globalsScope: Scope;
  readonly strict: boolean;
  readonly limits: Limits;
  readonly autoescape: boolean;
  readonly trimBlocks: boolean;
  readonly lstripBlocks: boolean;
  readonly keepTrailingNewline: boolean;
  readonly loopControls: boolean;
  private readonly loader: Loader | undefined;
  private readonly cache = new Map<string, Template>();

  constructor(options: EnvironmentOptions = {}) {
    this.trimBlocks = options.trimBlocks === true;
    this.lstripBlocks = options.lstripBlocks === true;
    this.keepTrailingNewline = options.keepTrailingNewline === true;
    this.loopControls = options.loopControls === true;
    this.autoescape = options.autoescape === true;
    this.strict = options.undefined === 'strict';
    this.loader = options.loader;
    this.limits = resolveLimits(options.limits);
    this.filters = Object.assign(Object.create(null) as Record<string, FilterFn>, builtinFilters);
    this.tests = Object.assign(Object.create(null) as Record<string, TestFn>, builtinTests);
    this.globalsScope = new Scope(
      null,
      Object.assign(Object.create(null) as Record<string, unknown>, builtinGlobals),
    );
  }

  /** Registers a host filter `(value, ...args) => result`; `options.params` names its arguments. */
  addFilter(
    name: string,
    fn: (value: unknown, ...args: unknown[]) => unknown,
    options: FilterOptions = {},
  ): this {
    const params = options.params?.slice();
    this.filters[name] = (_ctx, value, args, kwargs) =>
      callHost(name, fn, value, bindHostArgs(name, args, kwargs, params));
    return this;
  }

  /** Registers a host test `(value, ...args) => boolean`. */
  addTest(
    name: string,
    fn: (value: unknown, ...args: unknown[]) => unknown,
    options: FilterOptions = {},
  ): this {
    const params = options.params?.slice();
    this.tests[name] = (_ctx, value, args, kwargs) =>
      Boolean(callHost(name, fn, value, bindHostArgs(name, args, kwargs, params)));
    return this;
  }

  /**
   * Makes `value` visible to every template as `name`. Functions become safe callables;
   * `options.params` names their positional parameters so templates can pass them by keyword.
   */
  addGlobal(name: string, value: unknown, options: FilterOptions = {}): this {
    this.globalsScope.v[name] =
      typeof value === 'function'
        ? wrapHostFunction(value as (...a: unknown[]) => unknown, name, options.params?.slice())
        : fromHost(value);
    return this;
  }

  /** Compiles a template from source. Throws TemplateSyntaxError (or LimitError for huge sources). */
  fromString(source: string, name?: string): Template {
    return new Template(this, this.compile(source, name));
  }

  /** Loads a template through the loader (compiled once per environment and cached by name). */
  getTemplate(name: string): Template {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const loaded = this.loader?.load(name);
    if (loaded === undefined || loaded === null)
      throw new TemplateRuntimeError(`template '${name}' not found`);
    const source = typeof loaded === 'string' ? loaded : loaded.source;
    const tmpl = new Template(
      this,
      this.compile(source, typeof loaded === 'string' ? name : (loaded.name ?? name)),
    );
    this.cache.set(name, tmpl);
    return tmpl;
  }

  /** Syntax check against this environment's filters and tests (see `validate` in meta.ts). */
  validate(source: string): ValidationResult {
    return validate(source, { environment: this });
  }

  clearCache(): void {
    this.cache.clear();
  }

  /** @internal EngineEnv: used by include/import/extends at render time. */
  loadTemplate(name: string): CompiledTemplate {
    return this.getTemplate(name).compiled;
  }

  /** @internal */
  hasTemplate(name: string): boolean {
    if (this.cache.has(name)) return true;
    const loaded = this.loader?.load(name);
    return loaded !== undefined && loaded !== null;
  }

  /** @internal Source lines for `sourceLine` excerpts, then throws. */
  rethrow(err: TemplateError): never {
    const name = err.templateName;
    const lines = name !== undefined ? this.cache.get(name)?.compiled.lines : undefined;
    throw withSourceLine(err, lines);
  }

  /** @internal Source → compiled closures. */
  compile(source: string, name?: string): CompiledTemplate {
    if (source.length > this.limits.maxTemplateSize) {
      throw new LimitError(
        'template_size',
        `template source of ${source.length} characters exceeds the limit of ${this.limits.maxTemplateSize}`,
        undefined,
        name,
      );
    }
    const src = normalizeSource(source, this.keepTrailingNewline);
    const lines = src.split('\n');
    try {
      const tokens = tokenize(
        src,
        {
          trimBlocks: this.trimBlocks,
          lstripBlocks: this.lstripBlocks,
          keepTrailingNewline: this.keepTrailingNewline,
        },
        name,
      );
      const ast = parseTokens(tokens, name, { loopControls: this.loopControls });
      return new Compiler(this, name, lines).compile(ast);
    } catch (e) {
      if (e instanceof TemplateError) {
        if (e.templateName === undefined || e.templateName === name) withSourceLine(e, lines);
        throw e;
      }
      if (e instanceof RangeError)
        throw new LimitError('recursion', 'template nesting is too deep', undefined, name);
      throw e;
    }
  }
}

export { TemplateSyntaxError };
