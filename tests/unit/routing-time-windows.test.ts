import { describe, expect, it } from 'vitest'
import { createRandom } from '../../api/src/lib/random.ts'
import { optimizeRoute, type RoutePlan, type RouteProblem, type RouteStop } from '../../api/src/routing/optimizer.ts'

/** Points on a line, one unit of distance and one minute apart per unit; the start sits at 0. */
function onLine(positions: readonly number[], end?: number): { distances: number[][]; durations: number[][] } {
  const points = end === undefined ? [0, ...positions] : [0, ...positions, end]
  const matrix = points.map((a) => points.map((b) => Math.abs(a - b)))
  return { distances: matrix, durations: matrix }
}

const stopsAt = (positions: readonly number[], extra: Partial<RouteStop> = {}): RouteStop[] =>
  positions.map((position) => ({ id: `p${position}`, ...extra }))

const visit = (plan: RoutePlan, id: string) => plan.visits.find((v) => v.id === id)

/** Re-times a plan from its order alone (no break) and checks every visit against its window and the day. */
function expectConsistentTiming(problem: RouteProblem, plan: RoutePlan): void {
  const durations = problem.durations ?? problem.distances
  const index = new Map(problem.stops.map((stop, i) => [stop.id, i + 1]))
  const end = problem.distances.length === problem.stops.length + 2 ? problem.stops.length + 1 : 0
  let time = plan.departureMin
  let previous = 0
  expect(plan.departureMin).toBeGreaterThanOrEqual(problem.dayStartMin ?? 480)
  for (const [k, id] of plan.order.entries()) {
    const node = index.get(id) ?? -1
    const stop = problem.stops[node - 1]
    const timing = plan.visits[k]
    const arrival = time + (durations[previous]?.[node] ?? Number.NaN)
    expect(timing?.id).toBe(id)
    expect(timing?.arrivalMin).toBeCloseTo(arrival, 9)
    const start = Math.max(arrival, stop?.window?.[0] ?? Number.NEGATIVE_INFINITY)
    expect(timing?.startMin).toBeCloseTo(start, 9)
    expect(start).toBeLessThanOrEqual(stop?.window?.[1] ?? Number.POSITIVE_INFINITY)
    time = start + (stop?.durationMin ?? 0)
    expect(timing?.departureMin).toBeCloseTo(time, 9)
    previous = node
  }
  const endMin = time + (durations[previous]?.[end] ?? Number.NaN)
  expect(plan.endMin).toBeCloseTo(endMin, 9)
  expect(plan.endMin).toBeLessThanOrEqual(problem.dayEndMin ?? Number.POSITIVE_INFINITY)
}

