import { createRandom, type Random } from '../lib/random.ts'
import {
  type BreakPlacement,
  checkDay,
  type DayFailure,
  type DayModel,
  type LunchBreak,
  type TimeWindow,
  timeDay,
  usefulDeparture,
} from './schedule.ts'
import { durationsFromDistances } from './travel-model.ts'
import { type Matrix, solveTsp, type TspStop } from './tsp.ts'

export type RouteStop = {
  id: string
  /** Minutes spent at the stop; default 0. */
  durationMin?: number
  /** Allowed service start, minutes from midnight. */
  window?: TimeWindow
}

export type RouteObjective = 'distance' | 'duration'

export type RouteProblem = {
  stops: readonly RouteStop[]
  /**
   * Square matrix over the start (index 0), the stops in order (1..n) and, for an open route, the end (n + 1);
   * without that last index the route returns to the start. Metres when `durations` is left out.
   */
  distances: Matrix
  /** Travel minutes over the same indices; default `distances` driven at `speedKmh`. */
  durations?: Matrix
  speedKmh?: number
  /** Departure from the start, minutes from midnight; default 480 (08:00). */
  dayStartMin?: number
  /** Latest arrival at the end; default no limit. */
  dayEndMin?: number
  /** Dropped when it cannot be taken even on a day without visits (its window lies outside the day). */
  lunchBreak?: LunchBreak
  /** What the order minimises among feasible plans; default 'distance'. */
  objective?: RouteObjective
  seed?: number
  /** Search iterations; with the seed, fixes the result whenever the time budget does not cut the search short. */
  maxIterations?: number
  /** Wall-clock cap for the whole optimisation; default 900 ms. */
  timeBudgetMs?: number
}

/**
 * Why a stop is left out: it cannot be served in its window even alone (`window_unreachable`), the day cannot hold
 * it (`day_too_short`), its window clashes with the planned visits (`window_conflict`), the break leaves no room
 * for it (`break_conflict`), or (re-timing a fixed order) the caller left it out although it would fit (`left_out`).
 */
export type UnscheduledReason =
  | 'window_unreachable'
  | 'day_too_short'
  | 'window_conflict'
  | 'break_conflict'
  /** Re-timing a fixed order only: the stop fits the day but the caller left it out of the order. */
  | 'left_out'

export type PlannedVisit = {
  id: string
  arrivalMin: number
  /** Service start. */
  startMin: number
  /** Idle minutes at the stop, the break excluded. */
  waitMin: number
  departureMin: number
}

/** One drive; `fromId` null is the start location, `toId` null the end location. */
export type RouteLeg = { fromId: string | null; toId: string | null; distance: number; durationMin: number }

export type PlannedBreak = {
  startMin: number
  endMin: number
  /** Visits done before the break. */
  afterVisits: number
  /** Stop where it is taken; null at the start or end location. */
  stopId: string | null
}

export type RoutePlan = {
  order: string[]
  visits: PlannedVisit[]
  legs: RouteLeg[]
  /** Leaving the start: the day start, or later when leaving then would only mean waiting at the first stop. */
  departureMin: number
  /** Arrival at the end location. */
  endMin: number
  lunchBreak: PlannedBreak | null
  totalDistance: number
  /** Minutes from departure to arrival at the end: driving, visits, waiting and a break taken on the way. */
  totalDuration: number
  unscheduled: { id: string; reason: UnscheduledReason }[]
  runtimeMs: number
  search: { iterations: number; stoppedBy: TspStop }
}

const eps = 1e-9
const defaultDayStartMin = 8 * 60
const defaultTimeBudgetMs = 900

/**
 * Plans one day: the visit order with timings, totals, and the stops that do not fit with a reason. An infeasible
 * day is not an error: the plan holds as many stops as the search could fit.
 */
