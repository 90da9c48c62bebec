import { describe, expect, it } from 'vitest'
import { optimizeRoute, timeRoute } from '../../api/src/routing/optimizer.ts'
import { planWeek } from '../../api/src/routing/week.ts'
import { scoreCustomer } from '../../api/src/visits/priority.ts'

const day = new Date('2026-12-01T12:00:00Z')
const daysAgo = (n: number) => new Date(day.getTime() - n * 86_400_000)

describe('visit priority score', () => {
  it('adds revenue, the visit rhythm of the tier, prospects and distance, and says so', () => {
    const a = scoreCustomer(
      { status: 'active', revenue12mCents: 15_000_000, lastVisitAt: daysAgo(30), distanceKm: 12 },
      day,
    )
    expect(a.tier).toBe('A')
    expect(a.intervalDays).toBe(15)
    expect(a.dueInDays).toBe(-15)
    expect(a.reasons).toEqual([
      { code: 'revenue', label: '$150k revenue in the last 12 months', points: 30 },
      expect.objectContaining({ code: 'overdue', points: 40 }),
      { code: 'distance', label: '12 km from the start', points: -2 },
    ])
    expect(a.score).toBe(68)
    const prospect = scoreCustomer({ status: 'prospect', revenue12mCents: 0, lastVisitAt: null, distanceKm: 0 }, day)
    expect(prospect.reasons.map((r) => r.code)).toEqual(['never_visited', 'open_prospect'])
    expect(prospect.score).toBe(45)
    const fresh = scoreCustomer(
      { status: 'active', revenue12mCents: 15_000_000, lastVisitAt: daysAgo(3), distanceKm: 12 },
      day,
    )
    expect(fresh.score).toBeLessThan(a.score)
    const churned = scoreCustomer({ status: 'churned', revenue12mCents: 0, lastVisitAt: null, distanceKm: 0 }, day)
    expect(churned.intervalDays).toBeNull()
    expect(churned.score).toBe(0)
  })
})

describe('re-timing a fixed order', () => {
  // start 0, stops 1..3 on a line 10 minutes apart.
  const d = [
    [0, 10, 20, 30],
    [10, 0, 10, 20],
    [20, 10, 0, 10],
    [30, 20, 10, 0],
  ]
  const stops = [
    { id: 'a', durationMin: 30 },
    { id: 'b', durationMin: 30, window: [500, 520] as const },
    { id: 'c', durationMin: 30 },
  ]
  const problem = { stops, distances: d, durations: d, dayStartMin: 480 }

  it('keeps the given order and matches the optimiser when that order is the optimiser’s', () => {
    const best = optimizeRoute(problem)
    const same = timeRoute(problem, best.order)
    expect(same.feasible).toBe(true)
    expect(same.visits).toEqual(best.visits)
  })

  it('times a late order anyway and lists the broken window', () => {
    const timed = timeRoute(problem, ['c', 'a', 'b'])
    expect(timed.order).toEqual(['c', 'a', 'b'])
    expect(timed.feasible).toBe(false)
    expect(timed.violations).toEqual([{ id: 'b', reason: 'late' }])
    // c at 480+30=510, leaves 540; a at 560, leaves 590; b at 600 > 520.
    expect(timed.visits.map((v) => v.arrivalMin)).toEqual([510, 560, 600])
  })

  it('rejects an order naming an unknown or repeated stop', () => {
    expect(() => timeRoute(problem, ['a', 'x'])).toThrow(RangeError)
    expect(() => timeRoute(problem, ['a', 'a'])).toThrow(RangeError)
  })
})

describe('week planner', () => {
  it('puts each stop on one of its allowed days and spreads a full week', () => {
    const n = 8
    const size = n + 1
    const d = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (i === j ? 0 : 15)))
    const stops = Array.from({ length: n }, (_, i) => ({
      id: `s${i}`,
      durationMin: 150,
      days: i === 0 ? [3] : i === 1 ? [2, 3, 4] : [0, 1, 2, 3, 4],
      priority: i,
    }))
    const week = planWeek({ stops, distances: d, durations: d, dayCount: 5, dayStartMin: 480, dayEndMin: 1020 })
    const dayOf = (id: string) => week.days.findIndex((x) => x.plan.order.includes(id))
    expect(dayOf('s0')).toBe(3)
    expect(dayOf('s1')).toBeGreaterThanOrEqual(2)
    expect(week.unscheduled).toEqual([])
    // Three visits of 2½ hours fit a 9-hour day at most: eight need at least three days.
    expect(week.days.filter((x) => x.plan.order.length > 0).length).toBeGreaterThanOrEqual(3)
    for (const x of week.days) expect(x.plan.endMin).toBeLessThanOrEqual(1020)
  })

  it('reports stops with no allowed day and a week that is full', () => {
    const d = [
      [0, 10, 10],
      [10, 0, 10],
      [10, 10, 0],
    ]
    const week = planWeek({
      stops: [
        { id: 'never', days: [], priority: 0 },
        { id: 'huge', durationMin: 600, days: [0], priority: 0 },
      ],
      distances: d,
      durations: d,
      dayCount: 2,
      dayStartMin: 480,
      dayEndMin: 1020,
    })
    expect(week.unscheduled).toEqual([
      { id: 'never', reason: 'no_day_available' },
      { id: 'huge', reason: 'day_too_short' },
    ])
  })
})
