import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { rootDir } from '../../api/src/env.ts'
import { useTestApp } from '../support/app.ts'

const ctx = useTestApp()
// Uploads of this file go to a temporary directory, removed afterwards.
const uploadDir = mkdtempSync(path.join(tmpdir(), 'meridian-import-test-'))
process.env.MERIDIAN_IMPORT_DIR = uploadDir
afterAll(() => rmSync(uploadDir, { recursive: true, force: true }))
const admin = 'admin@meridian.test'
const fixtures = path.join(rootDir, 'tests', 'fixtures', 'imports')

type Job = {
  id: number
  status: string
  encoding: string
  delimiter: string
  hasHeader: boolean
  columns: string[]
  totalRows: number
  processedRows: number
  insertedRows: number
  updatedRows: number
  unchangedRows: number
  rejectedRows: number
  geocoded: Record<string, number>
  message: string | null
  finished: boolean
}
type Preview = {
  rows: { line: number; values: string[] }[]
  problems: { line: number | null; field: string | null; code: string; message: string }[]
  suggestion: { entity: string; mapping: Record<string, string>; matchBy: string }
  encodingNote: string
}

async function upload(body: BodyInit, as = admin, filename = 'test.csv') {
  const res = await ctx.app.request(`/api/imports?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/csv' },
    as,
    // biome-ignore lint/suspicious/noExplicitAny: Node's fetch needs duplex for stream bodies
    ...({ duplex: 'half' } as any),
  })
  return { status: res.status, body: (await res.json()) as { job: Job; preview: Preview; error?: { code: string } } }
}

async function start(id: number, options: Record<string, unknown>, as = admin) {
  const res = await ctx.app.request(`/api/imports/${id}/start`, { method: 'POST', body: JSON.stringify(options), as })
  return { status: res.status, body: (await res.json()) as { job: Job; error?: { code: string; message: string } } }
}

async function waitForJob(id: number, as = admin): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    const res = await ctx.app.request(`/api/imports/${id}`, { as })
    const { job } = (await res.json()) as { job: Job }
    if (job.finished) return job
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`import ${id} did not finish`)
}

/** Upload, start with the suggested (or given) mapping, wait for the end. */
async function importCsv(csv: string | Buffer, options: Record<string, unknown> = {}, as = admin) {
  const up = await upload(typeof csv === 'string' ? csv : new Uint8Array(csv), as)
  expect(up.status).toBe(201)
  const started = await start(
    up.body.job.id,
    { entity: up.body.preview.suggestion.entity, mapping: up.body.preview.suggestion.mapping, ...options },
    as,
  )
  expect(started.status, JSON.stringify(started.body)).toBe(202)
  return { job: await waitForJob(up.body.job.id, as), upload: up.body }
}

async function customerByExternalId(externalId: string) {
  const { rows } = await sql<{
    id: number
    name: string
    zip: string | null
    city: string | null
    state: string | null
    lng: number
    lat: number
    precision: string
    ownerId: number | null
    countyFips: string | null
    updatedAt: Date
  }>`SELECT id, name, zip, city, state, ST_X(geom) AS lng, ST_Y(geom) AS lat, geocode_precision AS precision,
            owner_id AS "ownerId", county_fips AS "countyFips", updated_at AS "updatedAt"
     FROM customer WHERE external_id = ${externalId}`.execute(ctx.app.db.kysely)
  return rows
}

async function errorFile(id: number, as = admin) {
  const res = await ctx.app.request(`/api/imports/${id}/errors.csv`, { as })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toContain('text/csv')
  return res.text()
}

describe('upload and preview', () => {
  it('detects encoding, delimiter and header and suggests a customer mapping', async () => {
    const { status, body } = await upload(new Uint8Array(await readFile(path.join(fixtures, 'customers-basic.csv'))))
    expect(status).toBe(201)
    expect(body.job).toMatchObject({
      encoding: 'utf-8',
      delimiter: ',',
      hasHeader: true,
      totalRows: 5,
      status: 'uploaded',
    })
    expect(body.preview.suggestion.entity).toBe('customers')
    expect(body.preview.suggestion.mapping).toMatchObject({
      externalId: 'External ID',
      name: 'Company Name',
      zip: 'ZIP',
      city: 'City',
      state: 'State',
      lat: 'Latitude',
      lng: 'Longitude',
      address: 'Street',
    })
    expect(body.preview.rows[1]?.values[1]).toBe('Lakeside Dental, LLC')
    expect(body.preview.rows[4]?.values[1]).toBe('Quote "Co"')
    expect(body.preview.encodingNote).toMatch(/UTF-8/)
  })

  it('reads a Latin-1 (Windows-1252) file with semicolons and says so', async () => {
    const { status, body } = await upload(new Uint8Array(await readFile(path.join(fixtures, 'customers-latin1.csv'))))
    expect(status).toBe(201)
    expect(body.job.encoding).toBe('windows-1252')
    expect(body.job.delimiter).toBe(';')
    expect(body.preview.encodingNote).toMatch(/Windows-1252/)
    expect(body.preview.rows.map((r) => r.values[1])).toEqual(['Café Müller', 'Señor Taco'])
  })

  it('lists the problems of the first rows before anything is imported', async () => {
    const { body } = await upload(new Uint8Array(await readFile(path.join(fixtures, 'customers-bad-inputs.csv'))))
    const codes = body.preview.problems.map((p) => `${p.line}:${p.code}`)
    expect(codes).toEqual(
      expect.arrayContaining([
        '2:location_not_found',
        '3:swapped_coordinates',
        '4:invalid_coordinates',
        '6:missing_value',
      ]),
    )
  })

  it('rejects a binary file with 400 not_csv', async () => {
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ])
    const { status, body } = await upload(png)
    expect(status).toBe(400)
    expect(body.error?.code).toBe('not_csv')
  })

  it('rejects 50 MB in one line with 400 line_too_long while streaming, without reading it all', async () => {
    let sent = 0
    const total = 50 * 1024 * 1024
    const chunk = new Uint8Array(64 * 1024).fill(0x61)
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) return controller.close()
        sent += chunk.length
        controller.enqueue(chunk)
      },
    })
    const res = await upload(body)
    expect(res.status).toBe(400)
    expect(res.body.error?.code).toBe('line_too_long')
    expect(sent).toBeLessThan(4 * 1024 * 1024)
  })

  it('rejects an empty file and a file without a delimiter', async () => {
    expect((await upload('')).body.error?.code).toBe('empty_file')
    expect((await upload('just some words\nand more words\n')).body.error?.code).toBe('not_csv')
  })

  it('says when the header maps nothing and refuses an empty mapping', async () => {
    const { body } = await upload('foo,bar,baz\n1,2,3\n')
    expect(body.preview.problems.map((p) => p.code)).toContain('header_maps_nothing')
    const started = await start(body.job.id, { entity: 'customers', mapping: {} })
    expect(started.status).toBe(400)
    expect(started.body.error?.code).toBe('mapping_empty')
    const incomplete = await start(body.job.id, { entity: 'customers', mapping: { city: 'foo' } })
    expect(incomplete.body.error?.code).toBe('mapping_incomplete')
    const wrong = await start(body.job.id, { entity: 'customers', mapping: { name: 'nope', externalId: 'foo' } })
    expect(wrong.body.error?.code).toBe('unknown_column')
  })

  it('removes uploads nobody started within a day', async () => {
    const { body } = await upload('external_id,name,zip\nOLD-1,Old,10001\n')
    await sql`UPDATE import_job SET created_at = now() - interval '2 days' WHERE id = ${body.job.id}`.execute(
      ctx.app.db.kysely,
    )
    await upload('external_id,name,zip\nNEW-1,New,10001\n')
    const res = await ctx.app.request(`/api/imports/${body.job.id}/preview`, { as: admin })
    expect(res.status).toBe(410)
    const job = (await (await ctx.app.request(`/api/imports/${body.job.id}`, { as: admin })).json()) as { job: Job }
    expect(job.job).toMatchObject({ status: 'failed', finished: true })
    expect(
      (
        await start(body.job.id, {
          entity: 'customers',
          mapping: { externalId: 'external_id', name: 'name', zip: 'zip' },
        })
      ).status,
    ).toBe(409)
  })

  it('forbids marketers', async () => {
    const { status, body } = await upload('external_id,name,zip\nM-1,X,10001\n', 'marketer@meridian.test')
    expect(status).toBe(403)
    expect(body.error?.code).toBe('forbidden')
  })
})

describe('importing customers', () => {
  it('geocodes offline, records the precision per customer and exposes it in the customer API', async () => {
    const csv = await readFile(path.join(fixtures, 'customers-basic.csv'))
    const { job } = await importCsv(csv)
    expect(job).toMatchObject({ status: 'done', insertedRows: 5, updatedRows: 0, rejectedRows: 0 })
    expect(job.geocoded).toEqual({ zip: 3, city: 1, rooftop: 1 })
    const [nyc] = await customerByExternalId('IMP-0001')
    expect(nyc).toMatchObject({ precision: 'zip', zip: '10001', city: 'New York', state: 'NY' })
    expect(nyc?.lng).toBeCloseTo(-73.9967, 3)
    expect(nyc?.countyFips).toBe('36061')
    const [denver] = await customerByExternalId('IMP-0003')
    expect(denver).toMatchObject({ precision: 'city', state: 'CO' })
    expect(denver?.lat).toBeGreaterThan(39.5)
    expect(denver?.lat).toBeLessThan(40)
    const [sf] = await customerByExternalId('IMP-0004')
    expect(sf).toMatchObject({ precision: 'rooftop', lng: -122.4193, lat: 37.7793, state: 'CA' })
    const [boston] = await customerByExternalId('IMP-0005')
    expect(boston).toMatchObject({ name: 'Quote "Co"', zip: '02134', precision: 'zip' })
    const res = await ctx.app.request(`/api/customers/${sf?.id}`, { as: admin })
    const detail = (await res.json()) as { customer: { geocodePrecision: string } }
    expect(detail.customer.geocodePrecision).toBe('rooftop')
    const list = await ctx.app.request('/api/customers?q=IMP-000', { as: admin })
    const items = ((await list.json()) as { items: { geocodePrecision: string }[] }).items
    expect(items.map((i) => i.geocodePrecision).sort()).toEqual(['city', 'rooftop', 'zip', 'zip', 'zip'])
  })

  it('changes nothing when the same file is imported again', async () => {
    const csv = await readFile(path.join(fixtures, 'customers-basic.csv'))
    const before = await customerByExternalId('IMP-0002')
    const { job } = await importCsv(csv)
    expect(job).toMatchObject({ status: 'done', insertedRows: 0, updatedRows: 0, unchangedRows: 5, rejectedRows: 0 })
    const after = await customerByExternalId('IMP-0002')
    expect(after).toHaveLength(1)
    expect(after[0]?.updatedAt.getTime()).toBe(before[0]?.updatedAt.getTime())
    const { rows } = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM customer WHERE external_id LIKE 'IMP-%'`.execute(ctx.app.db.kysely)
    expect(rows[0]?.n).toBe(5)
  })

  it('updates only rows that changed and moves a customer whose ZIP changed', async () => {
    const csv = (await readFile(path.join(fixtures, 'customers-basic.csv'), 'utf8'))
      .replace('1 Main St,10001,New York,NY', '1 Main St,60601,Chicago,IL')
      .replace('Peak Outfitters', 'Peak Outfitters West')
    const { job } = await importCsv(csv)
    expect(job).toMatchObject({ insertedRows: 0, updatedRows: 2, unchangedRows: 3 })
    const [moved] = await customerByExternalId('IMP-0001')
    expect(moved).toMatchObject({ zip: '60601', city: 'Chicago', state: 'IL', precision: 'zip', countyFips: '17031' })
    expect(moved?.lng).toBeCloseTo(-87.62, 1)
    expect((await customerByExternalId('IMP-0003'))[0]?.name).toBe('Peak Outfitters West')
  })

  it('rejects bad rows with line numbers and reasons, imports the rest, and serves the error file', async () => {
    const { job } = await importCsv(await readFile(path.join(fixtures, 'customers-bad-inputs.csv')))
    expect(job).toMatchObject({ status: 'done', insertedRows: 2, rejectedRows: 4 })
    const text = await errorFile(job.id)
    const lines = text.trim().split('\r\n')
    expect(lines[0]).toBe('line,field,code,reason,row')
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      '2,zip,location_not_found',
      '3,lat,swapped_coordinates',
      '4,lat,invalid_coordinates',
      '6,name,missing_value',
    ])
    expect(lines[1]).toContain('BAD-01')
    expect(await customerByExternalId('BAD-02')).toHaveLength(0)
    expect(await customerByExternalId('BAD-06')).toHaveLength(1)
  })

  it('reports every bad row of a file with 10 % bad rows and imports the other 90 %', async () => {
    const lines = ['external_id,name,zip']
    for (let i = 1; i <= 200; i++) lines.push(`TEN-${i},Ten Co ${i},${i % 10 === 0 ? '99999' : '10001'}`)
    const { job } = await importCsv(lines.join('\n'))
    expect(job).toMatchObject({ status: 'done', insertedRows: 180, rejectedRows: 20, processedRows: 200 })
    const errors = (await errorFile(job.id)).trim().split('\r\n').slice(1)
    expect(errors).toHaveLength(20)
    expect(errors[0]).toMatch(/^11,zip,location_not_found,unknown ZIP 99999/)
  })

  it('strips exactly the one quote the export adds before formula characters', async () => {
    const csv = [
      'external_id,name,industry,zip',
      `FX-1,'=HYPERLINK("http://evil"),'+Plus,10001`,
      `FX-2,'-minus,'@at,10001`,
      `FX-3,''=still quoted,'plain,10001`,
      'FX-4,=raw formula,Retail,10001',
    ].join('\n')
    const { job } = await importCsv(csv)
    expect(job.insertedRows).toBe(4)
    const names = await sql<{ externalId: string; name: string; industry: string }>`
      SELECT external_id AS "externalId", name, industry FROM customer WHERE external_id LIKE 'FX-%' ORDER BY external_id`.execute(
      ctx.app.db.kysely,
    )
    expect(names.rows).toEqual([
      { externalId: 'FX-1', name: '=HYPERLINK("http://evil")', industry: '+Plus' },
      { externalId: 'FX-2', name: '-minus', industry: '@at' },
      { externalId: 'FX-3', name: "'=still quoted", industry: "'plain" },
      { externalId: 'FX-4', name: '=raw formula', industry: 'Retail' },
    ])
    // The error file neutralises what it echoes back.
    const bad = await importCsv('external_id,name,zip\nFX-9,=cmd|calc,00000\n')
    expect(await errorFile(bad.job.id)).toContain("'=cmd|calc")
  })

  it('all or nothing: one bad row writes nothing; row by row writes the good rows', async () => {
    const csv = 'external_id,name,zip\nAON-1,One,10001\nAON-2,Two,99999\nAON-3,Three,60601\n'
    const all = await importCsv(csv, { mode: 'all_or_nothing' })
    expect(all.job).toMatchObject({ status: 'failed', insertedRows: 0, rejectedRows: 1 })
    expect(all.job.message).toMatch(/nothing was imported/)
    expect(await customerByExternalId('AON-1')).toHaveLength(0)
    expect((await errorFile(all.job.id)).split('\r\n')[1]).toMatch(/^3,zip,location_not_found/)
    const good = await importCsv(csv.replace('99999', '02134'), { mode: 'all_or_nothing' })
    expect(good.job).toMatchObject({ status: 'done', insertedRows: 3, rejectedRows: 0 })
    const rows = await importCsv(csv.replace('AON-', 'ROW-').replaceAll('AON-', 'ROW-'), { mode: 'row_by_row' })
    expect(rows.job).toMatchObject({ status: 'done', insertedRows: 2, rejectedRows: 1 })
  })

  it('matches by e-mail and by name + ZIP instead of external id', async () => {
    const byEmail = 'email,name,zip\nbuyer@acme.test,Acme Email,10001\n'
    expect((await importCsv(byEmail, { matchBy: 'email' })).job.insertedRows).toBe(1)
    const again = await importCsv(byEmail.replace('Acme Email', 'Acme Email Renamed'), { matchBy: 'email' })
    expect(again.job).toMatchObject({ insertedRows: 0, updatedRows: 1 })
    const byNameZip = 'name,zip,industry\nName Zip Co,60601,Retail\n'
    const first = await importCsv(byNameZip, { matchBy: 'name_zip' })
    expect(first.job.insertedRows).toBe(1)
    const second = await importCsv(byNameZip.replace('Retail', 'Finance'), { matchBy: 'name_zip' })
    expect(second.job).toMatchObject({ insertedRows: 0, updatedRows: 1 })
  })

  it('lets a rep import only their own customers', async () => {
    const rep1 = await ctx.app.userId('rep1@meridian.test')
    const own = await ctx.app.db.kysely
      .selectFrom('customer')
      .select(['external_id', 'name'])
      .where('owner_id', '=', rep1)
      .executeTakeFirstOrThrow()
    const foreign = await ctx.app.db.kysely
      .selectFrom('customer')
      .select(['external_id', 'name', 'owner_id'])
      .where('owner_id', '<>', rep1)
      .executeTakeFirstOrThrow()
    const csv = [
      'external_id,name,zip',
      `${own.external_id},${own.name} (renamed),10001`,
      `${foreign.external_id},Hijacked,10001`,
      'REP-NEW-1,Rep Prospect,60601',
    ].join('\n')
    const { job } = await importCsv(csv, {}, 'rep1@meridian.test')
    expect(job).toMatchObject({ status: 'done', insertedRows: 1, updatedRows: 1, rejectedRows: 1 })
    const errors = await errorFile(job.id, 'rep1@meridian.test')
    expect(errors).toMatch(/^3,,not_your_customer,this matches a customer you may not edit/m)
    const [stillForeign] = await customerByExternalId(foreign.external_id ?? '')
    expect(stillForeign).toMatchObject({ name: foreign.name, ownerId: foreign.owner_id })
    expect((await customerByExternalId('REP-NEW-1'))[0]?.ownerId).toBe(rep1)
    // Another rep cannot see the job, an admin can.
    expect((await ctx.app.request(`/api/imports/${job.id}`, { as: 'rep2@meridian.test' })).status).toBe(404)
    expect((await ctx.app.request(`/api/imports/${job.id}`, { as: admin })).status).toBe(200)
  })

  it('lets a manager name the owner, who must be a rep', async () => {
    const csv =
      'external_id,name,zip,owner\nOWN-1,Owned Co,10001,rep3@meridian.test\nOWN-2,Bad Owner,10001,marketer@meridian.test\n'
    const { job } = await importCsv(csv, {}, 'manager@meridian.test')
    expect(job).toMatchObject({ insertedRows: 1, rejectedRows: 1 })
    expect((await customerByExternalId('OWN-1'))[0]?.ownerId).toBe(await ctx.app.userId('rep3@meridian.test'))
    expect(await errorFile(job.id, 'manager@meridian.test')).toMatch(/^3,ownerEmail,not_a_rep/m)
  })

  it('streams progress as server-sent events until the job is done', async () => {
    const up = await upload('external_id,name,zip\nSSE-1,Sse Co,10001\n')
    await start(up.body.job.id, { entity: 'customers', mapping: up.body.preview.suggestion.mapping })
    const res = await ctx.app.request(`/api/imports/${up.body.job.id}/events`, { as: admin })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const text = await res.text()
    const events = text
      .split('\n\n')
      .filter((block) => block.includes('event: progress'))
      .map(
        (block) =>
          JSON.parse(
            block
              .split('\n')
              .find((l) => l.startsWith('data: '))
              ?.slice(6) ?? '{}',
          ) as Job,
      )
    expect(events.at(-1)).toMatchObject({ status: 'done', insertedRows: 1, finished: true })
  })

  it('refuses to start the same upload twice', async () => {
    const up = await upload('external_id,name,zip\nTWICE-1,Twice,10001\n')
    const mapping = up.body.preview.suggestion.mapping
    expect((await start(up.body.job.id, { entity: 'customers', mapping })).status).toBe(202)
    const second = await start(up.body.job.id, { entity: 'customers', mapping })
    expect(second.status).toBe(409)
    await waitForJob(up.body.job.id)
  })
})

