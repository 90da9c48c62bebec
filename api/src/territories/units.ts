import { cellArea, cellToLatLng, cellToParent, getHexagonEdgeLengthAvg, gridDisk, latLngToCell } from 'h3-js'
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { Database } from '../db/schema.ts'
import { tierThresholdCents } from '../lib/value-tiers.ts'
import type { UnitMeasures } from './metrics.ts'
import type { Scope, UnitSpec } from './schema.ts'
import type { UnitNeighbours } from './totals.ts'

type Q = Kysely<Database>

export type PlanningUnit = { id: string; measures: UnitMeasures }

/** Revenue thresholds of the value tiers, in cents (see lib/value-tiers.ts). */
const tierACents = tierThresholdCents.A
const tierBCents = tierThresholdCents.B

const customerAggregates = sql`
  count(*)::int AS customers,
  count(*) FILTER (WHERE c.status = 'active')::int AS active,
  count(*) FILTER (WHERE c.status = 'prospect')::int AS prospects,
  coalesce(sum(c.revenue_12m_cents), 0)::bigint AS "revenueCents",
  count(*) FILTER (WHERE c.status = 'active' AND c.revenue_12m_cents >= ${tierACents})::int AS "tierA",
  count(*) FILTER (WHERE c.status = 'active' AND c.revenue_12m_cents >= ${tierBCents} AND c.revenue_12m_cents < ${tierACents})::int AS "tierB",
  count(*) FILTER (WHERE c.status = 'active' AND c.revenue_12m_cents < ${tierBCents})::int AS "tierC"`

type Aggregate = Omit<UnitMeasures, 'population' | 'areaKm2' | 'lng' | 'lat'>
const emptyAggregate: Aggregate = {
  customers: 0,
  active: 0,
  prospects: 0,
  revenueCents: 0,
  tierA: 0,
  tierB: 0,
  tierC: 0,
}

export async function unknownStates(db: Q, states: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{ code: string }>`
    SELECT state_code AS code FROM region WHERE level = 'state' AND state_code = ANY(${[...states]}::text[])`.execute(
    db,
  )
  const known = new Set(rows.map((r) => r.code))
  return states.filter((s) => !known.has(s))
}

function envelope(bbox: readonly number[]): RawBuilder<unknown> {
  return sql`ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)`
}

/** H3 resolutions a territory can use: 3, 5 and 7 are stored on every customer, 4, 6 and 8 derive from r9. */
export const territoryH3Resolutions = [3, 4, 5, 6, 7, 8] as const

/**
 * The customer's H3 cell at a resolution, as a bigint expression. Stored columns serve 3, 5 and 7; any other
 * resolution up to 9 is the parent of the stored r9 cell, computed with two bit operations that mean the same on
 * PGlite and PostgreSQL: the 4-bit resolution field (bits 52–55) is set to `res` and the 3-bit digits of the finer
 * resolutions become 7 ("unused"), exactly what h3-js `cellToParent` returns.
 */
export function h3Column(res: number, alias = 'c'): RawBuilder<unknown> {
  if (res === 3 || res === 5 || res === 7 || res === 9) return sql.ref(`${alias}.h3_r${res}`)
  if (!Number.isInteger(res) || res < 0 || res > 9) throw new Error(`H3 resolution ${res} is not derivable from r9`)
  const unusedDigits = (1n << BigInt((15 - res) * 3)) - 1n
  const clearResolution = BigInt.asIntN(64, ~(0xfn << 52n))
  const set = (BigInt(res) << 52n) | unusedDigits
  return sql`((${sql.ref(`${alias}.h3_r9`)} & ${clearResolution.toString()}::bigint) | ${set.toString()}::bigint)`
}

/**
 * The unit a location falls in for an alignment's kind of units, by the same rule as `h3Column`: the stored cell
 * at 3, 5 and 7 (the cell containing the point), the parent of the r9 cell otherwise. (H3 is not exactly nested,
 * so the two rules can differ near cell edges; each alignment uses one rule for every customer.)
 */
export function unitAtLocation(
  alignment: { unitKind: 'county' | 'h3'; h3Res: number | null },
  location: { countyFips: string | null; h3: { h3R3: string; h3R5: string; h3R7: string; h3R9: string } },
): string | null {
  if (alignment.unitKind === 'county') return location.countyFips
  const res = alignment.h3Res ?? 0
  const { h3 } = location
  const stored = res === 3 ? h3.h3R3 : res === 5 ? h3.h3R5 : res === 7 ? h3.h3R7 : null
  if (stored !== null) return BigInt(stored).toString(16)
  return cellToParent(BigInt(h3.h3R9).toString(16), res)
}

/** The cell of a point at a territory resolution, by the rule of `h3Column`. */
function cellOfPoint(lat: number, lng: number, res: number): string {
  return res === 3 || res === 5 || res === 7
    ? latLngToCell(lat, lng, res)
    : cellToParent(latLngToCell(lat, lng, 9), res)
}

