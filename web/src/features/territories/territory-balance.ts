import type { TerritoryBalance, TerritoryDraft, TerritoryMetrics } from '../../api'

/**
 * What the balance run stored next to the live scores. The API spreads the stored run into `balance`
 * but types it as `{ notes? }` only, so the rest is read defensively here.
 */
export type BalanceRun = {
  tolerancePct: number
  reachedTolerance: boolean | null
  customersChangingOwner: number | null
  unitsChanged: number | null
  runtimeMs: number | null
}

function numberField(source: object, key: string): number | null {
  const value: unknown = (source as Record<string, unknown>)[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

export function readBalanceRun(balance: TerritoryBalance | Record<string, unknown>): BalanceRun {
  const reached: unknown = (balance as Record<string, unknown>).reachedTolerance
  return {
    tolerancePct: (numberField(balance, 'tolerance') ?? 0.05) * 100,
    reachedTolerance: typeof reached === 'boolean' ? reached : null,
    customersChangingOwner: numberField(balance, 'customersChangingOwner'),
    unitsChanged: numberField(balance, 'unitsChanged'),
    runtimeMs: numberField(balance, 'runtimeMs'),
  }
}

export type DeviationTone = 'ok' | 'warn' | 'bad'

/** Within tolerance is fine; up to twice the tolerance needs a look; beyond that is out of balance. */
export function deviationTone(deviationPct: number, tolerancePct: number): DeviationTone {
  const abs = Math.abs(deviationPct)
  if (abs <= tolerancePct + 1e-9) return 'ok'
  return abs <= tolerancePct * 2 ? 'warn' : 'bad'
}

export function formatDeviation(deviationPct: number): string {
  const sign = deviationPct > 0 ? '+' : deviationPct < 0 ? '−' : '±'
  return `${sign}${Math.abs(deviationPct).toFixed(1)}%`
}

const measureLabels: Record<string, string> = {
  customers: 'Customers',
  revenue: 'Revenue',
  workload: 'Workload',
  potential: 'Potential',
}

export function describeMeasure(measure: TerritoryDraft['measure']): string {
  if (typeof measure === 'string') return measureLabels[measure] ?? measure
  const [a, b] = measure.mix
  const share = Math.round(measure.share * 100)
  return `${share}% ${measureLabels[a] ?? a} · ${100 - share}% ${measureLabels[b] ?? b}`
}

export function describeUnits(units: string): string {
  return units === 'county' ? 'Counties' : units.startsWith('h3:') ? `H3 res ${units.slice(3)}` : units
}

/** The metric fields are optional in the inferred type (spread from an array element); zero when absent. */
export function metric(metrics: TerritoryMetrics, key: keyof Omit<TerritoryMetrics, 'deviationPctBy'>): number {
  const value = metrics[key]
  return typeof value === 'number' ? value : 0
}
