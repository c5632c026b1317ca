import { recordAudit } from '../audit/service.js';
import type { Actor } from '../auth/actor.js';
import type { Database, Db } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import type { ModelConfig, TemplateType } from '../db/schema.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { paginate } from '../http/common.js';
import type { TemplatePool } from '../rendering/pool.js';
import { findStrategy } from '../strategies/repository.js';
import type { PromptChange, PromptChangeBus } from './change-bus.js';
import { modelConfigChanges, sameModelConfig } from './diff.js';
import { secretFields } from './model-config-secrets.js';
import * as repo from './repository.js';
import type {
  CreatePromptInput,
  ListPromptsQuery,
  PromptView,
  UpdatePromptInput,
  VersionView,
} from './schema.js';
import { scopeMismatch } from './schema.js';
import { checkTemplate } from './template-check.js';
import { exportPrompts, importPrompts } from './transfer.js';
import type { ExportDocument, ImportDocument } from './transfer-schema.js';
import { TEMPLATE_TYPE_INFO } from './types.js';

export interface NewPrompt {
  name: string;
  description?: string | null;
  template_type: TemplateType;
  template_content: string;
  is_active?: boolean;
  strategy_id?: number | null;
  language?: string;
  model_config?: ModelConfig;
  change_note?: string | null;
}

function view(row: repo.PromptRow): PromptView {
  const { deleted_at: _deleted, ...rest } = row;
  return rest;
}

function versionView(row: repo.PromptVersionRow): VersionView {
  const { id: _id, ...rest } = row;
  return rest;
}

const slotName = (s: { template_type: string; language: string; strategy_id: number | null }) =>
  `${s.template_type}/${s.language}/${s.strategy_id === null ? 'global' : `strategy ${s.strategy_id}`}`;

/** `is_global` contradicting the prompt's scope: a 422 naming it. */
function invalidScope(message: string, hint: string): never {
  throw new ValidationError(`is_global ${message}. ${hint}`, [{ field: 'body.is_global', message }]);
}

/** Maps the database's uniqueness refusals to the 409s a user can act on. */
function conflictFrom(err: unknown, input: { name?: string }): never {
  if (isUniqueViolation(err, 'uq_prompt_templates_name_scope')) {
    throw new ConflictError(`A prompt named "${input.name}" already exists in this scope.`, [
      { field: 'body.name', message: 'already used by another prompt of this scope' },
    ]);
  }
  if (isUniqueViolation(err, 'uq_prompt_templates_active_slot')) {
    throw new ConflictError(
      'Another prompt became active in this slot at the same time; reload and try again.',
    );
  }
  throw err;
}

/**
 * Creates a prompt with its version-1 row and audit event, inside the caller's transaction.
 * Shared by the API and the seed, so both store prompts the same way.
 */
export async function createPromptIn(
  tx: Db,
  actor: Actor,
  input: NewPrompt,
  /** What `checkTemplate` found the template reads (checked before the transaction). */
  variables: string[],
): Promise<repo.PromptRow> {
  const strategyId = input.strategy_id ?? null;
  const prompt = await repo.insertPrompt(tx, {
    name: input.name,
    description: input.description ?? null,
    template_type: input.template_type,
    template_content: input.template_content,
    version: 1,
    is_active: input.is_active ?? false,
    is_global: strategyId === null,
    strategy_id: strategyId,
    language: input.language ?? 'en',
    model_config: input.model_config ?? {},
  });
  await repo.insertVersion(tx, {
    template_id: prompt.id,
    version: 1,
    template_content: prompt.template_content,
    model_config: prompt.model_config,
    variables,
    change_note: input.change_note ?? 'Created',
    created_by: actor.name,
  });
  await recordAudit(
    tx,
    actor,
    'prompt.create',
    { type: 'prompt', id: prompt.id },
    {
      name: prompt.name,
      template_type: prompt.template_type,
      strategy_id: strategyId,
    },
  );
  return prompt;
}

/**
 * The only code that changes prompts and their versions: validation, version bookkeeping, slot
 * rules, audit events and cache invalidation happen here, together, in one transaction.
 */
/** List pages kept in memory until any prompt changes; enough for every filter combination in use. */
const MAX_CACHED_PAGES = 1_000;

export class PromptService {
  private readonly pages = new Map<string, Promise<ReturnType<typeof paginate<PromptView>>>>();
  private readonly totals = new Map<string, Promise<number>>();

  constructor(
    private readonly database: Database,
    private readonly changes: PromptChangeBus,
    private readonly templates: TemplatePool,
  ) {
    changes.subscribe(() => {
      this.pages.clear();
      this.totals.clear();
    });
  }

