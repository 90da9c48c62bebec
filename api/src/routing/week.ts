import { createDayModel, optimizeRoute, type RoutePlan, type RouteStop, type UnscheduledReason } from './optimizer.ts'
import { checkDay, type LunchBreak } from './schedule.ts'
import type { Matrix } from './tsp.ts'

export type WeekStop = RouteStop & {
  /** Working days (0-based in the week) on which the stop may be visited: open that day and due by then. */
  days: readonly number[]
  /** Higher is placed first when days run full. */
  priority: number
}

export type WeekProblem = {
  stops: readonly WeekStop[]
  /** Over the start (0), the stops (1..n) and optionally the end (n + 1), as for `optimizeRoute`. */
  distances: Matrix
  durations?: Matrix
  speedKmh?: number
  /** Working days in the week, 1–7. */
  dayCount: number
  dayStartMin?: number
  dayEndMin?: number
  lunchBreak?: LunchBreak
  seed?: number
  /** Wall-clock cap for all days together; default 900 ms. */
  timeBudgetMs?: number
}

export type WeekUnscheduledReason = UnscheduledReason | 'no_day_available' | 'week_full'

export type WeekPlan = {
  days: { day: number; plan: RoutePlan }[]
  unscheduled: { id: string; reason: WeekUnscheduledReason }[]
}

/** Rows and columns of `matrix` for the given node indices, in that order. */
function subMatrix(matrix: Matrix, nodes: readonly number[]): number[][] {
  return nodes.map((a) => nodes.map((b) => matrix[a]?.[b] ?? 0))
}

/**
 * Spreads stops over the working days, each day a route. Every stop goes only on a day it allows (its frequency
 * makes it due, its opening days), to the day where it adds the least driving plus a share of the load already
 * there, so days fill evenly; the stops with the fewest possible days go first, then by priority. Each day is then
 * ordered by the day optimiser on the same matrix.
 */
export function planWeek(problem: WeekProblem): WeekPlan {
  const started = performance.now()
  const budget = problem.timeBudgetMs ?? 900
  const model = createDayModel(problem)
  const n = problem.stops.length
  const open = model.end !== model.start
  const routes: number[][] = Array.from({ length: problem.dayCount }, () => [])
  const busy = new Array<number>(problem.dayCount).fill(0)
  const unscheduled: WeekPlan['unscheduled'] = []
  const travel = (a: number, b: number) => model.durations[a]?.[b] ?? 0

  const order = problem.stops
    .map((stop, i) => ({ stop, node: i + 1 }))
    .sort((a, b) => a.stop.days.length - b.stop.days.length || b.stop.priority - a.stop.priority || a.node - b.node)
  for (const { stop, node } of order) {
    const days = stop.days.filter((d) => d >= 0 && d < problem.dayCount)
    if (days.length === 0) {
      unscheduled.push({ id: stop.id, reason: 'no_day_available' })
      continue
    }
    let best: { day: number; route: number[]; score: number } | null = null
    for (const day of days) {
      const route = routes[day] ?? []
      for (let p = 0; p <= route.length; p++) {
        const before = p === 0 ? model.start : (route[p - 1] ?? 0)
        const after = p === route.length ? model.end : (route[p] ?? 0)
        const added = travel(before, node) + travel(node, after) - travel(before, after)
        const score = added + (busy[day] ?? 0) / 4
        if (best && score >= best.score) continue
        const candidate = [...route.slice(0, p), node, ...route.slice(p)]
        if (checkDay(model, candidate).feasible) best = { day, route: candidate, score }
      }
    }
    if (!best) {
      const alone = checkDay(model, [node])
      unscheduled.push({
        id: stop.id,
        reason: alone.feasible ? 'week_full' : alone.failure === 'window' ? 'window_unreachable' : 'day_too_short',
      })
      continue
    }
    routes[best.day] = best.route
    busy[best.day] = (busy[best.day] ?? 0) + (stop.durationMin ?? 0) + 2 * travel(model.start, node)
  }

  const days: WeekPlan['days'] = []
  routes.forEach((route, day) => {
    const nodes = [0, ...route, ...(open ? [n + 1] : [])]
    const remaining = Math.max(50, budget - (performance.now() - started)) / Math.max(1, problem.dayCount - day)
    const plan = optimizeRoute({
      stops: route.map((node) => problem.stops[node - 1] as WeekStop),
      distances: subMatrix(problem.distances, nodes),
      durations: subMatrix(model.durations, nodes),
      dayStartMin: problem.dayStartMin,
      dayEndMin: problem.dayEndMin,
      lunchBreak: problem.lunchBreak,
      seed: problem.seed,
      timeBudgetMs: remaining,
    })
    unscheduled.push(...plan.unscheduled)
    days.push({ day, plan: { ...plan, unscheduled: [] } })
  })
  return { days, unscheduled }
}
