import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { PromptChange, PromptChangeBus } from '../prompts/change-bus.js';
import * as promptRepo from '../prompts/repository.js';
import { findStrategy } from '../strategies/repository.js';
import { isTemplateFailure, type TemplatePool, templateFailure } from './pool.js';
import type { BundleSources, CheckResult, RenderResult } from './tasks.js';

/** Bounds the bundle cache; prompts are few, so this is a safety net, not an LRU. */
const MAX_BUNDLES = 2_000;
/** Stored templates one render may pull in through include/extends/import, transitively. */
export const MAX_REFERENCED_TEMPLATES = 100;
/** Check results of stored versions (immutable, so never stale). */
const MAX_ANALYSES = 10_000;

/**
 * A compiled-template descriptor. The compiled code lives in the workers, cached under `token`;
 * a new descriptor (after any change it depends on) gets a new token, so no worker can serve a
 * template compiled from older sources.
 */
interface Bundle {
  token: string;
  sources: BundleSources;
  variables: string[];
  promptId: number | null;
  version: number | null;
  /** Prompts whose content this bundle holds (the rendered one and its library). */
  ids: Set<number>;
  /** Every name it looked up, found or not: a prompt taking that name changes what it renders. */
  names: Set<string>;
}

export interface RenderOutcome {
  rendered: string;
  variables_missing: string[];
  render_ms: number;
  prompt_id: number | null;
  version: number | null;
}

const GLOBAL_NAMES = new Set(['now', 'today', 'range', 'dict', 'lipsum', 'cycler', 'joiner', 'namespace']);
/** Words a template must contain to name another template; without them no lookup is needed. */
const REFERENCING = /\b(include|extends|import)\b/;

/**
 * Renders prompts on the template workers. Compiled templates (with the prompts they include,
 * extend or import) are cached per prompt and version, dropped when a prompt they hold or name
 * changes, so the render hot path reads no database while nothing changes.
 */
export class RenderService {
  private readonly bundles = new Map<string, Bundle>();
  private readonly analyses = new Map<string, CheckResult>();
  /** Bumped by every invalidation: a bundle prepared across one is used once but not stored. */
  private generation = 0;
  /** Bundles prepared (database reads and checks) since start: cache misses. */
  private prepared = 0;

  constructor(
    private readonly database: Database,
    changes: PromptChangeBus,
    private readonly pool: TemplatePool,
  ) {
    changes.subscribe((change) => this.invalidate(change));
  }

  /** Cache figures for /health and tests. */
  stats(): { bundles: number; prepared: number } {
    return { bundles: this.bundles.size, prepared: this.prepared };
  }

  async validate(source: string) {
    const { errors, variables } = await this.pool.check(source);
    return { valid: errors.length === 0, errors, variables };
  }

  /**
   * An unsaved template (the editor's preview). `strategyId` is the scope its include/extends/import
   * names resolve in, like the stored prompt it will become.
   */
  async renderContent(
    source: string,
    context: Record<string, unknown>,
    strict = false,
    strategyId: number | null = null,
  ): Promise<RenderOutcome> {
    const field = 'body.template_content';
    if (strategyId !== null && !(await findStrategy(this.database.db, strategyId))) {
      throw new ValidationError(`No strategy with id ${strategyId}`, [
        { field: 'body.strategy_id', message: 'no such strategy' },
      ]);
    }
    let library: Library = { sources: [], ids: new Set(), names: new Set() };
    if (REFERENCING.test(source)) {
      const checked = await this.pool.check(source, field);
      if (checked.errors.length > 0) throw syntaxFailure(checked, field);
      library = await this.library(checked.references, strategyId, field);
    }
    const sources: BundleSources = { main: source, name: undefined, library: library.sources, strict };
    const result = await this.pool.render({ bundle: '', sources, context }, field);
    return this.outcome(result, undefined, context, field, null, null);
  }

  async renderPrompt(
    promptId: number,
    version: number | undefined,
    context: Record<string, unknown>,
    strict = false,
  ): Promise<RenderOutcome> {
    const key = `${promptId}:${version ?? 'latest'}:${strict ? 's' : 'd'}`;
    let bundle = this.bundles.get(key);
    let fresh = false;
    if (!bundle) {
      const generation = this.generation;
      bundle = await this.prepare(promptId, version, strict);
      fresh = true;
      // Prepared from what the database held before an invalidation arrived: serve it to this
      // request (it began first), but never keep it.
      if (generation === this.generation) {
        if (this.bundles.size >= MAX_BUNDLES) this.bundles.clear();
        this.bundles.set(key, bundle);
      }
    }
    const field = 'body.context';
    let result = await this.pool.render(
      { bundle: bundle.token, ...(fresh ? { sources: bundle.sources } : {}), context },
      field,
    );
    if (!isTemplateFailure(result) && result.miss) {
      result = await this.pool.render({ bundle: bundle.token, sources: bundle.sources, context }, field);
    }
    return this.outcome(result, bundle.variables, context, field, bundle.promptId, bundle.version);
  }

