import { recordAudit } from '../audit/service.js';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { ConflictError, type FieldError, ValidationError } from '../errors.js';
import type { TemplatePool } from '../rendering/pool.js';
import { findStrategyByName } from '../strategies/repository.js';
import type { PromptChangeBus } from './change-bus.js';
import * as repo from './repository.js';
import type { ExportDocument, ImportDocument } from './transfer-schema.js';

/** Every live prompt with all its versions, in a file another installation can import. */
export async function exportPrompts(database: Database): Promise<ExportDocument> {
  const rows = await database.query<{ id: number; strategy: string | null }>(
    `select p.id, s.name as strategy from prompt_templates p left join strategies s on s.id = p.strategy_id
      where p.deleted_at is null order by p.id`,
  );
  const prompts: ExportDocument['prompts'] = [];
  for (const { id, strategy } of rows) {
    const prompt = (await repo.findPrompt(database.db, id))!;
    const versions = await repo.listVersions(database.db, id);
    prompts.push({
      name: prompt.name,
      description: prompt.description,
      template_type: prompt.template_type,
      language: prompt.language,
      is_active: prompt.is_active,
      strategy,
      versions: versions.map((v) => ({
        version: v.version,
        template_content: v.template_content,
        model_config: v.model_config,
        change_note: v.change_note,
        created_by: v.created_by,
        created_at: v.created_at.toISOString(),
      })),
    });
  }
  return { format: 'promptledger-export', format_version: 1, exported_at: new Date().toISOString(), prompts };
}

/**
 * Imports an export, all or nothing: any conflict (a name already used in its scope, a strategy
 * that does not exist, an invalid template) is reported, every one of them, and nothing is stored.
 * Histories keep their version numbers; a prompt whose slot is taken is imported inactive.
 */
export async function importPrompts(
  database: Database,
  changes: PromptChangeBus,
  pool: TemplatePool,
  actor: Actor,
  doc: ImportDocument,
): Promise<{ imported: number; versions: number; deactivated: string[] }> {
  // Every version is checked once, on the template workers, before the transaction opens.
  const checks = await Promise.all(
    doc.prompts.map((p, i) =>
      Promise.all(
        p.versions.map((v, k) =>
          pool.check(v.template_content, `body.prompts.${i}.versions.${k}.template_content`),
        ),
      ),
    ),
  );
  const result = await database.db.transaction(async (tx) => {
    const conflicts: FieldError[] = [];
    const invalid: FieldError[] = [];
    const strategyIds = new Map<string, number>();
    const names = new Set<string>();
    for (const [i, p] of doc.prompts.entries()) {
      const field = `body.prompts.${i}`;
      let strategyId: number | null = null;
      if (p.strategy !== null) {
        const s = await findStrategyByName(tx, p.strategy);
        if (!s) {
          invalid.push({ field: `${field}.strategy`, message: `no strategy named "${p.strategy}"` });
          continue;
        }
        strategyId = s.id;
        strategyIds.set(p.strategy, s.id);
      }
      const key = `${strategyId ?? 'global'}/${p.name}`;
      if (names.has(key))
        conflicts.push({ field: `${field}.name`, message: `"${p.name}" appears twice in this file` });
      names.add(key);
      if (await repo.findByNameInScope(tx, p.name, strategyId)) {
        conflicts.push({
          field: `${field}.name`,
          message: `a prompt named "${p.name}" already exists in this scope`,
        });
      }
      const numbers = p.versions.map((v) => v.version);
      if (numbers.some((n, k) => n !== k + 1)) {
        invalid.push({ field: `${field}.versions`, message: 'versions must be numbered 1, 2, 3… in order' });
      }
      // Only the newest version must be valid: older ones may use filters this installation lacks.
      const latestField = `${field}.versions.${p.versions.length - 1}.template_content`;
      for (const problem of checks[i]!.at(-1)!.errors) invalid.push({ field: latestField, ...problem });
    }
    if (invalid.length > 0)
      throw new ValidationError(
        `The import has ${invalid.length} invalid entr${invalid.length === 1 ? 'y' : 'ies'}; nothing was imported.`,
        invalid,
      );
    if (conflicts.length > 0)
      throw new ConflictError(
        `The import has ${conflicts.length} conflict(s); nothing was imported.`,
        conflicts,
      );

    let versions = 0;
    const deactivated: string[] = [];
    for (const [i, p] of doc.prompts.entries()) {
      const strategyId = p.strategy === null ? null : strategyIds.get(p.strategy)!;
      const latest = p.versions.at(-1)!;
      let active = p.is_active;
      if (
        active &&
        (await repo.findActiveInSlot(tx, {
          template_type: p.template_type,
          language: p.language,
          strategy_id: strategyId,
        }))
      ) {
        active = false;
        deactivated.push(p.name);
      }
      const row = await repo.insertPrompt(tx, {
        name: p.name,
        description: p.description,
        template_type: p.template_type,
        template_content: latest.template_content,
        version: latest.version,
        is_active: active,
        is_global: strategyId === null,
        strategy_id: strategyId,
        language: p.language,
        model_config: latest.model_config,
      });
      for (const [k, v] of p.versions.entries()) {
        await repo.insertVersion(tx, {
          template_id: row.id,
          version: v.version,
          template_content: v.template_content,
          model_config: v.model_config,
          variables: checks[i]![k]!.variables,
          change_note: v.change_note,
          // The importing key is the author here; the file's author and time are kept as history.
          created_by: actor.name,
          imported_from: { created_by: v.created_by, created_at: v.created_at },
        });
        versions++;
      }
      await recordAudit(
        tx,
        actor,
        'prompt.import',
        { type: 'prompt', id: row.id },
        { name: p.name, versions: p.versions.length },
      );
      await changes.announce(tx, { id: row.id, names: [row.name] });
    }
    return { imported: doc.prompts.length, versions, deactivated };
  });
  changes.publish(null);
  return result;
}
