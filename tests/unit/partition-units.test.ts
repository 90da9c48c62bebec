import { describe, expect, it } from 'vitest'
import { blendMeasures, partitionUnits } from '../../api/src/territories/partition.ts'
import { makeGrid, makeSkewedGrid } from '../support/grids.ts'

describe('partitionUnits', () => {
  it('splits a 4×4 grid of equal weights into 2 exactly balanced contiguous territories', () => {
    const result = partitionUnits({ ...makeGrid(4, 4), k: 2 })
    expect(result.loads).toEqual([8, 8])
    expect(result.maxDeviation).toBe(0)
    expect(result.contiguous).toEqual([true, true])
    expect(result.reachedTolerance).toBe(true)
    expect(result.notes).toEqual([])
  })

  it('splits a 4×4 grid of equal weights into 4 exactly balanced contiguous territories', () => {
    const result = partitionUnits({ ...makeGrid(4, 4), k: 4 })
    expect(result.loads).toEqual([4, 4, 4, 4])
    expect(result.contiguous).toEqual([true, true, true, true])
    expect(result.assignment.every((t) => t >= 0 && t < 4)).toBe(true)
  })

  it('finds the only balanced contiguous split of a weighted grid (top row vs bottom row)', () => {
    // 4 1 1 / 4 1 1: total 12, so each half needs 6; any 6 other than a full row leaves the other half in pieces.
    const grid = makeGrid(2, 3, (_, col) => (col === 0 ? 4 : 1))
    const { assignment, maxDeviation, contiguous } = partitionUnits({ ...grid, k: 2, tolerance: 0 })
    const [top, bottom] = [assignment.slice(0, 3), assignment.slice(3)]
    expect(new Set(top).size).toBe(1)
    expect(new Set(bottom).size).toBe(1)
    expect(top[0]).not.toBe(bottom[0])
    expect(maxDeviation).toBe(0)
    expect(contiguous).toEqual([true, true])
  })

  it('keeps locked units in their territories while balancing the rest', () => {
    const locked = new Map([
      [0, 1],
      [15, 0],
      [5, 1],
    ])
    const result = partitionUnits({ ...makeGrid(4, 4), k: 2, locked })
    expect(result.assignment[0]).toBe(1)
    expect(result.assignment[5]).toBe(1)
    expect(result.assignment[15]).toBe(0)
    expect(result.loads).toEqual([8, 8])
    expect(result.contiguous).toEqual([true, true])
  })

  it('reports a unit heavier than the target and does not claim the tolerance was reached', () => {
    const grid = makeGrid(3, 3, (row, col) => (row === 1 && col === 1 ? 10 : 1))
    const result = partitionUnits({ ...grid, k: 3 })
    expect(result.reachedTolerance).toBe(false)
    expect(result.maxDeviation).toBeGreaterThan(0.05)
    const heavy = result.notes.find((n) => n.code === 'unit_heavier_than_target')
    expect(heavy?.unitIds).toEqual(['r1c1'])
    expect(result.notes.map((n) => n.code)).toContain('tolerance_not_reached')
    // The heavy unit ends up alone; the other two territories share the remaining 8 units evenly.
    const heavyTerritory = result.assignment[4] ?? -1
    expect(result.assignment.filter((t) => t === heavyTerritory)).toHaveLength(1)
    expect(result.loads.filter((_, t) => t !== heavyTerritory)).toEqual([4, 4])
  })

  it('attaches an island to a nearby territory, says so, and reports that territory as not contiguous', () => {
    const grid = makeGrid(4, 4)
    grid.units.push({ id: 'island', weight: 1, x: 60, y: 0, area: 100 })
    const result = partitionUnits({ ...grid, k: 2 })
    const island = result.notes.find((n) => n.code === 'island')
    expect(island?.unitIds).toEqual(['island'])
    const islandTerritory = result.assignment[16] ?? -1
    expect(islandTerritory).toBeGreaterThanOrEqual(0)
    expect(result.contiguous[islandTerritory]).toBe(false)
    expect(result.maxDeviation).toBeLessThanOrEqual(1 / 8.5)
  })

  it('changes nothing when started from an alignment that is already balanced', () => {
    const initial = Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 0 : 1))
    const result = partitionUnits({ ...makeGrid(4, 4), k: 2, initial })
    expect(result.moves).toBe(0)
    expect(result.movedWeight).toBe(0)
    expect(result.assignment).toEqual(initial)
  })

  it('rebalances an unbalanced current alignment with few changes of owner', () => {
    // Left territory holds 3 columns of 4: moving one column's worth (4 units) is the least disruption possible.
    const initial = Array.from({ length: 16 }, (_, i) => (i % 4 < 3 ? 0 : 1))
    const result = partitionUnits({ ...makeGrid(4, 4), k: 2, initial })
    expect(result.loads).toEqual([8, 8])
    expect(result.moves).toBe(4)
    expect(result.contiguous).toEqual([true, true])
  })

  it('keeps a locked territory exactly as it was', () => {
    const initial = Array.from({ length: 16 }, (_, i) => (i % 4 === 0 ? 0 : i % 4 === 1 ? 1 : 2))
    const result = partitionUnits({ ...makeGrid(4, 4), k: 3, initial, lockedTerritories: [0] })
    expect(result.assignment.filter((t) => t === 0)).toHaveLength(4)
    expect(result.assignment.every((t, i) => (t === 0) === (i % 4 === 0))).toBe(true)
    // Territories 1 and 2 share the other 12 units: 6 each.
    expect(result.loads.slice(1)).toEqual([6, 6])
  })

  it('gives the same alignment for the same seed', () => {
    const grid = makeSkewedGrid(20, 20, 7)
    const a = partitionUnits({ ...grid, k: 8, seed: 3 })
    const b = partitionUnits({ ...grid, k: 8, seed: 3 })
    expect(b.assignment).toEqual(a.assignment)
  })

  it('balances a skewed 30×30 grid into 12 contiguous territories within ±5%', () => {
    const result = partitionUnits({ ...makeSkewedGrid(30, 30, 11), k: 12, seed: 1 })
    expect(result.maxDeviation).toBeLessThanOrEqual(0.05)
    expect(result.reachedTolerance).toBe(true)
    expect(result.contiguous.every(Boolean)).toBe(true)
    expect(Math.min(...result.compactness)).toBeGreaterThan(0.4)
  })
})

describe('blendMeasures', () => {
  it('weighs two measures by their share of each total', () => {
    expect(blendMeasures([1, 3], [300, 100], 0.5)).toEqual([0.125 + 0.375, 0.375 + 0.125])
  })
})
