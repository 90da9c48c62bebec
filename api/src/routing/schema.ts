import { z } from 'zod'
import { latSchema, lngSchema } from '../lib/zod-helpers.ts'

const minuteOfDay = z
  .number()
  .min(0)
  .max(48 * 60)
const point = z.object({ lng: lngSchema, lat: latSchema }).strict()
const matrixRow = z.array(z.number().finite().min(0, 'matrix entries must not be negative'))

export const maxRouteStops = 1000

export const optimizeSchema = z
  .object({
    stops: z
      .array(
        z
          .object({
            id: z.union([z.string().min(1).max(64), z.number().int()]).transform(String),
            lng: lngSchema.optional(),
            lat: latSchema.optional(),
            durationMin: z
              .number()
              .min(0)
              .max(24 * 60)
              .optional(),
            window: z.tuple([minuteOfDay, minuteOfDay]).optional(),
          })
          .strict()
          .refine((s) => !s.window || s.window[0] <= s.window[1], {
            message: 'window ends before it starts',
            path: ['window'],
          }),
      )
      .min(1)
      .max(maxRouteStops, `at most ${maxRouteStops} stops`),
    start: point.optional(),
    end: point.optional(),
    dayStartMin: minuteOfDay.optional(),
    dayEndMin: minuteOfDay.optional(),
    lunchBreak: z
      .object({ durationMin: z.number().min(0).max(240), window: z.tuple([minuteOfDay, minuteOfDay]) })
      .strict()
      .refine((b) => b.window[0] <= b.window[1], { message: 'window ends before it starts', path: ['window'] })
      .optional(),
    matrix: z
      .object({ distances: z.array(matrixRow), durations: z.array(matrixRow).optional() })
      .strict()
      .optional(),
    travel: z
      .object({ detourFactor: z.number().min(1).max(5).optional(), speedKmh: z.number().min(1).max(200).optional() })
      .strict()
      .optional(),
    objective: z.enum(['distance', 'duration']).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const ids = new Set<string>()
    value.stops.forEach((stop, i) => {
      if (ids.has(stop.id))
        ctx.addIssue({ code: 'custom', message: `duplicate stop id ${stop.id}`, path: ['stops', i, 'id'] })
      ids.add(stop.id)
    })
    if (value.dayStartMin !== undefined && value.dayEndMin !== undefined && value.dayEndMin < value.dayStartMin) {
      ctx.addIssue({ code: 'custom', message: 'the day ends before it starts', path: ['dayEndMin'] })
    }
    if (value.matrix) {
      const n = value.stops.length
      const size = value.matrix.distances.length
      if (size !== n + 1 && size !== n + 2) {
        ctx.addIssue({
          code: 'custom',
          message: `matrix must be ${n + 1}×${n + 1} (start + stops) or ${n + 2}×${n + 2} (with an end)`,
          path: ['matrix', 'distances'],
        })
      }
      for (const [name, rows] of [
        ['distances', value.matrix.distances],
        ['durations', value.matrix.durations],
      ] as const) {
        if (rows && (rows.length !== size || rows.some((row) => row.length !== size))) {
          ctx.addIssue({
            code: 'custom',
            message: `matrix ${name} must be square and ${size}×${size}`,
            path: ['matrix', name],
          })
        }
      }
    } else {
      if (!value.start) ctx.addIssue({ code: 'custom', message: 'start is required without a matrix', path: ['start'] })
      value.stops.forEach((stop, i) => {
        if (stop.lng === undefined || stop.lat === undefined) {
          ctx.addIssue({ code: 'custom', message: 'stops need lng and lat without a matrix', path: ['stops', i] })
        }
      })
    }
  })
export type OptimizeInput = z.infer<typeof optimizeSchema>