export function optimizeRoute(problem: RouteProblem): RoutePlan {
  const started = performance.now()
  const deadline = started + (problem.timeBudgetMs ?? defaultTimeBudgetMs)
  const model = createDayModel(problem)
  const objective = problem.objective ?? 'distance'
  const cost = objective === 'distance' ? problem.distances : model.durations

  const unscheduled: RoutePlan['unscheduled'] = []
  const candidates: number[] = []
  for (let node = 1; node <= problem.stops.length; node++) {
    const reason = aloneReason(model, node)
    if (reason) unscheduled.push({ id: idOfStop(problem, node), reason })
    else candidates.push(node)
  }

  const tsp = solveTsp(cost, {
    start: model.start,
    end: model.end,
    nodes: candidates,
    seed: problem.seed,
    maxIterations: problem.maxIterations,
    timeBudgetMs: Math.max(0, deadline - performance.now()),
  })
  let route = tsp.path.slice(1, -1)
  let search = { iterations: tsp.iterations, stoppedBy: tsp.stoppedBy }
  const timed = model.lunchBreak !== null || candidates.some((node) => model.windows[node] !== undefined)
  const fits = checkDay(model, route).feasible
  // The unconstrained optimum is also the constrained one when it fits, unless waiting counts in the objective.
  if (!fits || (objective === 'duration' && timed)) {
    const constrained = searchConstrained(
      { model, cost, objective, random: createRandom(problem.seed ?? 1), deadline },
      route,
      candidates,
      problem.maxIterations,
    )
    route = constrained.route
    search = { iterations: search.iterations + constrained.iterations, stoppedBy: constrained.stoppedBy }
  }

  const placed = new Set(route)
  for (const node of candidates) {
    if (placed.has(node)) continue
    const reason = conflictReason(model, route, node)
    if (reason === null) {
      // Left out by a search the time budget cut short, or room opened by the last reordering: fit it in.
      route = insertCheapest(model, cost, route, node)
    } else {
      unscheduled.push({ id: idOfStop(problem, node), reason })
    }
  }
  return buildPlan(problem, model, route, unscheduled, search, started)
}

export function createDayModel(problem: RouteProblem): DayModel {
  const n = problem.stops.length
  const size = problem.distances.length
  if (size !== n + 1 && size !== n + 2) {
    throw new RangeError(`distances must be ${n + 1}×${n + 1} (closed) or ${n + 2}×${n + 2} (open), got ${size} rows`)
  }
  const durations = problem.durations ?? durationsFromDistances(problem.distances, problem.speedKmh)
  for (const matrix of [problem.distances, durations]) {
    if (matrix.length !== size || matrix.some((row) => row.length !== size)) {
      throw new RangeError(`travel matrices must all be ${size}×${size}`)
    }
  }
  const serviceMin = [0, ...problem.stops.map((stop) => stop.durationMin ?? 0), 0]
  const windows: (TimeWindow | undefined)[] = [undefined, ...problem.stops.map((stop) => stop.window), undefined]
  for (const stop of problem.stops) {
    if ((stop.durationMin ?? 0) < 0) throw new RangeError(`stop ${stop.id} has a negative duration`)
    if (stop.window && !(stop.window[0] <= stop.window[1])) throw new RangeError(`stop ${stop.id} has an empty window`)
  }
  const lunch = problem.lunchBreak ?? null
  if (lunch && !(lunch.durationMin >= 0 && lunch.window[0] + lunch.durationMin <= lunch.window[1])) {
    throw new RangeError('the lunch break does not fit in its own window')
  }
  const model: DayModel = {
    durations,
    serviceMin,
    windows,
    start: 0,
    end: size === n + 2 ? n + 1 : 0,
    dayStartMin: problem.dayStartMin ?? defaultDayStartMin,
    dayEndMin: problem.dayEndMin ?? Number.POSITIVE_INFINITY,
    lunchBreak: lunch,
  }
  return lunch && !checkDay(model, []).feasible ? { ...model, lunchBreak: null } : model
}

