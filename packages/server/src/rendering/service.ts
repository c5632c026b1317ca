import {
  dictLoader,
  type Environment,
  referencedTemplates,
  type Template,
  TemplateError,
  undeclaredVariables,
} from '@promptledger/jinja';
import type { Database } from '../db/database.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { PromptChangeBus } from '../prompts/change-bus.js';
import * as promptRepo from '../prompts/repository.js';
import { createEnvironment, validateTemplate } from './environment.js';

/** Bounds the compiled-template cache; prompts are few, so this is a safety net, not an LRU. */
const MAX_BUNDLES = 2_000;

interface Bundle {
  template: Template;
  variables: string[];
  promptId: number | null;
  version: number | null;
}

export interface RenderOutcome {
  rendered: string;
  variables_missing: string[];
  render_ms: number;
  prompt_id: number | null;
  version: number | null;
}

/** A template that failed to render becomes a 422 saying which kind of failure, where. */
function renderFailure(err: unknown, field: string): never {
  if (err instanceof TemplateError) {
    const where = err.line === undefined ? '' : ` (line ${err.line}, column ${err.column ?? 1})`;
    throw new ValidationError(
      `Template ${err.type} error: ${err.message}${where}`,
      [{ field, message: err.message, line: err.line ?? 1, column: err.column ?? 1 }],
      { error_type: err.type },
    );
  }
  throw err;
}

const GLOBAL_NAMES = new Set(['now', 'today', 'range', 'dict', 'lipsum', 'cycler', 'joiner', 'namespace']);

/**
 * Renders prompts. Compiled templates (with the prompts they include, extend or import) are cached
 * per prompt and version and dropped whenever any prompt changes, so the render hot path reads no
 * database while nothing changes.
 */
export class RenderService {
  private readonly bundles = new Map<string, Bundle>();
  private readonly adhoc = {
    default: createEnvironment(),
    strict: createEnvironment({ undefined: 'strict' }),
  };

  constructor(
    private readonly database: Database,
    changes: PromptChangeBus,
  ) {
    changes.subscribe(() => this.bundles.clear());
  }

  validate(source: string) {
    const errors = validateTemplate(source);
    return {
      valid: errors.length === 0,
      errors,
      variables: errors.length === 0 ? undeclaredVariables(source) : [],
    };
  }

  renderContent(source: string, context: Record<string, unknown>, strict = false): RenderOutcome {
    let template: Template;
    try {
      template = this.adhoc[strict ? 'strict' : 'default'].fromString(source);
    } catch (err) {
      return renderFailure(err, 'body.template_content');
    }
    return this.run(
      { template, variables: undeclaredVariables(source), promptId: null, version: null },
      context,
      'body.template_content',
    );
  }

  async renderPrompt(
    promptId: number,
    version: number | undefined,
    context: Record<string, unknown>,
    strict = false,
  ): Promise<RenderOutcome> {
    const key = `${promptId}:${version ?? 'latest'}:${strict ? 's' : 'd'}`;
    let bundle = this.bundles.get(key);
    if (!bundle) {
      bundle = await this.compile(promptId, version, strict);
      if (this.bundles.size >= MAX_BUNDLES) this.bundles.clear();
      this.bundles.set(key, bundle);
    }
    return this.run(bundle, context, 'body.context');
  }

  private run(bundle: Bundle, context: Record<string, unknown>, field: string): RenderOutcome {
    const started = performance.now();
    let rendered: string;
    try {
      rendered = bundle.template.render(context);
    } catch (err) {
      return renderFailure(err, field);
    }
    const render_ms = Math.round((performance.now() - started) * 1000) / 1000;
    return {
      rendered,
      variables_missing: bundle.variables.filter((v) => !(v in context) && !GLOBAL_NAMES.has(v)),
      render_ms,
      prompt_id: bundle.promptId,
      version: bundle.version,
    };
  }

  private async compile(promptId: number, version: number | undefined, strict: boolean): Promise<Bundle> {
    const db = this.database.db;
    const prompt = await promptRepo.findPrompt(db, promptId);
    if (!prompt) throw new NotFoundError(`No prompt with id ${promptId}`);
    let source = prompt.template_content;
    let variables: string[] | undefined;
    if (version !== undefined && version !== prompt.version) {
      const row = await promptRepo.findVersion(db, promptId, version);
      if (!row) throw new NotFoundError(`Prompt #${promptId} has no version ${version}`);
      source = row.template_content;
      variables = row.variables;
    }
    const library = await this.collectReferenced(source, prompt.strategy_id);
    const env: Environment = createEnvironment({
      loader: dictLoader(library),
      ...(strict ? { undefined: 'strict' } : {}),
    });
    let template: Template;
    try {
      template = env.fromString(source, prompt.name);
    } catch (err) {
      return renderFailure(err, 'template_content');
    }
    return {
      template,
      variables: variables ?? undeclaredVariables(source),
      promptId,
      version: version ?? prompt.version,
    };
  }

  /**
   * The stored prompts a template names in include/extends/import, transitively: the strategy's
   * own prompt of that name first, else the global one, active or not (shared snippets are
   * usually inactive). A name that resolves to nothing is left out, so the engine reports it as
   * a missing template at the line that uses it.
   */
  private async collectReferenced(source: string, strategyId: number | null): Promise<Map<string, string>> {
    const library = new Map<string, string>();
    const pending = referencedTemplates(source).filter((n): n is string => n !== null);
    const seen = new Set<string>();
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const row =
        (strategyId !== null
          ? await promptRepo.findByNameInScope(this.database.db, name, strategyId)
          : undefined) ?? (await promptRepo.findByNameInScope(this.database.db, name, null));
      if (!row) continue;
      library.set(name, row.template_content);
      pending.push(...referencedTemplates(row.template_content).filter((n): n is string => n !== null));
    }
    return library;
  }
}