describe('optimizeRoute with time windows', () => {
  it('serves an early window first and waits for a late one, on the shortest feasible order', () => {
    const stops = stopsAt([10, 20, 30, 40], { durationMin: 15 })
    stops[1] = { id: 'p20', durationMin: 15, window: [480, 505] }
    stops[0] = { id: 'p10', durationMin: 15, window: [640, 700] }
    const problem: RouteProblem = { stops, ...onLine([10, 20, 30, 40]), dayStartMin: 480 }
    const plan = optimizeRoute(problem)
    expect(plan.order).toEqual(['p20', 'p30', 'p40', 'p10'])
    expect(plan.totalDistance).toBe(80)
    expect(visit(plan, 'p10')).toEqual({ id: 'p10', arrivalMin: 595, startMin: 640, waitMin: 45, departureMin: 655 })
    expect(plan.endMin).toBe(665)
    expect(plan.unscheduled).toEqual([])
    expectConsistentTiming(problem, plan)
  })

  it('leaves later instead of waiting at the first stop', () => {
    const plan = optimizeRoute({
      stops: [{ id: 'only', durationMin: 20, window: [600, 660] }],
      ...onLine([30]),
    })
    expect(plan.departureMin).toBe(570)
    expect(plan.visits).toEqual([{ id: 'only', arrivalMin: 600, startMin: 600, waitMin: 0, departureMin: 620 }])
    expect(plan.endMin).toBe(650)
    expect(plan.totalDuration).toBe(80)
  })

  it('returns the best plan and the stops that cannot fit with their reasons instead of failing', () => {
    const positions = [10, 11, 20, 30, 400]
    const stops: RouteStop[] = [
      { id: 'clash-a', durationMin: 60, window: [540, 550] },
      { id: 'clash-b', durationMin: 60, window: [540, 550] },
      { id: 'free', durationMin: 30 },
      { id: 'too-early', durationMin: 10, window: [480, 500] },
      { id: 'far', durationMin: 10 },
    ]
    const problem: RouteProblem = { stops, ...onLine(positions), dayEndMin: 1000 }
    const plan = optimizeRoute(problem)
    const reasons = Object.fromEntries(plan.unscheduled.map((u) => [u.id, u.reason]))
    expect(reasons['too-early']).toBe('window_unreachable')
    expect(reasons.far).toBe('day_too_short')
    expect(plan.unscheduled).toHaveLength(3)
    const clash = plan.unscheduled.find((u) => u.id.startsWith('clash'))
    expect(clash?.reason).toBe('window_conflict')
    expect(plan.order).toContain('free')
    expect(plan.order.filter((id) => id.startsWith('clash'))).toHaveLength(1)
    expectConsistentTiming(problem, plan)
  })

  it('keeps a plan with every stop unscheduled when none fits the day', () => {
    const plan = optimizeRoute({
      stops: [{ id: 'a', durationMin: 10 }],
      ...onLine([300]),
      dayStartMin: 480,
      dayEndMin: 600,
    })
    expect(plan.order).toEqual([])
    expect(plan.unscheduled).toEqual([{ id: 'a', reason: 'day_too_short' }])
    expect(plan.totalDistance).toBe(0)
  })

  it('matches a brute-force optimum on small random instances: most visits first, then least distance', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const problem = randomWindowProblem(seed, 6)
      const best = bruteForce(problem)
      const plan = optimizeRoute({ ...problem, seed })
      expect(plan.order.length).toBe(best.count)
      expect(plan.totalDistance).toBe(best.distance)
      expect(plan.order.length + plan.unscheduled.length).toBe(problem.stops.length)
      expectConsistentTiming(problem, plan)
    }
  })

  it('minimises time including waiting when asked for duration', () => {
    // The short loop reaches p10 before its 10:00 window and waits there; visiting p10 first waits for nothing,
    // because leaving later absorbs the wait at the first stop.
    const stops: RouteStop[] = [
      { id: 'p10', durationMin: 10, window: [600, 700] },
      { id: 'p12', durationMin: 10 },
    ]
    const distances = [
      [0, 20, 5],
      [5, 0, 20],
      [20, 5, 0],
    ]
    const durations = distances.map((row) => row.map((d) => (d === 0 ? 0 : 10)))
    const byDistance = optimizeRoute({ stops, distances, durations, objective: 'distance' })
    expect(byDistance.order).toEqual(['p12', 'p10'])
    expect(byDistance.totalDistance).toBe(15)
    expect(byDistance.totalDuration).toBe(140)
    const byDuration = optimizeRoute({ stops, distances, durations, objective: 'duration' })
    expect(byDuration.order).toEqual(['p10', 'p12'])
    expect(byDuration.departureMin).toBe(590)
    expect(byDuration.totalDuration).toBe(50)
  })

  it('gives the same plan for the same seed on a windowed day', () => {
    const problem = randomWindowProblem(99, 25)
    const first = optimizeRoute({ ...problem, seed: 3, maxIterations: 200, timeBudgetMs: 60_000 })
    const second = optimizeRoute({ ...problem, seed: 3, maxIterations: 200, timeBudgetMs: 60_000 })
    expect(second.order).toEqual(first.order)
    expect(second.visits).toEqual(first.visits)
    expect(second.unscheduled).toEqual(first.unscheduled)
    expect(first.search.stoppedBy).toBe('iterations')
    expectConsistentTiming(problem, first)
  })
})