function aloneReason(model: DayModel, node: number): UnscheduledReason | null {
  const alone = checkDay({ ...model, lunchBreak: null }, [node])
  if (!alone.feasible) return alone.failure === 'window' ? 'window_unreachable' : 'day_too_short'
  return checkDay(model, [node]).feasible ? null : 'break_conflict'
}

/** Why `node` fits nowhere in `route`, or null when some position takes it. */
function conflictReason(model: DayModel, route: readonly number[], node: number): UnscheduledReason | null {
  const failures = new Set<DayFailure>()
  for (let p = 0; p <= route.length; p++) {
    const check = checkDay(model, [...route.slice(0, p), node, ...route.slice(p)])
    if (check.feasible) return null
    failures.add(check.failure)
  }
  if (failures.has('day_end')) return 'day_too_short'
  return failures.has('window') ? 'window_conflict' : 'break_conflict'
}

function insertCheapest(model: DayModel, cost: Matrix, route: readonly number[], node: number): number[] {
  const edge = (a: number, b: number): number => cost[a]?.[b] ?? 0
  const positions: [number, number][] = []
  for (let p = 0; p <= route.length; p++) {
    const before = p === 0 ? model.start : (route[p - 1] ?? 0)
    const after = p === route.length ? model.end : (route[p] ?? 0)
    positions.push([edge(before, node) + edge(node, after) - edge(before, after), p])
  }
  positions.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  for (const [, p] of positions) {
    const candidate = [...route.slice(0, p), node, ...route.slice(p)]
    if (checkDay(model, candidate).feasible) return candidate
  }
  return [...route]
}

function pathLength(cost: Matrix, model: DayModel, route: readonly number[]): number {
  let total = 0
  let previous = model.start
  for (const node of route) {
    total += cost[previous]?.[node] ?? 0
    previous = node
  }
  return total + (cost[previous]?.[model.end] ?? 0)
}

type Context = {
  model: DayModel
  /** Matrix of the objective: distances, or travel minutes when minimising duration. */
  cost: Matrix
  objective: RouteObjective
  random: Random
  deadline: number
}

type Solution = { route: number[]; cost: number }

const timeIsUp = (context: Context): boolean => performance.now() > context.deadline

/** The objective of a feasible route, or null when the route does not fit the day. */
function routeCost(context: Context, route: readonly number[]): number | null {
  const check = checkDay(context.model, route)
  if (!check.feasible) return null
  if (context.objective === 'duration')
    return check.endMin - context.model.dayStartMin - firstWait(context.model, route)
  return pathLength(context.cost, context.model, route)
}

/** The candidate's objective when it is feasible and beats `current`; distance is checked before the timing. */
function improvingCost(context: Context, route: readonly number[], current: number): number | null {
  if (context.objective === 'distance') {
    const length = pathLength(context.cost, context.model, route)
    if (length >= current - eps) return null
    return checkDay(context.model, route).feasible ? length : null
  }
  const cost = routeCost(context, route)
  return cost !== null && cost < current - eps ? cost : null
}

/** Waiting at the first stop is not part of the day: the plan leaves later instead (see `usefulDeparture`). */
function firstWait(model: DayModel, route: readonly number[]): number {
  const first = route[0]
  if (first === undefined) return 0
  const arrival = model.dayStartMin + (model.durations[model.start]?.[first] ?? 0)
  return Math.max(0, (model.windows[first]?.[0] ?? arrival) - arrival)
}

const isBetter = (a: Solution, b: Solution): boolean =>
  a.route.length > b.route.length || (a.route.length === b.route.length && a.cost < b.cost - eps)

/**
 * Time windows, the day end or the break made the plain tour infeasible (or waiting matters): rebuild with
 * feasibility-checked regret insertion, polish with relocate/Or-opt/swap/2-opt, and iterate ruin-and-recreate.
 */
