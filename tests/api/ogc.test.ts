import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useTestApp } from '../support/app.ts'
import { type RunningServer, startServer } from '../support/server.ts'

const run = promisify(execFile)
const ctx = useTestApp()
const manager = 'manager@meridian.test'
const rep = 'rep1@meridian.test'

type Link = { href: string; rel: string; type?: string }
type Collection = {
  type: string
  numberMatched: number
  numberReturned: number
  features: {
    id: string | number
    geometry: { type: string; coordinates: unknown }
    properties: Record<string, unknown>
  }[]
  links: Link[]
}

async function getJson<T>(url: string, as?: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await ctx.app.request(url, { as, headers })
  const text = await res.text()
  expect(res.status, `${url}: ${text.slice(0, 300)}`).toBe(200)
  return JSON.parse(text) as T
}

const pathOf = (href: string) => {
  const url = new URL(href)
  return `${url.pathname}${url.search}`
}

async function count(query: ReturnType<typeof sql<{ n: number }>>) {
  return (await query.execute(ctx.app.db.kysely)).rows[0]?.n ?? -1
}

describe('OGC API – Features', () => {
  it('has a landing page, conformance and five collections', async () => {
    const landing = await getJson<{ links: Link[] }>('/api/ogc', manager)
    const rels = landing.links.map((l) => l.rel)
    for (const rel of ['self', 'service-desc', 'conformance', 'data']) expect(rels).toContain(rel)
    const conformance = await getJson<{ conformsTo: string[] }>('/api/ogc/conformance', manager)
    expect(conformance.conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson')
    const { collections } = await getJson<{ collections: { id: string; links: Link[]; extent: unknown }[] }>(
      '/api/ogc/collections',
      manager,
    )
    expect(collections.map((c) => c.id)).toEqual(['customers', 'territories', 'states', 'counties', 'trade-areas'])
    expect(collections[0]?.links.find((l) => l.rel === 'items')?.href).toMatch(
      /\/api\/ogc\/collections\/customers\/items$/,
    )
    const one = await getJson<{ id: string }>('/api/ogc/collections/counties', manager)
    expect(one.id).toBe('counties')
  })

  it('pages customers with limit/offset and next/prev links that visit every customer once', async () => {
    const total = await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM customer`)
    let url: string | undefined = '/api/ogc/collections/customers/items?limit=150'
    const ids: number[] = []
    let pages = 0
    while (url) {
      const page: Collection = await getJson<Collection>(url, manager)
      expect(page.type).toBe('FeatureCollection')
      expect(page.numberMatched).toBe(total)
      expect(page.numberReturned).toBe(page.features.length)
      if (pages > 0) expect(page.links.some((l) => l.rel === 'prev')).toBe(true)
      ids.push(...page.features.map((f) => Number(f.id)))
      const next = page.links.find((l) => l.rel === 'next')
      // Next pages continue after the last id (keyset), not by skipping rows.
      if (next) expect(new URL(next.href).searchParams.get('after')).toBe(String(page.features.at(-1)?.id))
      url = next ? pathOf(next.href) : undefined
      pages++
    }
    expect(pages).toBe(Math.ceil(total / 150))
    expect(ids).toHaveLength(total)
    expect(new Set(ids).size).toBe(total)
  })

  it('filters by bbox and returns exactly the customers inside it', async () => {
    const bbox = [-80, 35, -70, 45]
    const inside = await count(sql<{ n: number }>`
      SELECT count(*)::int AS n FROM customer WHERE geom && ST_MakeEnvelope(-80, 35, -70, 45, 4326)`)
    expect(inside).toBeGreaterThan(0)
    const page = await getJson<Collection>(`/api/ogc/collections/customers/items?bbox=${bbox}&limit=10000`, manager)
    expect(page.numberMatched).toBe(inside)
    expect(page.features).toHaveLength(inside)
    for (const f of page.features) {
      const [lng = 0, lat = 0] = f.geometry.coordinates as number[]
      expect(lng >= -80 && lng <= -70 && lat >= 35 && lat <= 45).toBe(true)
    }
    const states = await getJson<Collection>('/api/ogc/collections/states/items?bbox=-72.9,41.5,-72.5,41.8', manager)
    expect(states.features.map((f) => f.properties.state_code)).toEqual(['CT'])
    expect(states.features[0]?.geometry.type).toBe('MultiPolygon')
  })

  it('shows a rep only their own customers and trade areas, and hides the others by id', async () => {
    const repId = await ctx.app.userId(rep)
    const own = await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM customer WHERE owner_id = ${repId}`)
    const page = await getJson<Collection>('/api/ogc/collections/customers/items?limit=10000', rep)
    expect(page.numberMatched).toBe(own)
    expect(page.features.every((f) => f.properties.owner_id === repId)).toBe(true)
    const foreign = await sql<{ id: number }>`SELECT id FROM customer WHERE owner_id <> ${repId} LIMIT 1`.execute(
      ctx.app.db.kysely,
    )
    const hidden = await ctx.app.request(`/api/ogc/collections/customers/items/${foreign.rows[0]?.id}`, { as: rep })
    expect(hidden.status).toBe(404)
    const areas = await getJson<Collection>('/api/ogc/collections/trade-areas/items?limit=10000', rep)
    const customersInAreas = areas.features.reduce((sum, f) => sum + Number(f.properties.customers), 0)
    expect(customersInAreas).toBe(own)
  })

  it('derives trade areas as buffered hulls that contain their customers', async () => {
    const page = await getJson<Collection>('/api/ogc/collections/trade-areas/items?limit=5', manager)
    const cells = await count(sql<{ n: number }>`SELECT count(DISTINCT h3_r5)::int AS n FROM customer`)
    expect(page.numberMatched).toBe(cells)
    const area = page.features[0]
    expect(area?.geometry.type).toBe('Polygon')
    expect(area?.properties.radius_m).toBe(9615)
    const contained = await count(sql<{ n: number }>`
      SELECT count(*)::int AS n FROM customer
      WHERE lower(to_hex(h3_r5)) = ${String(area?.id)}
        AND NOT ST_Contains(ST_GeomFromGeoJSON(${JSON.stringify(area?.geometry)}), geom)`)
    expect(contained).toBe(0)
    const one = await getJson<{ id: string; properties: { customers: number } }>(
      `/api/ogc/collections/trade-areas/items/${area?.id}`,
      manager,
    )
    expect(one.properties.customers).toBe(area?.properties.customers)
  })

  it('serves territories of the active alignment, a rep only their own', async () => {
    const empty = await getJson<Collection>('/api/ogc/collections/territories/items', manager)
    expect(empty.numberMatched).toBe(0)
    const draft = await ctx.app.request('/api/territories/balance', {
      as: manager,
      method: 'POST',
      body: JSON.stringify({ units: 'county', scope: { states: ['CT', 'RI', 'MA'] }, k: 3, measure: 'customers' }),
    })
    const { draft: d, territories } = (await draft.json()) as {
      draft: { id: number; version: number }
      territories: { id: number }[]
    }
    const repId = await ctx.app.userId(rep)
    const patched = await ctx.app.request(`/api/territories/drafts/${d.id}/territories/${territories[0]?.id}`, {
      as: manager,
      method: 'PATCH',
      body: JSON.stringify({ version: d.version, repId }),
    })
    expect(patched.status).toBe(200)
    const version = (
      (await (await ctx.app.request(`/api/territories/drafts/${d.id}`, { as: manager })).json()) as {
        draft: { version: number }
      }
    ).draft.version
    const activated = await ctx.app.request(`/api/territories/drafts/${d.id}/activate`, {
      as: manager,
      method: 'POST',
      body: JSON.stringify({ version }),
    })
    expect(activated.status).toBe(200)
    const all = await getJson<Collection>('/api/ogc/collections/territories/items', manager)
    expect(all.numberMatched).toBe(3)
    expect(all.features.every((f) => f.geometry.type === 'MultiPolygon')).toBe(true)
    const mine = await getJson<Collection>('/api/ogc/collections/territories/items', rep)
    expect(mine.features.map((f) => f.id)).toEqual([territories[0]?.id])
  })

  it.each([
    ['/api/ogc/collections/nope', 404, 'collection_not_found'],
    ['/api/ogc/collections/nope/items', 404, 'collection_not_found'],
    ['/api/ogc/collections/customers/items/abc', 404, 'feature_not_found'],
    ['/api/ogc/collections/customers/items?limit=0', 400, 'validation_failed'],
    ['/api/ogc/collections/customers/items?limit=10001', 400, 'validation_failed'],
    ['/api/ogc/collections/customers/items?bbox=1,2,3', 400, 'validation_failed'],
    ['/api/ogc/collections/customers/items?offset=-1', 400, 'validation_failed'],
    ['/api/ogc/collections/customers/items?unknown=1', 400, 'validation_failed'],
    ['/api/ogc/collections/trade-areas/items/zz', 404, 'feature_not_found'],
  ])('answers %s with %i %s', async (url, status, code) => {
    const res = await ctx.app.request(url, { as: manager })
    expect(res.status).toBe(status)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code)
  })
})

