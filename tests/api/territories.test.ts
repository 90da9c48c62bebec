import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { h3Column } from '../../api/src/territories/units.ts'
import { useTestApp } from '../support/app.ts'

// h3-js is a dependency of the API package, not of the test root: load it from there.
const { cellToLatLng, cellToParent, getResolution, isValidCell } = createRequire(
  new URL('../../api/package.json', import.meta.url),
)('h3-js') as {
  cellToLatLng: (cell: string) => [number, number]
  cellToParent: (cell: string, res: number) => string
  getResolution: (cell: string) => number
  isValidCell: (cell: string) => boolean
}

const ctx = useTestApp()
const manager = 'manager@meridian.test'
const states = ['NY', 'NJ', 'CT', 'PA']

type Territory = {
  id: number
  name: string
  repId: number | null
  regionName: string | null
  districtName: string | null
  unitIds: string[]
  metrics: { customers: number; deviationPct: number; contiguous: boolean }
}
type Draft = {
  draft: { id: number; version: number; status: string }
  territories: Territory[]
  balance: Record<string, unknown>
}

async function call(path: string, init: RequestInit & { as?: string } = {}) {
  const res = await ctx.app.request(path, { as: manager, ...init })
  return { status: res.status, body: await res.json() }
}

async function balance(body: Record<string, unknown>): Promise<Draft> {
  const { status, body: draft } = await call('/api/territories/balance', { method: 'POST', body: JSON.stringify(body) })
  expect(status, JSON.stringify(draft)).toBe(201)
  return draft as Draft
}

async function countiesOf(codes: string[]) {
  const { rows } = await sql<{
    id: string
  }>`SELECT id FROM region WHERE level = 'county' AND state_code = ANY(${codes}::text[])`.execute(ctx.app.db.kysely)
  return rows.map((r) => r.id).sort()
}