function searchConstrained(
  context: Context,
  tour: readonly number[],
  candidates: readonly number[],
  maxIterations: number | undefined,
): { route: number[]; iterations: number; stoppedBy: TspStop } {
  const filtered: number[] = []
  for (const node of tour) {
    filtered.push(node)
    if (!checkDay(context.model, filtered).feasible) filtered.pop()
  }
  const starts = [
    insertByRegret(
      context,
      filtered,
      tour.filter((node) => !filtered.includes(node)),
    ),
    insertByRegret(context, [], [...candidates]),
  ].map((route) => improveRoute(context, { route, cost: routeCost(context, route) ?? Number.POSITIVE_INFINITY }))
  let current = starts.reduce((best, next) => (isBetter(next, best) ? next : best))
  let best = current
  const limit = maxIterations ?? Math.min(1000, 40 * candidates.length)
  let iterations = 0
  let stoppedBy: TspStop = 'iterations'
  while (iterations < limit && current.route.length > 0) {
    if (timeIsUp(context)) {
      stoppedBy = 'time'
      break
    }
    iterations++
    const { kept, removed } =
      context.random.next() < 0.25 ? shake(context, current.route) : ruin(context, current.route)
    const inRoute = new Set(current.route)
    const outside = candidates.filter((node) => !inRoute.has(node))
    // Regret insertion is strong but always makes the same choices. The other half of the time the stops left
    // out go in first, in a random order, so that the day can trade the just-removed stops for them.
    const route =
      context.random.next() < 0.5
        ? insertByRegret(context, kept, [...removed, ...outside])
        : insertInRandomOrder(context, insertInRandomOrder(context, kept, outside), removed)
    const cost = routeCost(context, route)
    if (cost === null) continue
    const next = improveRoute(context, { route, cost })
    // Threshold accepting: slightly worse plans of the same size are taken early on, never at the end.
    const threshold = 0.02 * Math.abs(best.cost) * (1 - iterations / limit)
    if (
      isBetter(next, current) ||
      (next.route.length === current.route.length && next.cost <= current.cost + threshold)
    ) {
      current = next
      if (isBetter(current, best)) best = current
    }
  }
  return { route: best.route, iterations, stoppedBy }
}

/**
 * Moves a few random visits to random feasible positions, whatever the cost: reorders the kept visits, which
 * insertion never does, so that windows can be served in another sequence.
 */
function shake(context: Context, route: readonly number[]): { kept: number[]; removed: number[] } {
  const { random, model } = context
  let kept = [...route]
  const removed: number[] = []
  const moves = random.int(1, Math.min(3, route.length))
  for (let move = 0; move < moves && kept.length > 0; move++) {
    const node = random.pick(kept)
    const rest = kept.filter((other) => other !== node)
    const offset = random.int(0, rest.length)
    let placed = false
    for (let i = 0; i <= rest.length && !placed; i++) {
      const p = (offset + i) % (rest.length + 1)
      const candidate = [...rest.slice(0, p), node, ...rest.slice(p)]
      if (checkDay(model, candidate).feasible) {
        kept = candidate
        placed = true
      }
    }
    if (!placed) {
      kept = rest
      removed.push(node)
    }
  }
  return { kept, removed }
}

/** Cheapest feasible insertion of the pending stops in a random order. */
function insertInRandomOrder(context: Context, start: readonly number[], pending: readonly number[]): number[] {
  const order = [...pending]
  for (let i = order.length - 1; i > 0; i--) {
    const j = context.random.int(0, i)
    const swap = order[i] ?? 0
    order[i] = order[j] ?? 0
    order[j] = swap
  }
  let route = [...start]
  for (const node of order) route = insertCheapest(context.model, context.cost, route, node)
  return route
}

