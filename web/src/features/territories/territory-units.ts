import { cellToLatLng } from 'h3-js'
import type { Position, RegionCollection, RegionFeature, RegionGeometry, Territory } from '../../api'
import { labelPosition } from '../regions/region-labels'

/** One planning unit as the map needs it: where it is, what it is called, which territory holds it. */
export type PlanningUnit = {
  id: string
  name: string
  /** A point inside the unit (label position, lasso test, tests' click target). */
  centroid: [number, number]
  territoryId: number
  /** Index of the territory in the draft, for its colour. */
  position: number
}

export type UnitKind = 'county' | 'h3'

export function unitKindOf(units: string): UnitKind {
  return units.startsWith('h3') ? 'h3' : 'county'
}

/** Even-odd ray casting in lng/lat: is `point` inside `ring` (closed or not)? */
export function pointInRing([x, y]: [number, number], ring: Position[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]
    const b = ring[j]
    if (!a || !b) continue
    if (a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside
  }
  return inside
}

function outerRings(geometry: RegionGeometry): Position[][] {
  return geometry.type === 'Polygon'
    ? geometry.coordinates.slice(0, 1)
    : geometry.coordinates.flatMap((polygon) => polygon.slice(0, 1))
}

/**
 * A point guaranteed inside the unit: the area centroid when it falls inside (most counties), otherwise
 * the middle of the widest inside stretch along the centroid's latitude (crescents, coastlines).
 */
export function interiorPoint(geometry: RegionGeometry): [number, number] | null {
  const centroid = labelPosition(geometry)
  if (!centroid) return null
  const rings = outerRings(geometry)
  if (rings.some((ring) => pointInRing(centroid, ring))) return centroid
  const y = centroid[1]
  let best: { width: number; x: number } | null = null
  for (const ring of rings) {
    const xs: number[] = []
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i]
      const b = ring[j]
      if (!a || !b || a[1] > y === b[1] > y) continue
      xs.push(((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0])
    }
    xs.sort((p, q) => p - q)
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const left = xs[i] ?? 0
      const right = xs[i + 1] ?? 0
      if (!best || right - left > best.width) best = { width: right - left, x: (left + right) / 2 }
    }
  }
  return best ? [best.x, y] : centroid
}

export function countyId(feature: RegionFeature): string {
  return String(feature.id ?? feature.properties.id)
}

/** Every unit of a draft with its name and an inside point; units the basemap does not know are skipped. */
export function buildPlanningUnits(
  territories: Territory[],
  kind: UnitKind,
  counties: RegionCollection | undefined,
): Map<string, PlanningUnit> {
  const byId = new Map<string, RegionFeature>()
  if (kind === 'county' && counties) for (const feature of counties.features) byId.set(countyId(feature), feature)
  const units = new Map<string, PlanningUnit>()
  territories.forEach((territory, position) => {
    for (const id of territory.unitIds) {
      if (kind === 'h3') {
        const [lat, lng] = cellToLatLng(id)
        units.set(id, { id, name: `Cell ${id}`, centroid: [lng, lat], territoryId: territory.id, position })
        continue
      }
      const feature = byId.get(id)
      const centroid = feature ? interiorPoint(feature.geometry) : null
      if (!feature || !centroid) continue
      const { name, stateCode } = feature.properties
      units.set(id, { id, name: `${name}, ${stateCode}`, centroid, territoryId: territory.id, position })
    }
  })
  return units
}

export type TerritoryLabel = { territoryId: number; position: [number, number]; text: string }

/**
 * One label per territory, on the unit nearest the territory's mean point: always inside the territory,
 * even when it is C-shaped.
 */
export function buildTerritoryLabels(territories: Territory[], units: Map<string, PlanningUnit>): TerritoryLabel[] {
  const labels: TerritoryLabel[] = []
  for (const territory of territories) {
    const points = territory.unitIds.flatMap((id) => {
      const unit = units.get(id)
      return unit ? [unit.centroid] : []
    })
    if (points.length === 0) continue
    const mx = points.reduce((s, p) => s + p[0], 0) / points.length
    const my = points.reduce((s, p) => s + p[1], 0) / points.length
    let best = points[0] ?? [mx, my]
    let bestD = Number.POSITIVE_INFINITY
    for (const p of points) {
      const d = (p[0] - mx) ** 2 + (p[1] - my) ** 2
      if (d < bestD) {
        bestD = d
        best = p
      }
    }
    labels.push({
      territoryId: territory.id,
      position: best,
      text: `${territory.name}\n${territory.repName ?? 'Unassigned'}`,
    })
  }
  return labels
}

/** West, south, east, north around the draft's units, for fitting the map. */
export function unitsBounds(units: Iterable<PlanningUnit>): [number, number, number, number] | null {
  let w = Number.POSITIVE_INFINITY
  let s = Number.POSITIVE_INFINITY
  let e = Number.NEGATIVE_INFINITY
  let n = Number.NEGATIVE_INFINITY
  for (const unit of units) {
    const [x, y] = unit.centroid
    w = Math.min(w, x)
    s = Math.min(s, y)
    e = Math.max(e, x)
    n = Math.max(n, y)
  }
  return Number.isFinite(w) ? [w, s, e, n] : null
}
