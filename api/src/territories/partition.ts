/**
 * Territory balancing: partitions units (counties, ZIPs, H3 cells) into k contiguous, compact territories balanced
 * on one measure, keeping locked units and territories, and starting from the current alignment when given.
 * Pure and synchronous; deterministic for a seed as long as the time budget is not hit.
 *
 *   islands        → linked to the nearest unit of the rest by a virtual edge (reported; contiguity ignores it)
 *   first draft    → from `initial` (pieces cut off repaired, gaps filled), else competitive growth (partition-grow)
 *   local search   → balance, then shape (partition-refine)
 *   report         → loads, deviations, contiguity, compactness, honest notes (partition-score)
 */
import { createRandom } from '../lib/random.ts'
import { buildUnitGraph, createSearchScratch, staysConnectedWithout, type UnitGraph } from './partition-graph.ts'
import { growBalancedAlignment, growTerritories } from './partition-grow.ts'
import { refineAlignment } from './partition-refine.ts'
import { createScorerOnGraph, defaultTolerance } from './partition-score.ts'
import type { PartitionInput, PartitionNote, PartitionResult } from './partition-types.ts'

const defaultTimeBudgetMs = 1500
/** Share of the budget the first draft may use; local search gets the rest. */
const growShare = 0.4
/** An extra component lighter than this share of the mean is an island; heavier ones mean a split scope. */
const islandShare = 0.5

/**
 * Blends two measures into one weight per unit: share × a/Σa + (1 − share) × b/Σb, so both count by their share of
 * the total whatever their units (customers vs. cents of revenue).
 */
export function blendMeasures(a: readonly number[], b: readonly number[], share: number): number[] {
  if (a.length !== b.length) throw new RangeError('measures must have one value per unit')
  if (!(share >= 0 && share <= 1)) throw new RangeError('share must be between 0 and 1')
  const sumA = a.reduce((s, v) => s + v, 0)
  const sumB = b.reduce((s, v) => s + v, 0)
  return a.map((v, i) => share * (sumA > 0 ? v / sumA : 0) + (1 - share) * (sumB > 0 ? (b[i] ?? 0) / sumB : 0))
}

function readIndexMap(input: PartitionInput, n: number): Int32Array {
  const locked = new Int32Array(n).fill(-1)
  for (const [unit, territory] of input.locked ?? []) {
    if (!Number.isInteger(unit) || unit < 0 || unit >= n) throw new RangeError(`locked unit ${unit} does not exist`)
    if (!Number.isInteger(territory) || territory < 0 || territory >= input.k) {
      throw new RangeError(`locked territory ${territory} is outside 0..${input.k - 1}`)
    }
    locked[unit] = territory
  }
  return locked
}

function readInitial(input: PartitionInput, n: number): Int32Array | null {
  if (input.initial === undefined) return null
  if (input.initial.length !== n) throw new RangeError(`initial has ${input.initial.length} entries for ${n} units`)
  return Int32Array.from(input.initial, (t) => {
    if (!Number.isInteger(t) || t < -1 || t >= input.k)
      throw new RangeError(`territory ${t} is outside -1..${input.k - 1}`)
    return t
  })
}

/**
 * Keeps each territory of the current alignment to its pieces that hold locked units, or else to its heaviest piece
 * (on the linked graph); the other pieces become unassigned so growth can hand them to a neighbour.
 */
function dropCutOffPieces(graph: UnitGraph, owner: Int32Array, locked: Int32Array, k: number) {
  const piece = new Int32Array(graph.n).fill(-1)
  const pieceWeight: number[] = []
  const pieceLocked: boolean[] = []
  const pieceTerritory: number[] = []
  for (let start = 0; start < graph.n; start++) {
    const t = owner[start] ?? -1
    if (t < 0 || (piece[start] ?? -1) >= 0) continue
    const id = pieceWeight.length
    let weight = 0
    let hasLock = false
    const queue = [start]
    piece[start] = id
    for (let head = 0; head < queue.length; head++) {
      const u = queue[head] ?? 0
      weight += graph.weight[u] ?? 0
      hasLock ||= (locked[u] ?? -1) >= 0
      for (let e = graph.offsets[u] ?? 0; e < (graph.offsets[u + 1] ?? 0); e++) {
        const v = graph.targets[e] ?? 0
        if (owner[v] === t && (piece[v] ?? -1) < 0) {
          piece[v] = id
          queue.push(v)
        }
      }
    }
    pieceWeight.push(weight)
    pieceLocked.push(hasLock)
    pieceTerritory.push(t)
  }
  const keep = pieceWeight.map((_, id) => pieceLocked[id] === true)
  const heaviest = new Int32Array(k).fill(-1)
  pieceWeight.forEach((w, id) => {
    const t = pieceTerritory[id] ?? 0
    const current = heaviest[t] ?? -1
    if (current < 0 || w > (pieceWeight[current] ?? 0)) heaviest[t] = id
  })
  for (let t = 0; t < k; t++) {
    const lockedPieces = pieceTerritory.some((pt, id) => pt === t && pieceLocked[id])
    const id = heaviest[t] ?? -1
    if (!lockedPieces && id >= 0) keep[id] = true
  }
  for (let u = 0; u < graph.n; u++) {
    const id = piece[u] ?? -1
    if (id >= 0 && !keep[id]) owner[u] = -1
  }
}

