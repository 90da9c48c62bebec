import { describe, expect, it } from 'vitest'
import { createRandom } from '../../api/src/lib/random.ts'
import { optimizeRoute } from '../../api/src/routing/optimizer.ts'
import { solveTsp } from '../../api/src/routing/tsp.ts'

type Matrix = number[][]

/** Exact shortest path from node 0 through every other node to `end` (0: closed tour), by Held–Karp. */
function heldKarp(matrix: Matrix, end = 0): number {
  const inner = matrix.map((_, i) => i).filter((i) => i !== 0 && i !== end)
  const count = inner.length
  const cost = (a: number, b: number): number => matrix[a]?.[b] ?? Number.NaN
  if (count === 0) return cost(0, end)
  const full = (1 << count) - 1
  const best = Array.from({ length: full + 1 }, () => new Array<number>(count).fill(Number.POSITIVE_INFINITY))
  for (let j = 0; j < count; j++) (best[1 << j] as number[])[j] = cost(0, inner[j] ?? 0)
  for (let mask = 1; mask <= full; mask++) {
    const row = best[mask] as number[]
    for (let j = 0; j < count; j++) {
      const here = row[j] ?? Number.POSITIVE_INFINITY
      if (!(mask & (1 << j)) || here === Number.POSITIVE_INFINITY) continue
      for (let k = 0; k < count; k++) {
        if (mask & (1 << k)) continue
        const next = best[mask | (1 << k)] as number[]
        const value = here + cost(inner[j] ?? 0, inner[k] ?? 0)
        if (value < (next[k] ?? Number.POSITIVE_INFINITY)) next[k] = value
      }
    }
  }
  const last = best[full] as number[]
  return Math.min(...inner.map((node, j) => (last[j] ?? Number.POSITIVE_INFINITY) + cost(node, end)))
}

const pathCost = (matrix: Matrix, path: readonly number[]): number =>
  path.slice(1).reduce((sum, node, i) => sum + (matrix[path[i] ?? 0]?.[node] ?? Number.NaN), 0)

function euclideanMatrix(seed: number, size: number): Matrix {
  const random = createRandom(seed)
  const points = Array.from({ length: size }, () => [random.int(0, 1000), random.int(0, 1000)] as const)
  return points.map((a) => points.map((b) => Math.round(Math.hypot(a[0] - b[0], a[1] - b[1]))))
}

/** Random costs with no symmetry and no triangle inequality. */
function asymmetricMatrix(seed: number, size: number): Matrix {
  const random = createRandom(seed)
  return Array.from({ length: size }, (_, i) =>
    Array.from({ length: size }, (_, j) => (i === j ? 0 : random.int(1, 500))),
  )
}

const sizes = [4, 5, 6, 7, 8, 9, 10]

