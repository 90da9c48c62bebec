import { createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { connectPglite, connectPostgres, type Db } from '../../api/src/db/connect.ts'
import { geodataOutDir } from '../../api/src/geodata/load.ts'
import { importBatchSize } from '../../api/src/imports/service.ts'
import { type RunningServer, spawnServer } from '../support/server.ts'

/**
 * kill -9 in the middle of a bulk import: the real server (api/src/server.ts) in its own process, a 60,000-row
 * file, SIGKILL once a few batches are in. Afterwards the database holds exactly the batches the job row says
 * were committed (no half-written customer, no duplicate); a restarted server finishes the job when the same file
 * is submitted again, and the map roll-ups the bulk mode deferred are rebuilt.
 * PGlite by default; PostgreSQL + PostGIS when DATABASE_URL is set.
 */
const rows = 60_000
const adminEmail = 'crash-admin@meridian.test'
const adminPassword = 'crash-password-1'

type Job = {
  id: number
  totalRows: number
  status: string
  finished: boolean
  processedRows: number
  insertedRows: number
  unchangedRows: number
  rejectedRows: number
}

const cleanups: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
})

async function makeCsv(dir: string): Promise<string> {
  const zips = JSON.parse(await readFile(path.join(geodataOutDir, 'zips.json'), 'utf8')) as [string][]
  const file = path.join(dir, 'crash.csv')
  const out = createWriteStream(file)
  out.write('external_id,name,zip\n')
  for (let i = 1; i <= rows; i++) {
    out.write(`CRASH-${String(i).padStart(6, '0')},Crash Co ${i},${zips[(i * 31) % zips.length]?.[0]}\n`)
  }
  await new Promise<void>((resolve) => out.end(() => resolve()))
  return file
}

async function backend(dir: string): Promise<{ env: Record<string, string | undefined>; open: () => Promise<Db> }> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) {
    const dataDir = path.join(dir, 'pglite')
    return { env: { DATABASE_URL: undefined, MERIDIAN_DATA_DIR: dataDir }, open: () => connectPglite(dataDir) }
  }
  const name = `meridian_crash_${Date.now()}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await client.end()
  })
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return { env: { DATABASE_URL: url.toString() }, open: () => connectPostgres(url.toString()) }
}

async function login(server: RunningServer): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: adminEmail, password: adminPassword }),
  })
  expect(res.status).toBe(200)
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
}

async function submit(server: RunningServer, cookie: string, file: string): Promise<number> {
  const up = await fetch(`${server.url}/api/imports?filename=crash.csv`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'text/csv' },
    body: await readFile(file),
  })
  expect(up.status).toBe(201)
  const { job, preview } = (await up.json()) as {
    job: Job
    preview: { suggestion: { mapping: Record<string, string> } }
  }
  expect(job.totalRows).toBe(rows)
  const start = await fetch(`${server.url}/api/imports/${job.id}/start`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ entity: 'customers', mapping: preview.suggestion.mapping, mode: 'row_by_row' }),
  })
  expect(start.status).toBe(202)
  return job.id
}

async function jobOf(server: RunningServer, cookie: string, id: number): Promise<Job> {
  // PGlite runs SQL on the server's main thread; a long batch can outlast the keep-alive timer and reset an idle
  // pooled connection, so a poll is retried on a fresh one.
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${server.url}/api/imports/${id}`, { headers: { cookie } })
      return ((await res.json()) as { job: Job }).job
    } catch (error) {
      if (attempt >= 5) throw error
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
}

