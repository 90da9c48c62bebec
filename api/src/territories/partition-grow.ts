/**
 * First alignment by competitive growth: every territory grows from its sources along the unit graph like a
 * shortest-path tree, each at its own speed, and a unit joins whichever territory reaches it first. A territory
 * only grows through units it already holds, so every territory is connected by construction. Loads are balanced
 * by slowing heavy territories and speeding up light ones, and sources drift to their territory's centroid
 * (a few Lloyd steps) for compact shapes.
 */
import type { Random } from '../lib/random.ts'
import type { UnitGraph } from './partition-graph.ts'

/** Binary min-heap of (key, unit, territory) with lazy deletion; capacity fixed up front. */
function createHeap(capacity: number) {
  const keys = new Float64Array(capacity)
  const units = new Int32Array(capacity)
  const territories = new Int32Array(capacity)
  let size = 0
  const swap = (i: number, j: number) => {
    const key = keys[i] ?? 0
    const unit = units[i] ?? 0
    const territory = territories[i] ?? 0
    keys[i] = keys[j] ?? 0
    units[i] = units[j] ?? 0
    territories[i] = territories[j] ?? 0
    keys[j] = key
    units[j] = unit
    territories[j] = territory
  }
  return {
    get size() {
      return size
    },
    push(key: number, unit: number, territory: number) {
      let i = size++
      keys[i] = key
      units[i] = unit
      territories[i] = territory
      while (i > 0) {
        const parent = (i - 1) >> 1
        if ((keys[parent] ?? 0) <= key) break
        swap(i, parent)
        i = parent
      }
    },
    /** Removes the top entry and returns its [key, unit, territory] through `out`. */
    pop(out: [number, number, number]) {
      out[0] = keys[0] ?? 0
      out[1] = units[0] ?? 0
      out[2] = territories[0] ?? 0
      size--
      swap(0, size)
      let i = 0
      for (;;) {
        const left = 2 * i + 1
        const right = left + 1
        let smallest = i
        if (left < size && (keys[left] ?? 0) < (keys[smallest] ?? 0)) smallest = left
        if (right < size && (keys[right] ?? 0) < (keys[smallest] ?? 0)) smallest = right
        if (smallest === i) break
        swap(i, smallest)
        i = smallest
      }
    },
  }
}

/**
 * Assigns every unit with owner -1 to the territory that reaches it first, growing from `pinned` units
 * (owner ≥ 0, never reassigned) and from `sources[t]`. The cost of crossing a border is its length × speed[t].
 */
export function growTerritories(
  graph: UnitGraph,
  owner: Int32Array,
  sources: readonly (readonly number[])[],
  speed: Float64Array,
): void {
  const { n, offsets, targets, lengths } = graph
  const label = new Float64Array(n).fill(Number.POSITIVE_INFINITY)
  const done = new Uint8Array(n)
  const pinned = Uint8Array.from(owner, (t) => (t >= 0 ? 1 : 0))
  const heap = createHeap(targets.length + n + 1)
  for (let u = 0; u < n; u++) {
    const t = owner[u] ?? -1
    if (t < 0) continue
    label[u] = 0
    heap.push(0, u, t)
  }
  sources.forEach((units, t) => {
    for (const u of units) {
      if (pinned[u] || (label[u] ?? 0) === 0) continue
      label[u] = 0
      heap.push(0, u, t)
    }
  })
  const top: [number, number, number] = [0, 0, 0]
  while (heap.size > 0) {
    heap.pop(top)
    const [key, u, t] = top
    if (done[u] || key > (label[u] ?? 0)) continue
    done[u] = 1
    owner[u] = t
    const pace = speed[t] ?? 1
    for (let e = offsets[u] ?? 0; e < (offsets[u + 1] ?? 0); e++) {
      const v = targets[e] ?? 0
      if (done[v] || pinned[v]) continue
      const candidate = key + (lengths[e] ?? 0) * pace
      if (candidate < (label[v] ?? 0)) {
        label[v] = candidate
        heap.push(candidate, v, t)
      }
    }
  }
}

/**
 * Weighted k-means++ on centroids: the next seed is drawn with probability ∝ (weight + a floor) × distance² to the
 * nearest seed so far, which spreads seeds across the scope and concentrates them where the measure is.
 */
