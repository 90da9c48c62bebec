import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, unlink } from 'node:fs/promises'
import path from 'node:path'
import type { Kysely } from 'kysely'
import type { CurrentUser } from '../context.ts'
import type { Db } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'
import { rootDir } from '../env.ts'
import { AppError, notFound } from '../errors.ts'
import { type ExternalGeocoder, externalGeocoderFromEnv } from '../geocoding/external.ts'
import { type OfflineGeocoder, offlineGeocoder } from '../geocoding/offline.ts'
import { csvLine } from '../lib/csv-write.ts'
import { customerH3Cells } from '../lib/h3.ts'
import { ByteScanError, ByteScanner, sampleBytes } from './byte-scan.ts'
import { CsvError, CsvParser, type CsvRecord, detectDelimiter, looksLikeFormula, looksLikeHeader } from './csv-parse.ts'
import { createDecoder, type ImportEncoding } from './encoding.ts'
import {
  type ImportEntity,
  type ImportMode,
  type MatchRule,
  matchRulesFor,
  suggestEntity,
  suggestMapping,
  targetFields,
} from './fields.ts'
import {
  type ActiveUnits,
  activeAlignmentUnits,
  type CustomerMatch,
  type CustomerWriteRow,
  claimStaleUploads,
  countiesAt,
  customersByExternalId,
  ensureGeodataStatistics,
  findJob,
  type ImportJob,
  insertCustomers,
  insertJob,
  insertRowErrors,
  type JobProgress,
  lockImportWrites,
  markRollupsStale,
  matchChildren,
  matchCustomers,
  queueJob,
  rebuildCustomerRollups,
  recordOwnerChanges,
  rollupsStale,
  setBulkLoad,
  updateCustomers,
  updateJobProgress,
  upsertContacts,
  upsertInteractions,
  upsertOrders,
  usersByEmail,
} from './queries.ts'
import { type CustomerRow, isRowError, type PreparedRow, prepareRow, type RowError } from './rows.ts'

/** Uploaded files live here until their import is done (MERIDIAN_IMPORT_DIR, default .data/imports). */
export function importDir(): string {
  return path.resolve(rootDir, process.env.MERIDIAN_IMPORT_DIR || '.data/imports')
}
export const maxImportBytes = Number(process.env.MERIDIAN_IMPORT_MAX_BYTES || 1024 * 1024 * 1024)
export const maxLineBytes = 1024 * 1024
/**
 * Rows per batch (one transaction each). PGlite runs SQL on the server's only thread, so its batches are smaller:
 * the server keeps answering (progress, pages) between them.
 */
export function importBatchSize(kind: Db['kind']): number {
  return kind === 'pglite' ? 1000 : 5000
}
/** From this many rows a customer import defers the roll-up triggers and rebuilds them once at the end. */
const bulkThreshold = Number(process.env.MERIDIAN_IMPORT_BULK_ROWS || 20_000)
const previewRows = 20

function assertMayImport(user: CurrentUser): void {
  if (user.role === 'marketer') throw new AppError(403, 'forbidden', 'Marketers cannot import data.')
}

/** Reps see and run their own imports; admins and managers see everyone's. */
export function jobOwnerScope(user: CurrentUser): number | null {
  return user.role === 'admin' || user.role === 'manager' ? null : user.id
}

// ---------------------------------------------------------------------------------------------- upload

/**
 * Streams the request body to a file (never the whole file in memory), checking it on the way: binary content,
 * line length, UTF-8 validity and size. A bad file is deleted and answered with a 4xx before it is ever parsed.
 */
export async function receiveUpload(
  db: Kysely<Database>,
  user: CurrentUser,
  fileName: string,
  body: ReadableStream<Uint8Array> | null,
) {
  assertMayImport(user)
  if (!body) throw new AppError(400, 'empty_file', 'The request has no file in its body.')
  const dir = importDir()
  await mkdir(dir, { recursive: true })
  const filePath = path.join(dir, `${randomUUID()}.csv`)
  const out = createWriteStream(filePath)
  const writeError = new Promise<never>((_, reject) => out.once('error', reject))
  writeError.catch(() => {})
  const hash = createHash('sha256')
  const scanner = new ByteScanner(maxLineBytes)
  const reader = body.getReader()
  let bytes = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      bytes += value.length
      if (bytes > maxImportBytes) {
        throw new AppError(
          413,
          'file_too_large',
          `Import files are limited to ${Math.round(maxImportBytes / 1048576)} MiB.`,
        )
      }
      try {
        scanner.push(value)
      } catch (error) {
        if (error instanceof ByteScanError) throw new AppError(400, error.code, error.message)
        throw error
      }
      hash.update(value)
      if (!out.write(value))
        await Promise.race([new Promise<void>((resolve) => out.once('drain', () => resolve())), writeError])
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  } catch (error) {
    await reader.cancel().catch(() => {})
    out.destroy()
    await unlink(filePath).catch(() => {})
    throw error
  }
  const scan = scanner.finish()
  // Uploads never started are not kept forever.
  for (const stale of await claimStaleUploads(db)) await unlink(stale).catch(() => {})
  try {
    if (scan.bytes === 0) throw new AppError(400, 'empty_file', 'The file is empty.')
    const analysis = analyseSample(scan.sample, scan.encoding, scan.bytes <= sampleBytes)
    const id = await insertJob(db, {
      userId: user.id,
      fileName,
      filePath,
      bytes: scan.bytes,
      sha256: hash.digest('hex'),
      encoding: scan.encoding,
      delimiter: analysis.delimiter,
      hasHeader: analysis.hasHeader,
      columns: analysis.columns,
      totalRows: Math.max(0, scan.records - (analysis.hasHeader ? 1 : 0)),
    })
    const job = await findJob(db, id, null)
    if (!job) throw notFound('import')
    return { job, preview: await buildPreview(db, job, analysis.records) }
  } catch (error) {
    await unlink(filePath).catch(() => {})
    throw error
  }
}

