/**
 * The unit graph the partitioner works on: compressed adjacency (CSR) over real borders, plus the same graph with
 * virtual links that tie every island to the rest so territory growth can reach it. Contiguity is always reported
 * on the real borders; the partitioner keeps territories connected on the linked graph.
 */
import type { PartitionUnit } from './partition-types.ts'

export type UnitGraph = {
  n: number
  /** Centroids shifted so the scope's mean is at the origin (keeps moment sums well conditioned). */
  x: Float64Array
  y: Float64Array
  weight: Float64Array
  area: Float64Array
  /** Linked graph: real borders plus island links; `lengths` are centroid distances in km. */
  offsets: Int32Array
  targets: Int32Array
  lengths: Float64Array
  /** Real borders only. */
  realOffsets: Int32Array
  realTargets: Int32Array
  /** Connected components over real borders, largest first (by unit count, then lowest index). */
  components: number[][]
  /** Links added from each smaller component to its nearest unit among the ones already linked. */
  virtualEdges: [number, number][]
}

function buildCsr(n: number, from: readonly number[], to: readonly number[]) {
  const offsets = new Int32Array(n + 1)
  for (let e = 0; e < from.length; e++) {
    offsets[(from[e] ?? 0) + 1] = (offsets[(from[e] ?? 0) + 1] ?? 0) + 1
    offsets[(to[e] ?? 0) + 1] = (offsets[(to[e] ?? 0) + 1] ?? 0) + 1
  }
  for (let i = 0; i < n; i++) offsets[i + 1] = (offsets[i + 1] ?? 0) + (offsets[i] ?? 0)
  const targets = new Int32Array(offsets[n] ?? 0)
  const cursor = offsets.slice(0, n)
  for (let e = 0; e < from.length; e++) {
    const a = from[e] ?? 0
    const b = to[e] ?? 0
    targets[cursor[a] ?? 0] = b
    cursor[a] = (cursor[a] ?? 0) + 1
    targets[cursor[b] ?? 0] = a
    cursor[b] = (cursor[b] ?? 0) + 1
  }
  return { offsets, targets }
}

