import { createRandom } from '../../api/src/lib/random.ts'
import type { PartitionUnit } from '../../api/src/territories/partition-types.ts'

/** A rows × cols grid of 10 km squares, rook adjacency; unit index = row * cols + col, id `r<row>c<col>`. */
export function makeGrid(rows: number, cols: number, weight: (row: number, col: number) => number = () => 1) {
  const units: PartitionUnit[] = []
  const adjacency: [number, number][] = []
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const i = row * cols + col
      units.push({ id: `r${row}c${col}`, weight: weight(row, col), x: col * 10, y: row * 10, area: 100 })
      if (col + 1 < cols) adjacency.push([i, i + 1])
      if (row + 1 < rows) adjacency.push([i, i + cols])
    }
  }
  return { units, adjacency }
}

/** Jittered grid with skewed weights (a lognormal body and a few units 30× heavier), like county customer counts. */
export function makeSkewedGrid(rows: number, cols: number, seed: number) {
  const random = createRandom(seed)
  const grid = makeGrid(rows, cols, () => {
    const base = Math.round(10 * Math.exp(0.7 * random.normal()))
    return random.chance(0.004) ? base * 30 : base
  })
  for (const unit of grid.units) {
    unit.x += (random.next() - 0.5) * 4
    unit.y += (random.next() - 0.5) * 4
  }
  return grid
}
