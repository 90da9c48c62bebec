import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { csvField, restoreNeutralisedField } from '../../api/src/lib/csv-write.ts'
import { useTestApp } from '../support/app.ts'

const ctx = useTestApp()
const admin = 'admin@meridian.test'
const manager = 'manager@meridian.test'
const rep = 'rep1@meridian.test'

/** RFC 4180 reader for the assertions (quoted fields, doubled quotes, CRLF); strict about what it accepts. */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let i = 0
  let quoted = false
  while (i < text.length) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i += 2
      } else if (ch === '"') {
        quoted = false
        i++
      } else {
        field += ch
        i++
      }
    } else if (ch === '"' && field === '') {
      quoted = true
      i++
    } else if (ch === ',') {
      record.push(field)
      field = ''
      i++
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i += 2
    } else if (ch === '\n' || ch === '\r' || ch === '"') {
      throw new Error(`bare ${JSON.stringify(ch)} outside quotes at ${i}`)
    } else {
      field += ch
      i++
    }
  }
  if (field !== '' || record.length > 0) throw new Error('last record has no CRLF')
  return records
}

async function exportCsv(path: string, as: string) {
  const res = await ctx.app.request(path, { as })
  const text = await res.text()
  expect(res.status, text.slice(0, 300)).toBe(200)
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
  expect(res.headers.get('content-disposition')).toMatch(
    /^attachment; filename="meridian-[a-z]+-\d{4}-\d{2}-\d{2}\.csv"$/,
  )
  const [header = [], ...rows] = parseCsv(text)
  return { header, rows, records: rows.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i] ?? '']))) }
}

async function count(query: ReturnType<typeof sql<{ n: number }>>) {
  return (await query.execute(ctx.app.db.kysely)).rows[0]?.n ?? -1
}

async function latestAudit() {
  const { rows } = await sql<{
    user_email: string
    resource: string
    format: string
    filters: Record<string, unknown>
    status: string
    row_count: number | null
    via: string
    finished_at: Date | null
  }>`SELECT * FROM audit_log ORDER BY id DESC LIMIT 1`.execute(ctx.app.db.kysely)
  return rows[0]
}

let repId: number
beforeAll(async () => {
  repId = await ctx.app.userId(rep)
})

