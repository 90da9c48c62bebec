/**
 * Local search on an alignment whose territories are connected. Two phases, each moving one border unit at a time
 * to an adjacent territory, never a locked unit, never into or out of a locked territory, never one whose departure
 * would split its territory (checked on the linked graph):
 *   1. balance: move from the heavier to the lighter side of the adjacent pair with the widest gap, only when the sum
 *      of squared deviations drops; among such units prefer compact, undisruptive, well-sized ones;
 *   2. shape: moves that make territories more compact (moment of inertia) without leaving the tolerance band and,
 *      when starting from a current alignment, without changing more units than before.
 */
import { createSearchScratch, staysConnectedWithout, type UnitGraph } from './partition-graph.ts'
import { createMoments, shapeCost, shiftMoments, type TerritoryMoments, territoryShapeCost } from './partition-score.ts'

export type RefineOptions = {
  k: number
  tolerance: number
  /** 1 for units that never move. */
  locked: Uint8Array
  /** 1 for territories that neither give nor receive. */
  frozen: Uint8Array
  /** 1 for units heavier than the tolerance band: their territory is excused from the balance target. */
  heavy: Uint8Array
  /** Territory per unit to stay close to, or null. */
  initial: Int32Array | null
  /** The balance phase stops once every non-excused territory is within this fraction of the mean. */
  balanceGoal: number
  deadline: number
  now: () => number
}

/** Weight of the balance gain against shape when ranking moves (shape costs are ≈1 per territory). */
const balanceWeight = 10
/** Same, for the shape phase: higher keeps loads near the mean instead of drifting to the edge of the band. */
const shapeBalanceWeight = 30
/** Cost of one more unit changing owner relative to `initial`. */
const disruptionCost = 0.05
const shapePasses = 12
/** Chains tried per stuck territory, to its nearest territories on the other side of the mean. */
const chainTries = 6
/** Moves along one pair of territories per sweep of the balance phase before the pairs are re-ranked. */
const pourLimit = 8

