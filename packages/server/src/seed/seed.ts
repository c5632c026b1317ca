import { undeclaredVariables } from '@promptledger/jinja';
import { recordAudit } from '../audit/service.js';
import { systemActor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { PromptChangeBus } from '../prompts/change-bus.js';
import { countAllPrompts, listPromptNames } from '../prompts/repository.js';
import { createPromptIn } from '../prompts/service.js';
import { findStrategyByName, insertStrategy } from '../strategies/repository.js';
import { SEED_PROMPTS, SEED_STRATEGY } from './templates.js';

export interface SeedResult {
  strategies: number;
  prompts: number;
}

/**
 * Adds the example strategy and the three global prompts, each only if no prompt of that name was
 * ever stored globally (a prompt the user deleted is not brought back). Running it twice changes
 * nothing. The prompts are made active unless their slot already has an active prompt.
 */
export async function seed(database: Database): Promise<SeedResult> {
  const actor = systemActor('system:seed');
  // Running servers on the same PostgreSQL drop their cached lists when the seed commits.
  const changes = new PromptChangeBus(database);
  return database.db.transaction(async (tx) => {
    const result: SeedResult = { strategies: 0, prompts: 0 };
    if (!(await findStrategyByName(tx, SEED_STRATEGY.name))) {
      const row = await insertStrategy(tx, SEED_STRATEGY);
      await recordAudit(tx, actor, 'strategy.create', { type: 'strategy', id: row.id }, { name: row.name });
      result.strategies++;
    }
    const existing = new Set(
      (await listPromptNames(tx)).filter((p) => p.strategy_id === null).map((p) => p.name),
    );
    const activeSlots = new Set(
      (
        await tx.query.promptTemplates.findMany({
          columns: { template_type: true, language: true },
          where: (t, { and, eq, isNull }) =>
            and(eq(t.is_active, true), isNull(t.deleted_at), isNull(t.strategy_id)),
        })
      ).map((p) => `${p.template_type}/${p.language}`),
    );
    for (const prompt of SEED_PROMPTS) {
      if (existing.has(prompt.name)) continue;
      // Our own constant templates: analysed in-process, unlike anything a user sends.
      const created = await createPromptIn(
        tx,
        actor,
        { ...prompt, is_active: !activeSlots.has(`${prompt.template_type}/en`), change_note: 'Seed prompt' },
        undeclaredVariables(prompt.template_content),
      );
      await changes.announce(tx, { id: created.id, names: [created.name] });
      result.prompts++;
    }
    return result;
  });
}

/** At start-up: seed a brand-new database only, so the user's later choices are never undone. */
export async function seedIfEmpty(database: Database): Promise<SeedResult | undefined> {
  if ((await countAllPrompts(database.db)) > 0) return undefined;
  return seed(database);
}