/** Removes a string of consecutive visits, a visit with its nearest planned neighbours, or random visits. */
function ruin(context: Context, route: readonly number[]): { kept: number[]; removed: number[] } {
  const { random, cost } = context
  const count = random.int(1, Math.min(route.length, Math.max(5, Math.ceil(route.length * 0.3))))
  const kind = random.int(0, 2)
  if (kind === 0) {
    const from = random.int(0, route.length - count)
    return { kept: [...route.slice(0, from), ...route.slice(from + count)], removed: route.slice(from, from + count) }
  }
  let removed: number[]
  if (kind === 1) {
    const seed = random.pick(route)
    const closeness = (node: number): number => Math.min(cost[seed]?.[node] ?? 0, cost[node]?.[seed] ?? 0)
    removed = [...route].sort((a, b) => closeness(a) - closeness(b) || a - b).slice(0, count)
  } else {
    const pool = [...route]
    removed = []
    for (let i = 0; i < count; i++) removed.push(...pool.splice(random.int(0, pool.length - 1), 1))
  }
  const gone = new Set(removed)
  return { kept: route.filter((node) => !gone.has(node)), removed }
}

/**
 * Regret-2 insertion: repeatedly places the pending stop that would lose most by waiting (the gap between its best
 * and second-best feasible positions), at its best position. Stops with no feasible position stay out.
 */
function insertByRegret(context: Context, start: readonly number[], pending: readonly number[]): number[] {
  const { model, cost } = context
  const route = [...start]
  let waiting = [...pending]
  while (waiting.length > 0 && !timeIsUp(context)) {
    let pick = -1
    let pickAt = 0
    let pickRegret = Number.NEGATIVE_INFINITY
    let pickCost = Number.POSITIVE_INFINITY
    const placeable: number[] = []
    for (const node of waiting) {
      const deltas: [number, number][] = []
      for (let p = 0; p <= route.length; p++) {
        const before = p === 0 ? model.start : (route[p - 1] ?? 0)
        const after = p === route.length ? model.end : (route[p] ?? 0)
        const delta = (cost[before]?.[node] ?? 0) + (cost[node]?.[after] ?? 0) - (cost[before]?.[after] ?? 0)
        deltas.push([delta, p])
      }
      deltas.sort((a, b) => a[0] - b[0] || a[1] - b[1])
      let first: [number, number] | null = null
      let second = Number.POSITIVE_INFINITY
      for (const [delta, p] of deltas) {
        route.splice(p, 0, node)
        const feasible = checkDay(model, route).feasible
        route.splice(p, 1)
        if (!feasible) continue
        if (first) {
          second = delta
          break
        }
        first = [delta, p]
      }
      if (!first) continue
      placeable.push(node)
      const regret = second - first[0]
      if (regret > pickRegret || (regret === pickRegret && first[0] < pickCost)) {
        pick = node
        pickAt = first[1]
        pickRegret = regret
        pickCost = first[0]
      }
    }
    if (pick < 0) break
    route.splice(pickAt, 0, pick)
    waiting = placeable.filter((node) => node !== pick)
  }
  return route
}

/** First-improvement descent over string relocation (1–3 visits, either way round), swaps and reversals. */
function improveRoute(context: Context, solution: Solution): Solution {
  const byDistance = context.objective === 'distance'
  let route = solution.route
  let cost = solution.cost
  // Distance is checked first, without building the candidate; the timing only for moves that shorten the route.
  const accept = (move: Move, i: number, j: number, size: number, reversed: boolean): boolean => {
    if (byDistance && moveDelta(context, route, move, i, j, size, reversed) >= -eps) return false
    const candidate = applyRouteMove(route, move, i, j, size, reversed)
    const next = improvingCost(context, candidate, cost)
    if (next === null) return false
    route = candidate
    cost = next
    return true
  }
  let improved = true
  while (improved && !timeIsUp(context)) {
    improved = false
    const length = route.length
    for (let size = 1; size <= Math.min(3, length - 1); size++) {
      for (let i = 0; i + size <= length; i++) {
        for (let j = 0; j <= length - size; j++) {
          if (j !== i && accept('relocate', i, j, size, false)) improved = true
          if (size > 1 && accept('relocate', i, j, size, true)) improved = true
        }
      }
    }
    for (let i = 0; i < length; i++) {
      for (let j = i + 1; j < length; j++) {
        if (accept('swap', i, j, 1, false)) improved = true
        if (j > i + 1 && accept('reverse', i, j, 1, false)) improved = true
      }
    }
  }
  return { route, cost }
}

