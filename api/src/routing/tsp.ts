import { createRandom } from '../lib/random.ts'

/** A square cost matrix: `matrix[from][to]`. Asymmetric matrices are fine. */
export type Matrix = readonly (readonly number[])[]

export type TspOptions = {
  /** Node the path leaves from; default 0. */
  start?: number
  /** Node the path arrives at; default the start (a closed tour). */
  end?: number
  /** Nodes to visit between start and end; default every other node of the matrix. */
  nodes?: readonly number[]
  /** Seed of the perturbation; the same seed and iteration cap give the same path. Default 1. */
  seed?: number
  /** Iterated-local-search kicks; the search is reproducible when this cap, not the time budget, stops it. */
  maxIterations?: number
  /** Wall-clock safety net in milliseconds. */
  timeBudgetMs?: number
  /** Candidate neighbours per node for the local search; default 10. */
  neighbourCount?: number
}

export type TspStop = 'iterations' | 'time' | 'trivial'

export type TspResult = {
  /** Node indices from start to end inclusive (a closed tour starts and ends with the start). */
  path: number[]
  cost: number
  iterations: number
  stoppedBy: TspStop
}

/** Default kick count: enough to meet the TSPLIB quality targets, small enough to finish well inside them. */
export function defaultTspIterations(visits: number): number {
  if (visits < 2) return 0
  if (visits <= 12) return 200 * visits
  return Math.min(30_000, Math.round(40 * visits + visits ** 2 / 4))
}

const eps = 1e-9

/**
 * Shortest path from start through every node to end on any cost matrix: cheapest insertion, then iterated
 * local search (2-opt and Or-opt on neighbour lists with don't-look bits, kicked by segment-swap double bridges).
 * Segment reversals are priced exactly on asymmetric matrices, so the same search serves both kinds.
 */
export function solveTsp(matrix: Matrix, options: TspOptions = {}): TspResult {
  const started = performance.now()
  const start = options.start ?? 0
  const end = options.end ?? start
  const nodes = options.nodes ?? matrix.map((_, i) => i).filter((i) => i !== start && i !== end)
  const maxIterations = options.maxIterations ?? defaultTspIterations(nodes.length)
  const timeBudgetMs = options.timeBudgetMs ?? Number.POSITIVE_INFINITY
  const closed = start === end
  const global = closed ? [start, ...nodes] : [start, ...nodes, end]
  const tour = createTour(matrix, global, closed)
  if (tour.m <= 1) {
    buildTrivial(tour)
    return finish(tour, global, 0, 'trivial')
  }
  insertCheapest(tour)
  const search = createSearch(tour, options.neighbourCount ?? 10)
  for (let v = 0; v < tour.n; v++) search.push(v)
  improve(search)
  if (tour.m < 3) return finish(tour, global, 0, 'trivial')

  const random = createRandom(options.seed ?? 1)
  const saved = new Int32Array(tour.t)
  let current = pathCost(tour)
  let iterations = 0
  let stoppedBy: TspStop = 'iterations'
  const maxSegment = Math.max(1, Math.min(50, Math.ceil(tour.m / 2)))
  while (iterations < maxIterations) {
    if ((iterations & 15) === 0 && performance.now() - started > timeBudgetMs) {
      stoppedBy = 'time'
      break
    }
    iterations++
    kickSegmentSwap(search, random.int(1, maxSegment), random.int(1, maxSegment), random.next())
    improve(search)
    const cost = pathCost(tour)
    if (cost <= current + eps) {
      current = cost
      saved.set(tour.t)
    } else {
      tour.t.set(saved)
      refreshPositions(tour, 1, tour.m)
      refreshPrefix(tour, 0)
    }
  }
  return finish(tour, global, iterations, stoppedBy)
}

type Tour = {
  /** Local node count: 0 is the start, 1..m the visits, m + 1 the end of an open path. */
  readonly n: number
  readonly m: number
  readonly end: number
  readonly closed: boolean
  readonly symmetric: boolean
  readonly cost: Float64Array
  /** Positions 0..m+1 hold local nodes; position 0 is always the start and m + 1 the end. */
  readonly t: Int32Array
  readonly pos: Int32Array
  /** Prefix sums of edge costs along the path and against it, kept only for asymmetric matrices. */
  readonly fwd: Float64Array
  readonly bwd: Float64Array
}

