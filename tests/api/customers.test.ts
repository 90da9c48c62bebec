import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { haversineKm } from '../../api/src/lib/geo.ts'
import { useTestApp } from '../support/app.ts'

const ctx = useTestApp()
const admin = 'admin@meridian.test'

type Summary = { id: number; lng: number; lat: number; status: string; name: string; distanceKm?: number }

async function json(path: string, init?: RequestInit & { as?: string }) {
  const res = await ctx.app.request(path, { as: admin, ...init })
  return { status: res.status, body: await res.json() }
}

describe('GET /api/customers', () => {
  it('lists only customers inside the bbox and pages through them without repeats', async () => {
    const bbox = [-80, 35, -70, 45] as const
    const seen = new Set<number>()
    let cursor: string | null = null
    do {
      const { status, body } = await json(
        `/api/customers?bbox=${bbox.join(',')}&limit=25${cursor ? `&cursor=${cursor}` : ''}`,
      )
      expect(status).toBe(200)
      for (const item of body.items as Summary[]) {
        expect(item.lng).toBeGreaterThanOrEqual(bbox[0])
        expect(item.lng).toBeLessThanOrEqual(bbox[2])
        expect(item.lat).toBeGreaterThanOrEqual(bbox[1])
        expect(item.lat).toBeLessThanOrEqual(bbox[3])
        expect(seen.has(item.id)).toBe(false)
        seen.add(item.id)
      }
      cursor = body.nextCursor
    } while (cursor)
    const { rows } = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM customer WHERE geom && ST_MakeEnvelope(-80, 35, -70, 45, 4326)`.execute(
      ctx.app.db.kysely,
    )
    expect(seen.size).toBe(Number(rows[0]?.n))
    expect(seen.size).toBeGreaterThan(25)
  })

  it('filters by status and by text', async () => {
    const active = await json('/api/customers?status=active&limit=200')
    expect(active.body.items.length).toBeGreaterThan(0)
    expect(active.body.items.every((c: Summary) => c.status === 'active')).toBe(true)
    const first = active.body.items[0] as Summary
    const word = first.name.split(' ')[0] ?? ''
    const found = await json(`/api/customers?q=${encodeURIComponent(word.toLowerCase())}&limit=200`)
    expect(found.body.items.some((c: Summary) => c.id === first.id)).toBe(true)
    expect(
      found.body.items.every((c: Summary & { city: string | null; externalId: string }) =>
        [c.name, c.city ?? '', c.externalId].some((s) => s.toLowerCase().includes(word.toLowerCase())),
      ),
    ).toBe(true)
  })
})

describe('GET /api/customers/:id', () => {
  it('returns the customer with contacts and contact history newest first', async () => {
    const { status, body } = await json('/api/customers/1')
    expect(status).toBe(200)
    expect(body.customer).toMatchObject({ id: 1, externalId: 'CUS-0000001' })
    expect(body.customer.countyFips).toMatch(/^[0-9]{5}$/)
    expect(Object.keys(body.customer.consent).sort()).toEqual(['email', 'mail', 'phone'])
    expect(body.contacts.length).toBeGreaterThan(0)
    const times = body.interactions.map((i: { occurredAt: string }) => Date.parse(i.occurredAt))
    expect(times.length).toBeGreaterThan(0)
    expect([...times].sort((a, b) => b - a)).toEqual(times)
  })
})

describe('GET /api/customers/nearby', () => {
  it('returns customers within the radius sorted by true distance', async () => {
    const center = [-74.0, 40.72] as const
    const { status, body } = await json(`/api/customers/nearby?lng=${center[0]}&lat=${center[1]}&radiusKm=40&limit=15`)
    expect(status).toBe(200)
    const items = body.items as Summary[]
    expect(items.length).toBeGreaterThan(3)
    let previous = 0
    for (const item of items) {
      const d = haversineKm(center, [item.lng, item.lat])
      expect(item.distanceKm).toBeLessThanOrEqual(40)
      expect(Math.abs((item.distanceKm ?? 0) - d)).toBeLessThan(0.5)
      expect(item.distanceKm).toBeGreaterThanOrEqual(previous)
      previous = item.distanceKm ?? 0
    }
  })
})

describe('POST and PATCH /api/customers', () => {
  it('geocodes a new customer by ZIP and says so', async () => {
    const { status, body } = await json('/api/customers', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Chelsea Print Shop',
        industry: 'Retail',
        segment: 'smb',
        status: 'prospect',
        zip: '10001',
      }),
    })
    expect(status).toBe(201)
    expect(body.located).toEqual({ method: 'zip' })
    expect(body.customer).toMatchObject({ city: 'New York', state: 'NY', countyFips: '36061', zip: '10001' })
    expect(body.customer.lng).toBeCloseTo(-73.9967, 2)
  })

  it('geocodes by city and state when there is no ZIP, and takes coordinates as given', async () => {
    const byCity = await json('/api/customers', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Denver Tools',
        industry: 'Manufacturing',
        segment: 'smb',
        status: 'active',
        city: 'Denver',
        state: 'co',
      }),
    })
    expect(byCity.status).toBe(201)
    expect(byCity.body.located.method).toBe('city_state')
    expect(byCity.body.customer.countyFips).toBe('08031')
    const byPoint = await json('/api/customers', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Loop Advisors',
        industry: 'Professional Services',
        segment: 'mid_market',
        status: 'active',
        lng: -87.6298,
        lat: 41.8781,
      }),
    })
    expect(byPoint.body.located.method).toBe('coordinates')
    expect(byPoint.body.customer.countyFips).toBe('17031')
    expect(byPoint.body.customer.state).toBe('IL')
  })

  it('returns 422 location_not_found and writes nothing when the address cannot be located', async () => {
    const before = await ctx.app.db.kysely
      .selectFrom('customer')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const { status, body } = await json('/api/customers', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Nowhere LLC',
        industry: 'Retail',
        segment: 'smb',
        status: 'prospect',
        zip: '00000',
      }),
    })
    expect(status).toBe(422)
    expect(body.error.code).toBe('location_not_found')
    const after = await ctx.app.db.kysely
      .selectFrom('customer')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })

  it('re-geocodes a customer moved to a new ZIP', async () => {
    const { status, body } = await json('/api/customers/2', { method: 'PATCH', body: JSON.stringify({ zip: '94103' }) })
    expect(status).toBe(200)
    expect(body.located).toEqual({ method: 'zip' })
    expect(body.customer).toMatchObject({ zip: '94103', state: 'CA', countyFips: '06075' })
  })
})

describe('POST /api/customers/:id/interactions', () => {
  it('logs a contact that then leads the timeline and updates the last contact date', async () => {
    const res = await json('/api/customers/3/interactions', {
      method: 'POST',
      body: JSON.stringify({
        channel: 'visit',
        direction: 'outbound',
        subject: 'Walked the new warehouse',
        notes: 'Wants a quote by Friday',
      }),
    })
    expect(res.status).toBe(201)
    expect(res.body.interaction).toMatchObject({
      channel: 'visit',
      subject: 'Walked the new warehouse',
      userName: 'Avery Admin',
    })
    const detail = await json('/api/customers/3')
    expect(detail.body.interactions[0].subject).toBe('Walked the new warehouse')
    expect(Date.parse(detail.body.customer.lastContactAt)).toBe(Date.parse(res.body.interaction.occurredAt))
  })
})