describe('GET /api/exports/customers as CSV', () => {
  it('exports every customer with a header, one record per customer, and audits the row count', async () => {
    const { header, records } = await exportCsv('/api/exports/customers?format=csv', admin)
    expect(header.slice(0, 6)).toEqual(['id', 'external_id', 'name', 'industry', 'segment', 'status'])
    const total = await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM customer`)
    expect(records).toHaveLength(total)
    const ids = records.map((r) => Number(r.id))
    expect(new Set(ids).size).toBe(total)
    const first = await sql<{ name: string; lng: number; lat: number; created_at: Date; consent_email: boolean }>`
      SELECT name, ST_X(geom) AS lng, ST_Y(geom) AS lat, created_at, consent_email
      FROM customer WHERE id = ${ids[0] ?? 0}`.execute(ctx.app.db.kysely)
    expect(records[0]?.name).toBe(first.rows[0]?.name)
    expect(records[0]?.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/)
    expect(new Date(records[0]?.created_at ?? '').getTime()).toBe(first.rows[0]?.created_at.getTime())
    expect(records[0]?.consent_email).toBe(String(first.rows[0]?.consent_email))
    expect(Number(records[0]?.lng)).toBeCloseTo(first.rows[0]?.lng ?? 999, 9)
    const audit = await latestAudit()
    expect(audit).toMatchObject({ user_email: admin, resource: 'customers', format: 'csv', status: 'completed' })
    expect(audit?.row_count).toBe(total)
    expect(audit?.finished_at).toBeInstanceOf(Date)
  })

  it('gives a rep only their own customers', async () => {
    const { records } = await exportCsv('/api/exports/customers', rep)
    const own = await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM customer WHERE owner_id = ${repId}`)
    expect(own).toBeGreaterThan(0)
    expect(records).toHaveLength(own)
    expect(records.every((r) => Number(r.owner_id) === repId)).toBe(true)
    expect((await latestAudit())?.row_count).toBe(own)
  })

  it('honours the customer list filters and records them in the audit log', async () => {
    const { records } = await exportCsv('/api/exports/customers?status=active&segment=smb&bbox=-125,24,-66,50', manager)
    const expected = await count(sql<{ n: number }>`
      SELECT count(*)::int AS n FROM customer
      WHERE status = 'active' AND segment = 'smb' AND geom && ST_MakeEnvelope(-125, 24, -66, 50, 4326)`)
    expect(expected).toBeGreaterThan(0)
    expect(records).toHaveLength(expected)
    expect(records.every((r) => r.status === 'active' && r.segment === 'smb')).toBe(true)
    expect((await latestAudit())?.filters).toEqual({ status: 'active', segment: 'smb', bbox: [-125, 24, -66, 50] })
  })

  it('neutralises formulas so a spreadsheet does not run them, and the importer rule restores them exactly', async () => {
    const payloads = [
      '=HYPERLINK("http://evil.test","x")',
      '+1+1',
      '-2+3',
      '@SUM(A1)',
      '\tTabbed',
      '\rReturn',
      "'=already quoted",
      'Plain, "quoted"\nname',
    ]
    const ids = (
      await sql<{ id: number }>`SELECT id FROM customer ORDER BY id LIMIT ${payloads.length}`.execute(ctx.app.db.kysely)
    ).rows.map((r) => r.id)
    for (const [i, name] of payloads.entries()) {
      await sql`UPDATE customer SET name = ${name} WHERE id = ${ids[i]}`.execute(ctx.app.db.kysely)
    }
    const res = await ctx.app.request('/api/exports/customers', { as: admin })
    const raw = await res.text()
    const records = parseCsv(raw)
      .slice(1)
      .map((row) => ({ id: row[0] ?? '', name: row[2] ?? '', lng: row[11] ?? '' }))
    const byId = new Map(records.map((r) => [Number(r.id), r]))
    // PostgreSQL formats the lines; its rule must be exactly lib/csv-write.ts's.
    const external = await sql<{ id: number; external_id: string | null }>`
      SELECT id, external_id FROM customer WHERE id = ANY(${ids}::bigint[])`.execute(ctx.app.db.kysely)
    const externalOf = new Map(external.rows.map((r) => [r.id, r.external_id]))
    for (const [i, name] of payloads.entries()) {
      const id = ids[i] ?? 0
      expect(raw).toContain(`\r\n${id},${csvField(externalOf.get(id))},${csvField(name)},`)
    }
    for (const [i, name] of payloads.entries()) {
      const written = byId.get(ids[i] ?? 0)?.name ?? ''
      if (i < 7) expect(written, JSON.stringify(name)).toBe(`'${name}`)
      else expect(written).toBe(name)
      expect(/^[=+\-@\t\r]/.test(written)).toBe(false)
      expect(restoreNeutralisedField(written)).toBe(name)
    }
    // A trigger in a later text column of an otherwise plain row is caught too.
    const plainId =
      (
        await sql<{
          id: number
        }>`SELECT id FROM customer WHERE id <> ALL(${ids}::bigint[]) ORDER BY id LIMIT 1`.execute(ctx.app.db.kysely)
      ).rows[0]?.id ?? 0
    await sql`UPDATE customer SET consent_mail_source = '-cmd|calc', name = 'Plain Name' WHERE id = ${plainId}`.execute(
      ctx.app.db.kysely,
    )
    const again = parseCsv(await (await ctx.app.request('/api/exports/customers', { as: admin })).text())
    const header = again[0] ?? []
    const plainRow = again.find((row) => Number(row[0]) === plainId) ?? []
    expect(plainRow[header.indexOf('consent_mail_source')]).toBe("'-cmd|calc")
    expect(plainRow[header.indexOf('name')]).toBe('Plain Name')
    // Numbers are not text: a negative longitude stays a number a spreadsheet can compute with.
    expect(records.some((r) => /^-\d+\.\d+$/.test(r.lng ?? ''))).toBe(true)
  })
})

