import { decodeCustomerTile } from '../support/mvt.ts'
import { spawnServer } from '../support/server.ts'
import type { GroupKind, RequestGroup } from './requests.ts'

export type GroupResult = {
  name: string
  kind: GroupKind
  targetMs: number | null
  n: number
  p50: number
  p95: number
  max: number
  /** mean response body size in bytes */
  meanBytes: number
  /** mean features (tiles), cells (density) or items (list, nearby) per response */
  meanItems: number
  /** every measured latency in ms, ascending */
  timings: number[]
}

export type BenchServer = { url: string; stop: () => Promise<void> }

/**
 * The real server (api/src/server.ts, as `npm start` runs it) on the prepared database, in its own
 * process: latencies include Hono, the session check and node's HTTP stack, as a browser sees them.
 */
export async function startBenchServer(database: { url: string } | { dataDir: string }): Promise<BenchServer> {
  return spawnServer(
    {
      MERIDIAN_SEED_CUSTOMERS: '0',
      SESSION_SECRET: 'bench-session-secret',
      DATABASE_URL: 'url' in database ? database.url : undefined,
      MERIDIAN_DATA_DIR: 'dataDir' in database ? database.dataDir : undefined,
    },
    300_000,
  )
}

export async function login(baseUrl: string, email = 'admin@meridian.test'): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'demo' }),
  })
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
}

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN
}

async function timedGet(baseUrl: string, cookie: string, requestPath: string): Promise<{ ms: number; body: Buffer }> {
  const started = performance.now()
  const res = await fetch(`${baseUrl}${requestPath}`, { headers: { cookie } })
  const body = Buffer.from(await res.arrayBuffer())
  const ms = performance.now() - started
  if (res.status !== 200) throw new Error(`GET ${requestPath} → ${res.status}: ${body.toString('utf8').slice(0, 500)}`)
  return { ms, body }
}

function countItems(kind: GroupKind, requestPath: string, body: Buffer): number {
  if (kind === 'tile') {
    const match = /\/(\d+)\/(\d+)\/(\d+)\.mvt$/.exec(requestPath)
    if (!match) throw new Error(`not a tile path: ${requestPath}`)
    const bytes = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer
    return decodeCustomerTile(bytes, Number(match[1]), Number(match[2]), Number(match[3])).length
  }
  if (kind === 'baseline') return 0
  const json = JSON.parse(body.toString('utf8')) as { items?: unknown[]; cells?: unknown[] }
  return (kind === 'density' ? json.cells : json.items)?.length ?? 0
}

/** One warm-up request per distinct URL, then `group.samples` sequential requests round-robin over them. */
export async function measureGroup(baseUrl: string, cookie: string, group: RequestGroup): Promise<GroupResult> {
  const shape = new Map<string, { bytes: number; items: number }>()
  for (const requestPath of group.paths) {
    const { body } = await timedGet(baseUrl, cookie, requestPath)
    shape.set(requestPath, { bytes: body.byteLength, items: countItems(group.kind, requestPath, body) })
  }
  const timings: number[] = []
  let bytes = 0
  let items = 0
  for (let i = 0; i < group.samples; i++) {
    const requestPath = group.paths[i % group.paths.length] ?? ''
    const { ms, body } = await timedGet(baseUrl, cookie, requestPath)
    timings.push(ms)
    bytes += body.byteLength
    items += shape.get(requestPath)?.items ?? 0
  }
  timings.sort((a, b) => a - b)
  return {
    name: group.name,
    kind: group.kind,
    targetMs: group.targetMs,
    n: timings.length,
    p50: percentile(timings, 0.5),
    p95: percentile(timings, 0.95),
    max: timings[timings.length - 1] ?? Number.NaN,
    meanBytes: bytes / timings.length,
    meanItems: items / timings.length,
    timings,
  }
}

/** All tile groups pooled, since the target is stated for tiles as a whole. */
export function poolTiles(results: GroupResult[]): GroupResult | null {
  const tiles = results.filter((r) => r.kind === 'tile')
  const timings = tiles.flatMap((r) => r.timings).sort((a, b) => a - b)
  if (timings.length === 0) return null
  const n = timings.length
  return {
    name: 'all tiles',
    kind: 'tile',
    targetMs: tiles[0]?.targetMs ?? null,
    n,
    p50: percentile(timings, 0.5),
    p95: percentile(timings, 0.95),
    max: timings[n - 1] ?? Number.NaN,
    meanBytes: tiles.reduce((sum, r) => sum + r.meanBytes * r.n, 0) / n,
    meanItems: tiles.reduce((sum, r) => sum + r.meanItems * r.n, 0) / n,
    timings,
  }
}
