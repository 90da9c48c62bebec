// `npm run bench [-- options]`: load the demo dataset into PostGIS and PGlite, then time the map's
// requests against the real server over HTTP. Options are listed in `usage` below.
import { parseArgs } from 'node:util'
import { benchRouting, benchTerritories } from './algorithms.ts'
import { type PreparedDatabase, preparePglite, preparePostgres } from './database.ts'
import { benchExports } from './exports.ts'
import { benchImportsInChild } from './imports.ts'
import { type BenchServer, type GroupResult, login, measureGroup, poolTiles, startBenchServer } from './measure.ts'
import { type BackendReport, backendMarkdown, benchmarksDoc, machineMarkdown, writeBenchmarksDoc } from './report.ts'
import { buildRequestGroups } from './requests.ts'

const usage = `npm run bench -- [options]
  --customers N           customers in PostGIS (default 1000000)
  --pglite-customers N    customers in PGlite (default 100000)
  --only postgres|pglite|routing  run one backend, or only the route optimiser on TSPLIB
  --import-rows N         rows of the CSV import bench on PostGIS (default 1000000)
  --fresh                 rebuild the datasets even if they match
  --database-url URL      PostgreSQL server to use; the bench always uses its database meridian_bench
                          (default $DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres)
  --write                 update the generated tables in docs/benchmarks.md`

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const value = Number(raw.replaceAll('_', ''))
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"`)
  return value
}

const { values } = parseArgs({
  options: {
    customers: { type: 'string' },
    'pglite-customers': { type: 'string' },
    only: { type: 'string' },
    fresh: { type: 'boolean', default: false },
    'import-rows': { type: 'string' },
    'database-url': { type: 'string' },
    write: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  console.log(usage)
  process.exit(0)
}
if (values.only !== undefined && !['postgres', 'pglite', 'routing'].includes(values.only)) {
  console.error(`--only must be postgres, pglite or routing\n\n${usage}`)
  process.exit(2)
}

const options = {
  customers: positiveInt('customers', values.customers, 1_000_000),
  pgliteCustomers: positiveInt('pglite-customers', values['pglite-customers'], 100_000),
  backends:
    values.only === 'routing'
      ? []
      : values.only
        ? [values.only as 'postgres' | 'pglite']
        : (['postgres', 'pglite'] as const),
  fresh: values.fresh,
  importRows: positiveInt('import-rows', values['import-rows'], 1_000_000),
  serverUrl: values['database-url'] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  write: values.write,
}

function log(message: string) {
  console.log(`[bench] ${message}`)
}

async function measureAll(server: BenchServer, kind: string): Promise<GroupResult[]> {
  const cookie = await login(server.url)
  const results: GroupResult[] = []
  for (const group of buildRequestGroups()) {
    const result = await measureGroup(server.url, cookie, group)
    log(`${kind}: ${group.name.padEnd(18)} p50 ${result.p50.toFixed(1)} ms  p95 ${result.p95.toFixed(1)} ms`)
    results.push(result)
  }
  const pooled = poolTiles(results)
  const afterTiles = results.findLastIndex((r) => r.kind === 'tile') + 1
  if (pooled) results.splice(afterTiles, 0, pooled)
  return results
}

async function benchBackend(kind: 'postgres' | 'pglite'): Promise<BackendReport> {
  const started = performance.now()
  const prepared: PreparedDatabase & ({ url: string } | { dataDir: string }) =
    kind === 'postgres'
      ? await preparePostgres(options.serverUrl, options.customers, options.fresh)
      : await preparePglite(options.pgliteCustomers, options.fresh)
  log(`${kind}: dataset ready after ${((performance.now() - started) / 1000).toFixed(1)} s; starting the server`)
  const server = await startBenchServer('url' in prepared ? { url: prepared.url } : { dataDir: prepared.dataDir })
  try {
    const results = await measureAll(server, kind)
    extraBlocks.push([`exports-${kind}`, await benchExports(server.url, await login(server.url), kind, log)])
    if (kind === 'postgres')
      extraBlocks.push([
        'territories',
        await benchTerritories(server.url, await login(server.url, 'manager@meridian.test'), log),
      ])
    return {
      kind,
      measuredAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      reused: prepared.reused,
      load: prepared.load,
      versions: prepared.versions,
      results,
    }
  } finally {
    await server.stop()
  }
}

const extraBlocks: [string, string][] = []
const reports: BackendReport[] = []
for (const kind of options.backends) reports.push(await benchBackend(kind))
if (options.backends.includes('postgres'))
  extraBlocks.push(['imports', await benchImportsInChild(options.importRows, options.serverUrl, log)])
extraBlocks.push(['routing', await benchRouting(log)])

console.log(`\n## Machine\n\n${machineMarkdown()}\n`)
for (const report of reports) console.log(`${backendMarkdown(report)}\n`)
for (const [, body] of extraBlocks) console.log(`${body}\n`)
const misses = reports.flatMap((r) =>
  r.results.filter((g) => g.targetMs !== null && g.p95 > g.targetMs).map((g) => `${r.kind} ${g.name}`),
)
console.log(misses.length === 0 ? 'All targets met.' : `Targets missed: ${misses.join(', ')}`)
if (options.write) {
  await writeBenchmarksDoc(reports, extraBlocks)
  log(`updated ${benchmarksDoc}`)
}
