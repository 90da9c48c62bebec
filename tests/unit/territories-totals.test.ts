import { describe, expect, it } from 'vitest'
import { territoryMetrics, type UnitMeasures } from '../../api/src/territories/metrics.ts'
import {
  metricsFromTotals,
  polsbyPopperOf,
  shiftTotals,
  territoryShape,
  totalsOf,
  type UnitNeighbours,
} from '../../api/src/territories/totals.ts'

/** A 3 × 3 grid of 10 km squares named "r,c"; each shares 10 km with its rook neighbours. */
const grid: UnitNeighbours = {
  perimeterKm: () => 40,
  neighbours: (id) => {
    const [r = 0, c = 0] = id.split(',').map(Number)
    return [
      [r - 1, c],
      [r + 1, c],
      [r, c - 1],
      [r, c + 1],
    ]
      .filter(([y = -1, x = -1]) => y >= 0 && y < 3 && x >= 0 && x < 3)
      .map(([y, x]) => ({ id: `${y},${x}`, km: 10 }))
  },
}

function unit(i: number): UnitMeasures {
  return {
    customers: 10 + i,
    active: 5 + i,
    prospects: i % 3,
    revenueCents: 1_000_000 * i,
    population: 1000 * i,
    areaKm2: 100,
    lng: -100 + i * 0.1,
    lat: 40 + (i % 3) * 0.1,
    tierA: i % 2,
    tierB: 1,
    tierC: 2,
  }
}

describe('territoryShape', () => {
  it('measures the outline of a 2 × 2 block as 80 km and calls it contiguous', () => {
    const shape = territoryShape(grid, ['0,0', '0,1', '1,0', '1,1'])
    expect(shape.perimeterKm).toBe(80)
    expect(shape.contiguous).toBe(true)
    // A 20 km square: 4π·400 / 80² = π/4.
    expect(polsbyPopperOf(400, shape.perimeterKm)).toBeCloseTo(Math.PI / 4, 3)
  })

  it('sees two opposite corners as two pieces with the full length of both outlines', () => {
    const shape = territoryShape(grid, ['0,0', '2,2'])
    expect(shape.perimeterKm).toBe(80)
    expect(shape.contiguous).toBe(false)
  })

  it('calls an empty territory contiguous with no outline', () => {
    expect(territoryShape(grid, [])).toEqual({ perimeterKm: 0, contiguous: true })
  })
})

describe('running totals', () => {
  const units = Array.from({ length: 9 }, (_, i) => unit(i))
  const home: [number, number] = [-99, 41]

  it('give the same metrics as summing the units, with the rep’s home-base trips', () => {
    const assignment = [0, 0, 0, 1, 1, 1, 0, 1, 0]
    const expected = territoryMetrics(units, assignment, 2, [home, null])
    const totals = [0, 1].map((t) => totalsOf(units.filter((_, i) => assignment[i] === t)))
    expect(totals.map((t, i) => metricsFromTotals(t, i === 0 ? home : null))).toEqual(expected)
  })

  it('after moving units out and back in equal the totals they started from', () => {
    const start = totalsOf(units.slice(0, 5))
    const moved = { ...start }
    for (const i of [0, 3, 4]) shiftTotals(moved, units[i] as UnitMeasures, -1)
    expect(moved.customers).toBe(start.customers - 10 - 13 - 14)
    for (const i of [4, 0, 3]) shiftTotals(moved, units[i] as UnitMeasures, 1)
    expect(metricsFromTotals(moved, home)).toEqual(metricsFromTotals(start, home))
  })

  it('return to exact zeros when the last unit leaves', () => {
    const t = totalsOf([unit(3)])
    shiftTotals(t, unit(3), -1)
    expect(metricsFromTotals(t, home)).toEqual(territoryMetrics([], [], 1, [home])[0])
  })
})
