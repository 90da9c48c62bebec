import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/schema.ts'

/**
 * Offline batch geocoding for imports: the ZIP centroid table (a few ten thousand rows of static geodata) held
 * in memory, so a million rows are placed without a query each. Single-record writes keep using
 * `geocodeAddress` in customers/queries.ts, which asks the same table.
 */
export type GeocodePrecision = 'rooftop' | 'zip' | 'city' | 'none'
export type GeocodeHit = { lng: number; lat: number; precision: GeocodePrecision; city: string; state: string }

export type OfflineGeocoder = {
  byZip: (zip: string) => GeocodeHit | undefined
  byCity: (city: string, state: string) => GeocodeHit | undefined
  /** Number of ZIP centroids loaded; 0 means the geodata is missing. */
  size: number
}

let cached: { db: Kysely<Database>; geocoder: Promise<OfflineGeocoder> } | undefined

async function loadOfflineGeocoder(db: Kysely<Database>): Promise<OfflineGeocoder> {
  const { rows } = await sql<{ zip: string; city: string; state: string; lng: number; lat: number }>`
    SELECT zip, city, state_code AS state, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM zip_code`.execute(db)
  const zips = new Map<string, GeocodeHit>()
  const sums = new Map<string, { lng: number; lat: number; n: number; city: string; state: string }>()
  for (const row of rows) {
    zips.set(row.zip, { lng: row.lng, lat: row.lat, precision: 'zip', city: row.city, state: row.state })
    const key = `${row.city.toLowerCase()}|${row.state}`
    const sum = sums.get(key) ?? { lng: 0, lat: 0, n: 0, city: row.city, state: row.state }
    sum.lng += row.lng
    sum.lat += row.lat
    sum.n++
    sums.set(key, sum)
  }
  const cities = new Map<string, GeocodeHit>()
  for (const [key, sum] of sums) {
    cities.set(key, { lng: sum.lng / sum.n, lat: sum.lat / sum.n, precision: 'city', city: sum.city, state: sum.state })
  }
  return {
    byZip: (zip) => zips.get(zip),
    byCity: (city, state) => cities.get(`${city.toLowerCase()}|${state.toUpperCase()}`),
    size: zips.size,
  }
}

/** The geocoder for this database, loaded once per process (the ZIP table is static geodata). */
export function offlineGeocoder(db: Kysely<Database>): Promise<OfflineGeocoder> {
  if (!cached || cached.db !== db) {
    const geocoder = loadOfflineGeocoder(db)
    cached = { db, geocoder }
    geocoder.catch(() => {
      if (cached?.geocoder === geocoder) cached = undefined
    })
  }
  return cached.geocoder
}