function createTour(matrix: Matrix, global: readonly number[], closed: boolean): Tour {
  const n = global.length
  const m = closed ? n - 1 : n - 2
  const cost = new Float64Array(n * n)
  let symmetric = true
  for (let a = 0; a < n; a++) {
    const row = matrix[global[a] ?? 0]
    if (!row) throw new RangeError(`matrix has no row ${global[a]}`)
    for (let b = 0; b < n; b++) {
      const value = row[global[b] ?? 0]
      if (value === undefined || !Number.isFinite(value)) throw new RangeError(`matrix[${global[a]}] is not complete`)
      cost[a * n + b] = value
    }
  }
  for (let a = 0; a < n && symmetric; a++) {
    for (let b = a + 1; b < n; b++) {
      const x = cost[a * n + b] ?? 0
      const y = cost[b * n + a] ?? 0
      if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.abs(x))) {
        symmetric = false
        break
      }
    }
  }
  const t = new Int32Array(m + 2)
  const end = closed ? 0 : m + 1
  t[m + 1] = end
  const pos = new Int32Array(n)
  pos[end] = m + 1
  pos[0] = 0
  return {
    n,
    m,
    end,
    closed,
    symmetric,
    cost,
    t,
    pos,
    fwd: new Float64Array(symmetric ? 0 : m + 2),
    bwd: new Float64Array(symmetric ? 0 : m + 2),
  }
}

const edge = (tour: Tour, a: number, b: number): number => tour.cost[a * tour.n + b] ?? 0
const at = (tour: Tour, i: number): number => tour.t[i] ?? 0

/** Position where a node's outgoing edge starts (> m when it has none). */
const succPos = (tour: Tour, v: number): number => (v === 0 ? 0 : (tour.pos[v] ?? 0))
/** Position where a node's incoming edge ends (< 1 when it has none). */
const predPos = (tour: Tour, v: number): number => {
  if (v !== 0) return tour.pos[v] ?? 0
  return tour.closed ? tour.m + 1 : -1
}

function buildTrivial(tour: Tour): void {
  for (let i = 1; i <= tour.m; i++) tour.t[i] = i
  refreshPositions(tour, 1, tour.m)
}

function refreshPositions(tour: Tour, from: number, to: number): void {
  for (let i = from; i <= to; i++) tour.pos[at(tour, i)] = i
}

function refreshPrefix(tour: Tour, from: number): void {
  if (tour.symmetric) return
  for (let i = Math.max(0, from); i <= tour.m; i++) {
    const a = at(tour, i)
    const b = at(tour, i + 1)
    tour.fwd[i + 1] = (tour.fwd[i] ?? 0) + edge(tour, a, b)
    tour.bwd[i + 1] = (tour.bwd[i] ?? 0) + edge(tour, b, a)
  }
}

function pathCost(tour: Tour): number {
  let total = 0
  for (let i = 0; i <= tour.m; i++) total += edge(tour, at(tour, i), at(tour, i + 1))
  return total
}

function finish(tour: Tour, global: readonly number[], iterations: number, stoppedBy: TspStop): TspResult {
  const path: number[] = []
  for (let i = 0; i <= tour.m + 1; i++) path.push(global[at(tour, i)] ?? 0)
  return { path, cost: pathCost(tour), iterations, stoppedBy }
}

/** Cheapest insertion, keeping each waiting node's best edge and recomputing it only when that edge breaks. */
function insertCheapest(tour: Tour): void {
  const { m, end } = tour
  const next = new Int32Array(tour.n)
  next[0] = end
  const routed = new Uint8Array(tour.n)
  const bestCost = new Float64Array(tour.n)
  const bestFrom = new Int32Array(tour.n)
  const insertion = (u: number, x: number): number =>
    edge(tour, x, u) + edge(tour, u, next[x] ?? 0) - edge(tour, x, next[x] ?? 0)
  const rescan = (u: number): void => {
    let best = Number.POSITIVE_INFINITY
    let from = 0
    let x = 0
    do {
      const cost = insertion(u, x)
      if (cost < best) {
        best = cost
        from = x
      }
      x = next[x] ?? 0
    } while (x !== end)
    bestCost[u] = best
    bestFrom[u] = from
  }
  for (let u = 1; u <= m; u++) rescan(u)
  for (let step = 0; step < m; step++) {
    let u = -1
    for (let v = 1; v <= m; v++) {
      if (!routed[v] && (u < 0 || (bestCost[v] ?? 0) < (bestCost[u] ?? 0))) u = v
    }
    const x = bestFrom[u] ?? 0
    const y = next[x] ?? 0
    next[x] = u
    next[u] = y
    routed[u] = 1
    for (let v = 1; v <= m; v++) {
      if (routed[v]) continue
      if (bestFrom[v] === x) {
        rescan(v)
        continue
      }
      const viaX = insertion(v, x)
      const viaU = insertion(v, u)
      if (viaX < (bestCost[v] ?? 0)) {
        bestCost[v] = viaX
        bestFrom[v] = x
      }
      if (viaU < (bestCost[v] ?? 0)) {
        bestCost[v] = viaU
        bestFrom[v] = u
      }
    }
  }
  let x = next[0] ?? 0
  for (let i = 1; i <= m; i++) {
    tour.t[i] = x
    x = next[x] ?? 0
  }
  refreshPositions(tour, 1, m)
  refreshPrefix(tour, 0)
}

