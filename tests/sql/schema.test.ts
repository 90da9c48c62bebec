import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../api/src/db/connect.ts'
import { appliedMigrations, migrate } from '../../api/src/db/migrate.ts'
import { customerTile } from '../../api/src/tiles/queries.ts'
import { createTestDb } from '../support/db.ts'
import { decodeCustomerTile, lngLatToTile } from '../support/mvt.ts'

let db: Db
beforeAll(async () => {
  db = await createTestDb()
})
afterAll(async () => {
  await db.close()
})

describe('migrations', () => {
  it('records every file and applies nothing the second time', async () => {
    const before = await appliedMigrations(db)
    expect(before.length).toBeGreaterThanOrEqual(2)
    expect(await migrate(db)).toEqual([])
    expect(await appliedMigrations(db)).toEqual(before)
  })

  it('enforces the CHECK constraints of the data model', async () => {
    await expect(sql`UPDATE customer SET status = 'deleted' WHERE id = 1`.execute(db.kysely)).rejects.toThrow(
      /customer_status_check/,
    )
    await expect(
      sql`INSERT INTO customer_order (customer_id, ordered_on, amount_cents) VALUES (1, current_date, -5)`.execute(
        db.kysely,
      ),
    ).rejects.toThrow(/customer_order_amount_check/)
  })
})

describe('geodata', () => {
  it('loads states, counties with population, ZIP centroids and places', async () => {
    const { rows } = await sql<{
      states: number
      counties: number
      zips: number
      places: number
      cook: number
      placed: number
    }>`
      SELECT (SELECT count(*) FROM region WHERE level = 'state')::int AS states,
             (SELECT count(*) FROM region WHERE level = 'county')::int AS counties,
             (SELECT count(*) FROM zip_code)::int AS zips,
             (SELECT count(*) FROM place)::int AS places,
             (SELECT population FROM region WHERE id = '17031')::int AS cook,
             (SELECT count(*) FROM place WHERE county_fips IS NOT NULL)::int AS placed`.execute(db.kysely)
    const r = rows[0]
    expect(r?.states).toBe(56)
    expect(r?.counties).toBeGreaterThan(3200)
    expect(r?.zips).toBeGreaterThan(40_000)
    expect(r?.cook).toBeGreaterThan(4_000_000)
    expect((r?.placed ?? 0) / (r?.places ?? 1)).toBeGreaterThan(0.98)
  })

  it('has valid county polygons that contain their own places', async () => {
    const { rows } = await sql<{
      invalid: number
    }>`SELECT count(*)::int AS invalid FROM region WHERE NOT ST_IsValid(geom)`.execute(db.kysely)
    expect(rows[0]?.invalid).toBe(0)
    const denver = await sql<{ id: string }>`
      SELECT r.id FROM region r, place p WHERE p.name = 'Denver' AND p.state_code = 'CO' AND r.level = 'county' AND ST_Intersects(r.geom, p.geom)`.execute(
      db.kysely,
    )
    expect(denver.rows.map((row) => row.id)).toContain('08031')
  })
})

describe('seeded customers', () => {
  it('all lie in a county, with H3 cells matching their location', async () => {
    const { rows } = await sql<{ missing: number; total: number }>`
      SELECT count(*) FILTER (WHERE county_fips IS NULL)::int AS missing, count(*)::int AS total FROM customer`.execute(
      db.kysely,
    )
    expect(rows[0]?.missing).toBe(0)
    expect(rows[0]?.total).toBeGreaterThan(0)
    const roll = await sql<{ diff: number }>`
      SELECT count(*)::int AS diff FROM (
        SELECT h3_r5 AS cell, owner_id, status, count(*) AS n FROM customer GROUP BY 1, 2, 3
        EXCEPT SELECT cell, nullif(owner_key, 0), status, customers FROM customer_cell_stat WHERE res = 5 AND customers > 0) d`.execute(
      db.kysely,
    )
    expect(roll.rows[0]?.diff).toBe(0)
  })
})

describe('tile encoders', () => {
  it('the SQL-coordinates + vt-pbf path (PGlite) matches the ST_AsMVT path (PostGIS)', async () => {
    const { rows } = await sql<{
      lng: number
      lat: number
    }>`SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat FROM customer ORDER BY id LIMIT 1`.execute(db.kysely)
    const first = rows[0]
    if (!first) throw new Error('no customers')
    const z = 12
    const [x, y] = lngLatToTile(first.lng, first.lat, z)
    const viaJs = decodeCustomerTile(
      (await customerTile({ ...db, kind: 'pglite' }, { ownerId: null }, {}, z, x, y)).slice().buffer,
      z,
      x,
      y,
    )
    expect(viaJs.length).toBeGreaterThan(0)
    if (db.kind !== 'postgres') return // ST_AsMVT exists only on the PostGIS server
    const viaPostgis = decodeCustomerTile(
      (await customerTile(db, { ownerId: null }, {}, z, x, y)).slice().buffer,
      z,
      x,
      y,
    )
    const byId = (points: typeof viaJs) => [...points].sort((a, b) => a.id - b.id)
    const a = byId(viaJs)
    const b = byId(viaPostgis)
    expect(a.map((p) => [p.id, p.status, p.revenue])).toEqual(b.map((p) => [p.id, p.status, p.revenue]))
    a.forEach((p, i) => {
      expect(Math.abs(p.lng - (b[i]?.lng ?? 0))).toBeLessThan(0.001)
      expect(Math.abs(p.lat - (b[i]?.lat ?? 0))).toBeLessThan(0.001)
    })
  })
})
