import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../support/app.ts'
import { decodeCustomerTile, lngLatToTile } from '../support/mvt.ts'

const ctx = useTestApp()
const admin = 'admin@meridian.test'

async function tile(z: number, x: number, y: number, as = admin, query = '') {
  const res = await ctx.app.request(`/api/tiles/customers/${z}/${x}/${y}.mvt${query}`, { as })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile')
  return decodeCustomerTile(await res.arrayBuffer(), z, x, y)
}

describe('customer vector tiles', () => {
  it('puts every customer of a high-zoom tile at its own position with id, status and revenue', async () => {
    const c = await sql<{ id: number; lng: number; lat: number; status: string; revenue: number }>`
      SELECT id, ST_X(geom) AS lng, ST_Y(geom) AS lat, status, round(revenue_12m_cents / 100.0)::int AS revenue
      FROM customer WHERE revenue_12m_cents > 0 ORDER BY id LIMIT 1`.execute(ctx.app.db.kysely)
    const target = c.rows[0]
    if (!target) throw new Error('seed has no customer with revenue')
    const z = 14
    const [x, y] = lngLatToTile(target.lng, target.lat, z)
    const points = await tile(z, x, y)
    const found = points.find((p) => p.id === target.id)
    expect(found).toBeDefined()
    expect(found?.status).toBe(target.status)
    expect(found?.revenue).toBe(target.revenue)
    // 4096 units over a ~2.4 km tile: better than a metre.
    expect(Math.abs((found?.lng ?? 0) - target.lng)).toBeLessThan(0.0001)
    expect(Math.abs((found?.lat ?? 0) - target.lat)).toBeLessThan(0.0001)
    const inTile = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM customer
      WHERE geom_3857 && ST_TileEnvelope(${z}, ${x}, ${y})`.execute(ctx.app.db.kysely)
    expect(points.length).toBe(inTile.rows[0]?.n)
  })

  it('returns an empty tile in the middle of the ocean', async () => {
    expect(await tile(6, 5, 30)).toEqual([])
  })

  it('thins low zooms to one customer per grid cell and shows a lone new customer at once', async () => {
    const points = await tile(4, 4, 6)
    const all = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM customer WHERE geom_3857 && ST_TileEnvelope(4, 4, 6)`.execute(ctx.app.db.kysely)
    expect(all.rows[0]?.n).toBeGreaterThan(50)
    expect(points.length).toBeLessThan(all.rows[0]?.n ?? 0)
    const cellOf = (p: { lng: number; lat: number }) => {
      const [x, y] = lngLatToTile(p.lng, p.lat, 4 + Math.log2(48))
      return `${x}:${y}`
    }
    expect(new Set(points.map(cellOf)).size).toBe(points.length)

    // Nobody else within ~100 km: the new customer is its cell's representative at low zoom.
    const created = await ctx.app.request('/api/customers', {
      as: admin,
      method: 'POST',
      body: JSON.stringify({
        name: 'Desert Outpost',
        industry: 'Retail',
        segment: 'smb',
        status: 'active',
        lng: -116.2,
        lat: 38.6,
      }),
    })
    const { customer } = await created.json()
    const [x, y] = lngLatToTile(customer.lng, customer.lat, 5)
    expect((await tile(5, x, y)).some((p) => p.id === customer.id)).toBe(true)
    // A neighbour 50 m away waits for a closer zoom.
    const twin = await ctx.app.request('/api/customers', {
      as: admin,
      method: 'POST',
      body: JSON.stringify({
        name: 'Desert Twin',
        industry: 'Retail',
        segment: 'smb',
        status: 'active',
        lng: -116.2005,
        lat: 38.6,
      }),
    })
    const twinId = (await twin.json()).customer.id
    expect((await tile(5, x, y)).some((p) => p.id === twinId)).toBe(false)
    const [x12, y12] = lngLatToTile(customer.lng, customer.lat, 12)
    expect((await tile(12, x12, y12)).map((p) => p.id)).toEqual(expect.arrayContaining([customer.id, twinId]))
  })

  it('applies the status filter to tiles', async () => {
    const c = await sql<{ id: number; lng: number; lat: number }>`
      SELECT id, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM customer WHERE status = 'churned' ORDER BY id LIMIT 1`.execute(
      ctx.app.db.kysely,
    )
    const churned = c.rows[0]
    if (!churned) throw new Error('seed has no churned customer')
    const [x, y] = lngLatToTile(churned.lng, churned.lat, 13)
    const onlyChurned = await tile(13, x, y, admin, '?status=churned')
    expect(onlyChurned.some((p) => p.id === churned.id)).toBe(true)
    expect(onlyChurned.every((p) => p.status === 'churned')).toBe(true)
    const onlyActive = await tile(13, x, y, admin, '?status=active')
    expect(onlyActive.some((p) => p.id === churned.id)).toBe(false)
  })
})

