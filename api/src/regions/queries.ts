import { sql } from 'kysely'
import type { Db } from '../db/connect.ts'

// Regions are static geodata; each process builds the GeoJSON text once per level.
const cache = new WeakMap<Db, Map<string, Promise<string>>>()

export function regionsGeojson(db: Db, level: 'state' | 'county'): Promise<string> {
  let perDb = cache.get(db)
  if (!perDb) {
    perDb = new Map()
    cache.set(db, perDb)
  }
  let body = perDb.get(level)
  if (!body) {
    body = sql<{ body: string }>`
      SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
        'type', 'Feature', 'id', id,
        'geometry', ST_AsGeoJSON(geom_simple, 4)::json,
        'properties', json_build_object('id', id, 'name', name, 'level', level, 'stateCode', state_code, 'population', population)
      ) ORDER BY id), '[]'::json))::text AS body
      FROM region WHERE level = ${level}`
      .execute(db.kysely)
      .then((result) => result.rows[0]?.body ?? '{"type":"FeatureCollection","features":[]}')
    body.catch(() => perDb?.delete(level))
    perDb.set(level, body)
  }
  return body
}
