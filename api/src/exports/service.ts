import type { Kysely } from 'kysely'
import { type CurrentUser, customerScope } from '../context.ts'
import type { DbKind } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'
import { AppError, notFound } from '../errors.ts'
import { type CsvValue, csvLine } from '../lib/csv-write.ts'
import { findActiveAlignment } from '../territories/queries.ts'
import { alignmentGeojson } from '../territories/service.ts'
import {
  type ExportSelection,
  exportBatchesByCursor,
  exportBatchesByKeyset,
  exportColumns,
  finishAudit,
  insertAuditStart,
  type RowFormat,
  type RowResource,
} from './queries.ts'
import type { ExportFormat, ExportQuery, ExportResource } from './schema.ts'

type Q = Kysely<Database>

export const mediaTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  geojson: 'application/geo+json; charset=utf-8',
}

// Rows per database round trip: large enough that per-query costs vanish, small enough to bound memory.
const cursorBatch = 10_000
const keysetBatch = 5_000

export type ExportDownload = { body: ReadableStream<Uint8Array>; contentType: string; fileName: string }

/** Formatted records (CSV lines without line ends, or GeoJSON Feature texts) in batches, plus the CSV header. */
type RecordSource = { header: readonly string[]; batches: AsyncIterable<string[]> }

/**
 * Starts an export: checks access, writes the audit row ('started'), and returns a stream that reads rows batch by
 * batch as the client consumes them (pull-based, so a slow client slows the database reads, not our memory).
 * The audit row is finished when the stream ends: 'completed' with the row count, 'failed', or 'aborted' when the
 * client went away. A process that dies mid-export leaves it 'started' without finished_at.
 */
export async function startExport(
  db: { kind: DbKind; kysely: Q },
  user: CurrentUser,
  via: 'session' | 'token',
  resource: ExportResource,
  query: ExportQuery,
): Promise<ExportDownload> {
  const { format, bbox, alignment, token: _token, ...filter } = query
  const selection: ExportSelection = { scope: customerScope(user), filter, bbox }
  const source =
    resource === 'territories'
      ? await territoryRecords(db.kysely, user, alignment, format)
      : { header: exportColumns[resource], batches: rowRecords(db, resource, format, selection) }
  const filters: Record<string, unknown> = { ...filter, ...(bbox ? { bbox } : {}) }
  if (resource === 'territories') filters.alignment = alignment
  const auditId = await insertAuditStart(db.kysely, {
    userId: user.id,
    userEmail: user.email,
    resource,
    format,
    filters,
    via,
  })
  const counted = { rows: 0 }
  const chunks = format === 'csv' ? csvChunks(source, counted) : geojsonChunks(source, counted)
  const date = new Date().toISOString().slice(0, 10)
  return {
    body: auditedStream(chunks, async (status, error) => {
      try {
        await finishAudit(db.kysely, auditId, { status, rowCount: counted.rows, error })
      } catch (cause) {
        console.error('[exports] could not finish audit_log row', auditId, cause)
      }
    }),
    contentType: mediaTypes[format],
    fileName: `meridian-${resource}-${date}.${format}`,
  }
}

async function* rowRecords(
  db: { kind: DbKind; kysely: Q },
  resource: RowResource,
  format: RowFormat,
  selection: ExportSelection,
): AsyncGenerator<string[]> {
  const batches =
    db.kind === 'postgres'
      ? exportBatchesByCursor(db.kysely, resource, format, selection, cursorBatch)
      : exportBatchesByKeyset(db.kysely, resource, format, selection, keysetBatch)
  for await (const batch of batches) yield batch.map((row) => row.line)
}

type Counter = { rows: number }

async function* csvChunks(source: RecordSource, counted: Counter): AsyncGenerator<string> {
  yield csvLine(source.header)
  for await (const batch of source.batches) {
    if (batch.length === 0) continue
    counted.rows += batch.length
    yield `${batch.join('\r\n')}\r\n`
  }
}

async function* geojsonChunks(source: RecordSource, counted: Counter): AsyncGenerator<string> {
  yield '{"type":"FeatureCollection","features":[\n'
  for await (const batch of source.batches) {
    if (batch.length === 0) continue
    const joined = batch.join(',\n')
    yield counted.rows === 0 ? joined : `,\n${joined}`
    counted.rows += batch.length
  }
  yield '\n]}\n'
}

/** Pulls chunks as the consumer reads; reports how it ended exactly once. */
function auditedStream(
  chunks: AsyncGenerator<string>,
  onEnd: (status: 'completed' | 'failed' | 'aborted', error?: string) => Promise<void>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let ended = false
  const end = async (status: 'completed' | 'failed' | 'aborted', error?: string) => {
    if (ended) return
    ended = true
    await onEnd(status, error)
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next()
          if (ended) return // the client cancelled while this batch was being read
          if (next.done) {
            await end('completed')
            controller.close()
          } else {
            controller.enqueue(encoder.encode(next.value))
          }
        } catch (error) {
          console.error('[exports] export failed', error)
          await end('failed', error instanceof Error ? error.message.slice(0, 500) : 'unknown error')
          controller.error(new Error('export failed'))
        }
      },
      async cancel() {
        await end('aborted')
        await chunks.return(undefined)
      },
    },
    { highWaterMark: 1 },
  )
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`)

/**
 * Territories of the active alignment or of a draft (a few hundred at most, so formatted here with
 * lib/csv-write.ts). Planners (managers, admins) export any alignment; a rep only the active territories
 * assigned to them.
 */
async function territoryRecords(
  db: Q,
  user: CurrentUser,
  alignment: string,
  format: ExportFormat,
): Promise<RecordSource> {
  const planner = user.role === 'admin' || user.role === 'manager'
  let id: number
  if (alignment === 'active') {
    const active = await findActiveAlignment(db)
    if (!active) throw new AppError(404, 'alignment_not_found', 'There is no active territory alignment yet.')
    id = active.id
  } else {
    if (!planner) throw new AppError(403, 'forbidden', 'Only managers and admins export territory drafts.')
    id = Number(alignment)
  }
  const collection = await alignmentGeojson(db, id).catch((error: unknown) => {
    if (error instanceof AppError && error.status === 404) throw notFound('draft')
    throw error
  })
  const features = collection.features.filter((f) => planner || f.properties.repId === user.id)
  const rows = features.map((f) => {
    const row: Record<string, CsvValue> = { id: f.id }
    for (const [key, value] of Object.entries(f.properties)) {
      row[snakeCase(key)] = Array.isArray(value) ? value.join(' ') : (value as CsvValue)
    }
    return row
  })
  const header = Object.keys(rows[0] ?? { id: null, name: null })
  const records =
    format === 'csv'
      ? rows.map((row) => csvLine(header.map((name) => row[name])).slice(0, -2))
      : features.map((f) => JSON.stringify(f))
  async function* once() {
    if (records.length > 0) yield records
  }
  return { header, batches: once() }
}