/** Gives each empty, unfrozen territory one unit: the outermost movable unit of the heaviest territory. */
function seedEmptyTerritories(graph: UnitGraph, owner: Int32Array, locked: Int32Array, frozen: Uint8Array, k: number) {
  const scratch = createSearchScratch(graph.n)
  const size = new Int32Array(k)
  const load = new Float64Array(k)
  for (let u = 0; u < graph.n; u++) {
    const t = owner[u] ?? 0
    size[t] = (size[t] ?? 0) + 1
    load[t] = (load[t] ?? 0) + (graph.weight[u] ?? 0)
  }
  for (let empty = 0; empty < k; empty++) {
    if ((size[empty] ?? 0) > 0 || frozen[empty]) continue
    let donor = -1
    for (let t = 0; t < k; t++) {
      if (!frozen[t] && (size[t] ?? 0) > 1 && (donor < 0 || (load[t] ?? 0) > (load[donor] ?? 0))) donor = t
    }
    if (donor < 0) return
    let cx = 0
    let cy = 0
    for (let u = 0; u < graph.n; u++) {
      if (owner[u] !== donor) continue
      cx += (graph.x[u] ?? 0) / (size[donor] ?? 1)
      cy += (graph.y[u] ?? 0) / (size[donor] ?? 1)
    }
    const byDistance: [number, number][] = []
    for (let u = 0; u < graph.n; u++) {
      if (owner[u] === donor && (locked[u] ?? -1) < 0) {
        byDistance.push([((graph.x[u] ?? 0) - cx) ** 2 + ((graph.y[u] ?? 0) - cy) ** 2, u])
      }
    }
    byDistance.sort((a, b) => b[0] - a[0] || a[1] - b[1])
    const pick = byDistance.find(([, u]) => staysConnectedWithout(graph, owner, u, scratch))
    if (!pick) continue
    const [, unit] = pick
    owner[unit] = empty
    size[donor] = (size[donor] ?? 0) - 1
    size[empty] = 1
    load[donor] = (load[donor] ?? 0) - (graph.weight[unit] ?? 0)
    load[empty] = graph.weight[unit] ?? 0
  }
}

