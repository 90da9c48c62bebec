// Benchmarks of the planning algorithms: the route optimiser on TSPLIB instances (pure, in-process) and
// territory balancing of the lower-48 counties through the running server (HTTP, PostGIS at full size).
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { rootDir } from '../../api/src/env.ts'
import { optimizeRoute } from '../../api/src/routing/optimizer.ts'
import { buildTsplibMatrix, parseTsplib } from '../../api/src/routing/tsplib.ts'
import { percentile } from './measure.ts'

const tsplibDir = path.resolve(rootDir, '..', 'shared', 'tsplib')
const instances: [name: string, optimum: number][] = [
  ['eil51', 426],
  ['berlin52', 7542],
  ['st70', 675],
  ['kroA100', 21282],
  ['ch130', 6110],
  ['ch150', 6528],
  ['a280', 2579],
]

/** Gap to the optimum and time per instance, median of 5 seeded runs after one warm-up. */
export async function benchRouting(log: (m: string) => void): Promise<string> {
  if (!existsSync(tsplibDir)) return `_TSPLIB instances not found at ${tsplibDir}; skipped._`
  const rows = [
    '| instance | stops | optimum | found (worst of 5) | gap % | p50 ms | max ms | target |',
    '|---|--:|--:|--:|--:|--:|--:|---|',
  ]
  for (const [name, optimum] of instances) {
    const file = path.join(tsplibDir, `${name}.tsp`)
    if (!existsSync(file)) {
      rows.push(`| ${name} | – | ${optimum} | missing | – | – | – | – |`)
      continue
    }
    const distances = buildTsplibMatrix(parseTsplib(await readFile(file, 'utf8')))
    const stops = distances.slice(1).map((_, i) => ({ id: String(i + 1) }))
    optimizeRoute({ stops, distances, seed: 99 })
    const times: number[] = []
    let worst = 0
    for (let seed = 1; seed <= 5; seed++) {
      const started = performance.now()
      const plan = optimizeRoute({ stops, distances, seed })
      times.push(performance.now() - started)
      worst = Math.max(worst, plan.totalDistance)
    }
    times.sort((a, b) => a - b)
    const gap = ((worst - optimum) / optimum) * 100
    const [gapTarget, msTarget] = stops.length <= 100 ? [1, 200] : [2, 1000]
    const ok = gap <= gapTarget && (times[times.length - 1] ?? 0) <= msTarget
    rows.push(
      `| ${name} | ${stops.length} | ${optimum} | ${worst} | ${gap.toFixed(2)} | ${percentile(times, 0.5).toFixed(0)} | ${(times[times.length - 1] ?? 0).toFixed(0)} | ≤ ${gapTarget}% in ≤ ${msTarget} ms: ${ok ? 'met' : '**missed**'} |`,
    )
    log(`routing: ${name} gap ${gap.toFixed(2)}% p50 ${percentile(times, 0.5).toFixed(0)} ms`)
  }
  return [
    'Route optimiser (`optimizeRoute`, single thread, closed tour from node 1, TSPLIB rounded Euclidean matrices):',
    '',
    ...rows,
  ].join('\n')
}

const lower48 = [
  'AL',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'DC',
  'FL',
  'GA',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
]

type Draft = {
  draft: { id: number; version: number }
  territories: { id: number; unitIds: string[] }[]
  balance: {
    maxDeviationPct: number
    allContiguous: boolean
    reachedTolerance: boolean
    runtimeMs: number
    notes: { code: string }[]
  }
}

/** Lower-48 counties into 50 territories on customers and on workload, and manual moves re-scored. */
export async function benchTerritories(baseUrl: string, cookie: string, log: (m: string) => void): Promise<string> {
  const post = async (pathname: string, body: unknown, method = 'POST') => {
    const started = performance.now()
    const res = await fetch(`${baseUrl}${pathname}`, {
      method,
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const json = (await res.json()) as Draft
    if (!res.ok) throw new Error(`${pathname} → ${res.status} ${JSON.stringify(json)}`)
    return { ms: performance.now() - started, json }
  }
  const rows = [
    '| run | counties | k | HTTP ms | server ms | max deviation % | all contiguous | notes | target |',
    '|---|--:|--:|--:|--:|--:|---|---|---|',
  ]
  let lastDraft: Draft | null = null
  for (const measure of ['customers', 'workload'] as const) {
    const { ms, json } = await post('/api/territories/balance', {
      units: 'county',
      scope: { states: lower48 },
      k: 50,
      measure,
    })
    lastDraft = json
    const units = json.territories.reduce((a, t) => a + t.unitIds.length, 0)
    const b = json.balance
    const ok = b.runtimeMs <= 2000 && b.maxDeviationPct <= 5 && b.allContiguous
    rows.push(
      `| balance on ${measure} | ${units} | 50 | ${ms.toFixed(0)} | ${b.runtimeMs} | ${b.maxDeviationPct} | ${b.allContiguous ? 'yes' : 'no'} | ${[...new Set(b.notes.map((n) => n.code))].join(', ') || '–'} | ≤ 2 s, ≤ 5 %, contiguous: ${ok ? 'met' : '**missed**'} |`,
    )
    log(`territories: ${measure} ${ms.toFixed(0)} ms, max deviation ${b.maxDeviationPct}%`)
  }
  if (lastDraft) {
    const times: number[] = []
    let version = lastDraft.draft.version
    const [a, b] = lastDraft.territories
    const unit = a?.unitIds[0]
    if (a && b && unit) {
      for (let i = 0; i < 20; i++) {
        const { ms, json } = await post(
          `/api/territories/drafts/${lastDraft.draft.id}/units`,
          { version, moves: [{ unitId: unit, territoryId: i % 2 === 0 ? b.id : a.id }] },
          'PATCH',
        )
        version = json.draft.version
        if (i > 0) times.push(ms)
      }
      times.sort((x, y) => x - y)
      const p95 = percentile(times, 0.95)
      rows.push(
        `| one manual move, re-scored (n=${times.length}) | | | p50 ${percentile(times, 0.5).toFixed(0)} / p95 ${p95.toFixed(0)} | | | | | ≤ 50 ms: ${p95 <= 50 ? 'met' : '**missed**'} |`,
      )
    }
  }
  return [
    'Territory balancing through `POST /api/territories/balance` and `PATCH …/units` on this dataset:',
    '',
    ...rows,
  ].join('\n')
}
