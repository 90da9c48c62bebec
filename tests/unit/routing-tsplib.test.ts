import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { optimizeRoute } from '../../api/src/routing/optimizer.ts'
import { buildTsplibMatrix, parseTsplib, tsplibDistance } from '../../api/src/routing/tsplib.ts'

// Shared, read-only benchmark instances next to the repository: `../shared/tsplib` from the repository root.
const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const tsplibDir = path.resolve(repoRoot, '../shared/tsplib')
const eil51 = path.join(tsplibDir, 'eil51.tsp')

describe('parseTsplib', () => {
  const text = ['NAME: tiny', 'COMMENT: optimum 12 (made up)', 'TYPE: TSP', 'DIMENSION: 3', 'EDGE_WEIGHT_TYPE: EUC_2D']
    .concat(['NODE_COORD_SECTION', '1 0 0', '2 3 4', '3 0 2.5', 'EOF'])
    .join('\n')

  it('reads the header, the optimum from the comment and the coordinates in node order', () => {
    const instance = parseTsplib(text)
    expect(instance).toEqual({
      name: 'tiny',
      weightType: 'EUC_2D',
      coords: [
        [0, 0],
        [3, 4],
        [0, 2.5],
      ],
      optimum: 12,
    })
  })

  it('rounds EUC_2D distances half up like TSPLIB nint', () => {
    expect(buildTsplibMatrix(parseTsplib(text))).toEqual([
      [0, 5, 3],
      [5, 0, 3],
      [3, 3, 0],
    ])
    expect(tsplibDistance('EUC_2D', [0, 0], [0, 2.49])).toBe(2)
  })

  it('rounds ATT distances up whenever nint rounds down and CEIL_2D always up', () => {
    // sqrt((9 + 16) / 10) = 1.58 → nint 2; sqrt(100 / 10) = 3.16 → nint 3 < 3.16 → 4.
    expect(tsplibDistance('ATT', [0, 0], [3, 4])).toBe(2)
    expect(tsplibDistance('ATT', [0, 0], [6, 8])).toBe(4)
    expect(tsplibDistance('CEIL_2D', [0, 0], [1, 1])).toBe(2)
  })

  it('rejects a file whose coordinate count disagrees with its DIMENSION', () => {
    expect(() => parseTsplib(text.replace('DIMENSION: 3', 'DIMENSION: 4'))).toThrow(/DIMENSION 4/)
  })

  it('rejects edge weight types it cannot compute', () => {
    expect(() => parseTsplib(text.replace('EUC_2D', 'EXPLICIT'))).toThrow(/unsupported/)
  })
})

describe('optimizeRoute on TSPLIB', () => {
  it.skipIf(!existsSync(eil51))('closes eil51 within 1% of its optimum of 426', () => {
    const instance = parseTsplib(readFileSync(eil51, 'utf8'))
    const distances = buildTsplibMatrix(instance)
    const stops = distances.slice(1).map((_, i) => ({ id: String(i + 2) }))
    const plan = optimizeRoute({ stops, distances, seed: 1 })
    expect(instance.optimum).toBe(426)
    expect(plan.order).toHaveLength(50)
    expect(plan.totalDistance).toBeLessThanOrEqual(426 * 1.01)
    expect(plan.totalDistance).toBeGreaterThanOrEqual(426)
  })

  if (!existsSync(eil51)) {
    it.skip(`eil51 benchmark skipped: ${tsplibDir} is not present`, () => {})
  }
})
