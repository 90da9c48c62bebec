import { z } from 'zod'
import { latSchema, lngSchema, safeText } from '../lib/zod-helpers.ts'

/** Stops one day plan may hold; a day of field visits is a handful, a hundred is already generous. */
export const maxVisitStops = 100
/** Customers one week plan may spread. */
export const maxWeekStops = 300

const minuteOfDay = z
  .number()
  .min(0)
  .max(48 * 60)
const window = z
  .tuple([minuteOfDay, minuteOfDay])
  .refine((w) => w[0] <= w[1], { message: 'window ends before it starts' })
const idSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

/** A real calendar date, YYYY-MM-DD. */
export const dateSchema = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' })

/** Where the day starts or ends: the rep's home base, an office, or where the device is now. */
export const placeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('home') }).strict(),
  z.object({ kind: z.literal('office'), lng: lngSchema, lat: latSchema, label: safeText(80).optional() }).strict(),
  z.object({ kind: z.literal('current'), lng: lngSchema, lat: latSchema }).strict(),
])
export type PlaceInput = z.infer<typeof placeSchema>

export const visitStopSchema = z
  .object({
    customerId: idSchema,
    /** Default: by the customer's value tier. */
    durationMin: z
      .number()
      .min(0)
      .max(12 * 60)
      .optional(),
    /** Opening hours the visit must start in, minutes from midnight. */
    window: window.optional(),
  })
  .strict()
export type VisitStopInput = z.infer<typeof visitStopSchema>

const matrixRow = z.array(z.number().finite().min(0, 'matrix entries must not be negative'))

const dayFields = {
  /** Whose day; default the signed-in user. Managers and admins plan for any rep. */
  repId: idSchema.optional(),
  date: dateSchema,
  start: placeSchema.default({ kind: 'home' }),
  /** Default: back to the start. */
  end: placeSchema.optional(),
  dayStartMin: minuteOfDay.default(8 * 60),
  dayEndMin: minuteOfDay.default(18 * 60),
  lunchBreak: z
    .object({ durationMin: z.number().min(0).max(240), window })
    .strict()
    .refine((b) => b.window[0] + b.durationMin <= b.window[1], {
      message: 'the lunch break does not fit in its window',
      path: ['window'],
    })
    .optional(),
  travel: z
    .object({ detourFactor: z.number().min(1).max(5).optional(), speedKmh: z.number().min(1).max(200).optional() })
    .strict()
    .optional(),
  /** A road matrix from elsewhere over start (0), stops in order, and end (last; leave it out to return to the start). */
  matrix: z
    .object({ distances: z.array(matrixRow), durations: z.array(matrixRow).optional() })
    .strict()
    .optional(),
}

function checkDay(
  value: {
    dayStartMin: number
    dayEndMin: number
    stops: { customerId: number }[]
    matrix?: { distances: number[][]; durations?: number[][] }
    end?: unknown
  },
  ctx: z.RefinementCtx,
) {
  if (value.dayEndMin < value.dayStartMin) {
    ctx.addIssue({ code: 'custom', message: 'the day ends before it starts', path: ['dayEndMin'] })
  }
  const seen = new Set<number>()
  value.stops.forEach((stop, i) => {
    if (seen.has(stop.customerId)) {
      ctx.addIssue({ code: 'custom', message: `customer ${stop.customerId} is planned twice`, path: ['stops', i] })
    }
    seen.add(stop.customerId)
  })
  if (value.matrix) {
    const size = value.stops.length + (value.end ? 2 : 1)
    for (const [name, rows] of [
      ['distances', value.matrix.distances],
      ['durations', value.matrix.durations],
    ] as const) {
      if (rows && (rows.length !== size || rows.some((row) => row.length !== size))) {
        ctx.addIssue({ code: 'custom', message: `matrix ${name} must be ${size}×${size}`, path: ['matrix', name] })
      }
    }
  }
}

