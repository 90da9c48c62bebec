import { haversineKm } from '../lib/geo.ts'
import type { Matrix } from './tsp.ts'

export type TravelModelOptions = {
  /** Road distance over straight-line distance; default 1.3. */
  detourFactor?: number
  /** Average driving speed; default 50 km/h. */
  speedKmh?: number
}

/** Metres and minutes between every pair of points. */
export type TravelMatrices = { distances: number[][]; durations: number[][] }

export const defaultDetourFactor = 1.3
export const defaultSpeedKmh = 50

/** Minutes needed to drive `metres` at `speedKmh`. */
export const minutesForMetres = (metres: number, speedKmh = defaultSpeedKmh): number => (metres / 1000 / speedKmh) * 60

/** Straight-line travel model: haversine distance × detour factor, driven at a constant average speed. */
export function buildTravelMatrices(
  points: readonly (readonly [lng: number, lat: number])[],
  options: TravelModelOptions = {},
): TravelMatrices {
  const detour = options.detourFactor ?? defaultDetourFactor
  const speed = options.speedKmh ?? defaultSpeedKmh
  if (!(detour > 0) || !(speed > 0)) throw new RangeError('detourFactor and speedKmh must be positive')
  const distances = points.map((a) => points.map((b) => haversineKm(a, b) * 1000 * detour))
  return { distances, durations: durationsFromDistances(distances, speed) }
}

/** Travel minutes for a metre matrix that came without durations. */
export function durationsFromDistances(distances: Matrix, speedKmh = defaultSpeedKmh): number[][] {
  return distances.map((row) => row.map((metres) => minutesForMetres(metres, speedKmh)))
}
