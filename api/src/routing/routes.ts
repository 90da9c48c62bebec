import { Hono } from 'hono'
import type { AppEnv } from '../context.ts'
import { validateJson } from '../lib/validate.ts'
import { optimizeRoute } from './optimizer.ts'
import { type OptimizeInput, optimizeSchema } from './schema.ts'
import { buildTravelMatrices } from './travel-model.ts'

/** Matrices from the request, or straight-line distance × detour at an average speed from the points. */
function travelMatrices(input: OptimizeInput): { distances: number[][]; durations?: number[][] } {
  if (input.matrix) return { distances: input.matrix.distances, durations: input.matrix.durations }
  const points: [number, number][] = []
  if (input.start) points.push([input.start.lng, input.start.lat])
  for (const stop of input.stops) points.push([stop.lng ?? 0, stop.lat ?? 0])
  if (input.end) points.push([input.end.lng, input.end.lat])
  return buildTravelMatrices(points, { detourFactor: input.travel?.detourFactor, speedKmh: input.travel?.speedKmh })
}

export const routeRoutes = new Hono<AppEnv>().post('/optimize', validateJson(optimizeSchema), (c) => {
  const input = c.req.valid('json')
  const { distances, durations } = travelMatrices(input)
  const plan = optimizeRoute({
    stops: input.stops.map((s) => ({ id: s.id, durationMin: s.durationMin, window: s.window })),
    distances,
    durations,
    speedKmh: input.travel?.speedKmh,
    dayStartMin: input.dayStartMin,
    dayEndMin: input.dayEndMin,
    lunchBreak: input.lunchBreak,
    objective: input.objective,
    seed: 1,
  })
  return c.json(plan, 200)
})
