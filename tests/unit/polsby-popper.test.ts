import { describe, expect, it } from 'vitest'
import { polsbyPopper } from '../../api/src/territories/units.ts'

// A 2×2 grid of 10 km squares: perimeters 40 km, four inner borders of 10 km.
const borders = {
  adjacency: [
    [0, 1],
    [2, 3],
    [0, 2],
    [1, 3],
  ] as [number, number][],
  sharedKm: [10, 10, 10, 10],
  perimeterKm: [40, 40, 40, 40],
}
const areas = [100, 100, 100, 100]

describe('polsbyPopper', () => {
  it('scores a square territory π/4 and a 1×2 strip lower', () => {
    expect(polsbyPopper(borders, areas, [0, 0, 0, 0], 1)).toEqual([Math.round((Math.PI / 4) * 1000) / 1000])
    // Two strips of two squares: A = 200, P = 60 → 4π·200/3600.
    const [left, right] = polsbyPopper(borders, areas, [0, 1, 0, 1], 2)
    expect(left).toBeCloseTo((4 * Math.PI * 200) / 3600, 3)
    expect(right).toBe(left)
    expect(left ?? 1).toBeLessThan(Math.PI / 4)
  })

  it('counts no inner border between units of different territories', () => {
    const [diagonal] = polsbyPopper(borders, areas, [0, 1, 1, 0], 2)
    // Two squares touching at a corner: A = 200, P = 80.
    expect(diagonal).toBeCloseTo((4 * Math.PI * 200) / 6400, 3)
  })
})
