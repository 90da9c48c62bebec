import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { prepareDatabase } from '../../api/src/bootstrap.ts'
import { connectPglite, connectPostgres, type Db, type DbKind } from '../../api/src/db/connect.ts'
import { rootDir } from '../../api/src/env.ts'

export const benchDatabaseName = 'meridian_bench'
const benchDir = path.join(rootDir, '.data', 'bench')
export const pgliteBenchDir = path.join(benchDir, 'pglite')
const benchSeed = 42

/** How a bench dataset was loaded. Kept next to the data so a reused dataset still reports its load. */
export type LoadStats = {
  kind: DbKind
  target: string
  customers: number
  contacts: number
  orders: number
  interactions: number
  /** migrations + geodata (states, counties, ZIPs, places) */
  setupMs: number
  /** customer batches through COPY-like unnest inserts, until 100 % */
  insertMs: number
  /** county assignment, roll-up rebuild and ANALYZE after the last batch */
  finishMs: number
  totalMs: number
  loadedAt: string
}

export type Versions = { server: string; postgis: string; settings: string | null }

export type PreparedDatabase = { load: LoadStats; reused: boolean; versions: Versions }

function log(message: string) {
  console.log(`[bench] ${message}`)
}

function statsFile(kind: DbKind): string {
  return path.join(benchDir, `load-${kind}.json`)
}

async function readStats(kind: DbKind): Promise<LoadStats | null> {
  try {
    return JSON.parse(await readFile(statsFile(kind), 'utf8')) as LoadStats
  } catch {
    return null
  }
}

async function customerCount(db: Db): Promise<number | null> {
  const { rows } = await sql<{ exists: boolean }>`SELECT to_regclass('customer') IS NOT NULL AS exists`.execute(
    db.kysely,
  )
  if (!rows[0]?.exists) return null
  const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM customer`.execute(db.kysely)
  return count.rows[0]?.n ?? 0
}

async function readVersions(db: Db): Promise<Versions> {
  const { rows } = await sql<{ server: string; postgis: string }>`
    SELECT version() AS server, postgis_full_version() AS postgis`.execute(db.kysely)
  let settings: string | null = null
  if (db.kind === 'postgres') {
    const result = await sql<{ name: string; setting: string }>`
      SELECT name, current_setting(name) AS setting FROM pg_settings
      WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'jit', 'max_parallel_workers_per_gather')
      ORDER BY name`.execute(db.kysely)
    settings = result.rows.map((r) => `${r.name}=${r.setting}`).join(', ')
  }
  return { server: rows[0]?.server ?? '?', postgis: rows[0]?.postgis ?? '?', settings }
}

/** Migrate, load geodata and seed through the app's own bootstrap, timing each phase. */
async function load(db: Db, customers: number, target: string): Promise<LoadStats> {
  const started = performance.now()
  let insertStarted = 0
  let insertDone = 0
  await prepareDatabase(db, {
    seedCustomers: customers,
    seed: benchSeed,
    log: (message) => {
      const now = performance.now()
      if (message.startsWith('seeding')) insertStarted = now
      if (message.includes('100%')) insertDone = now
      const elapsed = ((now - started) / 1000).toFixed(1)
      const seeded = /\(([\d,]+) customers\)/.exec(message)?.[1]
      const rate =
        seeded && insertStarted > 0
          ? `, ${Math.round(Number(seeded.replaceAll(',', '')) / ((now - insertStarted) / 1000)).toLocaleString('en-US')} customers/s`
          : ''
      log(`${db.kind}: ${message.trim()} [${elapsed} s${rate}]`)
    },
  })
  const finished = performance.now()
  if (insertStarted === 0 || insertDone === 0) throw new Error('bench: the database already held customers')
  log(`${db.kind}: county assignment, roll-up rebuild, ANALYZE took ${((finished - insertDone) / 1000).toFixed(1)} s`)
  const { rows } = await sql<{ contacts: number; orders: number; interactions: number }>`
    SELECT (SELECT count(*)::int FROM contact) AS contacts, (SELECT count(*)::int FROM customer_order) AS orders,
           (SELECT count(*)::int FROM interaction) AS interactions`.execute(db.kysely)
  const counts = rows[0] ?? { contacts: 0, orders: 0, interactions: 0 }
  return {
    kind: db.kind,
    target,
    customers,
    ...counts,
    setupMs: insertStarted - started,
    insertMs: insertDone - insertStarted,
    finishMs: finished - insertDone,
    totalMs: finished - started,
    loadedAt: new Date().toISOString(),
  }
}

async function forgetStats(kind: DbKind): Promise<void> {
  await rm(statsFile(kind), { force: true })
}

async function saveStats(stats: LoadStats): Promise<void> {
  await mkdir(benchDir, { recursive: true })
  await writeFile(statsFile(stats.kind), `${JSON.stringify(stats, null, 2)}\n`)
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/** A URL safe to print and store: no password. */
function redact(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

/**
 * `meridian_bench` on the server of `serverUrl` (the database named in that URL is only used to connect).
 * Reused when it holds exactly `customers` from a completed load, else dropped and rebuilt.
 */
export async function preparePostgres(
  serverUrl: string,
  customers: number,
  fresh: boolean,
): Promise<PreparedDatabase & { url: string }> {
  const url = withDatabase(serverUrl, benchDatabaseName)
  const target = redact(url)
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [benchDatabaseName])).rowCount
    const previous = await readStats('postgres')
    if (exists && !fresh && previous?.customers === customers && previous.target === target) {
      const db = await connectPostgres(url)
      try {
        if ((await customerCount(db)) === customers) {
          log(`postgres: reusing ${target} with ${customers.toLocaleString('en-US')} customers (--fresh rebuilds)`)
          return { url, load: previous, reused: true, versions: await readVersions(db) }
        }
      } finally {
        await db.close()
      }
    }
    log(`postgres: (re)creating ${target}`)
    await forgetStats('postgres')
    await admin.query(`DROP DATABASE IF EXISTS ${benchDatabaseName} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${benchDatabaseName}`)
  } finally {
    await admin.end()
  }
  const db = await connectPostgres(url)
  try {
    const stats = await load(db, customers, target)
    await saveStats(stats)
    return { url, load: stats, reused: false, versions: await readVersions(db) }
  } finally {
    await db.close()
  }
}

/** PGlite in .data/bench/pglite (git-ignored), reused on the same terms as the PostGIS database. */
export async function preparePglite(
  customers: number,
  fresh: boolean,
): Promise<PreparedDatabase & { dataDir: string }> {
  const target = path.relative(rootDir, pgliteBenchDir)
  const previous = await readStats('pglite')
  if (!fresh && existsSync(pgliteBenchDir) && previous?.customers === customers) {
    const db = await connectPglite(pgliteBenchDir)
    try {
      if ((await customerCount(db)) === customers) {
        log(`pglite: reusing ${target} with ${customers.toLocaleString('en-US')} customers (--fresh rebuilds)`)
        return { dataDir: pgliteBenchDir, load: previous, reused: true, versions: await readVersions(db) }
      }
    } finally {
      await db.close()
    }
  }
  log(`pglite: (re)creating ${target}`)
  await forgetStats('pglite')
  await rm(pgliteBenchDir, { recursive: true, force: true })
  const db = await connectPglite(pgliteBenchDir)
  try {
    const stats = await load(db, customers, target)
    await saveStats(stats)
    return { dataDir: pgliteBenchDir, load: stats, reused: false, versions: await readVersions(db) }
  } finally {
    await db.close()
  }
}