type Search = {
  tour: Tour
  /** `k` nearest nodes of each node, nearest first. */
  neighbours: Int32Array
  k: number
  queue: Int32Array
  queued: Uint8Array
  head: number
  size: number
  push: (v: number) => void
  segment: Int32Array
}

function createSearch(tour: Tour, neighbourCount: number): Search {
  const { n } = tour
  const k = Math.min(neighbourCount, n - 1)
  const neighbours = new Int32Array(n * k)
  const others: number[] = []
  for (let v = 0; v < n; v++) {
    others.length = 0
    for (let w = 0; w < n; w++) if (w !== v) others.push(w)
    const closeness = (w: number): number =>
      tour.symmetric ? edge(tour, v, w) : Math.min(edge(tour, v, w), edge(tour, w, v))
    others.sort((a, b) => closeness(a) - closeness(b) || a - b)
    for (let i = 0; i < k; i++) neighbours[v * k + i] = others[i] ?? 0
  }
  const search: Search = {
    tour,
    neighbours,
    k,
    queue: new Int32Array(n),
    queued: new Uint8Array(n),
    head: 0,
    size: 0,
    push: (v) => {
      if (search.queued[v]) return
      search.queued[v] = 1
      search.queue[(search.head + search.size) % n] = v
      search.size++
    },
    segment: new Int32Array(3),
  }
  return search
}

/** Runs improving moves until no queued node (don't-look bit off) yields one. */
function improve(search: Search): void {
  const { n } = search.tour
  while (search.size > 0) {
    const v = search.queue[search.head] ?? 0
    search.head = (search.head + 1) % n
    search.size--
    search.queued[v] = 0
    if (tryTwoOpt(search, v) || tryOrOpt(search, v)) search.push(v)
  }
}

function reverseDelta(tour: Tour, l: number, r: number): number {
  const p = at(tour, l - 1)
  const f = at(tour, l)
  const g = at(tour, r)
  const q = at(tour, r + 1)
  let delta = edge(tour, p, g) + edge(tour, f, q) - edge(tour, p, f) - edge(tour, g, q)
  if (!tour.symmetric) {
    delta += (tour.bwd[r] ?? 0) - (tour.bwd[l] ?? 0) - ((tour.fwd[r] ?? 0) - (tour.fwd[l] ?? 0))
  }
  return delta
}

function applyReverse(search: Search, l: number, r: number): void {
  const { tour } = search
  search.push(at(tour, l - 1))
  search.push(at(tour, l))
  search.push(at(tour, r))
  search.push(at(tour, r + 1))
  for (let i = l, j = r; i < j; i++, j--) {
    const x = at(tour, i)
    tour.t[i] = at(tour, j)
    tour.t[j] = x
  }
  refreshPositions(tour, l, r)
  refreshPrefix(tour, l - 1)
}

/** 2-opt: make `v` adjacent to a near neighbour by reversing the stretch between them. */
function tryTwoOpt(search: Search, v: number): boolean {
  const { tour, neighbours, k } = search
  const { m, symmetric } = tour
  const i = succPos(tour, v)
  if (i <= m) {
    const removed = edge(tour, v, at(tour, i + 1))
    for (let x = 0; x < k; x++) {
      const w = neighbours[v * k + x] ?? 0
      if (symmetric && edge(tour, v, w) >= removed) break
      const j = succPos(tour, w)
      if (j > m || j === i) continue
      const l = Math.min(i, j) + 1
      const r = Math.max(i, j)
      if (l >= r) continue
      if (reverseDelta(tour, l, r) < -eps) {
        applyReverse(search, l, r)
        return true
      }
    }
  }
  const p = predPos(tour, v)
  if (p >= 1) {
    const removed = edge(tour, at(tour, p - 1), v)
    for (let x = 0; x < k; x++) {
      const w = neighbours[v * k + x] ?? 0
      if (symmetric && edge(tour, w, v) >= removed) break
      const j = predPos(tour, w)
      if (j < 1 || j === p) continue
      const l = Math.min(p, j)
      const r = Math.max(p, j) - 1
      if (l >= r) continue
      if (reverseDelta(tour, l, r) < -eps) {
        applyReverse(search, l, r)
        return true
      }
    }
  }
  return false
}

