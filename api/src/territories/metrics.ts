import { haversineKm } from '../lib/geo.ts'
import { visitsPerMonthByTier } from '../lib/value-tiers.ts'
import type { MeasureSpec } from './schema.ts'

/** What one unit holds when a draft is made (stored with the draft as `alignment_unit.measures`). */
export type UnitMeasures = {
  customers: number
  active: number
  prospects: number
  revenueCents: number
  population: number
  areaKm2: number
  lng: number
  lat: number
  /** Active customers by value tier: A ≥ $100k revenue in 12 months, B ≥ $20k, C the rest. */
  tierA: number
  tierB: number
  tierC: number
}

/**
 * Workload model, in hours per month. Visits needed per month by tier (A 2, B 1, C ½, open prospect ¼), one hour
 * per visit, local travel per visit from the spread of the unit (half the side of a square of its area, at most
 * 40 km) at 50 km/h, plus for a territory the trips from the rep's home base to its centre, one per day of four visits.
 */
export const workloadModel = {
  visitsPerMonth: {
    tierA: visitsPerMonthByTier.A,
    tierB: visitsPerMonthByTier.B,
    tierC: visitsPerMonthByTier.C,
    prospect: visitsPerMonthByTier.prospect,
  },
  visitHours: 1,
  speedKmh: 50,
  visitsPerDay: 4,
  maxLocalTripKm: 40,
} as const

export function visitsPerMonth(m: UnitMeasures): number {
  const v = workloadModel.visitsPerMonth
  return m.tierA * v.tierA + m.tierB * v.tierB + m.tierC * v.tierC + m.prospects * v.prospect
}

export function unitWorkloadHours(m: UnitMeasures): number {
  const visits = visitsPerMonth(m)
  const localTripKm = Math.min(workloadModel.maxLocalTripKm, Math.sqrt(Math.max(m.areaKm2, 0)) / 2)
  return visits * (workloadModel.visitHours + localTripKm / workloadModel.speedKmh)
}

function measureOf(m: UnitMeasures, measure: 'customers' | 'revenue' | 'workload' | 'potential'): number {
  if (measure === 'customers') return m.customers
  if (measure === 'revenue') return m.revenueCents / 100
  if (measure === 'workload') return unitWorkloadHours(m)
  return m.population
}

/** The weight the partitioner balances; a mix blends the two measures by their shares of the total. */
export function unitWeights(units: readonly UnitMeasures[], measure: MeasureSpec): number[] {
  if (typeof measure === 'string') return units.map((m) => measureOf(m, measure))
  const [first, second] = measure.mix
  const a = units.map((m) => measureOf(m, first))
  const b = units.map((m) => measureOf(m, second))
  const totalA = a.reduce((sum, x) => sum + x, 0) || 1
  const totalB = b.reduce((sum, x) => sum + x, 0) || 1
  return a.map((x, i) => measure.share * (x / totalA) + (1 - measure.share) * ((b[i] ?? 0) / totalB))
}

export type TerritoryMetrics = {
  units: number
  customers: number
  activeCustomers: number
  revenue12mCents: number
  openProspects: number
  population: number
  areaKm2: number
  workloadHours: number
}

/** Sums per territory; workload adds the home-base trips of the territory's rep (none when vacant). */
export function territoryMetrics(
  units: readonly UnitMeasures[],
  assignment: readonly number[],
  k: number,
  homes: readonly ([number, number] | null)[],
): TerritoryMetrics[] {
  const out: TerritoryMetrics[] = Array.from({ length: k }, () => ({
    units: 0,
    customers: 0,
    activeCustomers: 0,
    revenue12mCents: 0,
    openProspects: 0,
    population: 0,
    areaKm2: 0,
    workloadHours: 0,
  }))
  const visits = new Array<number>(k).fill(0)
  const centre = Array.from({ length: k }, () => ({ lng: 0, lat: 0, w: 0 }))
  units.forEach((m, i) => {
    const t = assignment[i] ?? -1
    const metrics = out[t]
    const c = centre[t]
    if (!metrics || !c) return
    metrics.units++
    metrics.customers += m.customers
    metrics.activeCustomers += m.active
    metrics.revenue12mCents += m.revenueCents
    metrics.openProspects += m.prospects
    metrics.population += m.population
    metrics.areaKm2 += m.areaKm2
    metrics.workloadHours += unitWorkloadHours(m)
    const v = visitsPerMonth(m)
    visits[t] = (visits[t] ?? 0) + v
    const w = v > 0 ? v : 1e-6
    c.lng += m.lng * w
    c.lat += m.lat * w
    c.w += w
  })
  out.forEach((metrics, t) => {
    const home = homes[t]
    const c = centre[t]
    if (home && c && c.w > 0) {
      const days = (visits[t] ?? 0) / workloadModel.visitsPerDay
      metrics.workloadHours += (days * 2 * haversineKm(home, [c.lng / c.w, c.lat / c.w])) / workloadModel.speedKmh
    }
    metrics.workloadHours = Math.round(metrics.workloadHours * 10) / 10
    metrics.areaKm2 = Math.round(metrics.areaKm2)
  })
  return out
}

/** Deviation from the mean in percent per territory, and a 0–100 balance score (100 = all equal). */
export function deviationsPct(values: readonly number[]): { deviations: number[]; maxAbs: number; score: number } {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1)
  const deviations = values.map((v) => (mean === 0 ? 0 : Math.round(((v - mean) / mean) * 1000) / 10))
  const maxAbs = Math.max(0, ...deviations.map(Math.abs))
  const meanAbs = deviations.reduce((a, d) => a + Math.abs(d), 0) / Math.max(deviations.length, 1)
  return { deviations, maxAbs, score: Math.max(0, Math.round(100 - meanAbs)) }
}
