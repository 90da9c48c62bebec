import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/schema.ts'

/**
 * An optional external geocoder with a Nominatim-compatible `/search?format=json&q=` endpoint (Nominatim,
 * Pelias' Nominatim shim, a local mirror), used only when GEOCODER_URL is set. Requests are spaced by a rate
 * limit (GEOCODER_RATE_PER_SECOND, default 1, Nominatim's usage policy) and every answer, including "nothing
 * found", is kept in `geocode_cache` so the same address is never asked twice.
 */
/** `executor` runs the cache queries: pass the open transaction when there is one (PGlite has one connection). */
export type ExternalGeocoder = {
  lookup: (query: string, executor?: Kysely<Database>) => Promise<{ lng: number; lat: number } | null>
}

export function externalGeocoderFromEnv(db: Kysely<Database>): ExternalGeocoder | null {
  const base = process.env.GEOCODER_URL
  if (!base) return null
  const rate = Number(process.env.GEOCODER_RATE_PER_SECOND || 1)
  return createExternalGeocoder(db, base, Number.isFinite(rate) && rate > 0 ? rate : 1)
}

export function createExternalGeocoder(db: Kysely<Database>, baseUrl: string, ratePerSecond: number): ExternalGeocoder {
  const spacingMs = 1000 / ratePerSecond
  let nextSlot = 0
  const waitForSlot = async () => {
    const now = Date.now()
    const slot = Math.max(now, nextSlot)
    nextSlot = slot + spacingMs
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now))
  }
  return {
    lookup: async (query, executor = db) => {
      const key = query.trim().toLowerCase().replace(/\s+/g, ' ')
      const cachedRows = await sql<{ lng: number | null; lat: number | null }>`
        SELECT lng, lat FROM geocode_cache WHERE query = ${key}`.execute(executor)
      const hit = cachedRows.rows[0]
      if (hit) return hit.lng !== null && hit.lat !== null ? { lng: hit.lng, lat: hit.lat } : null
      await waitForSlot()
      let result: { lng: number; lat: number } | null = null
      try {
        const url = `${baseUrl.replace(/\/$/, '')}/search?format=json&limit=1&q=${encodeURIComponent(query)}`
        const response = await fetch(url, {
          headers: { 'user-agent': 'Meridian CRM import' },
          signal: AbortSignal.timeout(10_000),
        })
        if (!response.ok) return null // not cached: the geocoder may answer next time
        const body = (await response.json()) as unknown
        const first = Array.isArray(body) ? (body[0] as { lon?: unknown; lat?: unknown } | undefined) : undefined
        const lng = Number(first?.lon)
        const lat = Number(first?.lat)
        if (first && Number.isFinite(lng) && Number.isFinite(lat) && Math.abs(lng) <= 180 && Math.abs(lat) <= 90) {
          result = { lng, lat }
        }
      } catch {
        return null
      }
      await sql`INSERT INTO geocode_cache (query, lng, lat) VALUES (${key}, ${result?.lng ?? null}, ${result?.lat ?? null})
                ON CONFLICT (query) DO NOTHING`.execute(executor)
      return result
    },
  }
}
