import { z } from 'zod'
import { idParamSchema, safeText } from '../lib/zod-helpers.ts'
import { importEntities, importModes, matchRules } from './fields.ts'

export const importIdParam = idParamSchema

export const uploadQuery = z.object({
  filename: safeText(200).trim().min(1).default('upload.csv'),
})

export const startImportSchema = z
  .object({
    entity: z.enum(importEntities),
    mapping: z.record(safeText(64), safeText(200)),
    matchBy: z.enum(matchRules).default('external_id'),
    mode: z.enum(importModes).default('row_by_row'),
  })
  .strict()

export const listImportsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
})
