import type { Matrix } from './tsp.ts'

/** `[startMin, endMin]` in minutes from midnight. */
export type TimeWindow = readonly [startMin: number, endMin: number]

/** A break of `durationMin` minutes that must start and end inside `window`. */
export type LunchBreak = { durationMin: number; window: TimeWindow }

/** Everything that decides when a route's visits happen, over matrix node indices. */
export type DayModel = {
  /** Travel minutes between nodes. */
  durations: Matrix
  /** Visit minutes per node (0 for the start and end). */
  serviceMin: readonly number[]
  /** Allowed service start per node: arriving early waits, arriving after the end is infeasible. */
  windows: readonly (TimeWindow | undefined)[]
  start: number
  end: number
  dayStartMin: number
  /** Latest arrival at the end; `Infinity` for no limit. */
  dayEndMin: number
  lunchBreak: LunchBreak | null
}

/**
 * Where the break goes: after `afterVisits` visits, either at that location once its visit is done
 * (`onArrival: false`; 0 means at the start before leaving) or at the next location before its visit
 * (`onArrival: true`; `afterVisits` equal to the visit count means at the end).
 */
export type BreakPlacement = { afterVisits: number; onArrival: boolean }

export type DayFailure = 'window' | 'day_end' | 'break'

export type DayCheck =
  | { feasible: true; endMin: number; breakAt: BreakPlacement | null }
  | { feasible: false; failure: DayFailure }

export type VisitTiming = {
  node: number
  arrivalMin: number
  /** Service start. */
  startMin: number
  /** Idle minutes before the service start, the break excluded. */
  waitMin: number
  /** Leaving the location, after the visit (and the break when it is taken here). */
  departureMin: number
}

export type DayTiming = {
  departureMin: number
  visits: VisitTiming[]
  endMin: number
  lunch: { startMin: number; endMin: number; placement: BreakPlacement } | null
}

/** End of a break started as soon as possible after `time`, or Infinity when it would overrun its window. */
function takeBreak(lunch: LunchBreak | null, time: number): number {
  if (!lunch) return Number.POSITIVE_INFINITY
  const finished = Math.max(time, lunch.window[0]) + lunch.durationMin
  return finished <= lunch.window[1] ? finished : Number.POSITIVE_INFINITY
}

/** Service start when ready at `ready`, or Infinity after the window closes. */
const serve = (ready: number, opens: number, closes: number): number => {
  const begin = Math.max(ready, opens)
  return begin <= closes ? begin : Number.POSITIVE_INFINITY
}

const travel = (model: DayModel, a: number, b: number): number => model.durations[a]?.[b] ?? 0

/**
 * Whether a visit order fits the day and, when it does, the earliest arrival at the end. The break is placed
 * optimally: the pass tracks the earliest time without the break taken and with it taken; waiting is allowed,
 * so earlier is never worse and keeping the earliest "taken" time per step is exact.
 */
