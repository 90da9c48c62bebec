import { describe, expect, it } from 'vitest'
import { buildTravelMatrices, minutesForMetres } from '../../api/src/routing/travel-model.ts'

describe('buildTravelMatrices', () => {
  // One degree of latitude is 111.195 km on the mean-radius sphere.
  const points = [
    [10, 50],
    [10, 51],
  ] as const

  it('multiplies the great-circle distance by the detour factor and drives it at the average speed', () => {
    const { distances, durations } = buildTravelMatrices(points)
    expect(distances[0]?.[1]).toBeCloseTo(111_195 * 1.3, -1)
    // 144.55 km at 50 km/h.
    expect(durations[0]?.[1]).toBeCloseTo(((111.195 * 1.3) / 50) * 60, 1)
    expect(distances[1]?.[0]).toBe(distances[0]?.[1])
    expect(distances[0]?.[0]).toBe(0)
  })

  it('takes other detour factors and speeds', () => {
    const { distances, durations } = buildTravelMatrices(points, { detourFactor: 1, speedKmh: 100 })
    expect(distances[0]?.[1]).toBeCloseTo(111_195, -1)
    expect(durations[0]?.[1]).toBeCloseTo(66.72, 1)
  })

  it('refuses a speed that is not positive', () => {
    expect(() => buildTravelMatrices(points, { speedKmh: 0 })).toThrow(RangeError)
  })

  it('converts metres to minutes at 50 km/h by default', () => {
    expect(minutesForMetres(50_000)).toBe(60)
  })
})
