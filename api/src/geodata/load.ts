import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { type RawBuilder, sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import { rootDir } from '../env.ts'

export const geodataOutDir = path.join(rootDir, 'geodata', 'out')

type RegionFeature = {
  id: string
  geometry: unknown
  properties: { id: string; name: string; stateFips: string; stateCode: string | null }
}
type ZipRow = [zip: string, city: string, state: string, lng: number, lat: number]
type PlaceRow = [id: number, name: string, state: string, population: number, lng: number, lat: number]

const batchSize = 2000

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}

async function readJson<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(path.join(geodataOutDir, name), 'utf8')) as T
}

/** Built and not older than the build script (a changed build script means a rebuild). */
export function geodataBuilt(): boolean {
  const manifest = path.join(geodataOutDir, 'manifest.json')
  return (
    existsSync(manifest) && statSync(manifest).mtimeMs >= statSync(path.join(rootDir, 'geodata', 'build.ts')).mtimeMs
  )
}

export async function geodataLoaded(db: Db): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM region WHERE level = 'county'`.execute(
    db.kysely,
  )
  return (rows[0]?.n ?? 0) > 0
}

/**
 * One region per statement: PGlite's PostGIS silently dropped rows when one INSERT … SELECT
 * parsed and repaired hundreds of polygons at once, so regions go in row by row and the
 * count is checked.
 */
async function loadRegions(db: Db, level: 'state' | 'county', file: string, tolerance: number): Promise<void> {
  const collection = await readJson<{ features: RegionFeature[] }>(file)
  for (const f of collection.features) {
    const p = f.properties
    await sql`
      INSERT INTO region (id, level, name, state_fips, state_code, geom, geom_simple, area_km2)
      SELECT ${p.id}, ${level}, ${p.name}, ${p.stateFips}, ${p.stateCode}, g.geom,
             ST_Multi(ST_SimplifyPreserveTopology(g.geom, ${tolerance})), ST_Area(g.geom::geography) / 1e6
      FROM (SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(f.geometry)}), 4326)), 3)) AS geom) g
    `.execute(db.kysely)
  }
  await expectCount(
    db,
    sql`SELECT count(*)::int AS n FROM region WHERE level = ${level}`,
    collection.features.length,
    `${level} regions`,
  )
}

async function expectCount(db: Db, query: RawBuilder<unknown>, expected: number, what: string): Promise<void> {
  const { rows } = await sql<{ n: number }>`${query}`.execute(db.kysely)
  const actual = rows[0]?.n ?? 0
  if (actual !== expected) throw new Error(`geodata load: expected ${expected} ${what}, found ${actual}`)
}

/** County borders and region centroids, for territory planning; loads only what is missing. */
export async function ensureRegionTopology(db: Db): Promise<void> {
  await sql`UPDATE region SET centroid = ST_PointOnSurface(geom) WHERE centroid IS NULL`.execute(db.kysely)
  const { rows } = await sql<{ borders: number; missing: number; perimeters: number }>`
    SELECT (SELECT count(*)::int FROM region_adjacency) AS borders,
           (SELECT count(*)::int FROM region_adjacency WHERE shared_km IS NULL) AS missing,
           (SELECT count(*)::int FROM region WHERE level = 'county' AND perimeter_km IS NULL) AS perimeters`.execute(
    db.kysely,
  )
  const state = rows[0]
  if (state && state.borders > 0 && state.missing === 0 && state.perimeters === 0) return
  const pairs = await readJson<[string, string, number][]>('county-adjacency.json')
  for (const batch of chunks(pairs, batchSize)) {
    await sql`
      INSERT INTO region_adjacency (a, b, shared_km)
      SELECT p.a, p.b, p.km FROM unnest(${batch.map((p) => p[0])}::text[], ${batch.map((p) => p[1])}::text[], ${batch.map((p) => p[2])}::float8[]) AS p (a, b, km)
      WHERE EXISTS (SELECT 1 FROM region WHERE id = p.a) AND EXISTS (SELECT 1 FROM region WHERE id = p.b)
      ON CONFLICT (a, b) DO UPDATE SET shared_km = excluded.shared_km`.execute(db.kysely)
  }
  const perimeters = Object.entries(await readJson<Record<string, number>>('county-perimeters.json'))
  for (const batch of chunks(perimeters, batchSize)) {
    await sql`
      UPDATE region r SET perimeter_km = p.km
      FROM unnest(${batch.map((p) => p[0])}::text[], ${batch.map((p) => p[1])}::float8[]) AS p (id, km)
      WHERE r.id = p.id AND r.level = 'county'`.execute(db.kysely)
  }
}

/** Loads states, counties, ZIP centroids and populated places, then sums place population per county. */
export async function loadGeodata(db: Db): Promise<void> {
  await loadRegions(db, 'state', 'states.geojson', 0.01)
  await loadRegions(db, 'county', 'counties.geojson', 0.004)

  const zips = await readJson<ZipRow[]>('zips.json')
  for (const batch of chunks(zips, batchSize)) {
    await sql`
      INSERT INTO zip_code (zip, city, state_code, geom)
      SELECT z.zip, z.city, z.state_code, ST_SetSRID(ST_Point(z.lng, z.lat), 4326)
      FROM unnest(${batch.map((r) => r[0])}::text[], ${batch.map((r) => r[1])}::text[], ${batch.map((r) => r[2])}::text[],
                  ${batch.map((r) => r[3])}::float8[], ${batch.map((r) => r[4])}::float8[]) AS z (zip, city, state_code, lng, lat)
      ON CONFLICT (zip) DO NOTHING
    `.execute(db.kysely)
  }

  const places = await readJson<PlaceRow[]>('places.json')
  for (const batch of chunks(places, batchSize)) {
    await sql`
      INSERT INTO place (id, name, state_code, population, geom)
      SELECT p.id, p.name, p.state_code, p.population, ST_SetSRID(ST_Point(p.lng, p.lat), 4326)
      FROM unnest(${batch.map((r) => r[0])}::bigint[], ${batch.map((r) => r[1])}::text[], ${batch.map((r) => r[2])}::text[],
                  ${batch.map((r) => r[3])}::int[], ${batch.map((r) => r[4])}::float8[], ${batch.map((r) => r[5])}::float8[])
           AS p (id, name, state_code, population, lng, lat)
      ON CONFLICT (id) DO NOTHING
    `.execute(db.kysely)
  }

  await expectCount(db, sql`SELECT count(*)::int AS n FROM zip_code`, new Set(zips.map((z) => z[0])).size, 'ZIP codes')
  await expectCount(db, sql`SELECT count(*)::int AS n FROM place`, new Set(places.map((p) => p[0])).size, 'places')
  await sql`
    UPDATE place p SET county_fips = r.id
    FROM region r WHERE r.level = 'county' AND ST_Intersects(r.geom, p.geom)
  `.execute(db.kysely)
  await sql`
    UPDATE region r SET population = coalesce(s.population, 0)
    FROM (SELECT county_fips, sum(population) AS population FROM place WHERE county_fips IS NOT NULL GROUP BY county_fips) s
    WHERE r.level = 'county' AND r.id = s.county_fips
  `.execute(db.kysely)
  await sql`
    UPDATE region r SET population = s.population
    FROM (SELECT substr(county_fips, 1, 2) AS state_fips, sum(population) AS population
          FROM place WHERE county_fips IS NOT NULL GROUP BY 1) s
    WHERE r.level = 'state' AND r.id = s.state_fips
  `.execute(db.kysely)
}