type Analysis = { delimiter: string; hasHeader: boolean; columns: string[]; records: CsvRecord[] }

function analyseSample(sample: Uint8Array, encoding: ImportEncoding, complete: boolean): Analysis {
  const text = createDecoder(encoding).decode(sample)
  // Without the file's end, the last line of the sample may be cut: keep complete records only.
  const usable = complete ? text : text.slice(0, Math.max(text.lastIndexOf('\n'), 0))
  const delimiter = detectDelimiter(usable)
  let records: CsvRecord[]
  try {
    const parser = new CsvParser(delimiter)
    records = complete ? [...parser.push(usable), ...parser.end()] : parser.push(`${usable}\n`)
  } catch (error) {
    if (error instanceof CsvError) throw new AppError(400, error.code, error.message)
    throw error
  }
  const first = records[0]
  if (!first) throw new AppError(400, 'empty_file', 'The file holds no rows.')
  const width = Math.max(...records.slice(0, 50).map((r) => r.fields.length))
  if (width < 2) {
    throw new AppError(
      400,
      'not_csv',
      'This does not look like a CSV file: no delimiter (comma, semicolon, tab or |) separates its fields.',
    )
  }
  const hasHeader = looksLikeHeader(first.fields)
  const columns = hasHeader
    ? first.fields.map((name, i) => name.trim() || `Column ${i + 1}`)
    : Array.from({ length: width }, (_, i) => `Column ${i + 1}`)
  return { delimiter, hasHeader, columns, records: records.slice(hasHeader ? 1 : 0) }
}

export type Suggestion = { entity: ImportEntity; mapping: Record<string, string>; matchBy: MatchRule }

function suggest(columns: string[]): Suggestion {
  const entity = suggestEntity(columns)
  const mapping = suggestMapping(entity, columns)
  const matchBy: MatchRule = mapping.externalId
    ? 'external_id'
    : mapping.email && entity !== 'interactions' && entity !== 'orders'
      ? 'email'
      : entity === 'customers'
        ? 'name_zip'
        : 'external_id'
  return { entity, mapping, matchBy }
}

export type PreviewProblem = { line: number | null; field: string | null; code: string; message: string }

/** First rows, the suggested mapping, and what would go wrong with it: what the mapping step shows. */
async function buildPreview(db: Kysely<Database>, job: ImportJob, records: CsvRecord[]) {
  const suggestion = suggest(job.columns)
  const problems: PreviewProblem[] = []
  if (Object.keys(suggestion.mapping).length === 0) {
    problems.push({
      line: null,
      field: null,
      code: 'header_maps_nothing',
      message: job.hasHeader
        ? 'No column name matches a field Meridian knows; map the columns by hand.'
        : 'The first row looks like data, not column names; map the columns by hand.',
    })
  }
  const geocoder = await offlineGeocoder(db)
  const ctx = {
    entity: suggestion.entity,
    matchBy: suggestion.matchBy,
    columns: columnIndexes(job.columns, suggestion.mapping),
    geocoder,
  }
  const rows = records.slice(0, previewRows)
  for (const record of rows) {
    if (record.fields.length !== job.columns.length) {
      problems.push({
        line: record.line,
        field: null,
        code: 'column_count',
        message: `has ${record.fields.length} fields, the header has ${job.columns.length}`,
      })
    }
    const formula = record.fields.find((value) => looksLikeFormula(value))
    if (formula !== undefined) {
      problems.push({
        line: record.line,
        field: null,
        code: 'formula_like',
        message: `"${formula.slice(0, 40)}" looks like a spreadsheet formula; it is stored as text and neutralised on export`,
      })
    }
    if (Object.keys(suggestion.mapping).length === 0) continue
    const prepared = prepareRow(record.line, record.fields, ctx)
    if (isRowError(prepared)) problems.push(prepared)
  }
  return {
    rows: rows.map((r) => ({ line: r.line, values: r.fields })),
    problems,
    suggestion,
    encodingNote:
      job.encoding === 'utf-8'
        ? 'Read as UTF-8.'
        : 'Not valid UTF-8: read as Windows-1252 (Latin-1), the encoding older spreadsheets save.',
  }
}