  private async write<T>(changeOf: (result: T) => PromptChange, work: (tx: Db) => Promise<T>): Promise<T> {
    const result = await this.database.db.transaction(async (tx) => {
      const r = await work(tx);
      await this.changes.announce(tx, changeOf(r));
      return r;
    });
    this.changes.publish(changeOf(result));
    return result;
  }

  /**
   * Lists are read far more often than prompts change, and on the embedded database every query
   * costs a WASM round trip; so pages are served from memory until the next change (this process's
   * own, or another's through LISTEN/NOTIFY).
   */
  list(query: ListPromptsQuery) {
    const key = JSON.stringify(Object.entries(query).sort(([a], [b]) => a.localeCompare(b)));
    let page = this.pages.get(key);
    if (!page) {
      const { page: _p, page_size: _s, ...filter } = query;
      page = Promise.all([repo.listPrompts(this.database.db, query), this.total(filter)]).then(
        ([rows, total]) => paginate(rows.map(view), total, query.page, query.page_size),
      );
      this.remember(this.pages, key, page);
    }
    return page;
  }

  /** The count behind a filter is the same for all its pages: one count serves every page. */
  private total(filter: repo.PromptFilter): Promise<number> {
    const key = JSON.stringify(Object.entries(filter).sort(([a], [b]) => a.localeCompare(b)));
    let total = this.totals.get(key);
    if (!total) {
      total = repo.countPrompts(this.database.db, filter);
      this.remember(this.totals, key, total);
    }
    return total;
  }

  private remember<T>(cache: Map<string, Promise<T>>, key: string, value: Promise<T>): void {
    value.catch(() => cache.delete(key));
    if (cache.size >= MAX_CACHED_PAGES) cache.clear();
    cache.set(key, value);
  }

  async getRow(id: number, strategyId?: number): Promise<repo.PromptRow> {
    const row = await repo.findPrompt(this.database.db, id);
    if (!row || (strategyId !== undefined && row.strategy_id !== strategyId)) {
      throw new NotFoundError(
        strategyId === undefined
          ? `No prompt with id ${id}`
          : `Strategy ${strategyId} has no prompt with id ${id}`,
      );
    }
    return row;
  }

  async get(id: number, strategyId?: number): Promise<PromptView> {
    return view(await this.getRow(id, strategyId));
  }

  async requireStrategyExists(strategyId: number): Promise<void> {
    if (!(await findStrategy(this.database.db, strategyId)))
      throw new NotFoundError(`No strategy with id ${strategyId}`);
  }

  private async requireStrategy(db: Db, strategyId: number | null | undefined): Promise<void> {
    if (strategyId === null || strategyId === undefined) return;
    if (!(await findStrategy(db, strategyId))) {
      throw new ValidationError(`No strategy with id ${strategyId}`, [
        { field: 'body.strategy_id', message: 'no such strategy' },
      ]);
    }
  }

  /** A prompt may become active only when its slot is free, or when the caller takes the slot over. */
  private async claimSlot(
    tx: Db,
    actor: Actor,
    slot: { template_type: TemplateType; language: string; strategy_id: number | null },
    selfId: number | undefined,
    takeOver: boolean | undefined,
  ): Promise<void> {
    const holder = await repo.findActiveInSlot(tx, slot, selfId);
    if (!holder) return;
    if (!takeOver) {
      throw new ConflictError(
        `Prompt #${holder.id} "${holder.name}" is already active for ${slotName(slot)}. ` +
          'Deactivate it first, or send take_over_slot: true to replace it.',
        [{ field: 'body.is_active', message: `slot held by prompt ${holder.id}` }],
      );
    }
    await repo.updatePrompt(tx, holder.id, { is_active: false });
    await recordAudit(
      tx,
      actor,
      'prompt.deactivate',
      { type: 'prompt', id: holder.id },
      { replaced_by: selfId ?? 'new' },
    );
  }

  async create(actor: Actor, input: CreatePromptInput): Promise<PromptView> {
    const variables = await checkTemplate(this.templates, input.template_content);
    try {
      const row = await this.write(
        (r: repo.PromptRow) => ({ id: r.id, names: [r.name] }),
        async (tx) => {
          await this.requireStrategy(tx, input.strategy_id);
          const slot = {
            template_type: input.template_type,
            language: input.language ?? 'en',
            strategy_id: input.strategy_id ?? null,
          };
          if (input.is_active) await this.claimSlot(tx, actor, slot, undefined, input.take_over_slot);
          const { take_over_slot: _t, ...fields } = input;
          return createPromptIn(tx, actor, fields, variables);
        },
      );
      return view(row);
    } catch (err) {
      return conflictFrom(err, input);
    }
  }