function findComponents(n: number, offsets: Int32Array, targets: Int32Array): number[][] {
  const seen = new Uint8Array(n)
  const components: number[][] = []
  for (let start = 0; start < n; start++) {
    if (seen[start]) continue
    seen[start] = 1
    const component = [start]
    for (let head = 0; head < component.length; head++) {
      const u = component[head] ?? 0
      for (let e = offsets[u] ?? 0; e < (offsets[u + 1] ?? 0); e++) {
        const v = targets[e] ?? 0
        if (!seen[v]) {
          seen[v] = 1
          component.push(v)
        }
      }
    }
    components.push(component)
  }
  return components.sort((a, b) => b.length - a.length || (a[0] ?? 0) - (b[0] ?? 0))
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

export function buildUnitGraph(
  units: readonly PartitionUnit[],
  adjacency: readonly (readonly [number, number])[],
): UnitGraph {
  const n = units.length
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  const weight = new Float64Array(n)
  let meanX = 0
  let meanY = 0
  units.forEach((unit, i) => {
    if (!Number.isFinite(unit.x) || !Number.isFinite(unit.y)) throw new RangeError(`unit ${unit.id} has no centroid`)
    if (!Number.isFinite(unit.weight) || unit.weight < 0) throw new RangeError(`unit ${unit.id} has a negative weight`)
    meanX += unit.x / n
    meanY += unit.y / n
    weight[i] = unit.weight
  })
  units.forEach((unit, i) => {
    x[i] = unit.x - meanX
    y[i] = unit.y - meanY
  })

  const seen = new Set<number>()
  const from: number[] = []
  const to: number[] = []
  for (const [a, b] of adjacency) {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= n || b >= n) {
      throw new RangeError(`adjacency pair [${a}, ${b}] is outside 0..${n - 1}`)
    }
    if (a === b) continue
    const key = a < b ? a * n + b : b * n + a
    if (seen.has(key)) continue
    seen.add(key)
    from.push(a)
    to.push(b)
  }
  const real = buildCsr(n, from, to)
  const distance = (a: number, b: number) => Math.hypot((x[a] ?? 0) - (x[b] ?? 0), (y[a] ?? 0) - (y[b] ?? 0))

  const spacing = median(from.map((a, e) => distance(a, to[e] ?? 0)).filter((d) => d > 0))
  const defaultArea = Number.isFinite(spacing) ? spacing * spacing : 1
  const area = new Float64Array(n)
  units.forEach((unit, i) => {
    area[i] = unit.area !== undefined && unit.area > 0 ? unit.area : defaultArea
  })

  const components = findComponents(n, real.offsets, real.targets)
  const virtualEdges: [number, number][] = []
  const linked: number[] = [...(components[0] ?? [])]
  for (const component of components.slice(1)) {
    let best: [number, number] = [component[0] ?? 0, linked[0] ?? 0]
    let bestDistance = Number.POSITIVE_INFINITY
    for (const u of component) {
      for (const v of linked) {
        const d = distance(u, v)
        if (d < bestDistance) {
          bestDistance = d
          best = [u, v]
        }
      }
    }
    virtualEdges.push(best)
    from.push(best[0])
    to.push(best[1])
    linked.push(...component)
  }
  const all = virtualEdges.length > 0 ? buildCsr(n, from, to) : real
  const lengths = new Float64Array(all.targets.length)
  const minLength = Number.isFinite(spacing) ? spacing * 1e-3 : 1e-6
  for (let u = 0; u < n; u++) {
    for (let e = all.offsets[u] ?? 0; e < (all.offsets[u + 1] ?? 0); e++) {
      lengths[e] = Math.max(distance(u, all.targets[e] ?? 0), minLength)
    }
  }

  return {
    n,
    x,
    y,
    weight,
    area,
    offsets: all.offsets,
    targets: all.targets,
    lengths,
    realOffsets: real.offsets,
    realTargets: real.targets,
    components,
    virtualEdges,
  }
}

/** Reusable buffers for breadth-first searches, so hot loops do not allocate. */
export type SearchScratch = { mark: Int32Array; goal: Int32Array; queue: Int32Array; epoch: number }

export function createSearchScratch(n: number): SearchScratch {
  return { mark: new Int32Array(n), goal: new Int32Array(n), queue: new Int32Array(Math.max(n, 1)), epoch: 0 }
}

/**
 * True when the other units of `unit`'s territory stay connected (on the linked graph) once `unit` leaves:
 * a search from one same-territory neighbour must reach all the others without passing through `unit`.
 */
export function staysConnectedWithout(
  graph: UnitGraph,
  owner: Int32Array,
  unit: number,
  scratch: SearchScratch,
): boolean {
  const territory = owner[unit] ?? -1
  const { offsets, targets } = graph
  scratch.epoch++
  const epoch = scratch.epoch
  let first = -1
  let needed = 0
  for (let e = offsets[unit] ?? 0; e < (offsets[unit + 1] ?? 0); e++) {
    const v = targets[e] ?? 0
    if (owner[v] !== territory) continue
    if (first < 0) first = v
    scratch.goal[v] = epoch
    needed++
  }
  if (needed <= 1) return true
  // Usually the same-territory neighbours already touch each other around `unit`; then no long search is needed.
  if (neighboursStayLinked(graph, unit, first, needed, scratch)) return true
  scratch.epoch++
  const searchEpoch = scratch.epoch
  for (let e = offsets[unit] ?? 0; e < (offsets[unit + 1] ?? 0); e++) {
    const v = targets[e] ?? 0
    if (owner[v] === territory) scratch.goal[v] = searchEpoch
  }
  return searchWithout(graph, owner, unit, first, needed, scratch)
}