describe('personal API tokens', () => {
  it('are created once, listed without the secret, accepted as Bearer or ?token=, and revoked', async () => {
    const created = await ctx.app.request('/api/tokens', {
      as: rep,
      method: 'POST',
      body: JSON.stringify({ name: 'QGIS on my laptop', expiresInDays: 30 }),
    })
    expect(created.status).toBe(201)
    const { token, item } = (await created.json()) as { token: string; item: { id: number; prefix: string } }
    expect(token).toMatch(/^mrd_[A-Za-z0-9_-]{43}$/)
    expect(token.startsWith(item.prefix)).toBe(true)
    const stored = await sql<{ token_hash: string }>`SELECT token_hash FROM api_token WHERE id = ${item.id}`.execute(
      ctx.app.db.kysely,
    )
    expect(stored.rows[0]?.token_hash).not.toContain(token.slice(4, 20))
    const list = await getJson<{ items: { id: number; name: string }[] }>('/api/tokens', rep)
    expect(list.items.map((t) => t.name)).toContain('QGIS on my laptop')
    expect(JSON.stringify(list)).not.toContain(token)
    expect((await getJson<{ items: unknown[] }>('/api/tokens', manager)).items).toEqual([])

    const repId = await ctx.app.userId(rep)
    const own = await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM customer WHERE owner_id = ${repId}`)
    const viaHeader = await getJson<Collection>('/api/ogc/collections/customers/items?limit=1', undefined, {
      authorization: `Bearer ${token}`,
    })
    expect(viaHeader.numberMatched).toBe(own)
    const viaQuery = await getJson<Collection>(`/api/ogc/collections/customers/items?limit=1&token=${token}`)
    expect(viaQuery.numberMatched).toBe(own)
    expect(viaQuery.links.find((l) => l.rel === 'next')?.href).toContain(`token=${token}`)

    // A token cannot mint tokens; only the signed-in owner revokes, and a revoked token stops working at once.
    const mint = await ctx.app.request('/api/tokens', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    })
    expect(mint.status).toBe(401)
    expect((await ctx.app.request(`/api/tokens/${item.id}`, { as: manager, method: 'DELETE' })).status).toBe(404)
    expect((await ctx.app.request(`/api/tokens/${item.id}`, { as: rep, method: 'DELETE' })).status).toBe(204)
    const revoked = await ctx.app.request('/api/ogc/collections', { headers: { authorization: `Bearer ${token}` } })
    expect(revoked.status).toBe(401)
    expect(((await revoked.json()) as { error: { code: string } }).error.code).toBe('invalid_token')
    expect((await ctx.app.request('/api/ogc')).status).toBe(401)
  })

  it.each([
    [{ name: '' }, 'validation_failed'],
    [{ name: 'x', expiresInDays: 0 }, 'validation_failed'],
    [{ name: 'x', extra: true }, 'validation_failed'],
  ])('rejects %j', async (body, code) => {
    const res = await ctx.app.request('/api/tokens', { as: rep, method: 'POST', body: JSON.stringify(body) })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code)
  })
})

// Desktop GIS against the real server: GDAL's OAPIF driver (Debian's gdal-bin) lists the collections and copies a
// rep's customers into a GeoPackage, which must hold exactly the customers that rep may see.
describe('GDAL ogrinfo / ogr2ogr against a running server', () => {
  let server: RunningServer
  let workDir: string
  let token: string
  let visible: number

  beforeAll(async () => {
    server = await startServer(300)
    workDir = await mkdtemp(path.join(tmpdir(), 'meridian-ogc-'))
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: rep, password: 'demo' }),
    })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const created = await fetch(`${server.url}/api/tokens`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'GDAL test' }),
    })
    token = ((await created.json()) as { token: string }).token
    // What the rep sees, counted through the ordinary customer list (keyset pages).
    visible = 0
    let cursor: string | null = null
    do {
      const res = await fetch(`${server.url}/api/customers?limit=500${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { cookie },
      })
      const page = (await res.json()) as { items: unknown[]; nextCursor: string | null }
      visible += page.items.length
      cursor = page.nextCursor
    } while (cursor)
  }, 240_000)

  afterAll(async () => {
    await server?.stop()
    if (workDir) await rm(workDir, { recursive: true, force: true })
  })

  it('lists the collections with ogrinfo (token in the URL)', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-so', `OAPIF:${server.url}/api/ogc?token=${token}`])
    expect(stdout).toMatch(/1: customers \(title: Customers\) \(Point\)/)
    for (const id of ['territories', 'states', 'counties', 'trade-areas']) expect(stdout).toContain(`: ${id} (`)
  })

  it('copies the rep’s customers into a GeoPackage with ogr2ogr (Bearer header), page by page', async () => {
    expect(visible).toBeGreaterThan(4)
    const gpkg = path.join(workDir, 'customers.gpkg')
    const env = { ...process.env, GDAL_HTTP_HEADERS: `Authorization: Bearer ${token}` }
    // PAGE_SIZE makes GDAL follow several `next` links.
    await run('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${server.url}/api/ogc`, '-oo', 'PAGE_SIZE=4', 'customers'], {
      env,
    })
    const { stdout } = await run('ogrinfo', ['-ro', '-so', gpkg, 'customers'])
    expect(stdout).toContain('Geometry: Point')
    expect(stdout).toContain(`Feature Count: ${visible}`)
    expect(stdout).toMatch(/owner_id: Integer/)
    const { stdout: owners } = await run('ogrinfo', [
      '-ro',
      '-q',
      gpkg,
      '-sql',
      'SELECT count(DISTINCT owner_id) AS owners FROM customers',
    ])
    expect(owners).toMatch(/owners \(Integer\) = 1/)
    // Without the token GDAL gets nothing.
    await expect(run('ogrinfo', ['-ro', '-so', `OAPIF:${server.url}/api/ogc`])).rejects.toThrow()
  })
})