/**
 * `relocate` moves the `size` visits at i into position j of the remaining route (reversed or not); `swap`
 * exchanges the visits at i and j; `reverse` reverses positions i..j.
 */
type Move = 'relocate' | 'swap' | 'reverse'

/** Route position -1 is the start and route.length the end. */
function nodeAt(model: DayModel, route: readonly number[], k: number): number {
  if (k < 0) return model.start
  return k >= route.length ? model.end : (route[k] ?? 0)
}

/** Where position k of the moved route reads from in the current route. */
function sourceOf(move: Move, k: number, i: number, j: number, size: number, reversed: boolean): number {
  if (move === 'swap') return k === i ? j : k === j ? i : k
  if (move === 'reverse') return k >= i && k <= j ? i + j - k : k
  if (k >= j && k < j + size) return reversed ? i + size - 1 - (k - j) : i + (k - j)
  const rest = k < j ? k : k - size
  return rest < i ? rest : rest + size
}

/** Change in the objective matrix's path length, summed over the edges a move can touch. */
function moveDelta(
  context: Context,
  route: readonly number[],
  move: Move,
  i: number,
  j: number,
  size: number,
  reversed: boolean,
): number {
  const { model, cost } = context
  const from = move === 'relocate' ? Math.min(i, j) - 1 : i - 1
  const to = move === 'relocate' ? Math.max(i, j) + size - 1 : j
  let delta = 0
  for (let k = from; k <= to; k++) {
    const a = k < 0 ? model.start : nodeAt(model, route, sourceOf(move, k, i, j, size, reversed))
    const b = k + 1 >= route.length ? model.end : nodeAt(model, route, sourceOf(move, k + 1, i, j, size, reversed))
    delta += (cost[a]?.[b] ?? 0) - (cost[nodeAt(model, route, k)]?.[nodeAt(model, route, k + 1)] ?? 0)
  }
  return delta
}

function applyRouteMove(
  route: readonly number[],
  move: Move,
  i: number,
  j: number,
  size: number,
  reversed: boolean,
): number[] {
  const moved: number[] = []
  for (let k = 0; k < route.length; k++) moved.push(route[sourceOf(move, k, i, j, size, reversed)] ?? 0)
  return moved
}

function buildPlan(
  problem: RouteProblem,
  model: DayModel,
  route: readonly number[],
  unscheduled: RoutePlan['unscheduled'],
  search: RoutePlan['search'],
  started: number,
): RoutePlan {
  const first = timeDay(model, route, breakPlacement(model, route, model.dayStartMin))
  const departure = (first.visits[0]?.waitMin ?? 0) > 0 ? usefulDeparture(model, route) : model.dayStartMin
  const timing =
    departure === model.dayStartMin ? first : timeDay(model, route, breakPlacement(model, route, departure), departure)
  const path = [model.start, ...route, model.end]
  const legs: RouteLeg[] = []
  for (let i = 0; i + 1 < path.length; i++) {
    const from = path[i] ?? 0
    const to = path[i + 1] ?? 0
    legs.push({
      fromId: i === 0 ? null : idOfStop(problem, from),
      toId: i + 2 === path.length ? null : idOfStop(problem, to),
      distance: problem.distances[from]?.[to] ?? 0,
      durationMin: model.durations[from]?.[to] ?? 0,
    })
  }
  const lunch = timing.lunch
  return {
    order: route.map((node) => idOfStop(problem, node)),
    visits: timing.visits.map((visit) => ({
      id: idOfStop(problem, visit.node),
      arrivalMin: visit.arrivalMin,
      startMin: visit.startMin,
      waitMin: visit.waitMin,
      departureMin: visit.departureMin,
    })),
    legs,
    departureMin: timing.departureMin,
    endMin: timing.endMin,
    lunchBreak: lunch
      ? {
          startMin: lunch.startMin,
          endMin: lunch.endMin,
          afterVisits: lunch.placement.afterVisits,
          stopId: breakStopId(problem, route, lunch.placement),
        }
      : null,
    totalDistance: legs.reduce((sum, leg) => sum + leg.distance, 0),
    totalDuration: timing.endMin - timing.departureMin,
    unscheduled,
    runtimeMs: Math.round((performance.now() - started) * 10) / 10,
    search,
  }
}

