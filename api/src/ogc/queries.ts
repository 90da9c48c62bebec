import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { CustomerScope } from '../context.ts'
import type { Database } from '../db/schema.ts'
import type { Bbox } from '../lib/zod-helpers.ts'

type Q = Kysely<Database>

/** A GeoJSON feature whose geometry arrives from PostGIS as GeoJSON text. */
export type FeatureRow = { id: string | number; geometry: string | null; properties: Record<string, unknown> }
/** `after` (customers): keyset continuation from a next link; the offset then only numbers the page. */
export type Page = { limit: number; offset: number; after?: number | undefined }

const envelope = (bbox: Bbox) => sql`ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)`

function customerWhere(scope: CustomerScope, bbox: Bbox | undefined, alias = 'c'): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [sql`true`]
  if (scope.ownerId !== null) conditions.push(sql`${sql.ref(`${alias}.owner_id`)} = ${scope.ownerId}`)
  if (bbox) conditions.push(sql`${sql.ref(`${alias}.geom`)} && ${envelope(bbox)}`)
  return sql.join(conditions, sql` AND `)
}

const customerFeature = sql`
  c.id, ST_AsGeoJSON(c.geom, 6) AS geometry,
  json_build_object('id', c.id, 'external_id', c.external_id, 'name', c.name, 'industry', c.industry,
    'segment', c.segment, 'status', c.status, 'address', c.address, 'zip', c.zip, 'city', c.city, 'state', c.state,
    'county_fips', c.county_fips, 'owner_id', c.owner_id, 'owner_name', u.name,
    'revenue_12m_cents', c.revenue_12m_cents, 'last_contact_at', c.last_contact_at) AS properties`

export async function countCustomers(db: Q, scope: CustomerScope, bbox?: Bbox): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*) AS n FROM customer c WHERE ${customerWhere(scope, bbox)}`.execute(db)
  return rows[0]?.n ?? 0
}

export async function pageCustomers(db: Q, scope: CustomerScope, bbox: Bbox | undefined, page: Page) {
  const { rows } = await sql<FeatureRow>`
    SELECT ${customerFeature}
    FROM customer c LEFT JOIN app_user u ON u.id = c.owner_id
    WHERE ${customerWhere(scope, bbox)}
      ${page.after !== undefined ? sql`AND c.id > ${page.after}` : sql``}
    ORDER BY c.id LIMIT ${page.limit} ${page.after !== undefined ? sql`` : sql`OFFSET ${page.offset}`}`.execute(db)
  return rows
}

export async function findCustomerFeature(db: Q, scope: CustomerScope, id: number) {
  const { rows } = await sql<FeatureRow>`
    SELECT ${customerFeature}
    FROM customer c LEFT JOIN app_user u ON u.id = c.owner_id
    WHERE c.id = ${id} AND ${customerWhere(scope, undefined)}`.execute(db)
  return rows[0]
}

const regionFeature = sql`
  r.id, ST_AsGeoJSON(r.geom_simple, 5) AS geometry,
  json_build_object('id', r.id, 'name', r.name, 'level', r.level, 'state_fips', r.state_fips,
    'state_code', r.state_code, 'population', r.population, 'area_km2', round(r.area_km2::numeric, 1)) AS properties`

function regionWhere(level: 'state' | 'county', bbox: Bbox | undefined) {
  return bbox
    ? sql`r.level = ${level} AND r.geom && ${envelope(bbox)} AND ST_Intersects(r.geom, ${envelope(bbox)})`
    : sql`r.level = ${level}`
}

export async function countRegions(db: Q, level: 'state' | 'county', bbox?: Bbox): Promise<number> {
  const { rows } = await sql<{
    n: number
  }>`SELECT count(*) AS n FROM region r WHERE ${regionWhere(level, bbox)}`.execute(db)
  return rows[0]?.n ?? 0
}

export async function pageRegions(db: Q, level: 'state' | 'county', bbox: Bbox | undefined, page: Page) {
  const { rows } = await sql<FeatureRow>`
    SELECT ${regionFeature} FROM region r WHERE ${regionWhere(level, bbox)}
    ORDER BY r.id LIMIT ${page.limit} OFFSET ${page.offset}`.execute(db)
  return rows
}

export async function findRegionFeature(db: Q, level: 'state' | 'county', id: string) {
  const { rows } = await sql<FeatureRow>`
    SELECT ${regionFeature} FROM region r WHERE r.level = ${level} AND r.id = ${id}`.execute(db)
  return rows[0]
}

/** Bounding box of the US states we hold: the extent we announce for every collection. */
export async function regionExtent(db: Q): Promise<Bbox | null> {
  const { rows } = await sql<{ w: number | null; s: number | null; e: number | null; n: number | null }>`
    SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n
    FROM (SELECT ST_Extent(geom)::geometry AS x FROM region WHERE level = 'state') extent`.execute(db)
  const r = rows[0]
  return r && r.w !== null && r.s !== null && r.e !== null && r.n !== null ? [r.w, r.s, r.e, r.n] : null
}

/**
 * Trade areas (derived, documented in ARCHITECTURE.md): the customers the caller may see, grouped by their H3
 * resolution-5 cell; each area is the convex hull of a cell's customers buffered by `radiusM` — the straight-line
 * reach of a 15-minute drive in the routing travel model (50 km/h, detour factor 1.3 → 9.6 km).
 */
export const tradeAreaRadiusM = Math.round(((15 / 60) * 50 * 1000) / 1.3)

function tradeAreaCells(scope: CustomerScope, bbox: Bbox | undefined) {
  return sql`SELECT DISTINCT c.h3_r5 AS cell FROM customer c WHERE ${customerWhere(scope, bbox)}`
}

export async function countTradeAreas(db: Q, scope: CustomerScope, bbox?: Bbox): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM (${tradeAreaCells(scope, bbox)}) cells`.execute(
    db,
  )
  return rows[0]?.n ?? 0
}

function tradeAreaFeatures(scope: CustomerScope, cells: RawBuilder<unknown>) {
  return sql<FeatureRow>`
    SELECT lower(to_hex(cells.cell)) AS id,
      ST_AsGeoJSON(ST_Buffer(ST_ConvexHull(ST_Collect(c.geom))::geography, ${tradeAreaRadiusM})::geometry, 5) AS geometry,
      json_build_object('id', lower(to_hex(cells.cell)), 'h3_cell', lower(to_hex(cells.cell)),
        'customers', count(*), 'active_customers', count(*) FILTER (WHERE c.status = 'active'),
        'revenue_12m_cents', sum(c.revenue_12m_cents), 'radius_m', ${tradeAreaRadiusM}::int) AS properties
    FROM (${cells}) cells JOIN customer c ON c.h3_r5 = cells.cell AND ${customerWhere(scope, undefined)}
    GROUP BY cells.cell ORDER BY cells.cell`
}

export async function pageTradeAreas(db: Q, scope: CustomerScope, bbox: Bbox | undefined, page: Page) {
  const cells = sql`${tradeAreaCells(scope, bbox)} ORDER BY cell LIMIT ${page.limit} OFFSET ${page.offset}`
  return (await tradeAreaFeatures(scope, cells).execute(db)).rows
}

export async function findTradeArea(db: Q, scope: CustomerScope, cellHex: string) {
  const cell = BigInt(`0x${cellHex}`).toString()
  const { rows } = await tradeAreaFeatures(scope, sql`SELECT ${cell}::bigint AS cell`).execute(db)
  return rows[0]
}