/** Units of a scope with what they hold: counties from `region`, or H3 cells that hold customers or people. */
/** `scope: null` means every unit (imports). */
export async function loadPlanningUnits(db: Q, spec: UnitSpec, scope: Scope | null): Promise<PlanningUnit[]> {
  if (spec.kind === 'county') {
    const conditions: RawBuilder<unknown>[] = [sql`r.level = 'county'`]
    if (scope?.states) conditions.push(sql`r.state_code = ANY(${scope.states}::text[])`)
    if (scope?.bbox) conditions.push(sql`r.centroid && ${envelope(scope.bbox)}`)
    const { rows } = await sql<UnitMeasures & { id: string }>`
      SELECT r.id, ST_X(r.centroid) AS lng, ST_Y(r.centroid) AS lat, r.area_km2 AS "areaKm2", r.population::int AS population,
             coalesce(s.customers, 0) AS customers, coalesce(s.active, 0) AS active, coalesce(s.prospects, 0) AS prospects,
             coalesce(s."revenueCents", 0) AS "revenueCents", coalesce(s."tierA", 0) AS "tierA",
             coalesce(s."tierB", 0) AS "tierB", coalesce(s."tierC", 0) AS "tierC"
      FROM region r
      LEFT JOIN (SELECT c.county_fips, ${customerAggregates} FROM customer c GROUP BY c.county_fips) s ON s.county_fips = r.id
      WHERE ${sql.join(conditions, sql` AND `)}
      ORDER BY r.id`.execute(db)
    return rows.map(({ id, ...measures }) => ({ id, measures }))
  }

  const res = spec.res
  const customerScope: RawBuilder<unknown>[] = [sql`true`]
  const placeScope: RawBuilder<unknown>[] = [sql`true`]
  if (scope?.states) {
    customerScope.push(sql`c.state = ANY(${scope.states}::text[])`)
    placeScope.push(sql`p.state_code = ANY(${scope.states}::text[])`)
  }
  if (scope?.bbox) {
    customerScope.push(sql`c.geom && ${envelope(scope.bbox)}`)
    placeScope.push(sql`p.geom && ${envelope(scope.bbox)}`)
  }
  const { rows } = await sql<Aggregate & { id: string }>`
    SELECT to_hex(${h3Column(res)}) AS id, ${customerAggregates}
    FROM customer c WHERE ${sql.join(customerScope, sql` AND `)}
    GROUP BY 1`.execute(db)
  const places = await sql<{ lng: number; lat: number; population: number }>`
    SELECT ST_X(p.geom) AS lng, ST_Y(p.geom) AS lat, p.population FROM place p WHERE ${sql.join(placeScope, sql` AND `)}`.execute(
    db,
  )
  const cells = new Map<string, Aggregate & { population: number }>()
  for (const { id, ...aggregate } of rows) cells.set(id, { ...aggregate, population: 0 })
  for (const place of places.rows) {
    const id = cellOfPoint(place.lat, place.lng, res)
    const cell = cells.get(id) ?? { ...emptyAggregate, population: 0 }
    cell.population += place.population
    cells.set(id, cell)
  }
  return [...cells.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, cell]) => {
      const [lat, lng] = cellToLatLng(id)
      return { id, measures: { ...cell, lng, lat, areaKm2: cellArea(id, 'km2') } }
    })
}

type CountyBorders = {
  pairs: [string, string, number][]
  perimeterKm: Map<string, number>
  neighbours: Map<string, { id: string; km: number }[]>
}

// County borders are static geodata: each process reads them once per database (like the regions GeoJSON).
const countyBordersCache = new WeakMap<object, Promise<CountyBorders>>()

function countyBorders(db: Q): Promise<CountyBorders> {
  let cached = countyBordersCache.get(db)
  if (!cached) {
    cached = (async () => {
      const { rows } = await sql<{ a: string; b: string; km: number | null }>`
        SELECT a, b, shared_km AS km FROM region_adjacency`.execute(db)
      const perimeters = await sql<{ id: string; km: number | null }>`
        SELECT id, perimeter_km AS km FROM region WHERE level = 'county'`.execute(db)
      const neighbours = new Map<string, { id: string; km: number }[]>()
      const link = (from: string, to: string, km: number) => {
        const list = neighbours.get(from)
        if (list) list.push({ id: to, km })
        else neighbours.set(from, [{ id: to, km }])
      }
      for (const r of rows) {
        link(r.a, r.b, r.km ?? 0)
        link(r.b, r.a, r.km ?? 0)
      }
      return {
        pairs: rows.map((r): [string, string, number] => [r.a, r.b, r.km ?? 0]),
        perimeterKm: new Map(perimeters.rows.map((r) => [r.id, r.km ?? 0])),
        neighbours,
      }
    })()
    cached.catch(() => countyBordersCache.delete(db))
    countyBordersCache.set(db, cached)
  }
  return cached
}