export function pickSeeds(graph: UnitGraph, count: number, taken: readonly number[], random: Random): number[] {
  const { n, x, y, weight } = graph
  const seeds: number[] = []
  if (count <= 0 || n === 0) return seeds
  let totalWeight = 0
  for (let u = 0; u < n; u++) totalWeight += weight[u] ?? 0
  const floor = n > 0 ? (0.1 * totalWeight) / n + 1e-12 : 1
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY)
  const chosen = new Uint8Array(n)
  const add = (s: number) => {
    chosen[s] = 1
    for (let u = 0; u < n; u++) {
      const d = ((x[u] ?? 0) - (x[s] ?? 0)) ** 2 + ((y[u] ?? 0) - (y[s] ?? 0)) ** 2
      if (d < (nearest[u] ?? 0)) nearest[u] = d
    }
  }
  for (const s of taken) add(s)
  const chance = new Float64Array(n)
  while (seeds.length < count) {
    let sum = 0
    for (let u = 0; u < n; u++) {
      const reach = Number.isFinite(nearest[u] ?? 0) ? (nearest[u] ?? 0) : 1
      chance[u] = chosen[u] ? 0 : ((weight[u] ?? 0) + floor) * reach
      sum += chance[u] ?? 0
    }
    let pick = -1
    if (sum > 0) {
      let r = random.next() * sum
      for (let u = 0; u < n && pick < 0; u++) {
        r -= chance[u] ?? 0
        if (r < 0 && (chance[u] ?? 0) > 0) pick = u
      }
      if (pick < 0) for (let u = n - 1; u >= 0 && pick < 0; u--) if ((chance[u] ?? 0) > 0) pick = u
    }
    if (pick < 0) pick = chosen.indexOf(0)
    if (pick < 0) break
    seeds.push(pick)
    add(pick)
  }
  return seeds
}

/** Unit of territory `t` closest to the territory's area-weighted centroid. */
function centralUnit(graph: UnitGraph, owner: Int32Array, t: number): number {
  let area = 0
  let cx = 0
  let cy = 0
  for (let u = 0; u < graph.n; u++) {
    if (owner[u] !== t) continue
    const a = graph.area[u] ?? 0
    area += a
    cx += a * (graph.x[u] ?? 0)
    cy += a * (graph.y[u] ?? 0)
  }
  if (area <= 0) return -1
  cx /= area
  cy /= area
  let best = -1
  let bestDistance = Number.POSITIVE_INFINITY
  for (let u = 0; u < graph.n; u++) {
    if (owner[u] !== t) continue
    const d = ((graph.x[u] ?? 0) - cx) ** 2 + ((graph.y[u] ?? 0) - cy) ** 2
    if (d < bestDistance) {
      bestDistance = d
      best = u
    }
  }
  return best
}

export type GrowOptions = {
  k: number
  /** Unit → territory for locked units, -1 elsewhere. */
  locked: Int32Array
  /** Units heavier than a territory may be: each seeds a territory of its own, as it will end up alone anyway. */
  heavy: readonly number[]
  random: Random
  /** Stop iterating once every territory is within this fraction of the mean. */
  goodEnough: number
  deadline: number
  now: () => number
}

const growRounds = 40
const recentreRounds = 12

/** Seeds, grows and re-balances by speed; returns the alignment with the smallest worst deviation seen. */
export function growBalancedAlignment(graph: UnitGraph, options: GrowOptions): Int32Array {
  const { k, locked, random } = options
  const { n, weight } = graph
  const hasLock = new Uint8Array(k)
  const lockedUnits: number[] = []
  for (let u = 0; u < n; u++) {
    const t = locked[u] ?? -1
    if (t >= 0) {
      hasLock[t] = 1
      lockedUnits.push(u)
    }
  }
  const free = Array.from({ length: k }, (_, t) => t).filter((t) => !hasLock[t])
  const forced = options.heavy.filter((u) => (locked[u] ?? -1) < 0).slice(0, free.length)
  const seeds = [...forced, ...pickSeeds(graph, free.length - forced.length, [...lockedUnits, ...forced], random)]
  const sources: number[][] = Array.from({ length: k }, () => [])
  free.forEach((t, i) => {
    const seed = seeds[i]
    if (seed !== undefined) sources[t] = [seed]
  })

  let total = 0
  for (let u = 0; u < n; u++) total += weight[u] ?? 0
  const mean = total / k
  const speed = new Float64Array(k).fill(1)
  const loads = new Float64Array(k)
  let best = Int32Array.from(locked)
  let bestDeviation = Number.POSITIVE_INFINITY
  for (let round = 0; round < growRounds; round++) {
    const owner = Int32Array.from(locked)
    growTerritories(graph, owner, sources, speed)
    loads.fill(0)
    for (let u = 0; u < n; u++) {
      const t = owner[u] ?? -1
      if (t >= 0) loads[t] = (loads[t] ?? 0) + (weight[u] ?? 0)
    }
    let worst = 0
    for (let t = 0; t < k; t++) worst = Math.max(worst, mean > 0 ? Math.abs((loads[t] ?? 0) / mean - 1) : 0)
    if (worst < bestDeviation) {
      bestDeviation = worst
      best = owner
    }
    if (worst <= options.goodEnough || mean <= 0 || options.now() > options.deadline) break
    // A territory's load grows roughly with the square of its reach, and its reach with 1 / speed.
    let logSum = 0
    for (let t = 0; t < k; t++) {
      const ratio = Math.min(1.5, Math.max(0.6, Math.sqrt((loads[t] ?? 0) / mean)))
      speed[t] = (speed[t] ?? 1) * ratio
      logSum += Math.log(speed[t] ?? 1)
    }
    const scale = Math.exp(-logSum / k)
    for (let t = 0; t < k; t++) speed[t] = (speed[t] ?? 1) * scale
    if (round < recentreRounds) {
      for (const t of free) {
        const centre = centralUnit(graph, owner, t)
        if (centre >= 0) sources[t] = [centre]
      }
    }
  }
  return best
}
