import type { TravelMatrices } from './travel-model.ts'

/** Road network client for an OSRM-compatible `table` service (osrm-routed, or anything speaking its JSON). */
export type OsrmOptions = {
  /** e.g. `http://osrm:5000`; the profile path segment is added here. */
  baseUrl: string
  profile?: string
  /** Locations per request; osrm-routed's `--max-table-size` defaults to 100. */
  maxLocations?: number
  timeoutMs?: number
}

/** The table service failed or answered something that is not a table. */
export class OsrmError extends Error {}

/** Metres and minutes used for pairs the road network cannot connect: far beyond any working day. */
export const unreachableMetres = 1e9
export const unreachableMinutes = 1e6

/** OSRM_URL, read when a plan is made so a running instance follows its environment. */
export function osrmUrlFromEnv(): string | null {
  const url = process.env.OSRM_URL?.trim()
  return url ? url.replace(/\/+$/, '') : null
}

type OsrmTable = { code?: unknown; message?: unknown; durations?: unknown; distances?: unknown }

function readMatrix(value: unknown, rows: number, cols: number, name: string): (number | null)[][] {
  if (!Array.isArray(value) || value.length !== rows) throw new OsrmError(`OSRM table has no ${rows}-row ${name}`)
  return value.map((row) => {
    if (!Array.isArray(row) || row.length !== cols) throw new OsrmError(`OSRM table ${name} rows are not ${cols} wide`)
    return row.map((x) => {
      if (x === null) return null
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
        throw new OsrmError(`OSRM table ${name} has a bad entry`)
      return x
    })
  })
}

async function fetchBlock(
  options: OsrmOptions,
  points: readonly (readonly [number, number])[],
  sources: readonly number[],
  destinations: readonly number[],
): Promise<{ durations: (number | null)[][]; distances: (number | null)[][] }> {
  // One request over the union of both index sets, asking only for the block's rows and columns.
  const used = [...new Set([...sources, ...destinations])]
  const local = new Map(used.map((index, i) => [index, i]))
  const coordinates = used.map((index) => {
    const p = points[index] ?? [0, 0]
    return `${p[0].toFixed(6)},${p[1].toFixed(6)}`
  })
  const query = new URLSearchParams({
    annotations: 'duration,distance',
    sources: sources.map((s) => local.get(s)).join(';'),
    destinations: destinations.map((d) => local.get(d)).join(';'),
  })
  const url = `${options.baseUrl}/table/v1/${options.profile ?? 'driving'}/${coordinates.join(';')}?${query}`
  let response: Response
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) })
  } catch (error) {
    throw new OsrmError(`OSRM table service unreachable: ${(error as Error).message}`)
  }
  let body: OsrmTable
  try {
    body = (await response.json()) as OsrmTable
  } catch {
    throw new OsrmError(`OSRM table service answered ${response.status} without JSON`)
  }
  if (!response.ok || body.code !== 'Ok') {
    throw new OsrmError(
      `OSRM table service answered ${response.status} ${String(body.code ?? '')} ${String(body.message ?? '')}`,
    )
  }
  return {
    durations: readMatrix(body.durations, sources.length, destinations.length, 'durations'),
    distances: readMatrix(body.distances, sources.length, destinations.length, 'distances'),
  }
}

/**
 * Road distances (metres) and driving times (minutes) between every pair of points from an OSRM `table` service,
 * in blocks when there are more points than one request may carry. Unconnected pairs get `unreachable*` values.
 */
export async function fetchOsrmMatrices(
  points: readonly (readonly [lng: number, lat: number])[],
  options: OsrmOptions,
): Promise<TravelMatrices> {
  const n = points.length
  const distances = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  const durations = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  const max = Math.max(2, options.maxLocations ?? 100)
  const block = n <= max ? n : Math.floor(max / 2)
  const indices = points.map((_, i) => i)
  const chunks: number[][] = []
  for (let i = 0; i < n; i += block) chunks.push(indices.slice(i, i + block))
  for (const sources of chunks) {
    for (const destinations of n <= max ? [indices] : chunks) {
      const table = await fetchBlock(options, points, sources, destinations)
      sources.forEach((from, i) => {
        destinations.forEach((to, j) => {
          const seconds = table.durations[i]?.[j] ?? null
          const metres = table.distances[i]?.[j] ?? null
          const row = distances[from]
          const minutesRow = durations[from]
          if (!row || !minutesRow) return
          row[to] = from === to ? 0 : (metres ?? unreachableMetres)
          minutesRow[to] = from === to ? 0 : seconds === null ? unreachableMinutes : seconds / 60
        })
      })
    }
  }
  return { distances, durations }
}
