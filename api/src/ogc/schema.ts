import { z } from 'zod'
import { bboxSchema } from '../lib/zod-helpers.ts'

export const collectionIds = ['customers', 'territories', 'states', 'counties', 'trade-areas'] as const
export type CollectionId = (typeof collectionIds)[number]

/** Accepted on every OGC request: the response format (JSON only) and a token for tools without headers. */
const common = {
  f: z.enum(['json', 'geojson']).optional().describe('response format; JSON / GeoJSON only'),
  token: z.string().optional().describe('a personal API token, for tools that cannot send headers'),
}

export const ogcQuery = z.object(common).strict()

export const itemsQuery = z
  .object({
    ...common,
    bbox: bboxSchema.optional().describe('west,south,east,north in CRS84 (lng/lat)'),
    limit: z.coerce.number().int().min(1).max(10_000).default(100),
    offset: z.coerce.number().int().min(0).max(100_000_000).default(0),
    after: z
      .string()
      .regex(/^[0-9]{1,15}$/, 'after is an id from a next link')
      .transform(Number)
      .optional()
      .describe(
        'customers only: continue after this id (next links set it, so deep pages cost no more than the first)',
      ),
  })
  .strict()
export type ItemsQuery = z.infer<typeof itemsQuery>

export const collectionParam = z.object({ collectionId: z.string().max(100) })
export const featureParam = z.object({ collectionId: z.string().max(100), featureId: z.string().max(100) })