function describeUnits(input: PartitionInput, units: readonly number[]): string[] {
  return units.map((u) => input.units[u]?.id ?? String(u))
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`

export function partitionUnits(input: PartitionInput): PartitionResult {
  const started = performance.now()
  const now = () => performance.now()
  const { k } = input
  if (!Number.isInteger(k) || k < 1) throw new RangeError('k must be a positive integer')
  const tolerance = input.tolerance ?? defaultTolerance
  if (!(tolerance >= 0)) throw new RangeError('tolerance must be ≥ 0')
  const deadline = started + (input.timeBudgetMs ?? defaultTimeBudgetMs)
  const graph = buildUnitGraph(input.units, input.adjacency)
  const { n } = graph
  const locked = readIndexMap(input, n)
  const initial = readInitial(input, n)
  if (input.lockedTerritories && input.lockedTerritories.length > 0 && initial === null) {
    throw new RangeError('locked territories need the current alignment (initial)')
  }
  const frozen = new Uint8Array(k)
  for (const t of input.lockedTerritories ?? []) {
    if (!Number.isInteger(t) || t < 0 || t >= k) throw new RangeError(`locked territory ${t} is outside 0..${k - 1}`)
    frozen[t] = 1
  }
  if (initial) {
    for (let u = 0; u < n; u++) {
      const t = initial[u] ?? -1
      if (t >= 0 && frozen[t] && (locked[u] ?? -1) < 0) locked[u] = t
    }
  }

  let total = 0
  for (let u = 0; u < n; u++) total += graph.weight[u] ?? 0
  const mean = total / k
  const notes: PartitionNote[] = []

  const heavy = new Uint8Array(n)
  const heavyUnits: number[] = []
  for (let u = 0; u < n; u++) {
    if (mean > 0 && (graph.weight[u] ?? 0) > (1 + tolerance) * mean) {
      heavy[u] = 1
      heavyUnits.push(u)
    }
  }
  if (heavyUnits.length > 0) {
    notes.push({
      code: 'unit_heavier_than_target',
      message:
        heavyUnits.length === 1
          ? `One unit alone weighs more than ${percent(1 + tolerance)} of the mean territory; its territory cannot be balanced.`
          : `${heavyUnits.length} units each weigh more than ${percent(1 + tolerance)} of the mean territory; their territories cannot be balanced.`,
      unitIds: describeUnits(input, heavyUnits),
    })
  }

  const extra = graph.components.slice(1)
  const componentWeight = (c: readonly number[]) => c.reduce((s, u) => s + (graph.weight[u] ?? 0), 0)
  const islands = extra.filter((c) => componentWeight(c) < islandShare * mean || mean <= 0)
  const parts = extra.filter((c) => !islands.includes(c))
  if (islands.length > 0) {
    notes.push({
      code: 'island',
      message: `${islands.length} group(s) of units share no border with the rest; each joins the territory of its nearest unit and that territory is reported as not contiguous.`,
      unitIds: describeUnits(input, islands.flat()),
    })
  }
  if (parts.length > 0) {
    notes.push({
      code: 'disconnected_scope',
      message: `The chosen units form ${parts.length + 1} separate areas heavy enough to need territories of their own; a territory spanning two of them is reported as not contiguous.`,
      unitIds: describeUnits(input, parts.flat()),
    })
  }

  let owner: Int32Array
  if (n === 0) {
    owner = new Int32Array(0)
  } else if (initial?.some((t) => t >= 0)) {
    owner = Int32Array.from(initial)
    for (let u = 0; u < n; u++) if ((locked[u] ?? -1) >= 0) owner[u] = locked[u] ?? -1
    dropCutOffPieces(graph, owner, locked, k)
    growTerritories(graph, owner, [], new Float64Array(k).fill(1))
    seedEmptyTerritories(graph, owner, locked, frozen, k)
  } else {
    owner = growBalancedAlignment(graph, {
      k,
      locked,
      heavy: heavyUnits,
      random: createRandom(input.seed ?? 1),
      goodEnough: tolerance / 2,
      deadline: started + growShare * (deadline - started),
      now,
    })
  }

  if (n > 0) {
    refineAlignment(graph, owner, {
      k,
      tolerance,
      locked: Uint8Array.from(locked, (t) => (t >= 0 ? 1 : 0)),
      frozen,
      heavy,
      initial,
      // From scratch, aim inside the band so the shape phase has room; from a current alignment, stop at the band.
      balanceGoal: initial ? tolerance : tolerance / 2,
      deadline,
      now,
    })
  }

  const score = createScorerOnGraph(graph, owner, k, tolerance).score()
  let moves = 0
  let movedWeight = 0
  if (initial) {
    for (let u = 0; u < n; u++) {
      const before = initial[u] ?? -1
      if (before >= 0 && before !== owner[u]) {
        moves++
        movedWeight += graph.weight[u] ?? 0
      }
    }
  }
  if (!score.reachedTolerance) {
    const excused = new Uint8Array(k)
    for (const u of heavyUnits) excused[owner[u] ?? 0] = 1
    for (let t = 0; t < k; t++) if (frozen[t]) excused[t] = 1
    const free = score.loads.filter((_, t) => !excused[t])
    const freeMean = free.reduce((sum, load) => sum + load, 0) / Math.max(free.length, 1)
    const spread = free.reduce((m, load) => Math.max(m, freeMean > 0 ? Math.abs(load / freeMean - 1) : 0), 0)
    const explained = free.length < k && free.length > 0
    notes.push({
      code: 'tolerance_not_reached',
      message:
        `The worst territory is ${percent(score.maxDeviation)} from the mean (target ±${percent(tolerance)})` +
        (explained
          ? `; the ${free.length} territories free to balance average ${percent(freeMean / mean - 1)} from the mean and are within ±${percent(spread)} of their own average.`
          : '.'),
    })
  }

  return {
    ...score,
    assignment: Array.from(owner),
    notes,
    moves,
    movedWeight,
    runtimeMs: performance.now() - started,
  }
}
