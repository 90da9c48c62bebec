import { z } from 'zod'

/** Text that Postgres can store and a person can read: no NUL or other control characters but tab/newline. */
export const safeText = (max: number) =>
  z
    .string()
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    .refine((value) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(value), 'must not contain control characters')

export const lngSchema = z.coerce.number().finite().min(-180).max(180)
export const latSchema = z.coerce.number().finite().min(-90).max(90)

export type Bbox = [west: number, south: number, east: number, north: number]

/** `west,south,east,north` in EPSG:4326. */
export const bboxSchema = z.string().transform((value, ctx): Bbox => {
  const parts = value.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part)))
  const [w, s, e, n] = parts
  if (
    parts.length !== 4 ||
    w === undefined ||
    s === undefined ||
    e === undefined ||
    n === undefined ||
    parts.some((p) => !Number.isFinite(p))
  ) {
    ctx.addIssue({ code: 'custom', message: 'bbox must be four numbers: west,south,east,north' })
    return z.NEVER
  }
  if (w < -180 || e > 180 || w > 180 || e < -180)
    ctx.addIssue({ code: 'custom', message: 'bbox longitudes must be within ±180' })
  if (s < -90 || n > 90 || s > 90 || n < -90)
    ctx.addIssue({ code: 'custom', message: 'bbox latitudes must be within ±90' })
  if (w > e) ctx.addIssue({ code: 'custom', message: 'bbox west must not be greater than east' })
  if (s > n) ctx.addIssue({ code: 'custom', message: 'bbox south must not be greater than north' })
  return [w, s, e, n]
})

export const idParamSchema = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) })
