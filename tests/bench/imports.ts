/**
 * Import benchmark (issue 6): a deterministic N-row customers CSV (default 1,000,000) imported into a fresh
 * PostGIS database with ZIP geocoding, then the same file again (every row unchanged). Reports rows/s of each run
 * and the peak memory of the process doing the import. Targets: ≥ 20,000 rows/s, peak RSS < 500 MB.
 *
 *   node --max-old-space-size=256 --import tsx tests/bench/imports.ts --rows 1000000 [--database-url postgres://…] [--json]
 *
 * Runs the real API in this process (upload streamed through `POST /api/imports`, import started and followed
 * through the job row), so RSS covers the whole import. `npm run bench` runs it in a child process.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createApp } from '../../api/src/app.ts'
import { prepareDatabase } from '../../api/src/bootstrap.ts'
import { connectPostgres } from '../../api/src/db/connect.ts'
import { rootDir } from '../../api/src/env.ts'
import { geodataOutDir } from '../../api/src/geodata/load.ts'

export const importTargetRowsPerSecond = 20_000
export const importTargetPeakMb = 500
const databaseName = 'meridian_bench_import'
const benchDir = path.join(rootDir, '.data', 'bench')

export type ImportBenchResult = {
  rows: number
  fileMb: number
  upload: { ms: number }
  first: {
    ms: number
    rebuildMs: number
    rowsPerSecond: number
    inserted: number
    rejected: number
    geocoded: Record<string, number>
  }
  again: { ms: number; rowsPerSecond: number; unchanged: number; inserted: number; updated: number }
  /** RSS after setup (migrations, geodata load), before the first upload. */
  baselineRssMb: number
  /** Highest RSS sampled every 50 ms during upload and both imports. */
  peakRssMb: number
  /** The process's lifetime max RSS (includes the geodata load of the setup). */
  maxRssMb: number
}

const industries = ['Retail', 'Healthcare', 'Manufacturing', 'Technology', 'Finance', 'Hospitality', 'Logistics']
const segments = ['smb', 'mid_market', 'enterprise']
const statuses = ['active', 'prospect', 'churned']

/** The same file for the same N: customers spread over every ZIP we know, ~80 bytes a row. */
async function generateCsv(rows: number): Promise<string> {
  const file = path.join(benchDir, `import-customers-${rows}.csv`)
  if (existsSync(file)) return file
  await mkdir(benchDir, { recursive: true })
  const zips = JSON.parse(await readFile(path.join(geodataOutDir, 'zips.json'), 'utf8')) as [string, string, string][]
  const out = createWriteStream(`${file}.tmp`)
  out.write('external_id,name,industry,segment,status,zip,city,state\n')
  let chunk = ''
  for (let i = 1; i <= rows; i++) {
    const zip = zips[(i * 7919) % zips.length] ?? ['10001', 'New York', 'NY']
    const name = i % 97 === 0 ? `"Company ${i}, Inc."` : `Company ${i}`
    chunk += `BENCH-${String(i).padStart(7, '0')},${name},${industries[i % industries.length]},${segments[i % 3]},${statuses[(i >> 2) % 3]},${zip[0]},${zip[1]},${zip[2]}\n`
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
      chunk = ''
    }
  }
  out.write(chunk)
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  const { rename } = await import('node:fs/promises')
  await rename(`${file}.tmp`, file)
  return file
}

async function freshDatabase(serverUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`)
    await admin.query(`CREATE DATABASE ${databaseName}`)
  } finally {
    await admin.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${databaseName}`
  return url.toString()
}

type Job = {
  id: number
  status: string
  finished: boolean
  insertedRows: number
  updatedRows: number
  unchangedRows: number
  rejectedRows: number
  processedRows: number
  geocoded: Record<string, number>
  message: string | null
}

