import { recordAudit } from '../audit/service.js';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/database.js';
import type { ModelConfig, TemplateType } from '../db/schema.js';
import * as repo from './repository.js';
import { checkTemplate } from './template-check.js';

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

/**
 * Creates a prompt with its version-1 row and audit event, inside the caller's transaction `tx`.
 * Every change to prompts goes through this module (validation, version bookkeeping and audit in
 * one transaction).
 */
export async function createPromptIn(tx: Db, actor: Actor, input: NewPrompt): Promise<repo.PromptRow> {
  const variables = checkTemplate(input.template_content);
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
