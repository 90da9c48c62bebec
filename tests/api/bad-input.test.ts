import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../support/app.ts'

const ctx = useTestApp()
const admin = 'admin@meridian.test'

async function expectError(path: string, status: number, code: string, init: RequestInit = {}) {
  const res = await ctx.app.request(path, { as: admin, ...init })
  const body = await res.json()
  expect(res.status, `${path} → ${JSON.stringify(body)}`).toBe(status)
  expect(body.error.code).toBe(code)
  expect(typeof body.error.message).toBe('string')
  expect(JSON.stringify(body)).not.toMatch(/SELECT|stack|at .*\.ts/)
  return body
}

const counts = async () => {
  const { rows } = await sql<{ customers: number; interactions: number }>`
    SELECT (SELECT count(*) FROM customer)::int AS customers, (SELECT count(*) FROM interaction)::int AS interactions`.execute(
    ctx.app.db.kysely,
  )
  return rows[0]
}

describe('bad input gets a clear 4xx, never a 500', () => {
  it.each([
    ['/api/customers?bbox=1,2,3', 'four numbers'],
    ['/api/customers?bbox=a,b,c,d', 'four numbers'],
    ['/api/customers?bbox=10,0,5,1', 'west must not be greater than east'],
    ['/api/customers?bbox=-10,-95,10,0', 'latitudes'],
    ['/api/customers?bbox=-200,0,10,10', 'longitudes'],
    ['/api/customers/nearby?lng=0&lat=91', 'lat'],
    ['/api/customers/nearby?lng=abc&lat=10', 'lng'],
    ['/api/customers?limit=100000', 'limit'],
    ['/api/customers?cursor=%27%3B%20DROP%20TABLE%20customer%3B--', 'cursor'],
    ['/api/customers?status=deleted', 'status'],
    ['/api/density?z=4&bbox=10,0,5,1', 'west'],
    ['/api/regions?level=planet', 'level'],
  ])('GET %s → 400 validation_failed', async (path, mentions) => {
    const body = await expectError(path, 400, 'validation_failed')
    expect(body.error.message.toLowerCase()).toContain(mentions.toLowerCase())
  })

  it('returns 404 customer_not_found for unknown ids and 400 for non-numeric ids', async () => {
    await expectError('/api/customers/987654321', 404, 'customer_not_found')
    await expectError('/api/customers/abc', 400, 'validation_failed')
    await expectError('/api/customers/99999999999999999999', 400, 'validation_failed')
    await expectError('/api/customers/987654321/interactions', 404, 'customer_not_found', {
      method: 'POST',
      body: JSON.stringify({ channel: 'call', direction: 'outbound', subject: 'hi' }),
    })
  })

  it('rejects tiles outside the tile pyramid', async () => {
    await expectError('/api/tiles/customers/2/4/1.mvt', 400, 'invalid_tile')
    await expectError('/api/tiles/customers/30/0/0.mvt', 400, 'validation_failed')
    await expectError('/api/tiles/customers/3/1/1.png', 400, 'validation_failed')
  })

  it('treats SQL-looking search text as plain text', async () => {
    const before = await counts()
    const res = await ctx.app.request(
      `/api/customers?q=${encodeURIComponent("x' OR '1'='1'; DROP TABLE customer; --")}`,
      {
        as: admin,
      },
    )
    expect(res.status).toBe(200)
    expect((await res.json()).items).toEqual([])
    const wildcard = await ctx.app.request(`/api/customers?q=${encodeURIComponent('%')}`, { as: admin })
    expect((await wildcard.json()).items).toEqual([])
    expect(await counts()).toEqual(before)
  })

  it('rejects NUL and control characters and writes nothing', async () => {
    const before = await counts()
    await expectError('/api/customers/1/interactions', 400, 'validation_failed', {
      method: 'POST',
      body: JSON.stringify({ channel: 'call', direction: 'outbound', subject: 'bad\u0000subject' }),
    })
    await expectError('/api/customers', 400, 'validation_failed', {
      method: 'POST',
      body: JSON.stringify({ name: 'Nul\u0000Co', industry: 'Retail', segment: 'smb', status: 'active', zip: '10001' }),
    })
    await expectError(`/api/customers?q=${encodeURIComponent('a\u0000b')}`, 400, 'validation_failed')
    expect(await counts()).toEqual(before)
  })

  it('rejects malformed JSON, unknown fields and oversize bodies', async () => {
    await expectError('/api/customers/1/interactions', 400, 'invalid_json', {
      method: 'POST',
      body: '{"channel": "call",',
    })
    await expectError('/api/customers/1/interactions', 400, 'validation_failed', {
      method: 'POST',
      body: JSON.stringify({ channel: 'call', direction: 'outbound', subject: 'x', isAdmin: true }),
    })
    await expectError('/api/customers/1/interactions', 413, 'payload_too_large', {
      method: 'POST',
      body: JSON.stringify({ channel: 'call', direction: 'outbound', subject: 'x', notes: 'n'.repeat(400_000) }),
    })
  })

  it('rejects an interaction whose contact belongs to another customer', async () => {
    const other = await ctx.app.db.kysely
      .selectFrom('contact')
      .select('id')
      .where('customer_id', '=', 5)
      .executeTakeFirstOrThrow()
    await expectError('/api/customers/1/interactions', 400, 'contact_not_of_customer', {
      method: 'POST',
      body: JSON.stringify({ channel: 'call', direction: 'outbound', subject: 'x', contactId: other.id }),
    })
  })

  it('returns 404 route_not_found for unknown API paths', async () => {
    await expectError('/api/nothing-here', 404, 'route_not_found')
  })
})