  /**
   * A change of content or model_config makes a new immutable version; metadata changes do not.
   * The row lock serialises concurrent edits, so versions never skip or repeat.
   */
  async update(actor: Actor, id: number, input: UpdatePromptInput, strategyId?: number): Promise<PromptView> {
    // Checked before the transaction: no row lock is held while a worker compiles.
    const checked =
      input.template_content !== undefined
        ? await checkTemplate(this.templates, input.template_content)
        : undefined;
    let nameBefore = '';
    try {
      const row = await this.write(
        (r: repo.PromptRow) => ({ id: r.id, names: nameBefore === r.name ? [r.name] : [nameBefore, r.name] }),
        async (tx) => {
          const current = await repo.lockPrompt(tx, id);
          if (!current || (strategyId !== undefined && current.strategy_id !== strategyId)) {
            throw new NotFoundError(`No prompt with id ${id}`);
          }
          nameBefore = current.name;
          const scopeProblem =
            input.is_global === undefined ? undefined : scopeMismatch(input.is_global, current.strategy_id);
          if (scopeProblem) {
            invalidScope(
              scopeProblem,
              'The scope of a prompt cannot be changed; clone it into the other scope.',
            );
          }
          if (input.expected_version !== undefined && input.expected_version !== current.version) {
            throw new ConflictError(
              `Prompt #${id} is at version ${current.version}, but this edit was based on version ${input.expected_version}. ` +
                'Someone saved a newer version; reload it and apply your change again.',
              [{ field: 'body.expected_version', message: `current version is ${current.version}` }],
            );
          }
          const content = input.template_content ?? current.template_content;
          const modelConfig = input.model_config ?? current.model_config;
          const newVersion =
            content !== current.template_content || !sameModelConfig(modelConfig, current.model_config);
          const next = {
            template_type: input.template_type ?? current.template_type,
            language: input.language ?? current.language,
            strategy_id: current.strategy_id,
          };
          const becomesActive = input.is_active ?? current.is_active;
          const slotMoves =
            next.template_type !== current.template_type || next.language !== current.language;
          if (becomesActive && (!current.is_active || slotMoves)) {
            await this.claimSlot(tx, actor, next, id, input.take_over_slot);
          }
          const version = newVersion ? current.version + 1 : current.version;
          if (newVersion) {
            await repo.insertVersion(tx, {
              template_id: id,
              version,
              template_content: content,
              model_config: modelConfig,
              // Unchanged content keeps the variables its current version recorded.
              variables: checked ?? (await repo.findVersion(tx, id, current.version))?.variables ?? [],
              change_note: input.change_note ?? null,
              created_by: actor.name,
            });
          }
          const updated = await repo.updatePrompt(tx, id, {
            name: input.name ?? current.name,
            description: input.description === undefined ? current.description : input.description,
            template_type: next.template_type,
            language: next.language,
            is_active: becomesActive,
            template_content: content,
            model_config: modelConfig,
            version,
          });
          const changed = Object.keys(input).filter(
            (k) => !['expected_version', 'change_note', 'take_over_slot'].includes(k),
          );
          await recordAudit(
            tx,
            actor,
            'prompt.update',
            { type: 'prompt', id },
            {
              fields: changed,
              from_version: current.version,
              to_version: version,
              change_note: input.change_note ?? null,
            },
          );
          return updated;
        },
      );
      return view(row);
    } catch (err) {
      return conflictFrom(err, input);
    }
  }

  /** Soft delete: versions, signals and performance stay; the name becomes free again. */
  async remove(actor: Actor, id: number, strategyId?: number): Promise<void> {
    let name = '';
    await this.write(
      () => ({ id, names: [name] }),
      async (tx) => {
        const current = await repo.lockPrompt(tx, id);
        if (!current || (strategyId !== undefined && current.strategy_id !== strategyId)) {
          throw new NotFoundError(`No prompt with id ${id}`);
        }
        name = current.name;
        await repo.updatePrompt(tx, id, { deleted_at: new Date(), is_active: false });
        await recordAudit(
          tx,
          actor,
          'prompt.delete',
          { type: 'prompt', id },
          { name: current.name, version: current.version },
        );
      },
    );
  }