export async function runImportBench(options: {
  rows: number
  serverUrl: string
  log: (message: string) => void
}): Promise<ImportBenchResult> {
  const { rows, log } = options
  const file = await generateCsv(rows)
  const fileMb = (await import('node:fs')).statSync(file).size / 1e6
  log(`imports: ${rows.toLocaleString('en-US')}-row CSV (${fileMb.toFixed(1)} MB) at ${path.relative(rootDir, file)}`)
  const db = await connectPostgres(await freshDatabase(options.serverUrl))
  let peakRss = 0
  let sampler: NodeJS.Timeout | undefined
  try {
    await prepareDatabase(db, { seedCustomers: 0, admin: { email: 'bench@meridian.test', password: 'bench-password' } })
    // Peak memory is sampled from here on: the geodata load above is setup, not import.
    const baselineRss = process.memoryUsage().rss
    peakRss = baselineRss
    sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss)
    }, 50)
    const app = createApp({ db, sessionSecret: 'bench', secureCookies: false, basemapStyleUrl: null })
    const login = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@meridian.test', password: 'bench-password' }),
    })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const headers = { cookie }

    const importOnce = async (label: string) => {
      const uploadStarted = performance.now()
      const up = await app.request('/api/imports?filename=bench.csv', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
        // biome-ignore lint/suspicious/noExplicitAny: Node's fetch needs duplex for stream bodies
        ...({ duplex: 'half' } as any),
      })
      if (up.status !== 201) throw new Error(`upload → ${up.status}: ${await up.text()}`)
      const uploaded = (await up.json()) as { job: Job; preview: { suggestion: { mapping: Record<string, string> } } }
      const uploadMs = performance.now() - uploadStarted
      const started = performance.now()
      const start = await app.request(`/api/imports/${uploaded.job.id}/start`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ entity: 'customers', mapping: uploaded.preview.suggestion.mapping }),
      })
      if (start.status !== 202) throw new Error(`start → ${start.status}: ${await start.text()}`)
      let job: Job = uploaded.job
      let lastLog = 0
      let rebuildStarted: number | null = null
      while (!job.finished) {
        await new Promise((resolve) => setTimeout(resolve, 250))
        job = ((await (await app.request(`/api/imports/${job.id}`, { headers })).json()) as { job: Job }).job
        if (rebuildStarted === null && job.message?.startsWith('Rebuilding')) rebuildStarted = performance.now()
        if (performance.now() - lastLog > 5000) {
          lastLog = performance.now()
          log(
            `imports: ${label} ${job.processedRows.toLocaleString('en-US')} rows, RSS ${(peakRss / 1048576).toFixed(0)} MB`,
          )
        }
      }
      const ms = performance.now() - started
      const rebuildMs = rebuildStarted === null ? 0 : performance.now() - rebuildStarted
      if (job.status !== 'done') throw new Error(`import ${label} ended ${job.status}: ${job.message}`)
      log(
        `imports: ${label} ${job.processedRows.toLocaleString('en-US')} rows in ${(ms / 1000).toFixed(1)} s ` +
          `(${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s; upload ${(uploadMs / 1000).toFixed(1)} s; ` +
          `roll-up rebuild ${(rebuildMs / 1000).toFixed(1)} s) — ${job.message}`,
      )
      return { job, ms, uploadMs, rebuildMs }
    }

    const first = await importOnce('first import')
    const again = await importOnce('re-import')
    clearInterval(sampler)
    return {
      rows,
      fileMb,
      upload: { ms: first.uploadMs },
      first: {
        ms: first.ms,
        rebuildMs: first.rebuildMs,
        rowsPerSecond: rows / (first.ms / 1000),
        inserted: first.job.insertedRows,
        rejected: first.job.rejectedRows,
        geocoded: first.job.geocoded,
      },
      again: {
        ms: again.ms,
        rowsPerSecond: rows / (again.ms / 1000),
        unchanged: again.job.unchangedRows,
        inserted: again.job.insertedRows,
        updated: again.job.updatedRows,
      },
      baselineRssMb: baselineRss / 1048576,
      peakRssMb: peakRss / 1048576,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }
  } finally {
    clearInterval(sampler)
    await db.close()
    const admin = new pg.Client({ connectionString: options.serverUrl })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`).catch(() => {})
    await admin.end()
  }
}

export function importBenchMarkdown(result: ImportBenchResult): string {
  const met = (ok: boolean) => (ok ? 'met' : '**missed**')
  const peak = result.peakRssMb
  return [
    `CSV import of ${result.rows.toLocaleString('en-US')} customers (${result.fileMb.toFixed(0)} MB) into PostGIS with ZIP geocoding, through \`POST /api/imports\` (streamed upload, row-by-row mode, batches of 5,000):`,
    '',
    '| run | seconds | rows/s | result |',
    '|---|--:|--:|---|',
    `| upload (stream to disk + checks) | ${(result.upload.ms / 1000).toFixed(1)} | ${Math.round(result.rows / (result.upload.ms / 1000)).toLocaleString('en-US')} | |`,
    `| first import (of which roll-up rebuild ${(result.first.rebuildMs / 1000).toFixed(1)} s) | ${(result.first.ms / 1000).toFixed(1)} | ${Math.round(result.first.rowsPerSecond).toLocaleString('en-US')} | ${result.first.inserted.toLocaleString('en-US')} new, ${result.first.rejected} rejected, geocoded ${JSON.stringify(result.first.geocoded)} |`,
    `| same file again | ${(result.again.ms / 1000).toFixed(1)} | ${Math.round(result.again.rowsPerSecond).toLocaleString('en-US')} | ${result.again.unchanged.toLocaleString('en-US')} unchanged, ${result.again.inserted} new, ${result.again.updated} updated |`,
    '',
    `Peak memory of the importing process during the imports: ${peak.toFixed(0)} MB RSS (${result.baselineRssMb.toFixed(0)} MB before the first upload, after loading geodata in the same process; lifetime max RSS ${result.maxRssMb.toFixed(0)} MB). Targets ≥ ${importTargetRowsPerSecond.toLocaleString('en-US')} rows/s: first ${met(result.first.rowsPerSecond >= importTargetRowsPerSecond)}, again ${met(result.again.rowsPerSecond >= importTargetRowsPerSecond)}; < ${importTargetPeakMb} MB: ${met(peak < importTargetPeakMb)}.`,
  ].join('\n')
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)
if (isMain) {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string' },
      'database-url': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  })
  const rows = Number((values.rows ?? '1000000').replaceAll('_', ''))
  const serverUrl = values['database-url'] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const log = (message: string) => (values.json ? console.error : console.log)(`[bench] ${message}`)
  process.env.MERIDIAN_IMPORT_DIR = path.join(benchDir, 'uploads')
  const result = await runImportBench({ rows, serverUrl, log })
  if (values.json) console.log(JSON.stringify(result))
  else console.log(`\n${importBenchMarkdown(result)}`)
  await rm(path.join(benchDir, 'uploads'), { recursive: true, force: true })
  process.exit(0)
}

/** For `npm run bench`: the import bench in its own process, so its peak memory is the import's alone. */
export async function benchImportsInChild(rows: number, serverUrl: string, log: (message: string) => void) {
  const { spawn } = await import('node:child_process')
  const child = spawn(
    process.execPath,
    // A heap cap like a production server's: V8 otherwise grows the heap lazily and RSS says little about what
    // the import holds (100k rows: 499 MB RSS uncapped, 289 MB with this cap, same speed).
    [
      '--max-old-space-size=256',
      '--import',
      'tsx',
      import.meta.filename,
      '--rows',
      String(rows),
      '--database-url',
      serverUrl,
      '--json',
    ],
    { cwd: rootDir, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  child.stdout.on('data', (chunk) => {
    out += chunk
  })
  child.stderr.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) log(line.replace(/^\[bench\] /, ''))
  })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`import bench exited with ${code}`)
  return importBenchMarkdown(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as ImportBenchResult)
}