describe('density', () => {
  const bbox = '-180,-90,180,90'
  it('sums to the number of customers at every resolution', async () => {
    const total = await sql<{
      n: number
      revenue: number
    }>`SELECT count(*)::int AS n, sum(revenue_12m_cents) AS revenue FROM customer`.execute(ctx.app.db.kysely)
    for (const z of [3, 7, 10]) {
      const res = await ctx.app.request(`/api/density?z=${z}&bbox=${bbox}`, { as: admin })
      const body = await res.json()
      expect(res.status).toBe(200)
      expect(body.resolution).toBe(z <= 5 ? 3 : z <= 8 ? 5 : 7)
      const sum = body.cells.reduce((acc: number, cell: { customers: number }) => acc + cell.customers, 0)
      const revenue = body.cells.reduce((acc: number, cell: { revenueCents: number }) => acc + cell.revenueCents, 0)
      expect(sum).toBe(total.rows[0]?.n)
      expect(revenue).toBe(Number(total.rows[0]?.revenue))
      expect(body.cells[0].h3).toMatch(/^8[0-9a-f]{14}$/)
    }
  })

  it('keeps the roll-up current when customers are added, moved and filtered by segment', async () => {
    const count = async (query: string) => {
      const res = await ctx.app.request(`/api/density?z=4&bbox=${bbox}${query}`, { as: admin })
      return ((await res.json()).cells as { customers: number }[]).reduce((a, c) => a + c.customers, 0)
    }
    const before = await count('&status=prospect')
    const created = await ctx.app.request('/api/customers', {
      as: admin,
      method: 'POST',
      body: JSON.stringify({
        name: 'Rollup Test',
        industry: 'Retail',
        segment: 'enterprise',
        status: 'prospect',
        zip: '60601',
      }),
    })
    const id = (await created.json()).customer.id
    expect(await count('&status=prospect')).toBe(before + 1)
    await ctx.app.request(`/api/customers/${id}`, {
      as: admin,
      method: 'PATCH',
      body: JSON.stringify({ status: 'active' }),
    })
    expect(await count('&status=prospect')).toBe(before)
    const enterprise = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM customer WHERE segment = 'enterprise'`.execute(ctx.app.db.kysely)
    expect(await count('&segment=enterprise')).toBe(enterprise.rows[0]?.n)
  })
})

describe('regions', () => {
  it('serves states and counties as GeoJSON with FIPS ids and population', async () => {
    const res = await ctx.app.request('/api/regions?level=county', { as: admin })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.type).toBe('FeatureCollection')
    expect(body.features.length).toBeGreaterThan(3100)
    const la = body.features.find((f: { id: string }) => f.id === '06037')
    expect(la.properties).toMatchObject({ name: 'Los Angeles', level: 'county', stateCode: 'CA' })
    expect(la.properties.population).toBeGreaterThan(5_000_000)
    expect(['Polygon', 'MultiPolygon']).toContain(la.geometry.type)
    const states = await (await ctx.app.request('/api/regions?level=state', { as: admin })).json()
    expect(states.features.find((f: { id: string }) => f.id === '48').properties.name).toBe('Texas')
  })
})