  /** A copy that starts its own history at version 1, inactive, optionally in another scope. */
  async clone(
    actor: Actor,
    id: number,
    options: { name?: string; strategy_id?: number | null; is_global?: boolean },
  ): Promise<PromptView> {
    const source = await this.getRow(id);
    // A config stored before credentials were refused must not spread by copying.
    const secrets = secretFields(source.model_config, 'model_config');
    if (secrets.length > 0) {
      throw new ValidationError(
        `Prompt #${source.id}'s model_config has a credential (${secrets[0]!.field}); remove it before cloning.`,
        secrets,
      );
    }
    const scopeProblem =
      options.is_global === undefined || options.strategy_id !== undefined
        ? undefined
        : scopeMismatch(options.is_global, source.strategy_id);
    if (scopeProblem) invalidScope(scopeProblem, 'Give strategy_id to clone into another scope.');
    const name = options.name ?? `${source.name} (copy)`;
    const variables = (await repo.findVersion(this.database.db, id, source.version))?.variables ?? [];
    try {
      const row = await this.write(
        (r: repo.PromptRow) => ({ id: r.id, names: [r.name] }),
        async (tx) => {
          const strategyId = options.strategy_id === undefined ? source.strategy_id : options.strategy_id;
          await this.requireStrategy(tx, strategyId);
          const created = await createPromptIn(
            tx,
            actor,
            {
              name,
              description: source.description,
              template_type: source.template_type,
              template_content: source.template_content,
              language: source.language,
              model_config: source.model_config,
              strategy_id: strategyId,
              is_active: false,
              change_note: `Cloned from prompt #${source.id} version ${source.version}`,
            },
            variables,
          );
          await recordAudit(
            tx,
            actor,
            'prompt.clone',
            { type: 'prompt', id: created.id },
            { from: source.id, from_version: source.version },
          );
          return created;
        },
      );
      return view(row);
    } catch (err) {
      return conflictFrom(err, { name });
    }
  }

  async versions(id: number): Promise<VersionView[]> {
    await this.versionOwner(id);
    return (await repo.listVersions(this.database.db, id)).map(versionView);
  }

  /** Versions stay readable after their prompt is deleted. */
  private async versionOwner(id: number): Promise<void> {
    const [row] = await this.database.query<{ id: number }>('select id from prompt_templates where id = $1', [
      id,
    ]);
    if (!row) throw new NotFoundError(`No prompt with id ${id}`);
  }

  async version(id: number, version: number): Promise<VersionView> {
    const row = await repo.findVersion(this.database.db, id, version);
    if (!row) {
      await this.versionOwner(id);
      throw new NotFoundError(`Prompt #${id} has no version ${version}`);
    }
    return versionView(row);
  }

  /** Runs on a template worker: a line diff of two large, unrelated versions is real work. */
  async diff(id: number, from: number, to: number) {
    const [a, b] = await Promise.all([this.version(id, from), this.version(id, to)]);
    const d = await this.templates.diff({
      from: { label: `v${from}`, content: a.template_content },
      to: { label: `v${to}`, content: b.template_content },
    });
    return {
      template_id: id,
      from,
      to,
      unified_diff: d.unified,
      ...(d.unified === null ? { too_different: d.reason } : {}),
      model_config_changes: modelConfigChanges(a.model_config, b.model_config),
      variables_added: b.variables.filter((v) => !a.variables.includes(v)),
      variables_removed: a.variables.filter((v) => !b.variables.includes(v)),
    };
  }

  /** Restoring never rewrites history: the old content becomes a new version. */
  async restore(actor: Actor, id: number, version: number): Promise<PromptView> {
    const old = await this.version(id, version);
    return this.update(actor, id, {
      template_content: old.template_content,
      model_config: old.model_config,
      change_note: `Restored version ${version}`,
    });
  }

  /** The prompt the pipeline would use: the strategy's active one, else the global one. */
  async resolve(q: { template_type: TemplateType; strategy_id?: number; language: string }) {
    const db = this.database.db;
    if (q.strategy_id !== undefined) {
      const own = await repo.findActiveInSlot(db, { ...q, strategy_id: q.strategy_id });
      if (own) return { source: 'strategy' as const, prompt: view(own) };
    }
    const global = await repo.findActiveInSlot(db, { ...q, strategy_id: null });
    if (global) return { source: 'global' as const, prompt: view(global) };
    throw new NotFoundError(
      `No active ${q.template_type} prompt in language ${q.language}${q.strategy_id === undefined ? '' : ` for strategy ${q.strategy_id} or globally`}.`,
    );
  }

  types() {
    return TEMPLATE_TYPE_INFO;
  }

  exportAll(): Promise<ExportDocument> {
    return exportPrompts(this.database);
  }

  importAll(actor: Actor, doc: ImportDocument) {
    return importPrompts(this.database, this.changes, this.templates, actor, doc);
  }

  async stats() {
    const c = await repo.promptCounts(this.database.db);
    return {
      prompts: c.prompts,
      active: c.active,
      inactive: c.prompts - c.active,
      global: c.global,
      strategy_specific: c.prompts - c.global,
      deleted: c.deleted,
      by_type: c.by_type,
      by_language: c.by_language,
      versions: c.versions,
      signals_tracked: c.signals_tracked,
    };
  }
}