describe('POST /api/territories/balance', () => {
  it('splits every county of the scope into k contiguous territories and reports the balance honestly', async () => {
    const draft = await balance({ units: 'county', scope: { states }, k: 3, measure: 'customers' })
    expect(draft.territories).toHaveLength(3)
    const units = draft.territories.flatMap((t) => t.unitIds).sort()
    expect(units).toEqual(await countiesOf(states))
    expect(units.every((id) => /^[0-9]{5}$/.test(id))).toBe(true)
    const customers = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM customer c JOIN region r ON r.id = c.county_fips WHERE r.state_code = ANY(${states}::text[])`.execute(
      ctx.app.db.kysely,
    )
    expect(draft.territories.reduce((a, t) => a + t.metrics.customers, 0)).toBe(customers.rows[0]?.n)
    const maxDeviation = Number(draft.balance.maxDeviationPct)
    expect(Math.max(...draft.territories.map((t) => Math.abs(t.metrics.deviationPct)))).toBeCloseTo(maxDeviation, 5)
    if (draft.balance.reachedTolerance) expect(maxDeviation).toBeLessThanOrEqual(5)
    else expect((draft.balance.notes as unknown[]).length).toBeGreaterThan(0)
    expect(draft.territories.every((t) => t.metrics.contiguous)).toBe(true)
    expect(typeof draft.balance.customersChangingOwner).toBe('number')
    expect(typeof draft.balance.runtimeMs).toBe('number')
  })

  it('uses H3 cells as units when asked', async () => {
    const draft = await balance({ units: 'h3:5', scope: { bbox: [-75, 40, -73, 41.5] }, k: 2, measure: 'customers' })
    const ids = draft.territories.flatMap((t) => t.unitIds)
    expect(ids.length).toBeGreaterThan(2)
    expect(ids.every((id) => /^85[0-9a-f]{13}$/.test(id))).toBe(true)
  })

  it.each([4, 6, 8])('balances H3 cells at resolution %i derived from each customer’s r9 cell', async (res) => {
    const bbox = [-75, 40, -73, 41.5]
    const draft = await balance({ units: `h3:${res}`, scope: { bbox }, k: 2, measure: 'customers' })
    const ids = draft.territories.flatMap((t) => t.unitIds)
    expect(ids.length).toBeGreaterThan(2)
    expect(ids.every((id) => isValidCell(id) && getResolution(id) === res)).toBe(true)
    const { rows } = await sql<{ r9: string }>`
      SELECT h3_r9::text AS r9 FROM customer
      WHERE geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)`.execute(ctx.app.db.kysely)
    expect(rows.length).toBeGreaterThan(0)
    expect(draft.territories.reduce((a, t) => a + t.metrics.customers, 0)).toBe(rows.length)
    // Every customer's cell at this resolution (h3-js from the stored r9 cell) is one of the draft's units.
    const units = new Set(ids)
    const parents = rows.map((r) => cellToParent(BigInt(r.r9).toString(16), res))
    expect(parents.filter((cell) => !units.has(cell))).toEqual([])
  })

  it('derives the same parent cells of r9 in SQL as h3-js for every customer at resolutions 4, 6 and 8', async () => {
    const { rows } = await sql<{ r9: string; r4: string; r6: string; r8: string }>`
      SELECT c.h3_r9::text AS r9, ${h3Column(4)}::text AS r4, ${h3Column(6)}::text AS r6, ${h3Column(8)}::text AS r8
      FROM customer c ORDER BY c.id`.execute(ctx.app.db.kysely)
    expect(rows.length).toBeGreaterThan(100)
    const hex = (decimal: string) => BigInt(decimal).toString(16)
    for (const row of rows) {
      const r9 = hex(row.r9)
      expect([hex(row.r4), hex(row.r6), hex(row.r8)]).toEqual([4, 6, 8].map((res) => cellToParent(r9, res)))
    }
  })

  it('activates an H3 resolution-6 plan and gives a new customer the owner of the cell it falls in', async () => {
    const bbox = [-75, 40, -73, 41.5]
    const draft = await balance({ units: 'h3:6', scope: { bbox }, k: 2, measure: 'customers' })
    const activated = await call(`/api/territories/drafts/${draft.draft.id}/activate`, {
      method: 'POST',
      body: JSON.stringify({ version: draft.draft.version }),
    })
    expect(activated.status).toBe(200)
    const withRep = activated.body.territories.find((t: Territory) => t.repId !== null) as Territory | undefined
    if (!withRep) throw new Error('no territory with a rep')
    const [lat, lng] = cellToLatLng(withRep.unitIds[0] ?? '')
    const created = await call('/api/customers', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Hex Six Supply',
        industry: 'Retail',
        segment: 'smb',
        status: 'prospect',
        lng,
        lat,
      }),
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.body.customer.ownerId).toBe(withRep.repId)
    const history = await call(`/api/customers/${created.body.customer.id}/owner-history`)
    expect(history.body.items[0]).toMatchObject({ territoryName: withRep.name })
  })

  it.each([
    [{ units: 'county', scope: { states }, k: 0 }, 400, 'validation_failed'],
    [{ units: 'county', scope: { states: ['DE'] }, k: 4 }, 400, 'k_out_of_range'],
    [{ units: 'county', scope: { states: ['ZZ'] }, k: 2 }, 400, 'unknown_state'],
    [{ units: 'county', scope: { bbox: [-40, 30, -39, 31] }, k: 2 }, 400, 'empty_scope'],
    [{ units: 'county', scope: {}, k: 2 }, 400, 'validation_failed'],
    [{ units: 'h3:9', scope: { states }, k: 2 }, 400, 'validation_failed'],
    [{ units: 'h3:2', scope: { states }, k: 2 }, 400, 'validation_failed'],
    [{ units: 'county', scope: { bbox: [10, 0, 5, 1] }, k: 2 }, 400, 'validation_failed'],
  ])('rejects %j with %i %s', async (body, status, code) => {
    const res = await call('/api/territories/balance', { method: 'POST', body: JSON.stringify(body) })
    expect(res.status).toBe(status)
    expect(res.body.error.code).toBe(code)
  })

  it('is for managers and admins only', async () => {
    const res = await call('/api/territories/balance', {
      as: 'rep1@meridian.test',
      method: 'POST',
      body: JSON.stringify({ units: 'county', scope: { states }, k: 2 }),
    })
    expect(res.status).toBe(403)
  })
})

describe('drafts', () => {
  it('re-scores a manual move and refuses a stale version with 409', async () => {
    const draft = await balance({ units: 'county', scope: { states: ['NY'] }, k: 2, measure: 'customers' })
    const [from, to] = draft.territories
    if (!from || !to) throw new Error('two territories expected')
    const unitCustomers = await sql<{ id: string; n: number }>`
      SELECT county_fips AS id, count(*)::int AS n FROM customer WHERE county_fips = ANY(${from.unitIds}::text[]) GROUP BY 1 ORDER BY 2 DESC LIMIT 1`.execute(
      ctx.app.db.kysely,
    )
    const moved = unitCustomers.rows[0] ?? { id: from.unitIds[0] ?? '', n: 0 }
    const res = await call(`/api/territories/drafts/${draft.draft.id}/units`, {
      method: 'PATCH',
      body: JSON.stringify({ version: draft.draft.version, moves: [{ unitId: moved.id, territoryId: to.id }] }),
    })
    expect(res.status).toBe(200)
    const after = res.body as Draft
    expect(after.draft.version).toBe(draft.draft.version + 1)
    const fromAfter = after.territories.find((t) => t.id === from.id)
    const toAfter = after.territories.find((t) => t.id === to.id)
    expect(fromAfter?.metrics.customers).toBe(from.metrics.customers - moved.n)
    expect(toAfter?.metrics.customers).toBe(to.metrics.customers + moved.n)
    expect(toAfter?.unitIds).toContain(moved.id)

    const stale = await call(`/api/territories/drafts/${draft.draft.id}/units`, {
      method: 'PATCH',
      body: JSON.stringify({ version: draft.draft.version, moves: [{ unitId: moved.id, territoryId: from.id }] }),
    })
    expect(stale.status).toBe(409)
    expect(stale.body.error.code).toBe('version_conflict')
    expect(stale.body.error.message).toMatch(/reload/i)
  })

  it('re-scores moves from the moved units alone with the same result as scoring the whole draft', async () => {
    const draft = await balance({ units: 'county', scope: { states: ['PA'] }, k: 3, measure: 'workload' })
    let version = draft.draft.version
    let after = draft
    // Units on the border between territories 0 and 1 move back and forth, one split leaves a territory in pieces.
    const [a, b] = draft.territories
    if (!a || !b) throw new Error('territories expected')
    for (const [unitId, territoryId] of [
      [a.unitIds[0], b.id],
      [a.unitIds[1], b.id],
      [b.unitIds[2], a.id],
      [a.unitIds[0], a.id],
    ] as const) {
      const res = await call(`/api/territories/drafts/${draft.draft.id}/units`, {
        method: 'PATCH',
        body: JSON.stringify({ version, moves: [{ unitId, territoryId }] }),
      })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      after = res.body as Draft
      version = after.draft.version
    }
    // Forget the running totals: the next read scores every territory from its unit snapshots.
    await sql`UPDATE alignment_territory SET totals = NULL, perimeter_km = NULL, contiguous = NULL WHERE alignment_id = ${draft.draft.id}`.execute(
      ctx.app.db.kysely,
    )
    const full = (await call(`/api/territories/drafts/${draft.draft.id}`)).body as Draft
    const view = (d: Draft) =>
      d.territories.map((t) => {
        const m = t.metrics as Record<string, unknown>
        return [
          t.unitIds.length,
          m.customers,
          m.revenue12mCents,
          m.population,
          m.workloadHours,
          m.areaKm2,
          m.contiguous,
          m.compactness,
        ]
      })
    expect(view(after)).toEqual(view(full))
    expect(after.balance.maxDeviationPct).toBe(full.balance.maxDeviationPct)
    // A move into stale totals re-scores the whole draft once and stores the totals again.
    const res = await call(`/api/territories/drafts/${draft.draft.id}/units`, {
      method: 'PATCH',
      body: JSON.stringify({ version, moves: [{ unitId: a.unitIds[1], territoryId: a.id }] }),
    })
    expect(res.status).toBe(200)
    const stored = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM alignment_territory WHERE alignment_id = ${draft.draft.id} AND totals IS NOT NULL`.execute(
      ctx.app.db.kysely,
    )
    expect(stored.rows[0]?.n).toBe(3)
  })

  it('round-trips through GeoJSON keeping names, reps, regions, districts and units', async () => {
    const draft = await balance({ units: 'county', scope: { states: ['CT', 'RI'] }, k: 2 })
    const renamed = await call(`/api/territories/drafts/${draft.draft.id}/territories/${draft.territories[0]?.id}`, {
      method: 'PATCH',
      body: JSON.stringify({
        version: draft.draft.version,
        name: 'Shoreline',
        regionName: 'East',
        districtName: 'New England',
      }),
    })
    expect(renamed.status).toBe(200)
    const second = await call(`/api/territories/drafts/${draft.draft.id}/territories/${draft.territories[1]?.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ version: renamed.body.draft.version, regionName: 'East', districtName: null }),
    })
    expect(second.status).toBe(200)
    expect(second.body.territories.map((t: Territory) => [t.regionName, t.districtName])).toEqual([
      ['East', 'New England'],
      ['East', null],
    ])
    const exported = await ctx.app.request(`/api/territories/drafts/${draft.draft.id}.geojson`, { as: manager })
    expect(exported.status).toBe(200)
    expect(exported.headers.get('content-type')).toMatch(/geo\+json/)
    const collection = await exported.json()
    expect(collection.features).toHaveLength(2)
    expect(['Polygon', 'MultiPolygon']).toContain(collection.features[0].geometry.type)
    const imported = await call('/api/territories/import', { method: 'POST', body: JSON.stringify(collection) })
    expect(imported.status).toBe(201)
    expect(collection.features[0].properties).toMatchObject({ regionName: 'East', districtName: 'New England' })
    const summary = (d: Draft) =>
      d.territories.map((t) => [t.name, t.repId, t.regionName, t.districtName, [...t.unitIds].sort()])
    expect(summary(imported.body as Draft)).toEqual(summary(second.body as Draft))
    expect((imported.body as Draft).territories[0]?.name).toBe('Shoreline')
  })
})

describe('activation', () => {
  it('previews, live, how many customers would change owner, and activation then moves exactly those', async () => {
    const draft = await balance({ units: 'county', scope: { states: ['NJ', 'CT'] }, k: 2, name: 'Preview plan' })
    const [a, b] = draft.territories
    if (!a || !b) throw new Error('two territories expected')
    // Make territory b vacant and give one of a's customers to someone else, so both kinds of change show.
    const vacated = await call(`/api/territories/drafts/${draft.draft.id}/territories/${b.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ version: draft.draft.version, repId: null }),
    })
    expect(vacated.status).toBe(200)
    const url = `/api/territories/drafts/${draft.draft.id}/activation-preview`
    const preview = await call(url)
    expect(preview.status).toBe(200)
    const expected = await sql<{ territory: number; customers: number; changing: number }>`
      SELECT t.id AS territory, count(*)::int AS customers,
             count(*) FILTER (WHERE c.owner_id IS DISTINCT FROM t.rep_id)::int AS changing
      FROM customer c JOIN alignment_unit u ON u.alignment_id = ${draft.draft.id} AND u.unit_id = c.county_fips
      JOIN alignment_territory t ON t.id = u.territory_id GROUP BY t.id`.execute(ctx.app.db.kysely)
    const byTerritory = new Map(expected.rows.map((r) => [r.territory, r]))
    const items = preview.body.territories as { territoryId: number; customers: number; changingOwner: number }[]
    expect(items.map((t) => t.territoryId)).toEqual([a.id, b.id])
    for (const t of items) {
      expect(t.customers).toBe(byTerritory.get(t.territoryId)?.customers ?? 0)
      expect(t.changingOwner).toBe(byTerritory.get(t.territoryId)?.changing ?? 0)
    }
    const vacantCustomers = byTerritory.get(b.id)?.customers ?? 0
    expect(vacantCustomers).toBeGreaterThan(0)
    expect(preview.body.customersLeftWithoutOwner).toBe(byTerritory.get(b.id)?.changing)
    // Live: a customer changing hands after the draft was made changes the preview at once.
    const moved = await sql<{ id: number; owner: number | null }>`
      SELECT c.id, c.owner_id AS owner FROM customer c
      JOIN alignment_unit u ON u.alignment_id = ${draft.draft.id} AND u.unit_id = c.county_fips
      WHERE u.territory_id = ${a.id} AND c.owner_id IS NOT DISTINCT FROM ${a.repId} ORDER BY c.id LIMIT 1`.execute(
      ctx.app.db.kysely,
    )
    const customer = moved.rows[0]
    if (customer) {
      const other = await ctx.app.userId('rep9@meridian.test')
      await sql`UPDATE customer SET owner_id = ${other === a.repId ? await ctx.app.userId('rep8@meridian.test') : other} WHERE id = ${customer.id}`.execute(
        ctx.app.db.kysely,
      )
      const again = await call(url)
      expect(again.body.customersChangingOwner).toBe(preview.body.customersChangingOwner + 1)
      preview.body = again.body
    }
    expect((await call(url, { as: 'rep1@meridian.test' })).status).toBe(403)
    expect((await call('/api/territories/drafts/999999/activation-preview')).status).toBe(404)

    const activated = await call(`/api/territories/drafts/${draft.draft.id}/activate`, {
      method: 'POST',
      body: JSON.stringify({ version: vacated.body.draft.version }),
    })
    expect(activated.status).toBe(200)
    expect(activated.body.activation.customersReassigned).toBe(preview.body.customersChangingOwner)
    expect((await call(url)).body.customersChangingOwner).toBe(0)
  })

  it('reassigns owners by territory, keeps history, restores the previous alignment, and assigns new customers', async () => {
    const first = await balance({ units: 'county', scope: { states }, k: 3, name: 'Plan A' })
    const activated = await call(`/api/territories/drafts/${first.draft.id}/activate`, {
      method: 'POST',
      body: JSON.stringify({ version: first.draft.version }),
    })
    expect(activated.status).toBe(200)
    expect(activated.body.draft.status).toBe('active')
    const mismatched = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM customer c
      JOIN alignment_unit u ON u.alignment_id = ${first.draft.id} AND u.unit_id = c.county_fips
      JOIN alignment_territory t ON t.id = u.territory_id
      WHERE c.owner_id IS DISTINCT FROM t.rep_id`.execute(ctx.app.db.kysely)
    expect(mismatched.rows[0]?.n).toBe(0)

    const someone = await sql<{ id: number; owner: number | null; territory: string }>`
      SELECT c.id, c.owner_id AS owner, t.name AS territory FROM customer c
      JOIN alignment_unit u ON u.alignment_id = ${first.draft.id} AND u.unit_id = c.county_fips
      JOIN alignment_territory t ON t.id = u.territory_id ORDER BY c.id LIMIT 1`.execute(ctx.app.db.kysely)
    const customer = someone.rows[0]
    if (!customer) throw new Error('no customer in scope')
    const history = await call(`/api/customers/${customer.id}/owner-history`)
    expect(history.body.items[0]).toMatchObject({
      ownerId: customer.owner,
      territoryName: customer.territory,
      validTo: null,
    })

    // A second plan with other territory names, then restore the first one.
    const second = await balance({ units: 'county', scope: { states }, k: 2, name: 'Plan B' })
    let version = second.draft.version
    for (const [i, territory] of second.territories.entries()) {
      const renamed = await call(`/api/territories/drafts/${second.draft.id}/territories/${territory.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ version, name: `Plan B ${i + 1}` }),
      })
      version = renamed.body.draft.version
    }
    const activatedB = await call(`/api/territories/drafts/${second.draft.id}/activate`, {
      method: 'POST',
      body: JSON.stringify({ version }),
    })
    expect(activatedB.status).toBe(200)
    const afterB = await call(`/api/customers/${customer.id}/owner-history`)
    expect(afterB.body.items[0].territoryName).toMatch(/^Plan B/)
    const stale = await call(`/api/territories/drafts/${first.draft.id}/activate`, {
      method: 'POST',
      body: JSON.stringify({ version: 1 }),
    })
    expect(stale.status).toBe(409)
    const restored = await call(`/api/territories/drafts/${first.draft.id}/activate`, {
      method: 'POST',
      body: JSON.stringify({}),
    })
    expect(restored.status).toBe(200)
    const owner = await sql<{
      owner: number | null
    }>`SELECT owner_id AS owner FROM customer WHERE id = ${customer.id}`.execute(ctx.app.db.kysely)
    expect(owner.rows[0]?.owner).toBe(customer.owner)
    const full = await call(`/api/customers/${customer.id}/owner-history`)
    expect(full.body.items.length).toBeGreaterThanOrEqual(2)
    expect(full.body.items.filter((h: { validTo: string | null }) => h.validTo === null)).toHaveLength(1)

    // A rep sees only the active territories assigned to them.
    const repTerritory = restored.body.territories.find((t: Territory) => t.repId !== null) as Territory
    const repEmail = await sql<{ email: string }>`SELECT email FROM app_user WHERE id = ${repTerritory.repId}`.execute(
      ctx.app.db.kysely,
    )
    const mine = await call('/api/territories/active', { as: repEmail.rows[0]?.email })
    expect(mine.body.active.territories.map((t: Territory) => t.id)).toEqual([repTerritory.id])

    // A new customer in that territory goes to its rep.
    const county = repTerritory.unitIds[0]
    const zip = await sql<{ zip: string }>`
      SELECT z.zip FROM zip_code z JOIN region r ON r.id = ${county} WHERE ST_Intersects(r.geom, z.geom) LIMIT 1`.execute(
      ctx.app.db.kysely,
    )
    const created = await call('/api/customers', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Territory Newcomer',
        industry: 'Retail',
        segment: 'smb',
        status: 'prospect',
        zip: zip.rows[0]?.zip,
      }),
    })
    expect(created.status).toBe(201)
    expect(created.body.customer.ownerId).toBe(repTerritory.repId)
    const createdHistory = await call(`/api/customers/${created.body.customer.id}/owner-history`)
    expect(createdHistory.body.items[0]).toMatchObject({
      reason: 'new customer in territory',
      territoryName: repTerritory.name,
    })
  })
})