describe('importing contacts, interactions and orders', () => {
  it('attaches them to customers by external id and is idempotent', async () => {
    await importCsv('external_id,name,zip\nKID-1,Parent Co,10001\n')
    const contacts =
      'contact id,customer external id,first name,last name,email\nC-1,KID-1,Ada,Lovelace,ada@parent.test\nC-2,NOPE,Bob,Nobody,bob@x.test\n'
    const c1 = await importCsv(contacts)
    expect(c1.upload.preview.suggestion.entity).toBe('contacts')
    expect(c1.job).toMatchObject({ insertedRows: 1, rejectedRows: 1 })
    expect(await errorFile(c1.job.id)).toMatch(/^3,customerExternalId,customer_not_found/m)
    expect((await importCsv(contacts)).job).toMatchObject({ insertedRows: 0, updatedRows: 0, unchangedRows: 1 })

    const orders =
      'order id,customer external id,order date,amount\nO-1,KID-1,2026-10-01,"1,250.50"\nO-2,KID-1,not a date,10\n'
    const o1 = await importCsv(orders)
    expect(o1.job).toMatchObject({ insertedRows: 1, rejectedRows: 1 })
    const [parent] = await customerByExternalId('KID-1')
    const revenue = await sql<{
      cents: number
    }>`SELECT revenue_12m_cents AS cents FROM customer WHERE id = ${parent?.id}`.execute(ctx.app.db.kysely)
    expect(revenue.rows[0]?.cents).toBe(125050)
    expect((await importCsv(orders)).job).toMatchObject({ insertedRows: 0, unchangedRows: 1 })

    const interactions =
      'activity id,customer external id,channel,date,subject\nI-1,KID-1,visit,2026-11-01T10:00:00Z,Kickoff\nI-2,KID-1,fax,2026-11-01,Old school\n'
    const i1 = await importCsv(interactions)
    expect(i1.upload.preview.suggestion.entity).toBe('interactions')
    expect(i1.job).toMatchObject({ insertedRows: 1, rejectedRows: 1 })
    expect((await importCsv(interactions)).job).toMatchObject({ insertedRows: 0, unchangedRows: 1 })
  })

  it('does not let a rep attach rows to another rep’s customer', async () => {
    const rep1 = await ctx.app.userId('rep1@meridian.test')
    const foreign = await ctx.app.db.kysely
      .selectFrom('customer')
      .select('external_id')
      .where('owner_id', '<>', rep1)
      .executeTakeFirstOrThrow()
    const csv = `contact id,customer external id,first name,last name\nRC-1,${foreign.external_id},Eve,Spy\n`
    const { job } = await importCsv(csv, {}, 'rep1@meridian.test')
    expect(job).toMatchObject({ insertedRows: 0, rejectedRows: 1 })
    expect(await errorFile(job.id, 'rep1@meridian.test')).toContain('among the customers you may edit')
  })
})

