import { type RawBuilder, sql } from 'kysely'
import vtpbf from 'vt-pbf'
import type { CustomerScope } from '../context.ts'
import { customerConditions } from '../customers/queries.ts'
import type { CustomerFilter } from '../customers/schema.ts'
import type { Db } from '../db/connect.ts'
import { tileBounds3857 } from './tile-math.ts'

export const tileExtent = 4096
/** Hard cap per tile so a pathological tile can never stall the map; min_zoom thinning keeps real tiles far below it. */
export const maxFeaturesPerTile = 20_000

type TilePoint = { id: number; status: string; name: string; revenue: number; px: number; py: number }

/**
 * Customer points as one Mapbox Vector Tile layer `customers` (id, status, name, revenue in dollars).
 * PostGIS encodes with ST_AsMVT; PGlite's PostGIS lacks protobuf-c, so there SQL computes tile
 * pixel coordinates and vt-pbf encodes. Both return the same features.
 */
/** Grid cells per tile side used to thin low zooms (see customer.min_zoom). */
export const thinningGrid = 48
/** From this zoom on every customer is drawn. */
export const fullDetailZoom = 12

/**
 * The customers a tile draws. Unfiltered tiles use the precomputed min_zoom; a rep's or a filtered view thins its
 * own customers per request (one per grid cell), so nobody else's representative hides them.
 */
function customerSource(
  scope: CustomerScope,
  filter: CustomerFilter,
  z: number,
  envelope: RawBuilder<unknown>,
  tileSize: number,
) {
  const filtered = scope.ownerId !== null || Object.values(filter).some((value) => value !== undefined)
  const conditions = customerConditions(scope, filter)
  if (!filtered) return sql`customer c WHERE c.geom_3857 && ${envelope} AND c.min_zoom <= ${z}`
  if (z >= fullDetailZoom) return sql`customer c WHERE c.geom_3857 && ${envelope} AND ${conditions}`
  const cell = tileSize / thinningGrid
  return sql`(
    SELECT DISTINCT ON (g.gx, g.gy) g.* FROM (
      SELECT c.*, floor(ST_X(c.geom_3857) / ${cell}) AS gx, floor(ST_Y(c.geom_3857) / ${cell}) AS gy
      FROM customer c WHERE c.geom_3857 && ${envelope} AND ${conditions}) g
    ORDER BY g.gx, g.gy, hashint8(g.id)) c`
}

export async function customerTile(
  db: Db,
  scope: CustomerScope,
  filter: CustomerFilter,
  z: number,
  x: number,
  y: number,
): Promise<Uint8Array> {
  const [minX, minY, maxX, maxY] = tileBounds3857(z, x, y)
  const envelope = sql`ST_MakeEnvelope(${minX}, ${minY}, ${maxX}, ${maxY}, 3857)`
  const source = customerSource(scope, filter, z, envelope, maxX - minX)
  if (db.kind === 'postgres') {
    const { rows } = await sql<{ tile: Buffer }>`
      SELECT ST_AsMVT(t, 'customers', ${tileExtent}, 'geom', 'fid') AS tile FROM (
        SELECT c.id AS fid, c.id, c.status, c.name, round(c.revenue_12m_cents / 100.0)::bigint AS revenue,
               ST_AsMVTGeom(c.geom_3857, ${envelope}, ${tileExtent}, 0, true) AS geom
        FROM ${source}
        LIMIT ${maxFeaturesPerTile}) t`.execute(db.kysely)
    return new Uint8Array(rows[0]?.tile ?? Buffer.alloc(0))
  }
  const size = maxX - minX
  const { rows } = await sql<TilePoint>`
    SELECT c.id, c.status, c.name, round(c.revenue_12m_cents / 100.0)::bigint AS revenue,
           least(${tileExtent}, floor((ST_X(c.geom_3857) - ${minX}) * ${tileExtent} / ${size}))::int AS px,
           least(${tileExtent}, floor((${maxY} - ST_Y(c.geom_3857)) * ${tileExtent} / ${size}))::int AS py
    FROM ${source}
    LIMIT ${maxFeaturesPerTile}`.execute(db.kysely)
  if (rows.length === 0) return new Uint8Array(0)
  const features = rows.map((row) => ({
    id: row.id,
    type: 1 as const,
    geometry: [[row.px, row.py]],
    tags: { id: row.id, status: row.status, name: row.name, revenue: row.revenue },
  }))
  return vtpbf.fromGeojsonVt({ customers: { features } }, { version: 2, extent: tileExtent })
}