describe('optimizeRoute with a lunch break', () => {
  const positions = [10, 20, 30]
  const stops = stopsAt(positions, { durationMin: 90 })
  const lunchBreak = { durationMin: 30, window: [720, 780] } as const

  it('takes the break inside its window and between visits, waiting for the window to open', () => {
    const plan = optimizeRoute({ stops, ...onLine(positions), lunchBreak })
    // Visits end at 580, 680 and 780: the break cannot start in 720–750 without waiting; taking it on arrival
    // at the third stop (690, waiting to 720) finishes earliest.
    expect(plan.lunchBreak).toEqual({ startMin: 720, endMin: 750, afterVisits: 2, stopId: plan.order[2] })
    const third = plan.visits[2]
    expect(third).toMatchObject({ startMin: 750, departureMin: 840 })
    expect(third?.waitMin).toBe(750 - 30 - (third?.arrivalMin ?? 0))
    expect(plan.endMin).toBe(850)
    expect(plan.totalDuration).toBe(370)
    for (const v of plan.visits) {
      const overlaps = v.startMin < 750 && v.startMin + 90 > 720
      expect(overlaps).toBe(false)
    }
  })

  it('drops a stop that only the break pushes past the end of the day', () => {
    const without = optimizeRoute({ stops, ...onLine(positions), dayEndMin: 820 })
    expect(without.unscheduled).toEqual([])
    const plan = optimizeRoute({ stops, ...onLine(positions), dayEndMin: 820, lunchBreak })
    expect(plan.order).toHaveLength(2)
    expect(plan.unscheduled).toHaveLength(1)
    expect(plan.unscheduled[0]?.reason).toBe('day_too_short')
    expect(plan.lunchBreak?.startMin).toBeGreaterThanOrEqual(720)
    expect(plan.lunchBreak?.endMin).toBeLessThanOrEqual(780)
    expect(plan.endMin).toBeLessThanOrEqual(820)
  })

  it('takes the break at the end location when the visits are over before it', () => {
    const plan = optimizeRoute({ stops: stopsAt([10]), ...onLine([10]), lunchBreak })
    expect(plan.endMin).toBe(500)
    expect(plan.lunchBreak).toEqual({ startMin: 720, endMin: 750, afterVisits: 1, stopId: null })
  })
})

describe('optimizeRoute on open routes', () => {
  it('ends at the given end location and visits the stops on the way', () => {
    const positions = [30, 10, 40, 20]
    const plan = optimizeRoute({ stops: stopsAt(positions, { durationMin: 5 }), ...onLine(positions, 50) })
    expect(plan.order).toEqual(['p10', 'p20', 'p30', 'p40'])
    expect(plan.totalDistance).toBe(50)
    expect(plan.legs.at(-1)).toEqual({ fromId: 'p40', toId: null, distance: 10, durationMin: 10 })
    expect(plan.endMin).toBe(480 + 50 + 20)
  })

  it('keeps windows on an open route, even when they force a detour', () => {
    const positions = [10, 20, 30, 40]
    const stops = stopsAt(positions, { durationMin: 15 })
    stops[3] = { id: 'p40', durationMin: 15, window: [480, 530] }
    const problem: RouteProblem = { stops, ...onLine(positions, 0), dayStartMin: 480 }
    const plan = optimizeRoute(problem)
    expect(plan.order).toEqual(['p40', 'p30', 'p20', 'p10'])
    expectConsistentTiming(problem, plan)
  })
})

/** Up to `size` stops scattered on a 100×100 grid, most with a window, in a day too short for all of them. */
function randomWindowProblem(seed: number, size: number): RouteProblem {
  const random = createRandom(seed)
  const points = Array.from({ length: size + 1 }, () => [random.int(0, 100), random.int(0, 100)] as const)
  const distances = points.map((a) => points.map((b) => Math.round(Math.hypot(a[0] - b[0], a[1] - b[1]))))
  const stops: RouteStop[] = points.slice(1).map((_, i) => {
    const open = random.int(480, 720)
    return {
      id: `s${i + 1}`,
      durationMin: random.int(5, 30),
      window: random.chance(0.7) ? [open, open + random.int(10, 90)] : undefined,
    }
  })
  return { stops, distances, durations: distances, dayStartMin: 480, dayEndMin: 480 + 40 * size }
}

/** Exhaustive search over every ordered subset: the most visits, then the least distance. */
function bruteForce(problem: RouteProblem): { count: number; distance: number } {
  const { stops, distances } = problem
  const cost = (a: number, b: number): number => distances[a]?.[b] ?? Number.NaN
  let best = { count: 0, distance: 0 }
  const used = new Array<boolean>(stops.length + 1).fill(false)
  const extend = (last: number, time: number, count: number, distance: number): void => {
    const closing = distance + cost(last, 0)
    if (time + cost(last, 0) <= (problem.dayEndMin ?? Number.POSITIVE_INFINITY)) {
      if (count > best.count || (count === best.count && closing < best.distance)) best = { count, distance: closing }
    }
    for (let node = 1; node <= stops.length; node++) {
      if (used[node]) continue
      const stop = stops[node - 1]
      const start = Math.max(time + cost(last, node), stop?.window?.[0] ?? Number.NEGATIVE_INFINITY)
      if (start > (stop?.window?.[1] ?? Number.POSITIVE_INFINITY)) continue
      used[node] = true
      extend(node, start + (stop?.durationMin ?? 0), count + 1, distance + cost(last, node))
      used[node] = false
    }
  }
  extend(0, problem.dayStartMin ?? 480, 0, 0)
  return best
}