export async function previewJob(db: Kysely<Database>, job: ImportJob) {
  const handle = await open(job.filePath, 'r').catch(() => null)
  if (!handle) throw new AppError(410, 'file_gone', 'The uploaded file is no longer on the server; upload it again.')
  try {
    const buffer = new Uint8Array(sampleBytes)
    const { bytesRead } = await handle.read(buffer, 0, sampleBytes, 0)
    const analysis = analyseSample(buffer.subarray(0, bytesRead), job.encoding, bytesRead >= job.bytes)
    return buildPreview(db, job, analysis.records)
  } finally {
    await handle.close()
  }
}

function columnIndexes(columns: string[], mapping: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [field, column] of Object.entries(mapping)) {
    const index = columns.indexOf(column)
    if (index >= 0) out[field] = index
  }
  return out
}

// ---------------------------------------------------------------------------------------------- start

export type StartOptions = {
  entity: ImportEntity
  mapping: Record<string, string>
  matchBy: MatchRule
  mode: ImportMode
}

export async function startImport(db: Db, user: CurrentUser, id: number, options: StartOptions) {
  assertMayImport(user)
  const job = await findJob(db.kysely, id, jobOwnerScope(user))
  if (!job) throw notFound('import')
  if (job.userId !== user.id)
    throw new AppError(403, 'forbidden', 'Only the user who uploaded a file can start its import.')
  const known = new Set(targetFields[options.entity].map((f) => f.key))
  const mapping: Record<string, string> = {}
  for (const [field, column] of Object.entries(options.mapping)) {
    if (!known.has(field)) throw new AppError(400, 'unknown_field', `"${field}" is not a field of ${options.entity}.`)
    if (!job.columns.includes(column)) throw new AppError(400, 'unknown_column', `The file has no column "${column}".`)
    mapping[field] = column
  }
  if (Object.keys(mapping).length === 0)
    throw new AppError(400, 'mapping_empty', 'The mapping maps no column to a field; nothing would be imported.')
  const missing = targetFields[options.entity].filter((f) => f.required && !mapping[f.key])
  if (missing.length > 0)
    throw new AppError(400, 'mapping_incomplete', `Map a column to: ${missing.map((f) => f.label).join(', ')}.`)
  if (!matchRulesFor[options.entity].includes(options.matchBy))
    throw new AppError(400, 'match_rule_unavailable', `${options.entity} cannot be matched by ${options.matchBy}.`)
  const matchField = options.matchBy === 'external_id' ? 'externalId' : options.matchBy === 'email' ? 'email' : 'zip'
  if (!mapping[matchField] || (options.matchBy === 'name_zip' && !mapping.name))
    throw new AppError(
      400,
      'mapping_incomplete',
      `Matching by ${options.matchBy.replace('_', ' ')} needs that column mapped.`,
    )
  if (job.status !== 'uploaded')
    throw new AppError(
      409,
      'import_already_started',
      'This file has already been imported; upload it again to re-run it.',
    )
  if (!(await queueJob(db.kysely, id, { ...options, mapping })))
    throw new AppError(
      409,
      'import_already_started',
      'This file has already been imported; upload it again to re-run it.',
    )
  const queued = await findJob(db.kysely, id, null)
  if (!queued) throw notFound('import')
  // The job row is the state: this process works it, any instance can report it.
  void runImport(db, user, queued).catch((error) => console.error('[imports] job', id, 'failed:', error))
  return queued
}

// ---------------------------------------------------------------------------------------------- run

type Counters = Omit<JobProgress, 'status' | 'committedLine' | 'message' | 'finished' | 'started'>

type RunContext = {
  db: Db
  user: CurrentUser
  job: ImportJob & { entity: ImportEntity; matchBy: MatchRule; mode: ImportMode; mapping: Record<string, string> }
  geocoder: OfflineGeocoder
  external: ExternalGeocoder | null
  users: Map<string, { id: number; role: string }>
  territories: ActiveUnits | null
  bulk: boolean
  mapped: Set<string>
  countyByZip: Map<string, { countyFips: string | null; stateCode: string | null }>
  h3ByZip: Map<string, CustomerWriteRow['h3']>
}

type BatchResult = {
  inserted: number
  updated: number
  unchanged: number
  errors: RowError[]
  geocoded: Record<string, number>
}