/** True when the same-territory neighbours of `unit` are connected among themselves (a sufficient condition). */
function neighboursStayLinked(
  graph: UnitGraph,
  unit: number,
  first: number,
  needed: number,
  scratch: SearchScratch,
): boolean {
  const { offsets, targets } = graph
  const epoch = scratch.epoch
  scratch.mark[first] = epoch
  scratch.queue[0] = first
  let tail = 1
  for (let head = 0; head < tail; head++) {
    const u = scratch.queue[head] ?? 0
    for (let e = offsets[u] ?? 0; e < (offsets[u + 1] ?? 0); e++) {
      const v = targets[e] ?? 0
      if (scratch.goal[v] !== epoch || scratch.mark[v] === epoch || v === unit) continue
      scratch.mark[v] = epoch
      scratch.queue[tail++] = v
    }
  }
  return tail === needed
}

function searchWithout(
  graph: UnitGraph,
  owner: Int32Array,
  unit: number,
  first: number,
  needed: number,
  scratch: SearchScratch,
): boolean {
  const { offsets, targets } = graph
  const territory = owner[unit] ?? -1
  const epoch = scratch.epoch
  scratch.mark[unit] = epoch
  scratch.mark[first] = epoch
  scratch.queue[0] = first
  let tail = 1
  let found = 1
  for (let head = 0; head < tail; head++) {
    const u = scratch.queue[head] ?? 0
    for (let e = offsets[u] ?? 0; e < (offsets[u + 1] ?? 0); e++) {
      const v = targets[e] ?? 0
      if (owner[v] !== territory || scratch.mark[v] === epoch) continue
      scratch.mark[v] = epoch
      if (scratch.goal[v] === epoch && ++found === needed) return true
      scratch.queue[tail++] = v
    }
  }
  return false
}

/** Connected pieces of each territory over real borders (or the linked graph when `linked` is true). */
export function countTerritoryPieces(
  graph: UnitGraph,
  owner: ArrayLike<number>,
  k: number,
  linked = false,
): Int32Array {
  const offsets = linked ? graph.offsets : graph.realOffsets
  const targets = linked ? graph.targets : graph.realTargets
  const pieces = new Int32Array(k)
  const seen = new Uint8Array(graph.n)
  const queue = new Int32Array(Math.max(graph.n, 1))
  for (let start = 0; start < graph.n; start++) {
    const territory = owner[start] ?? -1
    if (seen[start] || territory < 0 || territory >= k) continue
    pieces[territory] = (pieces[territory] ?? 0) + 1
    seen[start] = 1
    queue[0] = start
    let tail = 1
    for (let head = 0; head < tail; head++) {
      const u = queue[head] ?? 0
      for (let e = offsets[u] ?? 0; e < (offsets[u + 1] ?? 0); e++) {
        const v = targets[e] ?? 0
        if (seen[v] || owner[v] !== territory) continue
        seen[v] = 1
        queue[tail++] = v
      }
    }
  }
  return pieces
}

/** True when `territory` is one piece over real borders; O(n) so a manual move is re-checked in well under 1 ms. */
export function isTerritoryContiguous(
  graph: UnitGraph,
  owner: ArrayLike<number>,
  territory: number,
  scratch: SearchScratch,
): boolean {
  let start = -1
  let size = 0
  for (let u = 0; u < graph.n; u++) {
    if (owner[u] !== territory) continue
    if (start < 0) start = u
    size++
  }
  if (size <= 1) return true
  scratch.epoch++
  const epoch = scratch.epoch
  scratch.mark[start] = epoch
  scratch.queue[0] = start
  let tail = 1
  for (let head = 0; head < tail; head++) {
    const u = scratch.queue[head] ?? 0
    for (let e = graph.realOffsets[u] ?? 0; e < (graph.realOffsets[u + 1] ?? 0); e++) {
      const v = graph.realTargets[e] ?? 0
      if (owner[v] !== territory || scratch.mark[v] === epoch) continue
      scratch.mark[v] = epoch
      scratch.queue[tail++] = v
    }
  }
  return tail === size
}
