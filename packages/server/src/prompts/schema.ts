import { z } from 'zod';
import { TEMPLATE_TYPES } from '../db/schema.js';
import { pageOf, pageQuery, queryBool } from '../http/common.js';
import { id, idText, STORABLE_JSON_MESSAGE, storableJson, text } from '../http/fields.js';
import { secretFields } from './model-config-secrets.js';

/** Largest template we accept; the HTTP body limit (1 MB) is the outer bound. */
export const MAX_TEMPLATE_CHARS = 200_000;

const templateType = z.enum(TEMPLATE_TYPES);
export const language = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language tag such as en, de or pt-BR');
export const name = text(200, { trim: true, min: 1 });
export const description = text(10_000).nullable();
export const changeNote = text(2_000).nullable();
const templateContent = text(MAX_TEMPLATE_CHARS);

export const modelConfigSchema = z
  .looseObject({
    model: z.string().min(1).max(200).optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().positive().max(1_000_000).optional(),
    top_p: z.number().min(0).max(1).optional(),
  })
  .refine(storableJson, STORABLE_JSON_MESSAGE)
  .meta({
    id: 'ModelConfig',
    description: 'How to call the model: model, temperature, max_tokens, and any provider option.',
  });

/** model_config as written by a client: the same shape, and no key that names a credential. */
export const modelConfigInput = modelConfigSchema.superRefine((config, ctx) => {
  for (const { field, message } of secretFields(config, '')) {
    ctx.addIssue({ code: 'custom', message, path: field.split('.').slice(1) });
  }
});

export const promptSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    template_type: templateType,
    template_content: z.string(),
    version: z.number().int(),
    is_active: z.boolean(),
    is_global: z.boolean(),
    strategy_id: z.number().int().nullable(),
    language: z.string(),
    model_config: modelConfigSchema,
    created_at: z.date(),
    updated_at: z.date(),
  })
  .meta({ id: 'Prompt' });
export type PromptView = z.infer<typeof promptSchema>;

export const versionSchema = z
  .object({
    template_id: z.number().int(),
    version: z.number().int(),
    template_content: z.string(),
    model_config: modelConfigSchema,
    variables: z.array(z.string()),
    change_note: z.string().nullable(),
    created_by: z.string().nullable(),
    created_at: z.date(),
    imported_from: z
      .object({ created_by: z.string().nullable(), created_at: z.string() })
      .nullable()
      .describe('For an imported version: its author and time in the installation it came from'),
  })
  .meta({ id: 'PromptVersion' });
export type VersionView = z.infer<typeof versionSchema>;

export const versionSummarySchema = versionSchema
  .omit({ template_content: true })
  .meta({ id: 'PromptVersionSummary' });

const writeExtras = {
  change_note: changeNote.optional(),
  take_over_slot: z
    .boolean()
    .optional()
    .describe(
      'Activating a prompt whose slot (type, language, scope) has an active prompt: deactivate that one instead of answering 409.',
    ),
};

/**
 * `is_global` is a column of the original system that its clients still send: it is derived from the
 * scope (true ⇔ no strategy), so it is accepted when it agrees and refused when it contradicts.
 */
const isGlobal = z
  .boolean()
  .optional()
  .describe('Optional, as the original API had it: must agree with the scope (true ⇔ no strategy_id).');

export function scopeMismatch(isGlobalValue: boolean, strategyId: number | null): string | undefined {
  if (isGlobalValue === (strategyId === null)) return undefined;
  return isGlobalValue
    ? `is true, but the prompt belongs to strategy ${strategyId}`
    : 'is false, but the prompt has no strategy_id (it is global)';
}

const createPromptFields = z.strictObject({
  name,
  description: description.optional(),
  template_type: templateType,
  template_content: templateContent,
  is_active: z.boolean().optional(),
  strategy_id: id.nullable().optional(),
  is_global: isGlobal,
  language: language.optional(),
  model_config: modelConfigInput.optional(),
  ...writeExtras,
});
export const createPromptBody = createPromptFields.superRefine((b, ctx) => {
  const message = b.is_global === undefined ? undefined : scopeMismatch(b.is_global, b.strategy_id ?? null);
  if (message) ctx.addIssue({ code: 'custom', path: ['is_global'], message });
});
export type CreatePromptInput = z.infer<typeof createPromptBody>;

/** Creating a prompt inside a strategy (`POST /strategies/{id}/prompts`): never global. */
export const strategyPromptBody = createPromptFields.omit({ strategy_id: true }).superRefine((b, ctx) => {
  if (b.is_global === true)
    ctx.addIssue({
      code: 'custom',
      path: ['is_global'],
      message: "is true, but a strategy's prompt is not global",
    });
});

