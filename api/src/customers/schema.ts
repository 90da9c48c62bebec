import { z } from 'zod'
import { bboxSchema, idParamSchema, latSchema, lngSchema, safeText } from '../lib/zod-helpers.ts'

export const customerStatuses = ['prospect', 'active', 'churned'] as const
export const customerSegments = ['enterprise', 'mid_market', 'smb'] as const

/** Filters shared by the list, tiles and density. */
export const customerFilterSchema = z.object({
  q: safeText(100).trim().optional(),
  status: z.enum(customerStatuses).optional(),
  segment: z.enum(customerSegments).optional(),
  industry: safeText(80).optional(),
  owner: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
})
export type CustomerFilter = z.infer<typeof customerFilterSchema>

export const listCustomersQuery = customerFilterSchema.extend({
  bbox: bboxSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z
    .string()
    .regex(/^[0-9]{1,15}$/, 'cursor is not one this API returned')
    .transform(Number)
    .optional(),
})

export const nearbyQuery = customerFilterSchema.extend({
  lng: lngSchema,
  lat: latSchema,
  radiusKm: z.coerce.number().finite().positive().max(2000).default(50),
  limit: z.coerce.number().int().min(1).max(200).default(10),
})

export const customerIdParam = idParamSchema

const consentInput = z.object({
  granted: z.boolean(),
  source: safeText(80).nullish(),
  at: z.iso.datetime({ offset: true }).nullish(),
})

const customerFields = {
  externalId: safeText(64).trim().min(1).nullish(),
  name: safeText(200).trim().min(1),
  industry: safeText(80).trim().min(1),
  segment: z.enum(customerSegments),
  status: z.enum(customerStatuses),
  address: safeText(200).trim().nullish(),
  zip: z
    .string()
    .trim()
    .regex(/^[0-9]{5}$/, 'zip must be 5 digits')
    .nullish(),
  city: safeText(100).trim().min(1).nullish(),
  state: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'state must be a 2-letter code')
    .nullish(),
  lng: lngSchema.optional(),
  lat: latSchema.optional(),
  ownerId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullish(),
  consent: z
    .object({ email: consentInput.optional(), phone: consentInput.optional(), mail: consentInput.optional() })
    .strict()
    .optional(),
}

const coordinatesTogether = (value: { lng?: number; lat?: number }) =>
  (value.lng === undefined) === (value.lat === undefined)

export const createCustomerSchema = z
  .object(customerFields)
  .strict()
  .refine(coordinatesTogether, { message: 'lng and lat go together', path: ['lng'] })
export type CreateCustomerInput = z.infer<typeof createCustomerSchema>

export const patchCustomerSchema = z
  .object(customerFields)
  .partial()
  .strict()
  .refine(coordinatesTogether, { message: 'lng and lat go together', path: ['lng'] })
  .refine((value) => Object.keys(value).length > 0, { message: 'nothing to change' })
export type PatchCustomerInput = z.infer<typeof patchCustomerSchema>
