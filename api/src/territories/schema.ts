import { z } from 'zod'
import { bboxSchema, safeText } from '../lib/zod-helpers.ts'

export const balanceMeasures = ['customers', 'revenue', 'workload', 'potential'] as const
export type BalanceMeasure = (typeof balanceMeasures)[number]

/** `county`, or `h3:<res>` with a resolution from 3 (≈12,000 km² cells) to 8 (≈0.7 km²). */
export const unitsSchema = z.union([
  z.literal('county').transform(() => ({ kind: 'county' as const, res: null })),
  z
    .string()
    .regex(/^h3:[0-9]{1,2}$/, 'units must be "county" or "h3:<resolution>"')
    .transform((value) => ({ kind: 'h3' as const, res: Number(value.slice(3)) }))
    .refine((value) => value.res >= 3 && value.res <= 8, 'H3 resolution must be between 3 and 8'),
])
export type UnitSpec = z.infer<typeof unitsSchema>

const stateCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'states are 2-letter codes')

export const scopeSchema = z
  .object({
    states: z.array(stateCode).min(1).max(60).optional(),
    bbox: z
      .tuple([z.number(), z.number(), z.number(), z.number()])
      .transform((value) => value.join(','))
      .pipe(bboxSchema)
      .optional(),
  })
  .strict()
  .refine((value) => value.states !== undefined || value.bbox !== undefined, 'scope needs states or a bbox')
export type Scope = z.infer<typeof scopeSchema>

/** One measure, or a weighted mix of two: `{ mix: ['customers', 'revenue'], share: 0.7 }`. */
export const measureSchema = z.union([
  z.enum(balanceMeasures),
  z
    .object({ mix: z.tuple([z.enum(balanceMeasures), z.enum(balanceMeasures)]), share: z.number().min(0).max(1) })
    .strict(),
])
export type MeasureSpec = z.infer<typeof measureSchema>

export const balanceSchema = z
  .object({
    name: safeText(120).trim().min(1).optional(),
    units: unitsSchema,
    scope: scopeSchema,
    k: z.number().int().min(1).max(500),
    measure: measureSchema.default('customers'),
    tolerance: z.number().min(0.005).max(0.5).default(0.05),
    locked: z.array(z.string().min(1).max(20)).max(5000).optional(),
    startFrom: z.number().int().positive().optional(),
  })
  .strict()
export type BalanceInput = z.infer<typeof balanceSchema>

export const draftIdParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) })
export const draftGeojsonParam = z.object({
  file: z
    .string()
    .regex(/^[0-9]{1,15}\.geojson$/, 'expected <id>.geojson')
    .transform((value) => Number.parseInt(value, 10)),
})

export const moveUnitsSchema = z
  .object({
    version: z.number().int().positive(),
    moves: z
      .array(z.object({ unitId: z.string().min(1).max(20), territoryId: z.number().int().positive() }).strict())
      .min(1)
      .max(5000)
      .refine(
        (moves) => new Set(moves.map((m) => m.unitId)).size === moves.length,
        'a unit may be moved only once per edit',
      ),
  })
  .strict()

export const patchTerritorySchema = z
  .object({
    version: z.number().int().positive(),
    name: safeText(120).trim().min(1).optional(),
    repId: z.number().int().positive().nullable().optional(),
    regionName: safeText(120).trim().nullable().optional(),
    districtName: safeText(120).trim().nullable().optional(),
    locked: z.boolean().optional(),
  })
  .strict()
  .refine((value) => Object.keys(value).length > 1, 'nothing to change')

export const activateSchema = z.object({ version: z.number().int().positive().optional() }).strict()

const geojsonFeature = z.object({
  type: z.literal('Feature'),
  geometry: z.unknown().nullable().optional(),
  properties: z
    .object({
      name: safeText(120).trim().min(1),
      repId: z.number().int().positive().nullable().optional(),
      repEmail: z.string().max(254).nullable().optional(),
      unitIds: z.array(z.string().min(1).max(20)).max(20_000),
      regionName: safeText(120).nullable().optional(),
      districtName: safeText(120).nullable().optional(),
    })
    .passthrough(),
})

export const importSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    name: safeText(120).trim().min(1).optional(),
    properties: z
      .object({ unitKind: z.enum(['county', 'h3']), h3Res: z.number().int().nullable().optional() })
      .passthrough(),
    features: z.array(geojsonFeature).min(1).max(500),
  })
  .passthrough()

const position = z.tuple([z.number().finite(), z.number().finite()]).rest(z.number())
const ring = z.array(position).min(3).max(20_000)
export const drawnPolygonSchema = z
  .object({
    version: z.number().int().positive(),
    geometry: z.discriminatedUnion('type', [
      z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1).max(100) }).strict(),
      z
        .object({
          type: z.literal('MultiPolygon'),
          coordinates: z.array(z.array(ring).min(1).max(100)).min(1).max(100),
        })
        .strict(),
    ]),
  })
  .strict()
export type DrawnPolygonInput = z.infer<typeof drawnPolygonSchema>
