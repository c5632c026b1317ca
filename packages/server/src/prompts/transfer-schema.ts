import { z } from 'zod';
import { TEMPLATE_TYPES } from '../db/schema.js';
import { id, text, timestampText } from '../http/fields.js';
import {
  changeNote,
  description,
  language,
  MAX_TEMPLATE_CHARS,
  modelConfigInput,
  modelConfigSchema,
  name,
} from './schema.js';

/** The export file format: every live prompt with its whole history, strategies named not numbered. */
export const exportedVersion = z.strictObject({
  version: id,
  template_content: text(MAX_TEMPLATE_CHARS),
  model_config: modelConfigSchema,
  change_note: text(2_000).nullable(),
  created_by: text(1_000).nullable(),
  created_at: timestampText,
});

export const exportedPrompt = z.strictObject({
  name: text(200, { trim: true, min: 1 }),
  description: text(10_000).nullable(),
  template_type: z.enum(TEMPLATE_TYPES),
  language: text(20, { min: 2 }),
  is_active: z.boolean(),
  strategy: text(200).nullable().describe('Strategy name, or null for a global prompt'),
  versions: z.array(exportedVersion).min(1),
});

export const exportDocument = z
  .strictObject({
    format: z.literal('promptledger-export'),
    format_version: z.literal(1),
    exported_at: timestampText,
    prompts: z.array(exportedPrompt),
  })
  .meta({ id: 'PromptExport' });
export type ExportDocument = z.infer<typeof exportDocument>;

/**
 * What an import accepts: the export format held to the rules of create (name, description and
 * language limits; no credentials in model_config). The file's authors and times are kept as
 * `imported_from`; the importing key becomes the author.
 */
const importedVersion = exportedVersion.extend({
  model_config: modelConfigInput,
  change_note: changeNote,
  created_by: text(200).nullable(),
});
const importedPrompt = exportedPrompt.extend({
  name,
  description,
  language,
  versions: z.array(importedVersion).min(1),
});
export const importDocument = exportDocument
  .extend({ prompts: z.array(importedPrompt) })
  .meta({ id: 'PromptImport' });
export type ImportDocument = z.infer<typeof importDocument>;

export const importResult = z.object({
  imported: z.number().int(),
  versions: z.number().int(),
  deactivated: z
    .array(z.string())
    .describe('Prompts imported inactive because their slot already had an active prompt'),
});