export type UnitBorders = {
  /** Index pairs of units that share a border. */
  adjacency: [number, number][]
  /** Length of each of those borders, km. */
  sharedKm: number[]
  /** Perimeter of each unit, km. */
  perimeterKm: number[]
}

/** Borders between units: county borders from `region_adjacency`, H3 cells by grid distance 1. */
export async function loadUnitBorders(
  db: Q,
  spec: { kind: 'county' | 'h3'; res?: number | null },
  unitIds: readonly string[],
): Promise<UnitBorders> {
  const index = new Map(unitIds.map((id, i) => [id, i]))
  const borders: UnitBorders = { adjacency: [], sharedKm: [], perimeterKm: new Array(unitIds.length).fill(0) }
  if (spec.kind === 'county') {
    const all = await countyBorders(db)
    for (const [a0, b0, km] of all.pairs) {
      const a = index.get(a0)
      const b = index.get(b0)
      if (a === undefined || b === undefined) continue
      borders.adjacency.push([a, b])
      borders.sharedKm.push(km)
    }
    unitIds.forEach((id, i) => {
      borders.perimeterKm[i] = all.perimeterKm.get(id) ?? 0
    })
    return borders
  }
  const edgeKm = spec.res ? getHexagonEdgeLengthAvg(spec.res, 'km') : 0
  unitIds.forEach((id, a) => {
    borders.perimeterKm[a] = edgeKm * 6
    for (const neighbour of gridDisk(id, 1)) {
      const b = index.get(neighbour)
      if (b !== undefined && a < b) {
        borders.adjacency.push([a, b])
        borders.sharedKm.push(edgeKm)
      }
    }
  })
  return borders
}

/** Neighbours of any unit by id (county borders are static and cached; H3 neighbours are computed). */
export async function loadUnitNeighbours(
  db: Q,
  spec: { kind: 'county' | 'h3'; res?: number | null },
): Promise<UnitNeighbours> {
  if (spec.kind === 'county') {
    const all = await countyBorders(db)
    return {
      neighbours: (id) => all.neighbours.get(id) ?? [],
      perimeterKm: (id) => all.perimeterKm.get(id) ?? 0,
    }
  }
  const edgeKm = spec.res ? getHexagonEdgeLengthAvg(spec.res, 'km') : 0
  return {
    neighbours: (id) =>
      gridDisk(id, 1)
        .filter((n) => n !== id)
        .map((n) => ({ id: n, km: edgeKm })),
    perimeterKm: () => edgeKm * 6,
  }
}

/** Polsby–Popper (4πA / P²) per territory from unit areas, perimeters and the borders inside each territory. */
export function polsbyPopper(
  borders: UnitBorders,
  areasKm2: readonly number[],
  assignment: readonly number[],
  k: number,
): number[] {
  const area = new Array<number>(k).fill(0)
  const perimeter = new Array<number>(k).fill(0)
  assignment.forEach((t, i) => {
    if (t < 0 || t >= k) return
    area[t] = (area[t] ?? 0) + (areasKm2[i] ?? 0)
    perimeter[t] = (perimeter[t] ?? 0) + (borders.perimeterKm[i] ?? 0)
  })
  borders.adjacency.forEach(([a, b], n) => {
    const t = assignment[a] ?? -1
    if (t >= 0 && t === assignment[b]) perimeter[t] = (perimeter[t] ?? 0) - 2 * (borders.sharedKm[n] ?? 0)
  })
  return area.map((a, t) => {
    const p = perimeter[t] ?? 0
    return p > 0 ? Math.min(1, Math.round(((4 * Math.PI * a) / (p * p)) * 1000) / 1000) : 0
  })
}

/** Index pairs of units that share a border (for the partitioner). */
export async function loadUnitAdjacency(
  db: Q,
  spec: { kind: 'county' | 'h3'; res?: number | null },
  unitIds: readonly string[],
) {
  return (await loadUnitBorders(db, spec, unitIds)).adjacency
}

/** Customers per unit and current owner, to match reps to new territories and count ownership changes. */
export async function loadOwnershipByUnit(
  db: Q,
  spec: UnitSpec,
  unitIds: readonly string[],
): Promise<{ unitId: string; ownerId: number | null; customers: number }[]> {
  const unitExpr = spec.kind === 'county' ? sql`c.county_fips` : sql`to_hex(${h3Column(spec.res ?? 0)})`
  const { rows } = await sql<{ unitId: string; ownerId: number | null; customers: number }>`
    SELECT ${unitExpr} AS "unitId", c.owner_id AS "ownerId", count(*)::int AS customers
    FROM customer c WHERE ${unitExpr} = ANY(${[...unitIds]}::text[])
    GROUP BY 1, 2`.execute(db)
  return rows
}
