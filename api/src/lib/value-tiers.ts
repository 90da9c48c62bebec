/**
 * Customer value tiers and the visit rhythm each needs, shared by territory workload (territories/metrics.ts)
 * and field visits (visits/priority.ts). Tiers apply to active customers by revenue in the last 12 months;
 * open prospects have their own rhythm; churned customers need no visits.
 */
export const tierThresholdCents = { A: 10_000_000, B: 2_000_000 } as const

export type ValueTier = 'A' | 'B' | 'C' | 'prospect' | 'none'

/** Visits needed per month by tier (A 2, B 1, C ½, open prospect ¼). */
export const visitsPerMonthByTier: Record<ValueTier, number> = { A: 2, B: 1, C: 0.5, prospect: 0.25, none: 0 }

/** Minutes a visit takes by default; the workload model counts one hour per visit on average. */
export const visitMinutesByTier: Record<ValueTier, number> = { A: 60, B: 45, C: 30, prospect: 45, none: 30 }

export const daysPerMonth = 30

export function valueTier(status: 'prospect' | 'active' | 'churned', revenue12mCents: number): ValueTier {
  if (status === 'prospect') return 'prospect'
  if (status === 'churned') return 'none'
  if (revenue12mCents >= tierThresholdCents.A) return 'A'
  if (revenue12mCents >= tierThresholdCents.B) return 'B'
  return 'C'
}

/** Days between visits the tier needs (A 15, B 30, C 60, prospect 120); null when it needs none. */
export function visitIntervalDays(tier: ValueTier): number | null {
  const perMonth = visitsPerMonthByTier[tier]
  return perMonth > 0 ? daysPerMonth / perMonth : null
}