describe('external geocoder (GEOCODER_URL)', () => {
  let server: Server | undefined
  afterAll(async () => {
    delete process.env.GEOCODER_URL
    delete process.env.GEOCODER_RATE_PER_SECOND
    await new Promise((resolve) => server?.close(resolve))
  })

  it('places rows with a street address through a Nominatim-compatible server, rate-limited and cached', async () => {
    // No real geocoder is reachable here: a small local server answers like Nominatim's /search.
    const queries: string[] = []
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      queries.push(url.searchParams.get('q') ?? '')
      res.setHeader('content-type', 'application/json')
      res.end(url.pathname === '/search' ? JSON.stringify([{ lat: '40.748817', lon: '-73.985428' }]) : '[]')
    })
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    process.env.GEOCODER_URL = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    process.env.GEOCODER_RATE_PER_SECOND = '5'
    const csv =
      'external_id,name,address,zip\nGEO-1,Empire Co,350 5th Ave,10001\nGEO-2,Empire Co 2,350 5th Ave,10001\nGEO-3,No Street,,10001\n'
    const started = Date.now()
    const { job } = await importCsv(csv)
    expect(job).toMatchObject({ insertedRows: 3, geocoded: { rooftop: 2, zip: 1 } })
    expect(queries).toEqual(['350 5th Ave, New York, NY, 10001'])
    expect((await customerByExternalId('GEO-1'))[0]).toMatchObject({
      lng: -73.985428,
      lat: 40.748817,
      precision: 'rooftop',
    })
    const cache = await sql<{ query: string }>`SELECT query FROM geocode_cache`.execute(ctx.app.db.kysely)
    expect(cache.rows.map((r) => r.query)).toEqual(['350 5th ave, new york, ny, 10001'])
    // A second import asks the cache, not the server (all or nothing: the cache is read inside its transaction).
    const second = await importCsv(csv.replaceAll('GEO-', 'GEO2-'), { mode: 'all_or_nothing' })
    expect(second.job).toMatchObject({ status: 'done', insertedRows: 3, geocoded: { rooftop: 2, zip: 1 } })
    expect(queries).toHaveLength(1)
    expect(Date.now() - started).toBeLessThan(20_000)
  })
})