describe('other exports', () => {
  it('exports customers as GeoJSON points at their coordinates', async () => {
    const res = await ctx.app.request('/api/exports/customers?format=geojson&status=churned', { as: manager })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/geo+json; charset=utf-8')
    const body = (await res.json()) as {
      type: string
      features: { id: number; geometry: { type: string; coordinates: number[] }; properties: { status: string } }[]
    }
    const { rows } = await sql<{ id: number; lng: number; lat: number }>`
      SELECT id, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM customer WHERE status = 'churned' ORDER BY id`.execute(
      ctx.app.db.kysely,
    )
    expect(body.type).toBe('FeatureCollection')
    expect(body.features.map((f) => f.id)).toEqual(rows.map((r) => r.id))
    expect(body.features[0]?.geometry).toEqual({ type: 'Point', coordinates: [rows[0]?.lng, rows[0]?.lat] })
    expect(body.features.every((f) => f.properties.status === 'churned')).toBe(true)
  })

  it('exports a rep only the contacts and interactions of their own customers', async () => {
    const contacts = await exportCsv('/api/exports/contacts', rep)
    const ownContacts = await count(sql<{ n: number }>`
      SELECT count(*)::int AS n FROM contact ct JOIN customer c ON c.id = ct.customer_id WHERE c.owner_id = ${repId}`)
    expect(ownContacts).toBeGreaterThan(0)
    expect(contacts.records).toHaveLength(ownContacts)
    const interactions = await exportCsv('/api/exports/interactions?format=csv', rep)
    const ownInteractions = await count(sql<{ n: number }>`
      SELECT count(*)::int AS n FROM interaction i JOIN customer c ON c.id = i.customer_id WHERE c.owner_id = ${repId}`)
    expect(ownInteractions).toBeGreaterThan(0)
    expect(interactions.records).toHaveLength(ownInteractions)
    expect(interactions.header).toContain('occurred_at')
    const foreign = await count(sql<{ n: number }>`
      SELECT count(*)::int AS n FROM interaction i JOIN customer c ON c.id = i.customer_id
      WHERE c.owner_id IS DISTINCT FROM ${repId} AND i.id = ANY(${interactions.records.map((r) => Number(r.id))}::bigint[])`)
    expect(foreign).toBe(0)
  })

  it('exports a territory draft as CSV and GeoJSON for planners, and refuses drafts to reps', async () => {
    const balance = await ctx.app.request('/api/territories/balance', {
      as: manager,
      method: 'POST',
      body: JSON.stringify({ units: 'county', scope: { states: ['CT', 'RI'] }, k: 2, measure: 'customers' }),
    })
    expect(balance.status).toBe(201)
    const draft = (await balance.json()) as {
      draft: { id: number }
      territories: { name: string; unitIds: string[] }[]
    }
    const csv = await exportCsv(`/api/exports/territories?alignment=${draft.draft.id}`, manager)
    expect(csv.records.map((r) => r.name)).toEqual(draft.territories.map((t) => t.name))
    expect(csv.records[0]?.unit_ids?.split(' ').sort()).toEqual([...(draft.territories[0]?.unitIds ?? [])].sort())
    const geo = await ctx.app.request(`/api/exports/territories?alignment=${draft.draft.id}&format=geojson`, {
      as: manager,
    })
    const body = (await geo.json()) as { features: { geometry: { type: string } }[] }
    expect(body.features).toHaveLength(2)
    expect(body.features.every((f) => f.geometry.type === 'MultiPolygon')).toBe(true)
    const forbidden = await ctx.app.request(`/api/exports/territories?alignment=${draft.draft.id}`, { as: rep })
    expect(forbidden.status).toBe(403)
    const missing = await ctx.app.request('/api/exports/territories?alignment=999999', { as: manager })
    expect(missing.status).toBe(404)
  })
})