  private outcome(
    result: RenderResult,
    variables: string[] | undefined,
    context: Record<string, unknown>,
    field: string,
    promptId: number | null,
    version: number | null,
  ): RenderOutcome {
    if (isTemplateFailure(result)) throw templateFailure(result, field);
    if (result.miss) throw new Error('a template worker lost a bundle it was just given');
    const reads = variables ?? result.variables;
    return {
      rendered: result.rendered,
      variables_missing: reads.filter((v) => !(v in context) && !GLOBAL_NAMES.has(v)),
      render_ms: result.render_ms,
      prompt_id: promptId,
      version,
    };
  }

  private invalidate(change: PromptChange | null): void {
    this.generation++;
    if (change === null) {
      this.bundles.clear();
      return;
    }
    for (const [key, bundle] of this.bundles) {
      if (bundle.ids.has(change.id) || change.names.some((n) => bundle.names.has(n)))
        this.bundles.delete(key);
    }
  }

  private async prepare(promptId: number, version: number | undefined, strict: boolean): Promise<Bundle> {
    this.prepared++;
    const db = this.database.db;
    const prompt = await promptRepo.findPrompt(db, promptId);
    if (!prompt) throw new NotFoundError(`No prompt with id ${promptId}`);
    let source = prompt.template_content;
    let at = prompt.version;
    if (version !== undefined && version !== prompt.version) {
      const row = await promptRepo.findVersion(db, promptId, version);
      if (!row) throw new NotFoundError(`Prompt #${promptId} has no version ${version}`);
      source = row.template_content;
      at = version;
    }
    const field = 'template_content';
    const checked = await this.analyze(promptId, at, source, field);
    if (checked.errors.length > 0) throw syntaxFailure(checked, field);
    const library = await this.library(checked.references, prompt.strategy_id, field);
    library.ids.add(promptId);
    return {
      token: randomUUID(),
      sources: { main: source, name: prompt.name, library: library.sources, strict },
      variables: checked.variables,
      promptId,
      version: at,
      ids: library.ids,
      names: library.names,
    };
  }

  /** A stored version's check result; versions are immutable, so it is computed once. */
  private async analyze(id: number, version: number, source: string, field: string): Promise<CheckResult> {
    const key = `${id}:${version}`;
    let checked = this.analyses.get(key);
    if (!checked) {
      checked = await this.pool.check(source, field);
      if (this.analyses.size >= MAX_ANALYSES) this.analyses.clear();
      this.analyses.set(key, checked);
    }
    return checked;
  }

  /**
   * The stored prompts a template names in include/extends/import, transitively, one query per
   * level of nesting: the strategy's own prompt of that name first, else the global one, active or
   * not (shared snippets are usually inactive). A name that resolves to nothing is left out, so the
   * engine reports it as a missing template at the line that uses it.
   */
  private async library(references: string[], strategyId: number | null, field: string): Promise<Library> {
    const out: Library = { sources: [], ids: new Set(), names: new Set() };
    let pending = references;
    while (pending.length > 0) {
      const wanted = [...new Set(pending)].filter((n) => !out.names.has(n));
      if (wanted.length === 0) break;
      for (const n of wanted) out.names.add(n);
      if (out.names.size > MAX_REFERENCED_TEMPLATES) {
        throw new ValidationError(
          `The template references more than ${MAX_REFERENCED_TEMPLATES} stored templates (through include, extends and import).`,
          [{ field, message: `references more than ${MAX_REFERENCED_TEMPLATES} templates` }],
          { error_type: 'limit' },
        );
      }
      const rows = await promptRepo.findLibraryByNames(this.database.db, wanted, strategyId);
      const chosen = new Map<string, promptRepo.LibraryRow>();
      for (const row of rows) {
        const seen = chosen.get(row.name);
        if (!seen || (seen.strategy_id === null && row.strategy_id !== null)) chosen.set(row.name, row);
      }
      const checks = await Promise.all(
        [...chosen.values()].map(async (row) => {
          out.sources.push([row.name, row.template_content]);
          out.ids.add(row.id);
          return this.analyze(row.id, row.version, row.template_content, field);
        }),
      );
      pending = checks.flatMap((c) => c.references);
    }
    return out;
  }
}

interface Library {
  sources: [name: string, source: string][];
  ids: Set<number>;
  names: Set<string>;
}

function syntaxFailure(checked: CheckResult, field: string): ValidationError {
  const first = checked.errors[0]!;
  return templateFailure(
    { failed: true, type: 'syntax', message: first.message, line: first.line, column: first.column },
    field,
  );
}
