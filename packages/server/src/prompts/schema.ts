import { z } from 'zod';
import { TEMPLATE_TYPES } from '../db/schema.js';
import { pageOf, pageQuery, queryBool } from '../http/common.js';
import { secretFields } from './model-config-secrets.js';

/** Largest template we accept; the HTTP body limit (1 MB) is the outer bound. */
export const MAX_TEMPLATE_CHARS = 200_000;

const templateType = z.enum(TEMPLATE_TYPES);
export const language = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language tag such as en, de or pt-BR');
export const name = z.string().trim().min(1).max(200);
export const description = z.string().max(10_000).nullable();
export const changeNote = z.string().max(2_000).nullable();
const templateContent = z.string().max(MAX_TEMPLATE_CHARS);

export const modelConfigSchema = z
  .looseObject({
    model: z.string().min(1).max(200).optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().positive().max(1_000_000).optional(),
    top_p: z.number().min(0).max(1).optional(),
  })
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

export const createPromptBody = z.strictObject({
  name,
  description: description.optional(),
  template_type: templateType,
  template_content: templateContent,
  is_active: z.boolean().optional(),
  strategy_id: z.number().int().positive().nullable().optional(),
  language: language.optional(),
  model_config: modelConfigInput.optional(),
  ...writeExtras,
});
export type CreatePromptInput = z.infer<typeof createPromptBody>;

/** Scope is not editable: move a prompt by cloning it into the other scope. */
export const updatePromptBody = z.strictObject({
  name: name.optional(),
  description: description.optional(),
  template_type: templateType.optional(),
  template_content: templateContent.optional(),
  is_active: z.boolean().optional(),
  language: language.optional(),
  model_config: modelConfigInput.optional(),
  expected_version: z
    .number()
    .int()
    .positive()
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
  strategy_id: z.coerce.number().int().positive().optional(),
  is_active: queryBool.optional(),
  is_global: queryBool.optional(),
  search: z.string().max(200).optional(),
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
    prompt_id: z.number().int().positive().optional(),
    version: z.number().int().positive().optional(),
    context: z.record(z.string(), z.unknown()).default({}),
    strict: z.boolean().optional().describe('Treat undefined variables as errors.'),
    strategy_id: z
      .number()
      .int()
      .positive()
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

export const cloneBody = z.strictObject({
  name: name.optional(),
  strategy_id: z.number().int().positive().nullable().optional(),
});

export const diffQuery = z.strictObject({
  from: z.coerce.number().int().positive(),
  to: z.coerce.number().int().positive(),
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
  strategy_id: z.coerce.number().int().positive().optional(),
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

export const promptIdParams = z.object({ id: z.coerce.number().int().positive() });
export const versionParams = promptIdParams.extend({ version: z.coerce.number().int().positive() });
export const strategyPromptParams = z.object({
  id: z.coerce.number().int().positive(),
  prompt_id: z.coerce.number().int().positive(),
});