export const optimizeDaySchema = z
  .object({
    ...dayFields,
    stops: z.array(visitStopSchema).min(1).max(maxVisitStops, `at most ${maxVisitStops} stops a day`),
  })
  .strict()
  .superRefine(checkDay)
export type OptimizeDayInput = z.infer<typeof optimizeDaySchema>

function checkOrder(value: { stops: { customerId: number }[]; order?: number[] }, ctx: z.RefinementCtx) {
  if (!value.order) return
  const planned = new Set(value.stops.map((s) => s.customerId))
  const seen = new Set<number>()
  value.order.forEach((id, i) => {
    if (!planned.has(id)) ctx.addIssue({ code: 'custom', message: `customer ${id} is not a stop`, path: ['order', i] })
    if (seen.has(id)) ctx.addIssue({ code: 'custom', message: `customer ${id} is ordered twice`, path: ['order', i] })
    seen.add(id)
  })
}

/** Re-time the stops in exactly this order (a drag in the timeline). */
export const retimeDaySchema = z
  .object({
    ...dayFields,
    stops: z.array(visitStopSchema).min(1).max(maxVisitStops, `at most ${maxVisitStops} stops a day`),
    order: z.array(idSchema).max(maxVisitStops),
  })
  .strict()
  .superRefine(checkDay)
  .superRefine(checkOrder)
export type RetimeDayInput = z.infer<typeof retimeDaySchema>

/** Save a day plan: the order is re-timed by the server (optimised when left out). */
export const saveDaySchema = z
  .object({
    ...dayFields,
    stops: z.array(visitStopSchema).max(maxVisitStops, `at most ${maxVisitStops} stops a day`),
    order: z.array(idSchema).max(maxVisitStops).optional(),
    /** The version the edit started from; 0 for a plan not saved before. A stale version answers 409. */
    expectedVersion: z.number().int().min(0),
  })
  .strict()
  .superRefine(checkDay)
  .superRefine(checkOrder)
export type SaveDayInput = z.infer<typeof saveDaySchema>

export const planKeyParams = z.object({ date: dateSchema })
export const repQuery = z.object({ repId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional() })

export const suggestionsQuery = repQuery.extend({
  date: dateSchema,
  lng: lngSchema.optional(),
  lat: latSchema.optional(),
  radiusKm: z.coerce.number().finite().positive().max(1000).default(150),
  limit: z.coerce.number().int().min(1).max(100).default(25),
})

export const weekSchema = z
  .object({
    repId: idSchema.optional(),
    /** First working day of the week. */
    weekStart: dateSchema,
    days: z.number().int().min(1).max(7).default(5),
    start: placeSchema.default({ kind: 'home' }),
    end: placeSchema.optional(),
    dayStartMin: minuteOfDay.default(8 * 60),
    dayEndMin: minuteOfDay.default(18 * 60),
    lunchBreak: dayFields.lunchBreak,
    travel: dayFields.travel,
    stops: z
      .array(
        visitStopSchema.extend({
          /** Days of the week the customer receives visits (1 = the first working day); default every day. */
          openDays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
        }),
      )
      .min(1)
      .max(maxWeekStops, `at most ${maxWeekStops} customers a week`),
  })
  .strict()
  .superRefine((value, ctx) => checkDay({ ...value, matrix: undefined }, ctx))
export type WeekInput = z.infer<typeof weekSchema>

export const checkInSchema = z
  .object({
    customerId: idSchema,
    /** The plan day the visit belongs to; default today (UTC). */
    date: dateSchema.optional(),
    outcome: safeText(80).trim().min(1, 'outcome is required'),
    notes: safeText(10_000).trim().nullish(),
    /** Where the device says it is; used once for the 200 m check and never stored. */
    position: z
      .object({ lng: lngSchema, lat: latSchema, accuracyM: z.number().min(0).max(100_000).optional() })
      .strict()
      .nullish(),
  })
  .strict()
export type CheckInInput = z.infer<typeof checkInSchema>

export const reportQuery = z.object({
  weekStart: dateSchema,
  weeks: z.coerce.number().int().min(1).max(12).default(1),
})