export function checkDay(model: DayModel, route: readonly number[], departMin = model.dayStartMin): DayCheck {
  const lunch = model.lunchBreak
  let before = departMin
  let after = Number.POSITIVE_INFINITY
  let breakAt: BreakPlacement | null = null
  if (lunch) {
    after = takeBreak(lunch, before)
    if (after < Number.POSITIVE_INFINITY) breakAt = { afterVisits: 0, onArrival: false }
  }
  let previous = model.start
  for (let k = 0; k < route.length; k++) {
    const node = route[k] ?? 0
    const leg = travel(model, previous, node)
    const window = model.windows[node]
    const opens = window ? window[0] : Number.NEGATIVE_INFINITY
    const closes = window ? window[1] : Number.POSITIVE_INFINITY
    let startAfter = serve(after + leg, opens, closes)
    const startBefore = serve(before + leg, opens, closes)
    if (lunch && before < Number.POSITIVE_INFINITY) {
      const viaBreak = serve(takeBreak(lunch, before + leg), opens, closes)
      if (viaBreak < startAfter) {
        startAfter = viaBreak
        breakAt = { afterVisits: k, onArrival: true }
      }
    }
    if (startBefore === Number.POSITIVE_INFINITY && startAfter === Number.POSITIVE_INFINITY) {
      return { feasible: false, failure: 'window' }
    }
    const service = model.serviceMin[node] ?? 0
    before = startBefore + service
    after = startAfter + service
    if (lunch && before < Number.POSITIVE_INFINITY) {
      const viaBreak = takeBreak(lunch, before)
      if (viaBreak < after) {
        after = viaBreak
        breakAt = { afterVisits: k + 1, onArrival: false }
      }
    }
    previous = node
  }
  const leg = travel(model, previous, model.end)
  const arriveBefore = before + leg
  const arriveAfter = after + leg
  if (!lunch) {
    return arriveBefore <= model.dayEndMin
      ? { feasible: true, endMin: arriveBefore, breakAt: null }
      : { feasible: false, failure: 'day_end' }
  }
  // A break taken at the end location once the day's work is done does not lengthen the day.
  const breakAtEnd = arriveBefore <= model.dayEndMin && takeBreak(lunch, arriveBefore) < Number.POSITIVE_INFINITY
  if (breakAtEnd && arriveBefore <= arriveAfter) {
    return { feasible: true, endMin: arriveBefore, breakAt: { afterVisits: route.length, onArrival: true } }
  }
  if (arriveAfter <= model.dayEndMin) return { feasible: true, endMin: arriveAfter, breakAt }
  return { feasible: false, failure: arriveBefore <= model.dayEndMin ? 'break' : 'day_end' }
}

/** Arrival, wait, service start and departure of each visit of a feasible route, the break where `checkDay` put it. */
export function timeDay(
  model: DayModel,
  route: readonly number[],
  placement: BreakPlacement | null,
  departMin = model.dayStartMin,
): DayTiming {
  const lunch = model.lunchBreak
  let lunchTiming: DayTiming['lunch'] = null
  const breakHere = (afterVisits: number, onArrival: boolean, time: number): number => {
    if (!lunch || !placement || placement.afterVisits !== afterVisits || placement.onArrival !== onArrival) return time
    const startMin = Math.max(time, lunch.window[0])
    lunchTiming = { startMin, endMin: startMin + lunch.durationMin, placement }
    return lunchTiming.endMin
  }
  let time = breakHere(0, false, departMin)
  let previous = model.start
  const visits: VisitTiming[] = []
  for (let k = 0; k < route.length; k++) {
    const node = route[k] ?? 0
    const arrivalMin = time + travel(model, previous, node)
    const ready = breakHere(k, true, arrivalMin)
    const breakMin = ready > arrivalMin ? (lunch?.durationMin ?? 0) : 0
    const startMin = Math.max(ready, model.windows[node]?.[0] ?? Number.NEGATIVE_INFINITY)
    const serviceEnd = startMin + (model.serviceMin[node] ?? 0)
    const departureMin = breakHere(k + 1, false, serviceEnd)
    visits.push({ node, arrivalMin, startMin, waitMin: startMin - arrivalMin - breakMin, departureMin })
    time = departureMin
    previous = node
  }
  const endMin = time + travel(model, previous, model.end)
  breakHere(route.length, true, endMin)
  return { departureMin: departMin, visits, endMin, lunch: lunchTiming }
}

/**
 * Leaving later by the wait at the first visit, when that changes nothing else: the day starts when driving is
 * useful rather than with an idle wait at the first door.
 */
export function usefulDeparture(model: DayModel, route: readonly number[]): number {
  const check = checkDay(model, route)
  if (!check.feasible || route.length === 0) return model.dayStartMin
  const wait = timeDay(model, route, check.breakAt).visits[0]?.waitMin ?? 0
  if (wait <= 0) return model.dayStartMin
  const later = model.dayStartMin + wait
  const recheck = checkDay(model, route, later)
  return recheck.feasible && recheck.endMin <= check.endMin ? later : model.dayStartMin
}