describe('solveTsp', () => {
  it.each(sizes)('finds the Held–Karp optimum of random symmetric closed tours with %i nodes', (size) => {
    for (let seed = 1; seed <= 6; seed++) {
      const matrix = euclideanMatrix(seed * 100 + size, size)
      const result = solveTsp(matrix, { seed })
      expect(result.path[0]).toBe(0)
      expect(result.path.at(-1)).toBe(0)
      expect([...result.path.slice(1, -1)].sort((a, b) => a - b)).toEqual(matrix.slice(1).map((_, i) => i + 1))
      expect(pathCost(matrix, result.path)).toBe(heldKarp(matrix))
      expect(result.cost).toBe(heldKarp(matrix))
    }
  })

  it.each(sizes)('finds the Held–Karp optimum of random asymmetric closed tours with %i nodes', (size) => {
    for (let seed = 1; seed <= 6; seed++) {
      const matrix = asymmetricMatrix(seed * 100 + size, size)
      const result = solveTsp(matrix, { seed })
      expect(pathCost(matrix, result.path)).toBe(heldKarp(matrix))
    }
  })

  it.each(sizes)(
    'finds the Held–Karp optimum of open asymmetric paths with %i nodes ending at the last node',
    (size) => {
      for (let seed = 1; seed <= 6; seed++) {
        const matrix = asymmetricMatrix(seed * 1000 + size, size)
        const end = size - 1
        const result = solveTsp(matrix, { end, seed })
        expect(result.path[0]).toBe(0)
        expect(result.path.at(-1)).toBe(end)
        expect(result.path).toHaveLength(size)
        expect(pathCost(matrix, result.path)).toBe(heldKarp(matrix, end))
      }
    },
  )

  it('prices a reversed stretch with the costs of the reverse direction on a one-way loop', () => {
    // Going round 0→1→2→3→4→0 costs 5; every edge against the loop costs 100, so any reversal is a trap.
    const size = 5
    const matrix = Array.from({ length: size }, (_, i) =>
      Array.from({ length: size }, (_, j) => (i === j ? 0 : j === (i + 1) % size ? 1 : 100)),
    )
    const result = solveTsp(matrix)
    expect(result.path).toEqual([0, 1, 2, 3, 4, 0])
    expect(result.cost).toBe(5)
  })

  it('visits only the requested nodes', () => {
    const matrix = euclideanMatrix(3, 9)
    const result = solveTsp(matrix, { nodes: [2, 5, 7] })
    expect([...result.path].sort((a, b) => a - b)).toEqual([0, 0, 2, 5, 7])
  })

  it('returns the same path for the same seed and reports that the iteration cap stopped it', () => {
    const matrix = euclideanMatrix(42, 120)
    const first = solveTsp(matrix, { seed: 7, maxIterations: 3000 })
    const second = solveTsp(matrix, { seed: 7, maxIterations: 3000 })
    expect(second.path).toEqual(first.path)
    expect(first.stoppedBy).toBe('iterations')
    expect(first.iterations).toBe(3000)
  })
})

describe('optimizeRoute without time constraints', () => {
  it('matches Held–Karp on closed and open routes over a stops matrix', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const matrix = asymmetricMatrix(seed * 7, 9)
      const stops = matrix.slice(1).map((_, i) => ({ id: `s${i + 1}` }))
      const closed = optimizeRoute({ stops, distances: matrix, seed })
      expect(closed.totalDistance).toBe(heldKarp(matrix))
      expect(closed.unscheduled).toEqual([])

      const open = optimizeRoute({ stops: stops.slice(0, -1), distances: matrix, seed })
      expect(open.totalDistance).toBe(heldKarp(matrix, 8))
      expect(open.legs.at(-1)?.toId).toBeNull()
      expect(open.legs[0]?.fromId).toBeNull()
    }
  })

  it('plans an empty day when there are no stops', () => {
    const plan = optimizeRoute({ stops: [], distances: [[0]] })
    expect(plan.order).toEqual([])
    expect(plan.legs).toEqual([{ fromId: null, toId: null, distance: 0, durationMin: 0 }])
    expect(plan.totalDistance).toBe(0)
    expect(plan.endMin).toBe(480)
  })

  it('rejects a matrix that does not match the stops', () => {
    expect(() => optimizeRoute({ stops: [{ id: 'a' }], distances: [[0]] })).toThrow(RangeError)
    expect(() => optimizeRoute({ stops: [{ id: 'a' }], distances: [[0, 1], [1]] })).toThrow(RangeError)
  })

  it('reports legs whose distances add up to the total and an order naming every stop once', () => {
    const matrix = euclideanMatrix(5, 30)
    const stops = matrix.slice(1).map((_, i) => ({ id: `c-${i + 1}`, durationMin: 10 }))
    const plan = optimizeRoute({ stops, distances: matrix, durations: matrix.map((row) => row.map(() => 5)) })
    expect([...plan.order].sort()).toEqual(stops.map((stop) => stop.id).sort())
    expect(plan.legs).toHaveLength(30)
    expect(plan.legs.reduce((sum, leg) => sum + leg.distance, 0)).toBe(plan.totalDistance)
    // 30 drives of 5 minutes and 29 visits of 10 minutes.
    expect(plan.totalDuration).toBe(30 * 5 + 29 * 10)
    expect(plan.departureMin).toBe(480)
  })
})