describe('hand-drawn polygons', () => {
  const fixture = async (name: string) =>
    JSON.parse(await readFile(path.join(import.meta.dirname, '..', 'fixtures', name), 'utf8'))
  const draw = async (draft: Draft, territoryId: number, geometry: unknown) =>
    call(`/api/territories/drafts/${draft.draft.id}/territories/${territoryId}/polygon`, {
      method: 'PUT',
      body: JSON.stringify({ version: draft.draft.version, geometry }),
    })

  it('returns the drawn area, and an edited outline with a corner dragged out takes in one more county', async () => {
    const draft = await balance({ units: 'county', scope: { states: ['CT', 'MA', 'RI'] }, k: 2 })
    const [target, other] = draft.territories
    if (!target || !other) throw new Error('two territories expected')
    const { rows } = await sql<{ id: string; lng: number; lat: number }>`
      SELECT id, ST_X(centroid) AS lng, ST_Y(centroid) AS lat FROM region
      WHERE level = 'county' AND id = ANY(${other.unitIds}::text[]) ORDER BY id`.execute(ctx.app.db.kysely)
    const [x, y] = rows
    if (!x || !y) throw new Error('two counties expected')
    const d = 0.03
    const square: [number, number][] = [
      [x.lng - d, x.lat - d],
      [x.lng + d, x.lat - d],
      [x.lng + d, x.lat + d],
      [x.lng - d, x.lat + d],
    ]
    const drawn = await draw(draft, target.id, { type: 'Polygon', coordinates: [[...square, square[0]]] })
    expect(drawn.status).toBe(200)
    const afterDraw = drawn.body.territories.find((t: Territory) => t.id === target.id)
    expect(afterDraw.unitIds).toContain(x.id)
    expect(afterDraw.unitIds).not.toContain(y.id)
    expect(afterDraw.drawnArea.type).toBe('MultiPolygon')
    expect(afterDraw.drawnArea.coordinates[0][0]).toHaveLength(5)
    // The manager drags a corner past county y: the outline is the hull of the square and that point.
    const corner: [number, number] = [y.lng + (y.lng - x.lng) * 0.2, y.lat + (y.lat - x.lat) * 0.2]
    const hull = await sql<{ geojson: string }>`
      SELECT ST_AsGeoJSON(ST_ConvexHull(ST_Collect(ST_GeomFromGeoJSON(${JSON.stringify({
        type: 'MultiPoint',
        coordinates: [...square, corner],
      })}))), 6) AS geojson`.execute(ctx.app.db.kysely)
    const edited = JSON.parse(hull.rows[0]?.geojson ?? 'null')
    const res = await draw(drawn.body as Draft, target.id, edited)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const afterEdit = res.body.territories.find((t: Territory) => t.id === target.id)
    expect(afterEdit.unitIds).toContain(y.id)
    expect(afterEdit.drawnArea.coordinates[0][0]).toEqual(edited.coordinates[0])
    expect(afterEdit.metrics.units).toBe(afterEdit.unitIds.length)
    expect(res.body.draft.version).toBe(drawn.body.draft.version + 1)
  })

  it('closes an open ring, says so, and moves the units inside into the territory', async () => {
    const draft = await balance({ units: 'county', scope: { states: ['CT'] }, k: 2 })
    const target = draft.territories.find((t) => !t.unitIds.includes('09003')) ?? draft.territories[1]
    if (!target) throw new Error('no target')
    const res = await draw(draft, target.id, await fixture('open-ring-around-hartford.geojson'))
    expect(res.status).toBe(200)
    expect(res.body.polygon).toEqual({
      repaired: true,
      repairs: [expect.stringMatching(/closed 1 open ring/)],
      lockedUnitsLeft: 0,
    })
    expect(res.body.territories.find((t: Territory) => t.id === target.id).unitIds).toContain('09003')
  })

  it('repairs a ring that touches itself with ST_MakeValid and reports it', async () => {
    const draft = await balance({ units: 'county', scope: { states: ['CT'] }, k: 2 })
    const res = await draw(draft, draft.territories[0]?.id ?? 0, await fixture('ring-touching-itself.geojson'))
    expect(res.status).toBe(200)
    expect(res.body.polygon.repaired).toBe(true)
    expect(res.body.polygon.repairs.join(' ')).toMatch(/ST_MakeValid/)
  })

  it.each([
    ['bow-tie.geojson', 'polygon_self_intersects'],
    ['antimeridian.geojson', 'crosses_antimeridian'],
  ])('refuses %s with 400 %s and changes nothing', async (name, code) => {
    const draft = await balance({ units: 'county', scope: { states: ['CT'] }, k: 2 })
    const res = await draw(draft, draft.territories[0]?.id ?? 0, await fixture(name))
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe(code)
    const after = await call(`/api/territories/drafts/${draft.draft.id}`)
    expect(after.body.draft.version).toBe(draft.draft.version)
  })
})

