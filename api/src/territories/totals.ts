/**
 * Running totals per territory, stored with the territory (`alignment_territory.totals`, `perimeter_km`,
 * `contiguous`) so a manual move re-scores from the moved units alone: their measures are subtracted from one
 * territory and added to the other, and only the two territories' outlines are re-walked for contiguity and length.
 */
import { haversineKm } from '../lib/geo.ts'
import {
  type TerritoryMetrics,
  type UnitMeasures,
  unitWorkloadHours,
  visitsPerMonth,
  workloadModel,
} from './metrics.ts'

export type TerritoryTotals = {
  units: number
  customers: number
  active: number
  prospects: number
  revenueCents: number
  population: number
  areaKm2: number
  /** Visits and local travel of the units, hours per month (the home-base trips depend on the rep: added on read). */
  unitWorkloadHours: number
  visits: number
  /** Visit-weighted centre sums (a unit with no visits weighs 1e-6 so an empty-of-work territory still has one). */
  centreLng: number
  centreLat: number
  centreWeight: number
}

export function emptyTotals(): TerritoryTotals {
  return {
    units: 0,
    customers: 0,
    active: 0,
    prospects: 0,
    revenueCents: 0,
    population: 0,
    areaKm2: 0,
    unitWorkloadHours: 0,
    visits: 0,
    centreLng: 0,
    centreLat: 0,
    centreWeight: 0,
  }
}

/** Adds (sign 1) or removes (sign -1) one unit's snapshot. */
export function shiftTotals(t: TerritoryTotals, m: UnitMeasures, sign: 1 | -1): void {
  const visits = visitsPerMonth(m)
  const w = visits > 0 ? visits : 1e-6
  t.units += sign
  t.customers += sign * m.customers
  t.active += sign * m.active
  t.prospects += sign * m.prospects
  t.revenueCents += sign * m.revenueCents
  t.population += sign * m.population
  t.areaKm2 += sign * m.areaKm2
  t.unitWorkloadHours += sign * unitWorkloadHours(m)
  t.visits += sign * visits
  t.centreLng += sign * m.lng * w
  t.centreLat += sign * m.lat * w
  t.centreWeight += sign * w
  if (t.units === 0) Object.assign(t, emptyTotals()) // no drift left behind by add/remove pairs
}

export function totalsOf(units: readonly UnitMeasures[]): TerritoryTotals {
  const t = emptyTotals()
  for (const m of units) shiftTotals(t, m, 1)
  return t
}

/** Metrics shown for a territory: its totals plus the trips from the rep's home base, one per day of visits. */
export function metricsFromTotals(t: TerritoryTotals, home: [number, number] | null): TerritoryMetrics {
  let workload = t.unitWorkloadHours
  if (home && t.units > 0 && t.centreWeight > 0) {
    const days = t.visits / workloadModel.visitsPerDay
    const centre: [number, number] = [t.centreLng / t.centreWeight, t.centreLat / t.centreWeight]
    workload += (days * 2 * haversineKm(home, centre)) / workloadModel.speedKmh
  }
  return {
    units: t.units,
    customers: t.customers,
    activeCustomers: t.active,
    revenue12mCents: t.revenueCents,
    openProspects: t.prospects,
    population: t.population,
    areaKm2: Math.round(t.areaKm2),
    workloadHours: Math.round(workload * 10) / 10,
  }
}

/** Borders of a unit: its neighbours with the length of each shared border, and its own perimeter (km). */
export type UnitNeighbours = {
  neighbours: (unitId: string) => readonly { id: string; km: number }[]
  perimeterKm: (unitId: string) => number
}

/**
 * Outline length (unit perimeters minus twice each inner border) and contiguity over real borders of one
 * territory, from its unit ids alone: O(units × degree).
 */
export function territoryShape(
  borders: UnitNeighbours,
  unitIds: readonly string[],
): { perimeterKm: number; contiguous: boolean } {
  const members = new Set(unitIds)
  let perimeterKm = 0
  for (const id of unitIds) {
    perimeterKm += borders.perimeterKm(id)
    for (const n of borders.neighbours(id)) if (members.has(n.id)) perimeterKm -= n.km // each inner border twice
  }
  const first = unitIds[0]
  if (first === undefined) return { perimeterKm: 0, contiguous: true }
  const seen = new Set([first])
  const queue = [first]
  for (let head = 0; head < queue.length; head++) {
    for (const n of borders.neighbours(queue[head] ?? '')) {
      if (members.has(n.id) && !seen.has(n.id)) {
        seen.add(n.id)
        queue.push(n.id)
      }
    }
  }
  return { perimeterKm: Math.max(0, perimeterKm), contiguous: seen.size === members.size }
}

/** Polsby–Popper 4πA/P² (1 = a disk), rounded to 3 decimals; 0 for an empty territory. */
export function polsbyPopperOf(areaKm2: number, perimeterKm: number): number {
  if (perimeterKm <= 0 || areaKm2 <= 0) return 0
  return Math.min(1, Math.round(((4 * Math.PI * areaKm2) / (perimeterKm * perimeterKm)) * 1000) / 1000)
}