const idOfStop = (problem: RouteProblem, node: number): string => problem.stops[node - 1]?.id ?? ''

function breakPlacement(model: DayModel, route: readonly number[], departMin: number): BreakPlacement | null {
  const check = checkDay(model, route, departMin)
  return check.feasible ? check.breakAt : null
}

function breakStopId(problem: RouteProblem, route: readonly number[], placement: BreakPlacement): string | null {
  const index = placement.onArrival ? placement.afterVisits : placement.afterVisits - 1
  const node = route[index]
  return node === undefined ? null : idOfStop(problem, node)
}

/** A promise a fixed order breaks: a visit starts after its window closes, the day ends late, or no room for the break. */
export type RouteViolation = { id: string | null; reason: 'late' | 'day_end' | 'break' }

export type TimedRoute = RoutePlan & { feasible: boolean; violations: RouteViolation[] }

/**
 * Times the visits in exactly the order given (a rep dragged a stop): no search. An order that breaks a window or
 * the day end is still timed, as if the late visits were allowed, and the broken promises are listed.
 */
export function timeRoute(problem: RouteProblem, orderIds: readonly string[]): TimedRoute {
  const started = performance.now()
  const model = createDayModel(problem)
  const nodeOf = new Map(problem.stops.map((stop, i) => [stop.id, i + 1]))
  const route: number[] = []
  for (const id of orderIds) {
    const node = nodeOf.get(id)
    if (node === undefined) throw new RangeError(`order names unknown stop ${id}`)
    if (route.includes(node)) throw new RangeError(`order names stop ${id} twice`)
    route.push(node)
  }
  const unscheduled: RoutePlan['unscheduled'] = []
  for (let node = 1; node <= problem.stops.length; node++) {
    if (route.includes(node)) continue
    const reason = aloneReason(model, node) ?? conflictReason(model, route, node) ?? 'left_out'
    unscheduled.push({ id: idOfStop(problem, node), reason })
  }
  const search = { iterations: 0, stoppedBy: 'trivial' as const }
  if (checkDay(model, route).feasible) {
    return { ...buildPlan(problem, model, route, unscheduled, search, started), feasible: true, violations: [] }
  }
  // Time the order with windows that never close and no day end, then name what that broke.
  const open: DayModel = {
    ...model,
    windows: model.windows.map((w) => (w ? ([w[0], Number.POSITIVE_INFINITY] as const) : undefined)),
    dayEndMin: Number.POSITIVE_INFINITY,
  }
  const relaxed = checkDay(open, route).feasible ? open : { ...open, lunchBreak: null }
  const plan = buildPlan(problem, relaxed, route, unscheduled, search, started)
  const violations: RouteViolation[] = []
  for (const visit of plan.visits) {
    const window = model.windows[nodeOf.get(visit.id) ?? -1]
    if (window && visit.startMin > window[1] + eps) violations.push({ id: visit.id, reason: 'late' })
  }
  if (plan.endMin > model.dayEndMin + eps) violations.push({ id: null, reason: 'day_end' })
  if (model.lunchBreak && !relaxed.lunchBreak) violations.push({ id: null, reason: 'break' })
  return { ...plan, feasible: false, violations }
}