describe('an import killed with SIGKILL', () => {
  it('leaves only whole committed batches, and the same file finishes the job after a restart', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'meridian-crash-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const file = await makeCsv(dir)
    const { env, open } = await backend(dir)
    const serverEnv = {
      ...env,
      MERIDIAN_SEED_CUSTOMERS: '0',
      MERIDIAN_ADMIN_EMAIL: adminEmail,
      MERIDIAN_ADMIN_PASSWORD: adminPassword,
      MERIDIAN_IMPORT_DIR: path.join(dir, 'uploads'),
    }

    const first = await spawnServer(serverEnv, 170_000)
    cleanups.push(() => first.stop())
    const cookie = await login(first)
    const jobId = await submit(first, cookie, file)
    // Kill once at least two batches are committed and the job is still going.
    let before: Job | undefined
    for (let i = 0; i < 1200; i++) {
      before = await jobOf(first, cookie, jobId)
      if (before.processedRows >= 10_000 || before.finished) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(before?.finished, 'the import finished before it could be killed').toBe(false)
    await first.crash?.()

    // The database after the crash: exactly the committed batches, every customer whole, no duplicates.
    const db = await open()
    const state = async (db: Db) => {
      const { rows: counts } = await sql<{
        customers: number
        distinctNames: number
        notGeocoded: number
        withoutHistory: number
        committedRows: number
        committedLine: number
        stale: boolean
        cellCustomers: number
      }>`
        SELECT (SELECT count(*)::int FROM customer WHERE external_id LIKE 'CRASH-%') AS customers,
               (SELECT count(DISTINCT name)::int FROM customer WHERE external_id LIKE 'CRASH-%') AS "distinctNames",
               (SELECT count(*)::int FROM customer WHERE external_id LIKE 'CRASH-%' AND geocode_precision <> 'zip') AS "notGeocoded",
               (SELECT count(*)::int FROM customer c WHERE external_id LIKE 'CRASH-%'
                  AND NOT EXISTS (SELECT 1 FROM customer_owner_history h WHERE h.customer_id = c.id)) AS "withoutHistory",
               (SELECT inserted_rows FROM import_job WHERE id = ${jobId}) AS "committedRows",
               (SELECT committed_line FROM import_job WHERE id = ${jobId}) AS "committedLine",
               EXISTS (SELECT 1 FROM app_setting WHERE key = 'import_rollups_stale') AS stale,
               (SELECT coalesce(sum(customers), 0)::int FROM customer_cell_stat WHERE res = 3) AS "cellCustomers"`.execute(
        db.kysely,
      )
      return counts[0]
    }
    const crashed = await state(db)
    await db.close()
    expect(crashed?.customers).toBeGreaterThan(0)
    expect(crashed?.customers).toBeLessThan(rows)
    expect(crashed?.customers).toBe(crashed?.committedRows)
    // Whole batches only; the header is line 1.
    expect((crashed?.customers ?? 0) % importBatchSize(process.env.DATABASE_URL ? 'postgres' : 'pglite')).toBe(0)
    expect(crashed?.committedLine).toBe((crashed?.customers ?? 0) + 1)
    expect(crashed?.distinctNames).toBe(crashed?.customers)
    expect(crashed?.notGeocoded).toBe(0)
    expect(crashed?.withoutHistory).toBe(0)
    // Bulk mode deferred the map roll-ups and left a note to rebuild them.
    expect(crashed?.stale).toBe(true)

    // Restart, submit the same file again: the rest is imported, the first part is unchanged.
    const second = await spawnServer(serverEnv, 170_000)
    cleanups.push(() => second.stop())
    const cookie2 = await login(second)
    const rerunId = await submit(second, cookie2, file)
    let done: Job | undefined
    for (let i = 0; i < 2400; i++) {
      done = await jobOf(second, cookie2, rerunId).catch((error: Error) => {
        throw new Error(`${error.message}; server output:\n${second.output().slice(-3000)}`)
      })
      if (done.finished) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(done).toMatchObject({
      status: 'done',
      insertedRows: rows - (crashed?.customers ?? 0),
      unchangedRows: crashed?.customers,
      rejectedRows: 0,
    })
    await second.stop()

    const after = await open()
    const final = await state(after)
    await after.close()
    expect(final).toMatchObject({
      customers: rows,
      distinctNames: rows,
      notGeocoded: 0,
      withoutHistory: 0,
      stale: false,
    })
    expect(final?.cellCustomers).toBe(rows)
  }, 600_000)
})