describe('export audit log and bad input', () => {
  it('records an export the client abandoned as aborted', async () => {
    const res = await ctx.app.request('/api/exports/customers', { as: admin })
    const reader = res.body?.getReader()
    const first = await reader?.read()
    expect(new TextDecoder().decode(first?.value).startsWith('id,external_id,name')).toBe(true)
    await reader?.cancel()
    const audit = await latestAudit()
    expect(audit?.status).toBe('aborted')
    expect(audit?.finished_at).toBeInstanceOf(Date)
  })

  it('lists exports to admins only, newest first, with who, what, format, filters and row count', async () => {
    const res = await ctx.app.request('/api/audit-log?limit=2', { as: admin })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      items: { id: number; userEmail: string; status: string }[]
      nextCursor: string
    }
    expect(body.items).toHaveLength(2)
    expect(body.items[0]?.status).toBe('aborted')
    expect(body.items[0]?.userEmail).toBe(admin)
    expect((body.items[0]?.id ?? 0) > (body.items[1]?.id ?? 0)).toBe(true)
    const next = await ctx.app.request(`/api/audit-log?limit=500&cursor=${body.nextCursor}`, { as: admin })
    const rest = (await next.json()) as { items: { id: number }[] }
    expect(rest.items.every((item) => item.id < (body.items[1]?.id ?? 0))).toBe(true)
    for (const who of [manager, rep]) {
      expect((await ctx.app.request('/api/audit-log', { as: who })).status).toBe(403)
    }
  })

  it.each([
    ['/api/exports/customers?format=xlsx', 400, 'validation_failed'],
    ['/api/exports/orders', 400, 'validation_failed'],
    ['/api/exports/customers?status=lost', 400, 'validation_failed'],
    ['/api/exports/customers?bbox=10,0,5,1', 400, 'validation_failed'],
    ['/api/exports/customers?surprise=1', 400, 'validation_failed'],
  ])('answers %s with %i %s and writes no audit row', async (path, status, code) => {
    const before = await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`)
    const res = await ctx.app.request(path, { as: manager })
    expect(res.status).toBe(status)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code)
    expect(await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`)).toBe(before)
  })

  it('needs a session or a token', async () => {
    const res = await ctx.app.request('/api/exports/customers')
    expect(res.status).toBe(401)
    const bad = await ctx.app.request('/api/exports/customers', { headers: { authorization: 'Bearer mrd_nope' } })
    expect(bad.status).toBe(401)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_token')
  })

  it('accepts a personal API token and audits that it was used', async () => {
    const created = await ctx.app.request('/api/tokens', {
      as: rep,
      method: 'POST',
      body: JSON.stringify({ name: 'export script' }),
    })
    expect(created.status).toBe(201)
    const { token } = (await created.json()) as { token: string }
    const res = await ctx.app.request('/api/exports/customers', { headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    const rows = parseCsv(await res.text()).length - 1
    expect(rows).toBe(
      await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM customer WHERE owner_id = ${repId}`),
    )
    expect(await latestAudit()).toMatchObject({ user_email: rep, via: 'token', status: 'completed', row_count: rows })
  })
})

describe('export batches', () => {
  it('reads every row exactly once across many small batches (keyset pages, and the server-side cursor on PostgreSQL)', async () => {
    const { exportBatchesByCursor, exportBatchesByKeyset } = await import('../../api/src/exports/queries.ts')
    const selection = { scope: { ownerId: null }, filter: {} }
    const all = (await sql<{ id: number }>`SELECT id FROM customer ORDER BY id`.execute(ctx.app.db.kysely)).rows.map(
      (r) => r.id,
    )
    const readers = [exportBatchesByKeyset]
    if (ctx.app.db.kind === 'postgres') readers.push(exportBatchesByCursor)
    for (const read of readers) {
      const ids: number[] = []
      let batches = 0
      for await (const batch of read(ctx.app.db.kysely, 'customers', 'csv', selection, 37)) {
        expect(batch.length).toBeLessThanOrEqual(37)
        batches++
        ids.push(...batch.map((row) => row.key))
        expect(batch.every((row) => row.line.startsWith(`${row.key},`))).toBe(true)
      }
      expect(batches).toBe(Math.ceil(all.length / 37))
      expect(ids).toEqual(all)
    }
  })
})

describe('export → import round trip', () => {
  it('imports its own CSV export back without changing a value, formula payloads included', async () => {
    const payloads = ['=1+1', "'=quoted already", '@SUM(A1)', '-minus, with comma', 'Say "hi"\nbye']
    const { rows: targets } = await sql<{ id: number }>`
      SELECT id FROM customer WHERE external_id IS NOT NULL ORDER BY id DESC LIMIT ${payloads.length}`.execute(
      ctx.app.db.kysely,
    )
    for (const [i, name] of payloads.entries()) {
      await sql`UPDATE customer SET name = ${name}, address = ${`+${i} Main St`} WHERE id = ${targets[i]?.id}`.execute(
        ctx.app.db.kysely,
      )
    }
    // The importer trims surrounding whitespace, so a value that *begins* with a tab or CR (neutralised on export,
    // restored on import) still comes back trimmed: a known gap of the importer, kept out of this round trip.
    await sql`UPDATE customer SET name = btrim(name, E' \t\r\n') WHERE name ~ E'^[\t\r]'`.execute(ctx.app.db.kysely)
    const snapshot = sql<{ id: number; name: string; address: string | null; zip: string | null; status: string }>`
      SELECT id, name, address, zip, status FROM customer ORDER BY id`
    const before = (await snapshot.execute(ctx.app.db.kysely)).rows
    const csv = await (await ctx.app.request('/api/exports/customers', { as: admin })).text()

    const upload = await ctx.app.request('/api/imports?filename=roundtrip.csv', {
      as: admin,
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    })
    expect(upload.status, await upload.clone().text()).toBe(201)
    const { job } = (await upload.json()) as { job: { id: number } }
    const columns = ['name', 'industry', 'segment', 'status', 'address', 'zip', 'city', 'state', 'lat', 'lng']
    const mapping: Record<string, string> = { externalId: 'external_id', ownerEmail: 'owner_email' }
    for (const column of columns) mapping[column] = column
    const start = await ctx.app.request(`/api/imports/${job.id}/start`, {
      as: admin,
      method: 'POST',
      body: JSON.stringify({ entity: 'customers', mapping, matchBy: 'external_id', mode: 'all_or_nothing' }),
    })
    expect(start.status, await start.clone().text()).toBe(202)
    let state: { status: string; finished: boolean; rejectedRows: number; updatedRows: number; insertedRows: number }
    for (;;) {
      const res = await ctx.app.request(`/api/imports/${job.id}`, { as: admin })
      state = ((await res.json()) as { job: typeof state }).job
      if (state.finished) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(state).toMatchObject({ status: 'done', rejectedRows: 0, insertedRows: 0, updatedRows: 0 })
    expect((await snapshot.execute(ctx.app.db.kysely)).rows).toEqual(before)
  })
})