describe('locked territories', () => {
  it('refuses to move units into or out of a locked territory with 409 territory_locked', async () => {
    const draft = await balance({ units: 'county', scope: { states: ['CT'] }, k: 2 })
    const [a, b] = draft.territories
    if (!a || !b) throw new Error('two territories expected')
    const locked = await call(`/api/territories/drafts/${draft.draft.id}/territories/${a.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ version: draft.draft.version, locked: true }),
    })
    const version = locked.body.draft.version
    for (const move of [
      { unitId: b.unitIds[0], territoryId: a.id },
      { unitId: a.unitIds[0], territoryId: b.id },
    ]) {
      const res = await call(`/api/territories/drafts/${draft.draft.id}/units`, {
        method: 'PATCH',
        body: JSON.stringify({ version, moves: [move] }),
      })
      expect(res.status).toBe(409)
      expect(res.body.error.code).toBe('territory_locked')
    }
    const after = await call(`/api/territories/drafts/${draft.draft.id}`)
    expect(after.body.territories[0].unitIds).toEqual(a.unitIds)
    expect(typeof after.body.balance.customersChangingOwner).toBe('number')
  })
})

describe('compactness', () => {
  it('gives Colorado as one territory a Polsby–Popper score near that of its 610 × 450 km rectangle', async () => {
    const draft = await balance({ units: 'county', scope: { states: ['CO'] }, k: 1 })
    const score = (draft.territories[0]?.metrics as unknown as { compactness: number } | undefined)?.compactness
    // A 610 × 450 km rectangle scores 4π·274,500 / 2,120² ≈ 0.77.
    expect(score).toBeGreaterThan(0.7)
    expect(score).toBeLessThan(0.8)
  })
})

describe('review fixes', () => {
  it('keeps locked territories when rebalancing from a draft, and refuses an empty territory patch', async () => {
    const draft = await balance({ units: 'county', scope: { states: ['NY', 'NJ', 'CT', 'PA'] }, k: 3 })
    const lockedTerritory = draft.territories[0]
    if (!lockedTerritory) throw new Error('no territory')
    const empty = await call(`/api/territories/drafts/${draft.draft.id}/territories/${lockedTerritory.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ version: draft.draft.version }),
    })
    expect(empty.status).toBe(400)
    expect(empty.body.error.code).toBe('validation_failed')
    await call(`/api/territories/drafts/${draft.draft.id}/territories/${lockedTerritory.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ version: draft.draft.version, locked: true }),
    })
    const again = await balance({
      units: 'county',
      scope: { states: ['NY', 'NJ', 'CT', 'PA'] },
      k: 3,
      measure: 'potential',
      startFrom: draft.draft.id,
    })
    expect([...(again.territories[0]?.unitIds ?? [])].sort()).toEqual([...lockedTerritory.unitIds].sort())
  })

  it('refuses duplicate moves and H3 imports with cells that do not exist', async () => {
    const draft = await balance({ units: 'county', scope: { states: ['CT'] }, k: 2 })
    const unit = draft.territories[0]?.unitIds[0]
    const dup = await call(`/api/territories/drafts/${draft.draft.id}/units`, {
      method: 'PATCH',
      body: JSON.stringify({
        version: draft.draft.version,
        moves: [
          { unitId: unit, territoryId: draft.territories[1]?.id },
          { unitId: unit, territoryId: draft.territories[0]?.id },
        ],
      }),
    })
    expect(dup.status).toBe(400)
    const bad = await call('/api/territories/import', {
      method: 'POST',
      body: JSON.stringify({
        type: 'FeatureCollection',
        properties: { unitKind: 'h3', h3Res: 5 },
        features: [{ type: 'Feature', geometry: null, properties: { name: 'X', unitIds: ['not-a-cell'] } }],
      }),
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('unknown_unit')
  })

  it('keeps a customer a rep creates with that rep, and refuses non-rep owners', async () => {
    const rep = await call('/api/customers', {
      as: 'rep2@meridian.test',
      method: 'POST',
      body: JSON.stringify({ name: 'Own Lead', industry: 'Retail', segment: 'smb', status: 'prospect', zip: '10001' }),
    })
    expect(rep.status).toBe(201)
    expect(rep.body.customer.ownerId).toBe(await ctx.app.userId('rep2@meridian.test'))
    const notRep = await call('/api/customers', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Owned by marketer',
        industry: 'Retail',
        segment: 'smb',
        status: 'prospect',
        zip: '10001',
        ownerId: await ctx.app.userId('marketer@meridian.test'),
      }),
    })
    expect(notRep.status).toBe(400)
    expect(notRep.body.error.code).toBe('not_a_rep')
  })
})

describe('GET /api/territories/drafts/:id/units', () => {
  it('lists every unit with what it holds, adding up to the territory metrics', async () => {
    const draft = await balance({ units: 'county', scope: { states: ['NJ'] }, k: 2 })
    const res = await call(`/api/territories/drafts/${draft.draft.id}/units`)
    expect(res.status).toBe(200)
    const items = res.body.items as { unitId: string; territoryId: number; customers: number }[]
    expect(items.map((u) => u.unitId).sort()).toEqual(draft.territories.flatMap((t) => t.unitIds).sort())
    for (const t of draft.territories) {
      expect(items.filter((u) => u.territoryId === t.id).reduce((a, u) => a + u.customers, 0)).toBe(t.metrics.customers)
    }
    expect((await call(`/api/territories/drafts/${draft.draft.id}/units`, { as: 'rep1@meridian.test' })).status).toBe(
      403,
    )
  })
})
