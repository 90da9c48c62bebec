import { z } from 'zod'
import { safeText } from '../lib/zod-helpers.ts'

export const createTokenSchema = z
  .object({
    name: safeText(80).trim().min(1, 'name the token, e.g. "QGIS on my laptop"'),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict()

const tokenItemSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
})

export const tokenListResponse = z.object({ items: z.array(tokenItemSchema) })
export const createdTokenResponse = z.object({
  token: z.string().describe('Shown once; only a hash is stored.'),
  item: tokenItemSchema,
})