class AllOrNothingRollback extends Error {}

/** County per ZIP centroid, kept per database for the life of the process (static geodata). */
const countyCaches = new WeakMap<
  Kysely<Database>,
  Map<string, { countyFips: string | null; stateCode: string | null }>
>()
function countyCacheFor(db: Kysely<Database>) {
  let cache = countyCaches.get(db)
  if (!cache) {
    cache = new Map()
    countyCaches.set(db, cache)
  }
  return cache
}

function rawLine(fields: string[]): string {
  return csvLine(fields).replace(/\r\n$/, '')
}

export async function runImport(db: Db, user: CurrentUser, queued: ImportJob): Promise<void> {
  const { entity, matchBy, mode, mapping } = queued
  if (!entity || !matchBy || !mode || !mapping) throw new Error('runImport: job has no options')
  const job = { ...queued, entity, matchBy, mode, mapping }
  const counters: Counters = {
    processedRows: 0,
    insertedRows: 0,
    updatedRows: 0,
    unchangedRows: 0,
    rejectedRows: 0,
    geocoded: {},
  }
  try {
    const geocoder = await offlineGeocoder(db.kysely)
    if (geocoder.size === 0 && entity === 'customers')
      throw new AppError(500, 'geodata_missing', 'The ZIP table is empty.')
    await ensureGeodataStatistics(db.kysely)
    if (await rollupsStale(db.kysely)) {
      // An earlier bulk import was cut off before it rebuilt the map roll-ups.
      await rebuildCustomerRollups(db.kysely)
      await markRollupsStale(db.kysely, false)
    }
    const ctx: RunContext = {
      db,
      user,
      job,
      geocoder,
      external: entity === 'customers' ? externalGeocoderFromEnv(db.kysely) : null,
      users: await usersByEmail(db.kysely),
      territories: entity === 'customers' && user.role !== 'rep' ? await activeAlignmentUnits(db.kysely) : null,
      bulk: entity === 'customers' && job.totalRows >= bulkThreshold,
      mapped: new Set(Object.keys(mapping)),
      countyByZip: countyCacheFor(db.kysely),
      h3ByZip: new Map(),
    }
    await updateJobProgress(db.kysely, job.id, {
      ...counters,
      status: mode === 'all_or_nothing' ? 'validating' : 'running',
      started: true,
    })
    if (mode === 'row_by_row') await runRowByRow(ctx, counters)
    else await runAllOrNothing(ctx, counters)
  } catch (error) {
    const message =
      error instanceof AppError || error instanceof CsvError
        ? error.message
        : 'The import stopped on an unexpected error; rows committed before it stay imported. The error has been logged.'
    if (!(error instanceof AppError || error instanceof CsvError)) console.error('[imports] job', job.id, error)
    await updateJobProgress(db.kysely, job.id, { ...counters, status: 'failed', message, finished: true }).catch(
      () => {},
    )
  } finally {
    // The rows are in the database and the rejected ones in import_row_error: the upload has served its purpose.
    await unlink(job.filePath).catch(() => {})
  }
}

/** Records of the file after the header, in batches, streamed: memory stays bounded by one batch. */
async function* readBatches(
  job: ImportJob,
  batchSize: number,
): AsyncGenerator<{ rows: PreparedInput[]; lastLine: number }> {
  const decoder = createDecoder(job.encoding)
  const parser = new CsvParser(job.delimiter)
  let skipHeader = job.hasHeader
  let batch: PreparedInput[] = []
  let lastLine = 0
  const take = function* (records: CsvRecord[]) {
    for (const record of records) {
      if (skipHeader) {
        skipHeader = false
        continue
      }
      batch.push(record)
      lastLine = record.line
      if (batch.length >= batchSize) {
        yield { rows: batch, lastLine }
        batch = []
      }
    }
  }
  for await (const chunk of createReadStream(job.filePath, { highWaterMark: 256 * 1024 })) {
    yield* take(parser.push(decoder.decode(chunk as Buffer, { stream: true })))
  }
  yield* take([...parser.push(decoder.decode()), ...parser.end()])
  if (batch.length > 0) yield { rows: batch, lastLine }
}

type PreparedInput = CsvRecord

function prepareBatch(ctx: RunContext, records: CsvRecord[]) {
  const columns = columnIndexes(ctx.job.columns, ctx.job.mapping)
  const prepareCtx = { entity: ctx.job.entity, matchBy: ctx.job.matchBy, columns, geocoder: ctx.geocoder }
  const good: PreparedRow[] = []
  const errors: (RowError & { raw: string })[] = []
  const raws = new Map<number, string>()
  for (const record of records) {
    const prepared = prepareRow(record.line, record.fields, prepareCtx)
    if (isRowError(prepared)) errors.push({ ...prepared, raw: rawLine(record.fields) })
    else {
      good.push(prepared)
      raws.set(record.line, rawLine(record.fields))
    }
  }
  return { good, errors, raws }
}