export function refineAlignment(graph: UnitGraph, owner: Int32Array, options: RefineOptions): void {
  const { k, tolerance, locked, frozen, heavy, initial } = options
  const { n, weight, offsets, targets } = graph
  let total = 0
  for (let u = 0; u < n; u++) total += weight[u] ?? 0
  const mean = total / k
  if (mean <= 0 || k < 2) return
  const meanSquared = mean * mean

  const load = new Float64Array(k)
  const heavyCount = new Int32Array(k)
  const members: number[][] = Array.from({ length: k }, () => [])
  const position = new Int32Array(n)
  const moments: TerritoryMoments = createMoments(k)
  const cost = new Float64Array(k)
  const border = new Int32Array(k * k)
  for (let u = 0; u < n; u++) {
    const t = owner[u] ?? 0
    load[t] = (load[t] ?? 0) + (weight[u] ?? 0)
    heavyCount[t] = (heavyCount[t] ?? 0) + (heavy[u] ?? 0)
    const list = members[t] ?? []
    position[u] = list.length
    list.push(u)
    shiftMoments(moments, graph, u, t, 1)
    for (let e = offsets[u] ?? 0; e < (offsets[u + 1] ?? 0); e++) {
      const s = owner[targets[e] ?? 0] ?? 0
      if (s !== t) border[t * k + s] = (border[t * k + s] ?? 0) + 1
    }
  }
  for (let t = 0; t < k; t++) cost[t] = territoryShapeCost(moments, t)
  const scratch = createSearchScratch(n)

  const deviation = (t: number) => (load[t] ?? 0) / mean - 1
  const excused = (t: number) => frozen[t] === 1 || (heavyCount[t] ?? 0) > 0
  const worstDeviation = () => {
    let worst = 0
    for (let t = 0; t < k; t++) if (!excused(t)) worst = Math.max(worst, Math.abs(deviation(t)))
    return worst
  }
  const touches = (u: number, t: number) => {
    for (let e = offsets[u] ?? 0; e < (offsets[u + 1] ?? 0); e++) if (owner[targets[e] ?? 0] === t) return true
    return false
  }
  /** Change in Σ shape cost if u moves from d to r. */
  const shapeDelta = (u: number, d: number, r: number) => {
    const a = graph.area[u] ?? 0
    const x = graph.x[u] ?? 0
    const y = graph.y[u] ?? 0
    const q = a * (x * x + y * y)
    const s = (a * a) / (2 * Math.PI)
    const m = moments
    const after =
      shapeCost(
        (m.area[d] ?? 0) - a,
        (m.sumX[d] ?? 0) - a * x,
        (m.sumY[d] ?? 0) - a * y,
        (m.sumSquares[d] ?? 0) - q,
        (m.self[d] ?? 0) - s,
      ) +
      shapeCost(
        (m.area[r] ?? 0) + a,
        (m.sumX[r] ?? 0) + a * x,
        (m.sumY[r] ?? 0) + a * y,
        (m.sumSquares[r] ?? 0) + q,
        (m.self[r] ?? 0) + s,
      )
    return after - (cost[d] ?? 0) - (cost[r] ?? 0)
  }
  /** Change in Σ (relative deviation)² if weight w moves from d to r. */
  const balanceDelta = (w: number, d: number, r: number) =>
    (2 * w * (w + (load[r] ?? 0) - (load[d] ?? 0))) / meanSquared
  const disruptionDelta = (u: number, d: number, r: number) => {
    if (initial === null) return 0
    const home = initial[u] ?? -1
    if (home < 0) return 0
    return (r === home ? -1 : 0) + (d === home ? 1 : 0)
  }

  /** Bumped whenever a territory gains or loses a unit. */
  const version = new Int32Array(k)
  const move = (u: number, r: number) => {
    const d = owner[u] ?? 0
    const w = weight[u] ?? 0
    load[d] = (load[d] ?? 0) - w
    load[r] = (load[r] ?? 0) + w
    heavyCount[d] = (heavyCount[d] ?? 0) - (heavy[u] ?? 0)
    heavyCount[r] = (heavyCount[r] ?? 0) + (heavy[u] ?? 0)
    shiftMoments(moments, graph, u, d, -1)
    shiftMoments(moments, graph, u, r, 1)
    cost[d] = territoryShapeCost(moments, d)
    cost[r] = territoryShapeCost(moments, r)
    const list = members[d] ?? []
    const last = list.pop() ?? u
    if (last !== u) {
      const at = position[u] ?? 0
      list[at] = last
      position[last] = at
    }
    const receiving = members[r] ?? []
    position[u] = receiving.length
    receiving.push(u)
    for (let e = offsets[u] ?? 0; e < (offsets[u + 1] ?? 0); e++) {
      const s = owner[targets[e] ?? 0] ?? 0
      if (s !== d) {
        border[d * k + s] = (border[d * k + s] ?? 0) - 1
        border[s * k + d] = (border[s * k + d] ?? 0) - 1
      }
      if (s !== r) {
        border[r * k + s] = (border[r * k + s] ?? 0) + 1
        border[s * k + r] = (border[s * k + r] ?? 0) + 1
      }
    }
    owner[u] = r
    version[d] = (version[d] ?? 0) + 1
    version[r] = (version[r] ?? 0) + 1
  }

  const canLeave = (u: number, d: number) =>
    locked[u] !== 1 && (members[d]?.length ?? 0) > 1 && staysConnectedWithout(graph, owner, u, scratch)

  const tryBalanceMove = (d: number, r: number): boolean => {
    const gap = (load[d] ?? 0) - (load[r] ?? 0)
    const candidates: [number, number][] = []
    for (const u of members[d] ?? []) {
      const w = weight[u] ?? 0
      if (locked[u] === 1 || w <= 0 || w >= gap || !touches(u, r)) continue
      const score =
        balanceWeight * balanceDelta(w, d, r) + shapeDelta(u, d, r) + disruptionCost * disruptionDelta(u, d, r)
      candidates.push([score, u])
    }
    candidates.sort((a, b) => a[0] - b[0] || a[1] - b[1])
    for (const [, u] of candidates) {
      if (canLeave(u, d)) {
        move(u, r)
        return true
      }
    }
    return false
  }

  /** Moves along a chain of adjacent territories, from `path[0]` to the last, choosing each unit to pass on
   * about what the next territory gave away; kept only when Σ deviation² drops, rolled back otherwise. */
  const tryChain = (path: readonly number[], amount: number): boolean => {
    const done: [number, number][] = []
    let wanted = amount
    const before = squaredDeviations()
    for (let hop = path.length - 2; hop >= 0; hop--) {
      const d = path[hop] ?? 0
      const r = path[hop + 1] ?? 0
      const candidates: [number, number][] = []
      for (const u of members[d] ?? []) {
        const w = weight[u] ?? 0
        if (locked[u] === 1 || w <= 0 || !touches(u, r)) continue
        const score =
          Math.abs(w - wanted) / mean + 0.1 * shapeDelta(u, d, r) + disruptionCost * disruptionDelta(u, d, r)
        candidates.push([score, u])
      }
      candidates.sort((a, b) => a[0] - b[0] || a[1] - b[1])
      const best = candidates.find(([, u]) => canLeave(u, d))?.[1] ?? -1
      if (best < 0) break
      wanted = weight[best] ?? 0
      done.push([best, d])
      move(best, r)
    }
    if (done.length === path.length - 1 && squaredDeviations() < before - 1e-12) return true
    for (let i = done.length - 1; i >= 0; i--) {
      const [u, d] = done[i] ?? [0, 0]
      move(u, d)
    }
    return false
  }
  const squaredDeviations = () => {
    let sum = 0
    for (let t = 0; t < k; t++) sum += deviation(t) ** 2
    return sum
  }
  /**
   * Shortest paths over the territory graph from `start` to the territories on the other side of the mean (lighter
   * than the mean when `start` is heavy, heavier when it is light), nearest first, oriented heavy → light.
   */
  const chainsFrom = (start: number, heavySide: boolean): number[][] => {
    const parent = new Int32Array(k).fill(-2)
    const hops = new Int32Array(k)
    parent[start] = -1
    const queue = [start]
    for (let head = 0; head < queue.length; head++) {
      const t = queue[head] ?? 0
      for (let s = 0; s < k; s++) {
        if ((parent[s] ?? 0) !== -2 || frozen[s] || (border[t * k + s] ?? 0) === 0) continue
        parent[s] = t
        hops[s] = (hops[t] ?? 0) + 1
        queue.push(s)
      }
    }
    const ends = queue
      .filter((t) => t !== start && !excused(t) && (heavySide ? deviation(t) < 0 : deviation(t) > 0))
      .sort((a, b) => (hops[a] ?? 0) - (hops[b] ?? 0) || Math.abs(deviation(b)) - Math.abs(deviation(a)) || a - b)
      .slice(0, chainTries)
    return ends.map((end) => {
      const path: number[] = []
      for (let t = end; t >= 0; t = parent[t] ?? -1) path.push(t)
      return heavySide ? path.reverse() : path
    })
  }

  // Phase 1: balance. A pair that failed is skipped until one of its two territories changes.
  const failedAt = new Map<number, number>()
  const pairs: [number, number, number][] = []
  const stamp = (d: number, r: number) => (version[d] ?? 0) * 1e6 + (version[r] ?? 0)
  while (options.now() < options.deadline && worstDeviation() > options.balanceGoal) {
    pairs.length = 0
    for (let d = 0; d < k; d++) {
      if (frozen[d]) continue
      for (let r = 0; r < k; r++) {
        const gap = (load[d] ?? 0) - (load[r] ?? 0)
        if (r !== d && !frozen[r] && gap > 0 && (border[d * k + r] ?? 0) > 0) pairs.push([gap, d, r])
      }
    }
    pairs.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2])
    let moved = false
    for (const [, d, r] of pairs) {
      if (failedAt.get(d * k + r) === stamp(d, r)) continue
      // Keep pouring from d to r while it helps; the order of pairs is refreshed after each sweep.
      let poured = 0
      while (poured < pourLimit && tryBalanceMove(d, r)) poured++
      if (poured > 0) moved = true
      else failedAt.set(d * k + r, stamp(d, r))
    }
    if (moved) continue
    // Single moves are stuck (units too coarse for the gaps between neighbours): pass load along a chain from the
    // worst territories to the lightest (or from the heaviest) they can reach.
    const worst = Array.from({ length: k }, (_, t) => t)
      .filter((t) => !excused(t) && Math.abs(deviation(t)) > options.balanceGoal)
      .sort((a, b) => Math.abs(deviation(b)) - Math.abs(deviation(a)) || a - b)
    for (const t of worst) {
      for (const path of chainsFrom(t, deviation(t) > 0)) {
        const first = path[0] ?? 0
        const last = path[path.length - 1] ?? 0
        const amount = Math.min((load[first] ?? 0) - mean, mean - (load[last] ?? 0))
        if (amount > 0 && tryChain(path, amount)) {
          moved = true
          break
        }
      }
      if (moved) break
    }
    if (!moved) break
  }

  // Phase 2: shape, within the tolerance band (or at least no worse for a territory already outside it).
  const band = tolerance * mean
  const fits = (before: number, after: number) =>
    Math.abs(after - mean) <= band || Math.abs(after - mean) <= Math.abs(before - mean)
  const seen = new Int32Array(k).fill(-1)
  for (let pass = 0; pass < shapePasses && options.now() < options.deadline; pass++) {
    let gained = 0
    for (let u = 0; u < n; u++) {
      const d = owner[u] ?? 0
      if (locked[u] === 1 || frozen[d]) continue
      const w = weight[u] ?? 0
      let bestTerritory = -1
      let bestScore = -1e-9
      for (let e = offsets[u] ?? 0; e < (offsets[u + 1] ?? 0); e++) {
        const r = owner[targets[e] ?? 0] ?? 0
        if (r === d || frozen[r] || seen[r] === u) continue
        seen[r] = u
        const disruption = disruptionDelta(u, d, r)
        if (disruption > 0) continue
        if (!fits(load[d] ?? 0, (load[d] ?? 0) - w) || !fits(load[r] ?? 0, (load[r] ?? 0) + w)) continue
        const score = shapeDelta(u, d, r) + shapeBalanceWeight * balanceDelta(w, d, r) + disruptionCost * disruption
        if (score < bestScore) {
          bestScore = score
          bestTerritory = r
        }
      }
      if (bestTerritory >= 0 && canLeave(u, d)) {
        move(u, bestTerritory)
        gained -= bestScore
      }
      if ((u & 255) === 0 && options.now() > options.deadline) break
    }
    if (gained < 1e-4 * k) break
  }
}
