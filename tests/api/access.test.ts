import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app.ts'
import { decodeCustomerTile, lngLatToTile } from '../support/mvt.ts'

let t: TestApp
let repId: number
let ownIds: Set<number>
let foreign: { id: number; lng: number; lat: number }
const rep = 'rep1@meridian.test'

beforeAll(async () => {
  t = await createTestApp()
  repId = await t.userId(rep)
  const own = await sql<{ id: number }>`SELECT id FROM customer WHERE owner_id = ${repId}`.execute(t.db.kysely)
  ownIds = new Set(own.rows.map((r) => r.id))
  const other = await sql<{ id: number; lng: number; lat: number }>`
    SELECT id, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM customer
    WHERE owner_id IS DISTINCT FROM ${repId} ORDER BY id LIMIT 1`.execute(t.db.kysely)
  const row = other.rows[0]
  if (!row) throw new Error('no foreign customer')
  foreign = row
})
afterAll(async () => {
  await t.close()
})

describe('a rep sees only their own customers', () => {
  it('in the list', async () => {
    const body = await (await t.request('/api/customers?limit=500', { as: rep })).json()
    expect(ownIds.size).toBeGreaterThan(0)
    expect(body.items.length).toBe(Math.min(500, ownIds.size))
    expect(body.items.every((c: { id: number }) => ownIds.has(c.id))).toBe(true)
  })

  it('in the detail (404, so existence does not leak) and when logging contacts', async () => {
    const res = await t.request(`/api/customers/${foreign.id}`, { as: rep })
    expect(res.status).toBe(404)
    const post = await t.request(`/api/customers/${foreign.id}/interactions`, {
      as: rep,
      method: 'POST',
      body: JSON.stringify({ channel: 'call', direction: 'outbound', subject: 'sneaky' }),
    })
    expect(post.status).toBe(404)
    const patch = await t.request(`/api/customers/${foreign.id}`, {
      as: rep,
      method: 'PATCH',
      body: JSON.stringify({ name: 'Mine now' }),
    })
    expect(patch.status).toBe(404)
  })

  it('in nearby, tiles and density', async () => {
    const nearby = await (
      await t.request(`/api/customers/nearby?lng=${foreign.lng}&lat=${foreign.lat}&radiusKm=2000&limit=200`, {
        as: rep,
      })
    ).json()
    expect(nearby.items.every((c: { id: number }) => ownIds.has(c.id))).toBe(true)
    const z = 14
    const [x, y] = lngLatToTile(foreign.lng, foreign.lat, z)
    const adminTile = decodeCustomerTile(
      await (await t.request(`/api/tiles/customers/${z}/${x}/${y}.mvt`, { as: 'admin@meridian.test' })).arrayBuffer(),
      z,
      x,
      y,
    )
    expect(adminTile.some((p) => p.id === foreign.id)).toBe(true)
    const repTile = decodeCustomerTile(
      await (await t.request(`/api/tiles/customers/${z}/${x}/${y}.mvt`, { as: rep })).arrayBuffer(),
      z,
      x,
      y,
    )
    expect(repTile.every((p) => ownIds.has(p.id))).toBe(true)
    const density = await (await t.request('/api/density?z=4', { as: rep })).json()
    const total = density.cells.reduce((a: number, c: { customers: number }) => a + c.customers, 0)
    expect(total).toBe(ownIds.size)
    const otherOwner = await (await t.request(`/api/density?z=4&owner=${repId + 1}`, { as: rep })).json()
    expect(otherOwner.cells).toEqual([])
  })

  it('in low-zoom tiles thinned over their own customers, so nobody else hides them', async () => {
    const z = 6
    const [x, y] = lngLatToTile(foreign.lng, foreign.lat, z)
    const mine = await sql<{ id: number; x: number; y: number }>`
      SELECT id, ST_X(geom_3857) AS x, ST_Y(geom_3857) AS y FROM customer
      WHERE owner_id = ${repId} AND geom_3857 && ST_TileEnvelope(${z}, ${x}, ${y})`.execute(t.db.kysely)
    const cell = (2 * 20037508.342789244) / 2 ** z / 48
    const cells = new Set(mine.rows.map((r) => `${Math.floor(r.x / cell)}:${Math.floor(r.y / cell)}`))
    const res = await t.request(`/api/tiles/customers/${z}/${x}/${y}.mvt`, { as: rep })
    const points = decodeCustomerTile(await res.arrayBuffer(), z, x, y)
    expect(points.every((p) => ownIds.has(p.id))).toBe(true)
    expect(points.length).toBe(cells.size)
  })

  it('may not hand a customer to someone else; a marketer may not edit', async () => {
    const mine = [...ownIds][0]
    const res = await t.request(`/api/customers/${mine}`, {
      as: rep,
      method: 'PATCH',
      body: JSON.stringify({ ownerId: repId + 1 }),
    })
    expect(res.status).toBe(403)
    const marketer = await t.request(`/api/customers/${mine}`, {
      as: 'marketer@meridian.test',
      method: 'PATCH',
      body: JSON.stringify({ name: 'x' }),
    })
    expect(marketer.status).toBe(403)
    expect((await marketer.json()).error.code).toBe('forbidden')
  })

  it('creates customers owned by the rep', async () => {
    const res = await t.request('/api/customers', {
      as: rep,
      method: 'POST',
      body: JSON.stringify({ name: 'Rep Lead', industry: 'Retail', segment: 'smb', status: 'prospect', zip: '98101' }),
    })
    expect(res.status).toBe(201)
    expect((await res.json()).customer.ownerId).toBe(repId)
  })
})
