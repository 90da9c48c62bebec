/**
 * `npm run bench` export case: every customer as CSV through `GET /api/exports/customers` on the running server,
 * as an admin (no scope), read to the last byte like a download. Rows per second = audited row count / wall time.
 * Target from issue 6: ≥ 100,000 rows/s on 1M customers in PostGIS.
 */
export const exportTargetRowsPerSecond = 100_000

type Run = { format: 'csv' | 'geojson'; ms: number; firstByteMs: number; bytes: number; rows: number }

async function timedExport(baseUrl: string, cookie: string, format: 'csv' | 'geojson'): Promise<Run> {
  const started = performance.now()
  const res = await fetch(`${baseUrl}/api/exports/customers?format=${format}`, { headers: { cookie } })
  if (res.status !== 200 || !res.body) throw new Error(`export ${format} → ${res.status}: ${await res.text()}`)
  const reader = res.body.getReader()
  let bytes = 0
  let firstByteMs = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    if (bytes === 0) firstByteMs = performance.now() - started
    bytes += value.byteLength
  }
  const ms = performance.now() - started
  // The server's own count of what it sent, from the audit log it writes at the end of every export.
  const audit = await fetch(`${baseUrl}/api/audit-log?limit=1`, { headers: { cookie } })
  const entry = ((await audit.json()) as { items: { status: string; rowCount: number | null; format: string }[] })
    .items[0]
  if (entry?.status !== 'completed' || entry.format !== format) {
    throw new Error(`export ${format} not audited as completed: ${JSON.stringify(entry)}`)
  }
  return { format, ms, firstByteMs, bytes, rows: entry.rowCount ?? 0 }
}

/** Two CSV runs (the better one counts; the first also warms caches) and one GeoJSON run, as a markdown block. */
export async function benchExports(
  baseUrl: string,
  cookie: string,
  kind: string,
  log: (message: string) => void,
): Promise<string> {
  const runs: Run[] = []
  for (const format of ['csv', 'csv', 'geojson'] as const) {
    const run = await timedExport(baseUrl, cookie, format)
    runs.push(run)
    log(
      `${kind}: export ${format} ${run.rows.toLocaleString('en-US')} rows in ${(run.ms / 1000).toFixed(2)} s ` +
        `(${Math.round(run.rows / (run.ms / 1000)).toLocaleString('en-US')} rows/s)`,
    )
  }
  const rate = (run: Run) => run.rows / (run.ms / 1000)
  const bestCsv = Math.max(...runs.filter((r) => r.format === 'csv').map(rate))
  const rows = runs.map(
    (run, i) =>
      `| ${run.format}${i === 0 ? ' (first run)' : ''} | ${run.rows.toLocaleString('en-US')} | ${(run.ms / 1000).toFixed(2)} | ${run.firstByteMs.toFixed(0)} | ${(run.bytes / 1e6).toFixed(1)} | ${Math.round(rate(run)).toLocaleString('en-US')} |`,
  )
  return [
    `Export of every customer through \`GET /api/exports/customers\` (${kind}, admin, streamed, read to the last byte over HTTP):`,
    '',
    '| format | rows | seconds | first byte ms | MB | rows/s |',
    '|---|--:|--:|--:|--:|--:|',
    ...rows,
    '',
    `CSV target ≥ ${exportTargetRowsPerSecond.toLocaleString('en-US')} rows/s: ${bestCsv >= exportTargetRowsPerSecond ? 'met' : '**missed**'} (best CSV run ${Math.round(bestCsv).toLocaleString('en-US')} rows/s).`,
  ].join('\n')
}