/** Scope is not editable: move a prompt by cloning it into the other scope. */
export const updatePromptBody = z.strictObject({
  name: name.optional(),
  description: description.optional(),
  template_type: templateType.optional(),
  template_content: templateContent.optional(),
  is_active: z.boolean().optional(),
  language: language.optional(),
  model_config: modelConfigInput.optional(),
  is_global: isGlobal,
  expected_version: id
    .optional()
    .describe(
      'The version this edit was based on; a newer stored version answers 409 instead of overwriting it.',
    ),
  ...writeExtras,
});
export type UpdatePromptInput = z.infer<typeof updatePromptBody>;

export const listPromptsQuery = z.strictObject({
  ...pageQuery,
  template_type: templateType.optional(),
  language: language.optional(),
  strategy_id: idText.optional(),
  is_active: queryBool.optional(),
  is_global: queryBool.optional(),
  search: text(200).optional(),
});
export type ListPromptsQuery = z.infer<typeof listPromptsQuery>;
export const promptPage = pageOf(promptSchema);

export const templateProblemSchema = z.object({
  message: z.string(),
  line: z.number().int(),
  column: z.number().int(),
});

export const validateBody = z.strictObject({ template_content: templateContent });
export const validateResult = z.object({
  valid: z.boolean(),
  errors: z.array(templateProblemSchema),
  variables: z.array(z.string()),
});

export const renderBody = z
  .strictObject({
    template_content: templateContent.optional(),
    prompt_id: id.optional(),
    version: id.optional(),
    context: z.record(z.string(), z.unknown()).default({}),
    strict: z.boolean().optional().describe('Treat undefined variables as errors.'),
    strategy_id: id
      .nullable()
      .optional()
      .describe(
        "With template_content: the scope its include/extends/import names resolve in (the strategy's own prompts first, then global ones), as for a stored prompt of that strategy.",
      ),
  })
  .refine((b) => (b.template_content === undefined) !== (b.prompt_id === undefined), {
    message: 'give either template_content or prompt_id (not both)',
    path: ['prompt_id'],
  })
  .refine((b) => b.version === undefined || b.prompt_id !== undefined, {
    message: 'version needs prompt_id',
    path: ['version'],
  })
  .refine((b) => b.strategy_id === undefined || b.strategy_id === null || b.template_content !== undefined, {
    message: "strategy_id goes with template_content (a stored prompt's scope is its own)",
    path: ['strategy_id'],
  });
export type RenderInput = z.infer<typeof renderBody>;
export const renderResult = z.object({
  rendered: z.string(),
  variables_missing: z.array(z.string()),
  render_ms: z.number(),
  prompt_id: z.number().int().nullable(),
  version: z.number().int().nullable(),
});

export const cloneBody = z
  .strictObject({
    name: name.optional(),
    strategy_id: id.nullable().optional(),
    is_global: isGlobal.describe(
      "Must agree with the copy's scope: strategy_id if given, else the source's.",
    ),
  })
  .superRefine((b, ctx) => {
    if (b.is_global === undefined || b.strategy_id === undefined) return;
    const message = scopeMismatch(b.is_global, b.strategy_id);
    if (message) ctx.addIssue({ code: 'custom', path: ['is_global'], message });
  });

export const diffQuery = z.strictObject({
  from: idText,
  to: idText,
});
export const diffResult = z.object({
  template_id: z.number().int(),
  from: z.number().int(),
  to: z.number().int(),
  unified_diff: z
    .string()
    .nullable()
    .describe('null when the versions are too different to diff within the budget (see too_different)'),
  too_different: z.string().optional().describe('why no unified diff was computed'),
  model_config_changes: z.array(
    z.object({ key: z.string(), from: z.unknown().optional(), to: z.unknown().optional() }),
  ),
  variables_added: z.array(z.string()),
  variables_removed: z.array(z.string()),
});

export const resolveQuery = z.strictObject({
  template_type: templateType,
  strategy_id: idText.optional(),
  language: language.default('en'),
});
export const resolveResult = z.object({
  source: z.enum(['strategy', 'global']),
  prompt: promptSchema,
});

export const typesResult = z.array(
  z.object({ template_type: templateType, description: z.string(), variables: z.array(z.string()) }),
);

export const statsResult = z.object({
  prompts: z.number().int(),
  active: z.number().int(),
  inactive: z.number().int(),
  global: z.number().int(),
  strategy_specific: z.number().int(),
  deleted: z.number().int(),
  by_type: z.record(z.string(), z.number().int()),
  by_language: z.record(z.string(), z.number().int()),
  versions: z.number().int(),
  signals_tracked: z.number().int(),
});

export const promptIdParams = z.object({ id: idText });
export const versionParams = promptIdParams.extend({ version: idText });
export const strategyPromptParams = z.object({ id: idText, prompt_id: idText });