/** Splits rows so no two rows with the same match key land in one statement (the later row wins, as in a file). */
function* splitByKey(rows: PreparedRow[]): Generator<PreparedRow[]> {
  let part: PreparedRow[] = []
  let keys = new Set<string>()
  for (const row of rows) {
    if (row.key !== '' && keys.has(row.key)) {
      yield part
      part = []
      keys = new Set()
    }
    part.push(row)
    if (row.key !== '') keys.add(row.key)
  }
  if (part.length > 0) yield part
}

function addCounts(counters: Counters, result: BatchResult, rejectedBefore: number): void {
  counters.insertedRows += result.inserted
  counters.updatedRows += result.updated
  counters.unchangedRows += result.unchanged
  counters.rejectedRows += rejectedBefore + result.errors.length
  for (const [precision, n] of Object.entries(result.geocoded))
    counters.geocoded[precision] = (counters.geocoded[precision] ?? 0) + n
}

async function applyRows(ctx: RunContext, trx: Kysely<Database>, rows: PreparedRow[]): Promise<BatchResult> {
  const total: BatchResult = { inserted: 0, updated: 0, unchanged: 0, errors: [], geocoded: {} }
  for (const part of splitByKey(rows)) {
    const result =
      ctx.job.entity === 'customers'
        ? await applyCustomers(ctx, trx, part as CustomerRow[])
        : await applyChildren(ctx, trx, part)
    total.inserted += result.inserted
    total.updated += result.updated
    total.unchanged += result.unchanged
    total.errors.push(...result.errors)
    for (const [k, n] of Object.entries(result.geocoded)) total.geocoded[k] = (total.geocoded[k] ?? 0) + n
  }
  return total
}

async function runRowByRow(ctx: RunContext, counters: Counters): Promise<void> {
  const { db, job } = ctx
  let usedBulk = false
  const batches = readBatches(job, importBatchSize(db.kind))
  const prepareNext = async () => {
    const next = await batches.next()
    if (next.done) return null
    const prepared = prepareBatch(ctx, next.value.rows)
    await resolveExternal(ctx, prepared.good)
    return { batch: next.value, ...prepared }
  }
  let current = await prepareNext()
  while (current) {
    const { batch, good, errors, raws } = current
    // The next batch is read and validated while the database writes this one.
    const upcoming = prepareNext()
    upcoming.catch(() => {})
    try {
      await db.kysely.transaction().execute(async (trx) => {
        if (ctx.bulk) await setBulkLoad(trx, true)
        const result = await applyRows(ctx, trx, good)
        const rejected = [...errors, ...result.errors.map((e) => ({ ...e, raw: raws.get(e.line) ?? '' }))]
        await insertRowErrors(trx, job.id, rejected)
        if (ctx.bulk && !usedBulk && result.inserted + result.updated > 0) await markRollupsStale(trx, true)
        const next = { ...counters, geocoded: { ...counters.geocoded } }
        addCounts(next, result, errors.length)
        next.processedRows += batch.rows.length
        // Progress and rows commit together: after a crash, committed_line says exactly what is in.
        await updateJobProgress(trx, job.id, { ...next, committedLine: batch.lastLine })
        Object.assign(counters, next)
      })
      // Roll-ups need a rebuild only when a bulk batch wrote something (a re-import of the same file writes nothing).
      if (ctx.bulk && counters.insertedRows + counters.updatedRows > 0) usedBulk = true
    } catch (error) {
      if (error instanceof AppError) throw error
      // A database error in a batch (e.g. a concurrent edit took an external id): retry row by row.
      console.warn('[imports] batch failed, retrying row by row:', (error as Error).message)
      await applyOneByOne(ctx, counters, good, errors, raws, batch)
    }
    current = await upcoming
    // PGlite's SQL runs on this thread: give waiting requests (progress, pages) a turn between batches.
    if (db.kind === 'pglite') await new Promise((resolve) => setTimeout(resolve, 25))
  }
  if (usedBulk) {
    await updateJobProgress(db.kysely, job.id, { ...counters, message: 'Rebuilding map roll-ups…' })
    await rebuildCustomerRollups(db.kysely)
    await markRollupsStale(db.kysely, false)
  }
  await updateJobProgress(db.kysely, job.id, {
    ...counters,
    status: 'done',
    message: summary(counters),
    finished: true,
  })
}