/** Cost change of moving positions a..b between positions x and x + 1, optionally reversed. */
function moveDelta(tour: Tour, a: number, b: number, x: number, reversed: boolean): number {
  const p = at(tour, a - 1)
  const f = at(tour, a)
  const g = at(tour, b)
  const q = at(tour, b + 1)
  const xs = at(tour, x)
  const ys = at(tour, x + 1)
  let delta = edge(tour, p, q) - edge(tour, p, f) - edge(tour, g, q) - edge(tour, xs, ys)
  if (!reversed) return delta + edge(tour, xs, f) + edge(tour, g, ys)
  delta += edge(tour, xs, g) + edge(tour, f, ys)
  if (!tour.symmetric) {
    delta += (tour.bwd[b] ?? 0) - (tour.bwd[a] ?? 0) - ((tour.fwd[b] ?? 0) - (tour.fwd[a] ?? 0))
  }
  return delta
}

function applyMove(search: Search, a: number, b: number, x: number, reversed: boolean): void {
  const { tour, segment } = search
  const length = b - a + 1
  for (const i of [a - 1, a, b, b + 1, x, x + 1]) search.push(at(tour, i))
  for (let i = 0; i < length; i++) segment[i] = at(tour, reversed ? b - i : a + i)
  if (x < a) {
    for (let i = a - 1; i > x; i--) tour.t[i + length] = at(tour, i)
    for (let i = 0; i < length; i++) tour.t[x + 1 + i] = segment[i] ?? 0
    refreshPositions(tour, x + 1, b)
    refreshPrefix(tour, x)
  } else {
    for (let i = b + 1; i <= x; i++) tour.t[i - length] = at(tour, i)
    for (let i = 0; i < length; i++) tour.t[x - length + 1 + i] = segment[i] ?? 0
    refreshPositions(tour, a, x)
    refreshPrefix(tour, a - 1)
  }
}

/** Or-opt: move a string of 1–3 visits starting or ending at `v` next to a neighbour, either way round. */
function tryOrOpt(search: Search, v: number): boolean {
  const { tour, neighbours, k } = search
  const { m, symmetric } = tour
  const i = tour.pos[v] ?? 0
  if (v === 0 || i < 1 || i > m) return false
  for (let length = 1; length <= 3; length++) {
    for (let side = 0; side < (length === 1 ? 1 : 2); side++) {
      const a = side === 0 ? i : i - length + 1
      const b = a + length - 1
      if (a < 1 || b > m) continue
      const f = at(tour, a)
      const g = at(tour, b)
      const gain =
        edge(tour, at(tour, a - 1), f) + edge(tour, g, at(tour, b + 1)) - edge(tour, at(tour, a - 1), at(tour, b + 1))
      if (symmetric && gain <= eps) continue
      for (let end = 0; end < 2; end++) {
        const s = end === 0 ? f : g
        for (let y = 0; y < k; y++) {
          const w = neighbours[s * k + y] ?? 0
          if (symmetric && edge(tour, s, w) >= gain) break
          // w before the string end it neighbours (w→s), or after it (s→w).
          const after = succPos(tour, w)
          const before = predPos(tour, w) - 1
          const reversedAfter = end === 1
          const reversedBefore = end === 0
          if (after <= m && (after < a - 1 || after > b) && moveDelta(tour, a, b, after, reversedAfter) < -eps) {
            applyMove(search, a, b, after, reversedAfter)
            return true
          }
          if (before >= 0 && (before < a - 1 || before > b) && moveDelta(tour, a, b, before, reversedBefore) < -eps) {
            applyMove(search, a, b, before, reversedBefore)
            return true
          }
        }
      }
    }
  }
  return false
}

/** Double bridge restricted to two adjacent short strings: swaps them, then queues the six touched nodes. */
function kickSegmentSwap(search: Search, first: number, second: number, where: number): void {
  const { tour } = search
  const { m } = tour
  let l1 = first
  let l2 = second
  while (l1 + l2 > m) {
    if (l1 >= l2) l1--
    else l2--
  }
  const a = 1 + Math.floor(where * (m - l1 - l2 + 1))
  const copy = tour.t.slice(a, a + l1 + l2)
  for (let i = 0; i < l2; i++) tour.t[a + i] = copy[l1 + i] ?? 0
  for (let i = 0; i < l1; i++) tour.t[a + l2 + i] = copy[i] ?? 0
  refreshPositions(tour, a, a + l1 + l2 - 1)
  refreshPrefix(tour, a - 1)
  for (const i of [a - 1, a, a + l2 - 1, a + l2, a + l1 + l2 - 1, a + l1 + l2]) search.push(at(tour, i))
}
