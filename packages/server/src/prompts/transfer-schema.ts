import { z } from 'zod';
import { TEMPLATE_TYPES } from '../db/schema.js';
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
  version: z.number().int().positive(),
  template_content: z.string().max(MAX_TEMPLATE_CHARS),
  model_config: modelConfigSchema,
  change_note: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: z.iso.datetime({ offset: true }),
});

export const exportedPrompt = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().nullable(),
  template_type: z.enum(TEMPLATE_TYPES),
  language: z.string().min(2).max(20),
  is_active: z.boolean(),
  strategy: z.string().nullable().describe('Strategy name, or null for a global prompt'),
  versions: z.array(exportedVersion).min(1),
});

export const exportDocument = z
  .strictObject({
    format: z.literal('promptledger-export'),
    format_version: z.literal(1),
    exported_at: z.iso.datetime({ offset: true }),
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
  created_by: z.string().max(200).nullable(),
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
