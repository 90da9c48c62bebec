import { describe, expect, it } from 'vitest'
import { createAlignmentScorer, scoreAlignment } from '../../api/src/territories/partition-score.ts'
import { makeGrid, makeSkewedGrid } from '../support/grids.ts'

const grid = makeGrid(4, 4)
const halves = Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 0 : 1))

describe('scoreAlignment', () => {
  it('reports loads, deviations and contiguity of an alignment', () => {
    const score = scoreAlignment({ ...grid, k: 2 }, halves)
    expect(score.loads).toEqual([8, 8])
    expect(score.mean).toBe(8)
    expect(score.maxDeviation).toBe(0)
    expect(score.contiguous).toEqual([true, true])
    expect(score.reachedTolerance).toBe(true)
  })

  it('rates a 2×4 block as more compact than a 1×8 strip', () => {
    const strips = Array.from({ length: 16 }, (_, i) => (i < 8 ? 0 : 1))
    const striped = scoreAlignment({ ...makeGrid(2, 8), k: 2 }, strips)
    const blocks = scoreAlignment({ ...grid, k: 2 }, halves)
    expect(Math.min(...blocks.compactness)).toBeGreaterThan(Math.max(...striped.compactness))
  })
})

describe('createAlignmentScorer', () => {
  it('re-scores a manual move: loads shift and a unit cut off from its territory breaks contiguity', () => {
    const scorer = createAlignmentScorer({ ...grid, k: 2 }, halves)
    const afterFirst = scorer.moveUnit(1, 1)
    expect(afterFirst.loads).toEqual([7, 9])
    expect(afterFirst.maxDeviation).toBeCloseTo(0.125)
    expect(afterFirst.reachedTolerance).toBe(false)
    expect(afterFirst.contiguous).toEqual([true, true])
    // r2c0 sits inside territory 0's column, touching no unit of territory 1.
    const afterSecond = scorer.moveUnit(8, 1)
    expect(afterSecond.contiguous).toEqual([true, false])
    expect(afterSecond).toEqual(scoreAlignment({ ...grid, k: 2 }, scorer.assignment()))
  })

  it('re-scores a move on 3,100 units in well under 50 ms', () => {
    const big = makeSkewedGrid(50, 62, 5)
    const assignment = big.units.map((_, i) => Math.floor((i % 62) / 6.2) + 10 * Math.floor(i / 62 / 10))
    const scorer = createAlignmentScorer({ ...big, k: 50 }, assignment)
    const started = performance.now()
    for (let i = 0; i < 20; i++) scorer.moveUnit(i * 62 + 6, assignment[i * 62 + 5] ?? 0)
    expect((performance.now() - started) / 20).toBeLessThan(10)
  })
})