async function applyOneByOne(
  ctx: RunContext,
  counters: Counters,
  good: PreparedRow[],
  errors: (RowError & { raw: string })[],
  raws: Map<number, string>,
  batch: { rows: CsvRecord[]; lastLine: number },
): Promise<void> {
  const { db, job } = ctx
  const rejected = [...errors]
  const result: BatchResult = { inserted: 0, updated: 0, unchanged: 0, errors: [], geocoded: {} }
  for (const row of good) {
    try {
      // One row at a time keeps the roll-up triggers on, so nothing needs a rebuild afterwards.
      const one = await db.kysely.transaction().execute((trx) => applyRows(ctx, trx, [row]))
      result.inserted += one.inserted
      result.updated += one.updated
      result.unchanged += one.unchanged
      result.errors.push(...one.errors)
      for (const [k, n] of Object.entries(one.geocoded)) result.geocoded[k] = (result.geocoded[k] ?? 0) + n
    } catch (error) {
      const code = (error as { code?: unknown }).code
      result.errors.push({
        line: row.line,
        field: null,
        code: 'rejected_by_database',
        message: code === '23505' ? 'another record already has this unique value' : 'the database refused this row',
      })
    }
  }
  rejected.push(...result.errors.map((e) => ({ ...e, raw: raws.get(e.line) ?? '' })))
  await db.kysely.transaction().execute(async (trx) => {
    await insertRowErrors(trx, job.id, rejected)
    const next = { ...counters, geocoded: { ...counters.geocoded } }
    addCounts(next, result, errors.length)
    next.processedRows += batch.rows.length
    await updateJobProgress(trx, job.id, { ...next, committedLine: batch.lastLine })
    Object.assign(counters, next)
  })
}

/**
 * All or nothing: every batch inside one transaction; any rejected row rolls everything back and the job
 * reports the rows to fix. Progress shows from outside the transaction where the backend has a second
 * connection (PostgreSQL); PGlite has one connection, so there it appears when the transaction ends.
 */
async function runAllOrNothing(ctx: RunContext, counters: Counters): Promise<void> {
  const { db, job } = ctx
  const maxKeptErrors = 10_000
  const kept: (RowError & { raw: string })[] = []
  try {
    await db.kysely.transaction().execute(async (trx) => {
      if (ctx.bulk) await setBulkLoad(trx, true)
      let lastLine = 0
      for await (const batch of readBatches(job, importBatchSize(db.kind))) {
        const { good, errors, raws } = prepareBatch(ctx, batch.rows)
        await resolveExternal(ctx, good, trx)
        const result = await applyRows(ctx, trx, good)
        const rejected = [...errors, ...result.errors.map((e) => ({ ...e, raw: raws.get(e.line) ?? '' }))]
        for (const error of rejected) if (kept.length < maxKeptErrors) kept.push(error)
        addCounts(counters, result, errors.length)
        counters.processedRows += batch.rows.length
        lastLine = batch.lastLine
        if (db.kind === 'postgres') await updateJobProgress(db.kysely, job.id, counters)
      }
      if (counters.rejectedRows > 0) throw new AllOrNothingRollback()
      if (ctx.bulk && counters.insertedRows + counters.updatedRows > 0) await rebuildCustomerRollups(trx)
      await updateJobProgress(trx, job.id, {
        ...counters,
        committedLine: lastLine,
        status: 'done',
        message: summary(counters),
        finished: true,
      })
    })
  } catch (error) {
    if (!(error instanceof AllOrNothingRollback)) throw error
    await insertRowErrors(db.kysely, job.id, kept)
    const rejected = counters.rejectedRows
    await updateJobProgress(db.kysely, job.id, {
      processedRows: counters.processedRows,
      insertedRows: 0,
      updatedRows: 0,
      unchangedRows: 0,
      rejectedRows: rejected,
      geocoded: {},
      status: 'failed',
      message: `${rejected} row${rejected === 1 ? '' : 's'} rejected, so nothing was imported (all or nothing). Fix them and upload the file again.`,
      finished: true,
    })
  }
}

function summary(c: Counters): string {
  return `${c.insertedRows} new, ${c.updatedRows} updated, ${c.unchangedRows} unchanged, ${c.rejectedRows} rejected.`
}

/** With GEOCODER_URL, rows with a street address (and no coordinates) are placed by the external geocoder. */
async function resolveExternal(ctx: RunContext, rows: PreparedRow[], executor?: Kysely<Database>): Promise<void> {
  if (!ctx.external) return
  for (const row of rows) {
    if (row.kind !== 'customers' || !row.address || row.location?.precision === 'rooftop') continue
    const query = [row.address, row.city, row.state, row.zip].filter(Boolean).join(', ')
    const hit = await ctx.external.lookup(query, executor)
    if (hit) row.location = { lng: hit.lng, lat: hit.lat, precision: 'rooftop' }
  }
}

// ---------------------------------------------------------------------------------------------- customers

