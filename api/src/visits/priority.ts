import { type ValueTier, valueTier, visitIntervalDays, visitMinutesByTier } from '../lib/value-tiers.ts'

/** One line of "why this customer": a stable code, a sentence for people, and the points it adds. */
export type PriorityReason = {
  code: 'revenue' | 'overdue' | 'due_soon' | 'never_visited' | 'open_prospect' | 'distance'
  label: string
  points: number
}

export type PriorityInput = {
  status: 'prospect' | 'active' | 'churned'
  revenue12mCents: number
  lastVisitAt: Date | null
  distanceKm: number
}

export type Priority = {
  tier: ValueTier
  score: number
  reasons: PriorityReason[]
  /** Days between visits the tier needs; null for churned customers. */
  intervalDays: number | null
  daysSinceVisit: number | null
  /** Days until the next visit is due (negative when overdue); null when never visited or no rhythm. */
  dueInDays: number | null
  defaultDurationMin: number
}

const dayMs = 86_400_000

/**
 * The points, all visible to the rep: revenue ($5k of 12-month revenue = 1 point, at most 40); the visit rhythm
 * (20 points when a visit is exactly due by the tier's interval, proportionally more when overdue, at most 40;
 * 30 when never visited); an open prospect 15; minus 1 point per 5 km from the start (at most 20).
 */
export function scoreCustomer(input: PriorityInput, day: Date): Priority {
  const tier = valueTier(input.status, input.revenue12mCents)
  const intervalDays = visitIntervalDays(tier)
  const reasons: PriorityReason[] = []
  const dollars = input.revenue12mCents / 100
  const revenuePoints = Math.min(40, Math.round(dollars / 5000))
  if (revenuePoints > 0) {
    reasons.push({
      code: 'revenue',
      label: `${formatDollars(dollars)} revenue in the last 12 months`,
      points: revenuePoints,
    })
  }
  let daysSinceVisit: number | null = null
  let dueInDays: number | null = null
  if (input.lastVisitAt) {
    daysSinceVisit = Math.max(0, Math.floor((day.getTime() - input.lastVisitAt.getTime()) / dayMs))
  }
  if (intervalDays !== null) {
    const rhythm = `tier ${tier === 'prospect' ? 'prospect' : tier} needs a visit every ${intervalDays} days`
    if (daysSinceVisit === null) {
      reasons.push({ code: 'never_visited', label: `never visited; ${rhythm}`, points: 30 })
    } else {
      dueInDays = Math.round(intervalDays - daysSinceVisit)
      const points = Math.min(40, Math.round((20 * daysSinceVisit) / intervalDays))
      const code = daysSinceVisit >= intervalDays ? 'overdue' : 'due_soon'
      const when = code === 'overdue' ? `overdue by ${-dueInDays} days` : `due in ${dueInDays} days`
      reasons.push({ code, label: `last visit ${daysSinceVisit} days ago, ${when}; ${rhythm}`, points })
    }
  }
  if (input.status === 'prospect') reasons.push({ code: 'open_prospect', label: 'open prospect', points: 15 })
  const distancePoints = Math.min(20, Math.round(input.distanceKm / 5))
  if (distancePoints > 0) {
    reasons.push({
      code: 'distance',
      label: `${Math.round(input.distanceKm)} km from the start`,
      points: -distancePoints,
    })
  }
  return {
    tier,
    score: reasons.reduce((sum, r) => sum + r.points, 0),
    reasons,
    intervalDays,
    daysSinceVisit,
    dueInDays,
    defaultDurationMin: visitMinutesByTier[tier],
  }
}

function formatDollars(dollars: number): string {
  if (dollars >= 1_000_000) return `$${(dollars / 1_000_000).toFixed(1)}M`
  if (dollars >= 1000) return `$${Math.round(dollars / 1000)}k`
  return `$${Math.round(dollars)}`
}
