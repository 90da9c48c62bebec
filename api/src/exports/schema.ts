import { z } from 'zod'
import { customerFilterSchema } from '../customers/schema.ts'
import { bboxSchema } from '../lib/zod-helpers.ts'

export const exportResources = ['customers', 'contacts', 'interactions', 'territories'] as const
export type ExportResource = (typeof exportResources)[number]
export const exportFormats = ['csv', 'geojson'] as const
export type ExportFormat = (typeof exportFormats)[number]

export const exportParam = z.object({ resource: z.enum(exportResources) })

/** The customer list's filters (plus bbox) pick the customers whose rows are exported; `alignment` is for territories. */
export const exportQuery = customerFilterSchema
  .extend({
    format: z.enum(exportFormats).default('csv'),
    bbox: bboxSchema.optional(),
    alignment: z
      .union([z.literal('active'), z.string().regex(/^[0-9]{1,15}$/, 'alignment is "active" or a draft id')])
      .default('active')
      .describe('territories only: "active" or the id of a draft'),
    token: z.string().optional().describe('a personal API token, for tools that cannot send headers'),
  })
  .strict()
export type ExportQuery = z.infer<typeof exportQuery>

export const auditLogQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z
      .string()
      .regex(/^[0-9]{1,15}$/, 'cursor is not one this API returned')
      .transform(Number)
      .optional(),
    action: z.enum(['export']).optional(),
  })
  .strict()

export const auditLogResponse = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      userId: z.number().int().nullable(),
      userEmail: z.string(),
      action: z.enum(['export']),
      resource: z.string(),
      format: z.string().nullable(),
      filters: z.record(z.string(), z.unknown()),
      status: z.enum(['started', 'completed', 'failed', 'aborted']),
      rowCount: z.number().int().nullable(),
      error: z.string().nullable(),
      via: z.enum(['session', 'token']),
      startedAt: z.iso.datetime(),
      finishedAt: z.iso.datetime().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
})