async function applyCustomers(ctx: RunContext, trx: Kysely<Database>, rows: CustomerRow[]): Promise<BatchResult> {
  const { user, job } = ctx
  const errors: RowError[] = []
  const reject = (row: CustomerRow, field: string | null, code: string, message: string) =>
    errors.push({ line: row.line, field, code, message })
  await lockImportWrites(trx)
  const matches = new Map(
    (
      await matchCustomers(
        trx,
        job.matchBy,
        rows.map((r) => r.key).filter((k) => k !== ''),
      )
    ).map((m) => [m.key, m]),
  )
  const accepted: (CustomerRow & { match: CustomerMatch | null; owner: Exclude<OwnerDecision, { error: string }> })[] =
    []
  for (const row of rows) {
    const match = row.key !== '' ? matches.get(row.key) : undefined
    if (match && match.n > 1) {
      reject(
        row,
        null,
        'ambiguous_match',
        `${match.n} customers match this row's ${job.matchBy.replace('_', ' ')}; use external ids`,
      )
      continue
    }
    if (match && user.role === 'rep' && match.ownerId !== user.id) {
      reject(
        row,
        null,
        'not_your_customer',
        'this matches a customer you may not edit: reps import only their own customers',
      )
      continue
    }
    if (!match && !row.location) {
      reject(row, 'zip', 'location_missing', 'a new customer needs a ZIP, a city and state, or coordinates')
      continue
    }
    const owner = decideOwner(ctx, row, match ?? null)
    if ('error' in owner) {
      reject(row, 'ownerEmail', owner.code, owner.error)
      continue
    }
    accepted.push({ ...row, match: match ?? null, owner })
  }
  // Counties: one lookup per ZIP for the whole import, one per row with its own coordinates.
  const needCounty: { i: number; lng: number; lat: number }[] = []
  accepted.forEach((row, i) => {
    if (!row.location) return
    if (row.location.precision === 'zip' && row.zip && ctx.countyByZip.has(row.zip)) return
    needCounty.push({ i, lng: row.location.lng, lat: row.location.lat })
  })
  const counties = await countiesAt(trx, needCounty)
  const countyOf = new Map<number, { countyFips: string | null; stateCode: string | null }>()
  needCounty.forEach((point, k) => {
    const found = counties[k] ?? { countyFips: null, stateCode: null }
    countyOf.set(point.i, found)
    const row = accepted[point.i]
    if (row?.location?.precision === 'zip' && row.zip) ctx.countyByZip.set(row.zip, found)
  })
  const writes: CustomerWriteRow[] = []
  const territoryOf = new Map<number, { name: string; repId: number | null }>()
  accepted.forEach((row, i) => {
    const county = row.location
      ? (countyOf.get(i) ??
        (row.zip ? ctx.countyByZip.get(row.zip) : undefined) ?? { countyFips: null, stateCode: null })
      : null
    let h3: CustomerWriteRow['h3'] = null
    if (row.location) {
      const cacheable = row.location.precision === 'zip' && row.zip
      h3 = cacheable ? (ctx.h3ByZip.get(row.zip as string) ?? null) : null
      if (!h3) {
        h3 = customerH3Cells(row.location.lng, row.location.lat)
        if (cacheable) ctx.h3ByZip.set(row.zip as string, h3)
      }
    }
    let ownerId = row.owner.ownerId
    let setOwner = row.owner.setOwner
    if (row.owner.followTerritory && row.location && h3 && ctx.territories) {
      const moved =
        !row.match ||
        row.owner.movedFrom === null ||
        row.owner.movedFrom.lng !== row.location.lng ||
        row.owner.movedFrom.lat !== row.location.lat
      if (moved) {
        const territory = territoryFor(ctx.territories, county?.countyFips ?? null, h3)
        if (territory) {
          ownerId = territory.repId
          setOwner = true
          territoryOf.set(writes.length, territory)
        }
      }
    }
    writes.push({
      ...row,
      id: row.match?.id ?? null,
      state: row.location ? (row.state ?? county?.stateCode ?? null) : row.state,
      countyFips: county?.countyFips ?? null,
      h3,
      ownerId: setOwner ? ownerId : (row.match?.ownerId ?? ownerId),
      setOwner,
    })
  })
  const inserts = writes.filter((w) => w.id === null)
  const updates = writes.filter((w) => w.id !== null)
  const inserted = await insertCustomers(trx, inserts)
  const changed = await updateCustomers(trx, updates, ctx.mapped)
  const alignmentId = ctx.territories?.alignmentId ?? null
  const history: Parameters<typeof recordOwnerChanges>[1] = []
  inserted.forEach((row, k) => {
    const write = inserts[k]
    const territory = write ? territoryOf.get(writes.indexOf(write)) : undefined
    history.push({
      customerId: row.id,
      ownerId: write?.ownerId ?? null,
      alignmentId: territory ? alignmentId : null,
      territoryName: territory?.name ?? null,
      reason: territory ? 'new customer in territory' : 'imported',
    })
  })
  for (const change of changed) {
    if (change.oldOwner === change.newOwner) continue
    history.push({
      customerId: change.id,
      ownerId: change.newOwner,
      alignmentId: null,
      territoryName: null,
      reason: 'owner changed by import',
    })
  }
  await recordOwnerChanges(trx, history, user.id)
  const geocoded: Record<string, number> = {}
  const changedIds = new Set(changed.map((c) => c.id))
  for (const write of writes) {
    if (!write.location || (write.id !== null && !changedIds.has(write.id))) continue
    geocoded[write.location.precision] = (geocoded[write.location.precision] ?? 0) + 1
  }
  return {
    inserted: inserted.length,
    updated: changed.length,
    unchanged: updates.length - changed.length,
    errors,
    geocoded,
  }
}

