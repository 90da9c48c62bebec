import type { Kysely } from 'kysely'
import { type CurrentUser, customerScope } from '../context.ts'
import type { DbKind } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'
import { AppError, notFound } from '../errors.ts'
import { csvLine } from '../lib/csv-write.ts'
import { findActiveAlignment } from '../territories/queries.ts'
import { alignmentGeojson } from '../territories/service.ts'
import {
  type ExportRow,
  type ExportSelection,
  exportBatchesByCursor,
  exportBatchesByKeyset,
  exportColumns,
  finishAudit,
  insertAuditStart,
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
  const scope = customerScope(user)
  const selection: ExportSelection = { scope, filter, bbox }
  const source =
    resource === 'territories'
      ? await territoryFeatures(db.kysely, user, alignment)
      : { rows: rowBatches(db, resource, selection), columns: exportColumns[resource] }
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
  const chunks =
    format === 'csv' ? csvChunks(source.columns, source.rows, counted) : geojsonChunks(source.rows, counted)
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

function rowBatches(db: { kind: DbKind; kysely: Q }, resource: RowResource, selection: ExportSelection) {
  return db.kind === 'postgres'
    ? exportBatchesByCursor(db.kysely, resource, selection, cursorBatch)
    : exportBatchesByKeyset(db.kysely, resource, selection, keysetBatch)
}

type Counter = { rows: number }

async function* csvChunks(
  columns: readonly string[],
  batches: AsyncIterable<ExportRow[]>,
  counted: Counter,
): AsyncGenerator<string> {
  yield csvLine(columns)
  for await (const batch of batches) {
    let chunk = ''
    const values: unknown[] = new Array(columns.length)
    for (const row of batch) {
      for (let i = 0; i < columns.length; i++) values[i] = row[columns[i] as string]
      chunk += csvLine(values as Parameters<typeof csvLine>[0])
    }
    counted.rows += batch.length
    yield chunk
  }
}

/** A row as a GeoJSON Feature: `lng`/`lat` (or a `geometry` column) become the geometry, the rest properties. */
function feature(row: ExportRow): string {
  const { id, lng, lat, geometry, ...properties } = row
  const geom =
    geometry !== undefined
      ? geometry
      : typeof lng === 'number' && typeof lat === 'number'
        ? { type: 'Point', coordinates: [lng, lat] }
        : null
  return JSON.stringify({ type: 'Feature', id, geometry: geom, properties: { id, ...properties } })
}

async function* geojsonChunks(batches: AsyncIterable<ExportRow[]>, counted: Counter): AsyncGenerator<string> {
  yield '{"type":"FeatureCollection","features":[\n'
  for await (const batch of batches) {
    let chunk = ''
    for (const row of batch) {
      chunk += counted.rows === 0 ? feature(row) : `,\n${feature(row)}`
      counted.rows++
    }
    yield chunk
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
 * Territories of the active alignment or of a draft, as rows with a polygon geometry. Planners (managers,
 * admins) export any alignment; a rep exports only the active territories assigned to them.
 */
async function territoryFeatures(
  db: Q,
  user: CurrentUser,
  alignment: string,
): Promise<{ rows: AsyncIterable<ExportRow[]>; columns: readonly string[] }> {
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
  const rows: ExportRow[] = []
  for (const f of collection.features) {
    if (!planner && f.properties.repId !== user.id) continue
    const row: ExportRow = { id: f.id, geometry: f.geometry }
    for (const [key, value] of Object.entries(f.properties)) {
      row[snakeCase(key)] = Array.isArray(value) ? value.join(' ') : value
    }
    rows.push(row)
  }
  const columns = ['id', ...Object.keys(rows[0] ?? { name: null }).filter((k) => k !== 'id' && k !== 'geometry')]
  async function* once() {
    if (rows.length > 0) yield rows
  }
  return { rows: once(), columns }
}