type OwnerDecision =
  | {
      ownerId: number | null
      setOwner: boolean
      followTerritory: boolean
      movedFrom: { lng: number; lat: number } | null
    }
  | { error: string; code: string }

/** The customer write rules of the API: owners are reps; a rep's customers stay theirs; planners' rows follow territories. */
function decideOwner(
  ctx: RunContext,
  row: CustomerRow,
  match: { id: number; ownerId: number | null; lng?: number; lat?: number } | null,
): OwnerDecision {
  const { user } = ctx
  const movedFrom =
    match && match.lng !== undefined && match.lat !== undefined ? { lng: match.lng, lat: match.lat } : null
  if (user.role === 'rep') {
    if (row.ownerEmail && row.ownerEmail !== user.email.toLowerCase())
      return { error: 'reps can only import customers they own themselves', code: 'not_your_customer' }
    return { ownerId: user.id, setOwner: !match, followTerritory: false, movedFrom }
  }
  if (row.ownerEmail) {
    const owner = ctx.users.get(row.ownerEmail)
    if (!owner || owner.role !== 'rep')
      return { error: `owner "${row.ownerEmail}" is not a rep in Meridian`, code: 'not_a_rep' }
    return { ownerId: owner.id, setOwner: true, followTerritory: false, movedFrom }
  }
  return { ownerId: null, setOwner: !match, followTerritory: true, movedFrom }
}

function territoryFor(units: ActiveUnits, countyFips: string | null, h3: NonNullable<CustomerWriteRow['h3']>) {
  let unitId = countyFips
  if (units.unitKind === 'h3') {
    const decimal = units.h3Res === 3 ? h3.h3R3 : units.h3Res === 5 ? h3.h3R5 : h3.h3R7
    unitId = BigInt(decimal).toString(16)
  }
  return unitId ? units.units.get(unitId) : undefined
}

// ---------------------------------------------------------------------------------------------- children

async function applyChildren(ctx: RunContext, trx: Kysely<Database>, rows: PreparedRow[]): Promise<BatchResult> {
  const { user, job } = ctx
  const entity = job.entity as Exclude<ImportEntity, 'customers'>
  const errors: RowError[] = []
  const customers = await customersByExternalId(
    trx,
    rows.map((r) => (r.kind === 'customers' ? '' : r.customerExternalId)),
  )
  const matches = await matchChildren(
    trx,
    entity,
    job.matchBy,
    rows.map((r) => r.key).filter((k) => k !== ''),
  )
  const ready: (PreparedRow & { customerId: number; id: number | null })[] = []
  for (const row of rows) {
    if (row.kind === 'customers') continue
    const customer = customers.get(row.customerExternalId)
    if (!customer || (user.role === 'rep' && customer.ownerId !== user.id)) {
      errors.push({
        line: row.line,
        field: 'customerExternalId',
        code: 'customer_not_found',
        message: `no customer with external id "${row.customerExternalId}" among the customers you may edit`,
      })
      continue
    }
    const match = row.key !== '' ? matches.get(row.key) : undefined
    if (match && match.n > 1) {
      errors.push({
        line: row.line,
        field: null,
        code: 'ambiguous_match',
        message: `${match.n} ${entity} match this row`,
      })
      continue
    }
    ready.push({ ...row, customerId: customer.id, id: match?.id ?? null })
  }
  const matched = ready.filter((r) => r.id !== null).length
  let result = { inserted: 0, updated: 0 }
  if (ready.length > 0) {
    if (entity === 'contacts')
      result = await upsertContacts(
        trx,
        ready.filter((r) => r.kind === 'contacts'),
      )
    else if (entity === 'interactions')
      result = await upsertInteractions(
        trx,
        ready.filter((r) => r.kind === 'interactions'),
        user.id,
      )
    else
      result = await upsertOrders(
        trx,
        ready.filter((r) => r.kind === 'orders'),
      )
  }
  return {
    inserted: result.inserted,
    updated: result.updated,
    unchanged: matched - result.updated,
    errors,
    geocoded: {},
  }
}
