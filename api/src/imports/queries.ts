import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { ImportEntity, ImportMode, MatchRule } from './fields.ts'
import type { ContactRow, CustomerRow, InteractionRow, OrderRow, RowError } from './rows.ts'

type Q = Kysely<Database>

export type ImportStatus = 'uploaded' | 'queued' | 'validating' | 'running' | 'done' | 'failed' | 'interrupted'

export type ImportJob = {
  id: number
  userId: number
  fileName: string
  filePath: string
  bytes: number
  sha256: string
  encoding: 'utf-8' | 'windows-1252'
  delimiter: string
  hasHeader: boolean
  columns: string[]
  totalRows: number
  status: ImportStatus
  entity: ImportEntity | null
  mapping: Record<string, string> | null
  matchBy: MatchRule | null
  mode: ImportMode | null
  committedLine: number
  processedRows: number
  insertedRows: number
  updatedRows: number
  unchangedRows: number
  rejectedRows: number
  geocoded: Record<string, number>
  message: string | null
  startedAt: Date | null
  finishedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

/** A running job whose row has not moved for this long was cut off (crash, kill -9, redeploy). */
export const staleAfterSeconds = 120

const jobColumns = sql`
  j.id, j.user_id AS "userId", j.file_name AS "fileName", j.file_path AS "filePath", j.file_bytes AS bytes,
  j.file_sha256 AS sha256, j.encoding, j.delimiter, j.has_header AS "hasHeader", j.columns, j.total_rows AS "totalRows",
  CASE WHEN j.status IN ('queued', 'validating', 'running') AND j.updated_at < now() - make_interval(secs => ${staleAfterSeconds})
       THEN 'interrupted' ELSE j.status END AS status,
  j.entity, j.mapping, j.match_by AS "matchBy", j.mode, j.committed_line AS "committedLine",
  j.processed_rows AS "processedRows", j.inserted_rows AS "insertedRows", j.updated_rows AS "updatedRows",
  j.unchanged_rows AS "unchangedRows", j.rejected_rows AS "rejectedRows", j.geocoded, j.message,
  j.started_at AS "startedAt", j.finished_at AS "finishedAt", j.created_at AS "createdAt", j.updated_at AS "updatedAt"`

export async function insertJob(
  db: Q,
  job: {
    userId: number
    fileName: string
    filePath: string
    bytes: number
    sha256: string
    encoding: string
    delimiter: string
    hasHeader: boolean
    columns: string[]
    totalRows: number
  },
): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    INSERT INTO import_job (user_id, file_name, file_path, file_bytes, file_sha256, encoding, delimiter, has_header,
                            columns, total_rows, status)
    VALUES (${job.userId}, ${job.fileName}, ${job.filePath}, ${job.bytes}, ${job.sha256}, ${job.encoding},
            ${job.delimiter}, ${job.hasHeader}, ${JSON.stringify(job.columns)}::jsonb, ${job.totalRows}, 'uploaded')
    RETURNING id`.execute(db)
  const id = rows[0]?.id
  if (id === undefined) throw new Error('insert import_job returned no id')
  return id
}

/** `userId` null = any user's job (admins and managers); reps see their own jobs only. */
export async function findJob(db: Q, id: number, userId: number | null): Promise<ImportJob | undefined> {
  const { rows } = await sql<ImportJob>`
    SELECT ${jobColumns} FROM import_job j
    WHERE j.id = ${id} ${userId !== null ? sql`AND j.user_id = ${userId}` : sql``}`.execute(db)
  return rows[0]
}

export async function listJobs(db: Q, userId: number | null, limit: number) {
  const { rows } = await sql<ImportJob & { userName: string }>`
    SELECT ${jobColumns}, u.name AS "userName" FROM import_job j JOIN app_user u ON u.id = j.user_id
    WHERE ${userId !== null ? sql`j.user_id = ${userId}` : sql`true`}
    ORDER BY j.id DESC LIMIT ${limit}`.execute(db)
  return rows
}

/** Moves an uploaded (or finished, for a re-run) job to queued with its options; false when it is running. */
export async function queueJob(
  db: Q,
  id: number,
  options: { entity: ImportEntity; mapping: Record<string, string>; matchBy: MatchRule; mode: ImportMode },
): Promise<boolean> {
  const { rows } = await sql<{ id: number }>`
    UPDATE import_job SET status = 'queued', entity = ${options.entity}, mapping = ${JSON.stringify(options.mapping)}::jsonb,
      match_by = ${options.matchBy}, mode = ${options.mode}, message = NULL, updated_at = now()
    WHERE id = ${id} AND status = 'uploaded'
    RETURNING id`.execute(db)
  return rows.length === 1
}

export type JobProgress = {
  status?: ImportStatus
  committedLine?: number
  processedRows: number
  insertedRows: number
  updatedRows: number
  unchangedRows: number
  rejectedRows: number
  geocoded: Record<string, number>
  message?: string | null
  finished?: boolean
  started?: boolean
}

export async function updateJobProgress(db: Q, id: number, p: JobProgress): Promise<void> {
  await sql`
    UPDATE import_job SET
      status = coalesce(${p.status ?? null}, status),
      committed_line = coalesce(${p.committedLine ?? null}::int, committed_line),
      processed_rows = ${p.processedRows}, inserted_rows = ${p.insertedRows}, updated_rows = ${p.updatedRows},
      unchanged_rows = ${p.unchangedRows}, rejected_rows = ${p.rejectedRows},
      geocoded = ${JSON.stringify(p.geocoded)}::jsonb,
      message = ${p.message === undefined ? sql`message` : sql`${p.message}`},
      started_at = ${p.started ? sql`now()` : sql`started_at`},
      finished_at = ${p.finished ? sql`now()` : sql`finished_at`},
      updated_at = now()
    WHERE id = ${id}`.execute(db)
}

/** Files of uploads nobody started within a day; the caller deletes them (the job rows stay as history). */
export async function claimStaleUploads(db: Q): Promise<string[]> {
  const { rows } = await sql<{ filePath: string }>`
    UPDATE import_job SET status = 'failed', message = 'Never started; the uploaded file was removed after a day.',
      finished_at = now(), updated_at = now()
    WHERE status = 'uploaded' AND created_at < now() - interval '1 day'
    RETURNING file_path AS "filePath"`.execute(db)
  return rows.map((r) => r.filePath)
}

export async function insertRowErrors(db: Q, jobId: number, errors: (RowError & { raw: string })[]): Promise<void> {
  for (let start = 0; start < errors.length; start += 5000) {
    const part = errors.slice(start, start + 5000)
    await sql`
      INSERT INTO import_row_error (job_id, line, field, code, message, raw)
      SELECT ${jobId}, * FROM unnest(${part.map((e) => e.line)}::int[], ${part.map((e) => e.field)}::text[],
        ${part.map((e) => e.code)}::text[], ${part.map((e) => e.message)}::text[], ${part.map((e) => e.raw)}::text[])
      ON CONFLICT (job_id, line) DO NOTHING`.execute(db)
  }
}

export async function listRowErrors(db: Q, jobId: number, afterLine: number, limit: number) {
  const { rows } = await sql<{ line: number; field: string | null; code: string; message: string; raw: string }>`
    SELECT line, field, code, message, raw FROM import_row_error
    WHERE job_id = ${jobId} AND line > ${afterLine} ORDER BY line LIMIT ${limit}`.execute(db)
  return rows
}

// ---------------------------------------------------------------------------------------------- lookups

export async function usersByEmail(db: Q): Promise<Map<string, { id: number; role: string }>> {
  const { rows } = await sql<{ id: number; email: string; role: string }>`SELECT id, email, role FROM app_user`.execute(
    db,
  )
  return new Map(rows.map((r) => [r.email.toLowerCase(), { id: r.id, role: r.role }]))
}

export type ActiveUnits = {
  alignmentId: number
  unitKind: 'county' | 'h3'
  h3Res: number | null
  units: Map<string, { name: string; repId: number | null }>
}

/** The active alignment's units → territory, read once per import (territory ownership of new customers). */
export async function activeAlignmentUnits(db: Q): Promise<ActiveUnits | null> {
  const { rows: active } = await sql<{ id: number; unitKind: 'county' | 'h3'; h3Res: number | null }>`
    SELECT id, unit_kind AS "unitKind", h3_res AS "h3Res" FROM alignment WHERE status = 'active'`.execute(db)
  const alignment = active[0]
  if (!alignment) return null
  const { rows } = await sql<{ unitId: string; name: string; repId: number | null }>`
    SELECT u.unit_id AS "unitId", t.name, t.rep_id AS "repId"
    FROM alignment_unit u JOIN alignment_territory t ON t.id = u.territory_id
    WHERE u.alignment_id = ${alignment.id}`.execute(db)
  return {
    alignmentId: alignment.id,
    unitKind: alignment.unitKind,
    h3Res: alignment.h3Res,
    units: new Map(rows.map((r) => [r.unitId, r])),
  }
}

/** County (and its state) of each point; one query for a batch. */
export async function countiesAt(db: Q, points: { lng: number; lat: number }[]) {
  if (points.length === 0) return []
  const { rows } = await sql<{ i: number; countyFips: string | null; stateCode: string | null }>`
    SELECT t.i, r.id AS "countyFips", r.state_code AS "stateCode"
    FROM unnest(${points.map((_, i) => i)}::int[], ${points.map((p) => p.lng)}::float8[], ${points.map((p) => p.lat)}::float8[]) AS t (i, lng, lat)
    LEFT JOIN LATERAL (
      -- The containing county, else the nearest within ~20 km: ZIP centroids on a shore can fall just outside
      -- the simplified county outlines.
      SELECT id, state_code FROM region
      WHERE level = 'county' AND ST_DWithin(geom, ST_SetSRID(ST_Point(t.lng, t.lat), 4326), 0.2)
      ORDER BY ST_Distance(geom, ST_SetSRID(ST_Point(t.lng, t.lat), 4326)) LIMIT 1) r ON true
    ORDER BY t.i`.execute(db)
  return rows
}

// ---------------------------------------------------------------------------------------------- customers

export type CustomerMatch = { key: string; id: number; ownerId: number | null; n: number; lng: number; lat: number }

/** Existing customers per match key; `n` > 1 means the key is ambiguous. */
export async function matchCustomers(db: Q, rule: MatchRule, keys: string[]): Promise<CustomerMatch[]> {
  if (keys.length === 0) return []
  const keyExpression: RawBuilder<unknown> =
    rule === 'external_id'
      ? sql`c.external_id`
      : rule === 'email'
        ? sql`lower(c.email)`
        : sql`lower(c.name) || '|' || c.zip`
  const where: RawBuilder<unknown> =
    rule === 'external_id'
      ? sql`c.external_id = ANY(${keys}::text[])`
      : rule === 'email'
        ? sql`lower(c.email) = ANY(${keys}::text[])`
        : sql`(lower(c.name), c.zip) IN (SELECT split_part(k, '|', 1), split_part(k, '|', 2) FROM unnest(${keys}::text[]) AS k)`
  const { rows } = await sql<CustomerMatch>`
    SELECT ${keyExpression} AS key, min(c.id) AS id, min(c.owner_id) AS "ownerId", count(*)::int AS n,
           min(ST_X(c.geom)) AS lng, min(ST_Y(c.geom)) AS lat
    FROM customer c WHERE ${where} GROUP BY 1`.execute(db)
  return rows
}

export type CustomerWriteRow = CustomerRow & {
  id: number | null
  ownerId: number | null
  /** Whether the owner column is written (explicit owner, a territory, or the importing rep). */
  setOwner: boolean
  countyFips: string | null
  h3: { h3R3: string; h3R5: string; h3R7: string; h3R9: string } | null
}

const arr = <T>(rows: CustomerWriteRow[], pick: (row: CustomerWriteRow) => T) => rows.map(pick)

function customerArrays(rows: CustomerWriteRow[]) {
  const loc = (row: CustomerWriteRow) => row.location
  return sql`unnest(
    ${arr(rows, (r) => r.id)}::bigint[], ${arr(rows, (r) => r.externalId)}::text[], ${arr(rows, (r) => r.name)}::text[],
    ${arr(rows, (r) => r.email)}::text[], ${arr(rows, (r) => r.industry)}::text[], ${arr(rows, (r) => r.segment)}::text[],
    ${arr(rows, (r) => r.status)}::text[], ${arr(rows, (r) => r.address)}::text[], ${arr(rows, (r) => r.zip)}::text[],
    ${arr(rows, (r) => r.city)}::text[], ${arr(rows, (r) => r.state)}::text[], ${arr(rows, (r) => r.countyFips)}::text[],
    ${arr(rows, (r) => loc(r)?.lng ?? null)}::float8[], ${arr(rows, (r) => loc(r)?.lat ?? null)}::float8[],
    ${arr(rows, (r) => loc(r)?.precision ?? null)}::text[],
    ${arr(rows, (r) => r.h3?.h3R3 ?? null)}::bigint[], ${arr(rows, (r) => r.h3?.h3R5 ?? null)}::bigint[],
    ${arr(rows, (r) => r.h3?.h3R7 ?? null)}::bigint[], ${arr(rows, (r) => r.h3?.h3R9 ?? null)}::bigint[],
    ${arr(rows, (r) => r.ownerId)}::bigint[], ${arr(rows, (r) => r.setOwner)}::boolean[]
  ) AS t (id, external_id, name, email, industry, segment, status, address, zip, city, state, county_fips,
          lng, lat, precision, h3_r3, h3_r5, h3_r7, h3_r9, owner_id, set_owner)`
}

/**
 * New customers in one statement. Unmapped required columns take the same defaults as the API
 * (industry "Unknown", segment smb, status prospect).
 */
export async function insertCustomers(db: Q, rows: CustomerWriteRow[]): Promise<{ id: number; line: number }[]> {
  if (rows.length === 0) return []
  const { rows: inserted } = await sql<{ id: number; externalId: string | null; ord: number }>`
    INSERT INTO customer (external_id, name, email, industry, segment, status, address, zip, city, state, county_fips,
                          geom, geocode_precision, h3_r3, h3_r5, h3_r7, h3_r9, owner_id)
    SELECT external_id, name, email, coalesce(industry, 'Unknown'), coalesce(segment, 'smb'), coalesce(status, 'prospect'),
           address, zip, city, state, county_fips, ST_SetSRID(ST_Point(lng, lat), 4326), precision,
           h3_r3, h3_r5, h3_r7, h3_r9, owner_id
    FROM ${customerArrays(rows)}
    RETURNING id`.execute(db)
  // INSERT … SELECT FROM unnest keeps the input order in RETURNING on both backends.
  return inserted.map((row, i) => ({ id: row.id, line: rows[i]?.line ?? 0 }))
}

/**
 * Updates matched customers where a mapped value differs; unchanged rows are not touched (no new
 * updated_at, no trigger work), which makes re-importing the same file cheap and report "0 changed".
 * Columns the mapping leaves out keep their values; required columns keep theirs when the cell is empty.
 */
export async function updateCustomers(
  db: Q,
  rows: CustomerWriteRow[],
  mapped: Set<string>,
): Promise<{ id: number; oldOwner: number | null; newOwner: number | null }[]> {
  if (rows.length === 0) return []
  const set: [string, RawBuilder<unknown>][] = []
  const keep = (field: string, column: string, value: RawBuilder<unknown>) => {
    if (mapped.has(field)) set.push([column, value])
  }
  keep('externalId', 'external_id', sql`coalesce(t.external_id, o.external_id)`)
  keep('name', 'name', sql`t.name`)
  keep('email', 'email', sql`t.email`)
  keep('industry', 'industry', sql`coalesce(t.industry, o.industry)`)
  keep('segment', 'segment', sql`coalesce(t.segment, o.segment)`)
  keep('status', 'status', sql`coalesce(t.status, o.status)`)
  keep('address', 'address', sql`t.address`)
  const located = sql`t.lng IS NOT NULL`
  set.push(['zip', sql`CASE WHEN ${located} THEN t.zip ELSE o.zip END`])
  set.push(['city', sql`CASE WHEN ${located} THEN t.city ELSE o.city END`])
  set.push(['state', sql`CASE WHEN ${located} THEN t.state ELSE o.state END`])
  set.push(['county_fips', sql`CASE WHEN ${located} THEN t.county_fips ELSE o.county_fips END`])
  set.push(['geocode_precision', sql`CASE WHEN ${located} THEN t.precision ELSE o.geocode_precision END`])
  set.push(['owner_id', sql`CASE WHEN t.set_owner THEN t.owner_id ELSE o.owner_id END`])
  const newPoint = sql`CASE WHEN ${located} THEN ST_SetSRID(ST_Point(t.lng, t.lat), 4326) ELSE o.geom END`
  const moved = sql`(${located} AND (ST_X(o.geom), ST_Y(o.geom)) IS DISTINCT FROM (t.lng, t.lat))`
  const { rows: changed } = await sql<{ id: number; oldOwner: number | null; newOwner: number | null }>`
    UPDATE customer c SET
      ${sql.join(set.map(([column, value]) => sql`${sql.ref(column)} = ${value}`))},
      geom = ${newPoint},
      h3_r3 = CASE WHEN ${located} THEN t.h3_r3 ELSE o.h3_r3 END, h3_r5 = CASE WHEN ${located} THEN t.h3_r5 ELSE o.h3_r5 END,
      h3_r7 = CASE WHEN ${located} THEN t.h3_r7 ELSE o.h3_r7 END, h3_r9 = CASE WHEN ${located} THEN t.h3_r9 ELSE o.h3_r9 END,
      updated_at = now()
    FROM ${customerArrays(rows)} JOIN customer o ON o.id = t.id
    WHERE c.id = t.id AND (
      ${moved} OR
      (${sql.join(set.map(([column]) => sql`${sql.ref(`o.${column}`)}`))}) IS DISTINCT FROM
      (${sql.join(set.map(([, value]) => value))}))
    RETURNING c.id, o.owner_id AS "oldOwner", c.owner_id AS "newOwner"`.execute(db)
  return changed
}

export async function recordOwnerChanges(
  db: Q,
  changes: {
    customerId: number
    ownerId: number | null
    alignmentId: number | null
    territoryName: string | null
    reason: string
  }[],
  changedBy: number,
): Promise<void> {
  if (changes.length === 0) return
  const ids = changes.map((c) => c.customerId)
  await sql`UPDATE customer_owner_history SET valid_to = now() WHERE customer_id = ANY(${ids}::bigint[]) AND valid_to IS NULL`.execute(
    db,
  )
  await sql`
    INSERT INTO customer_owner_history (customer_id, owner_id, alignment_id, territory_name, reason, changed_by)
    SELECT customer_id, owner_id, alignment_id, territory_name, reason, ${changedBy}
    FROM unnest(${ids}::bigint[], ${changes.map((c) => c.ownerId)}::bigint[], ${changes.map((c) => c.alignmentId)}::bigint[],
      ${changes.map((c) => c.territoryName)}::text[], ${changes.map((c) => c.reason)}::text[])
      AS t (customer_id, owner_id, alignment_id, territory_name, reason)`.execute(db)
}

/** A freshly loaded database may have no planner statistics for the geodata; without them county lookups scan. */
export async function ensureGeodataStatistics(db: Q): Promise<void> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'region'`.execute(db)
  if ((rows[0]?.n ?? 0) === 0) await sql`ANALYZE region`.execute(db)
}

/** Roll-ups after a bulk import ran with the per-row triggers off (see the roll-up migration). */
export async function rebuildCustomerRollups(db: Q): Promise<void> {
  await sql`SELECT rebuild_customer_cell_stat()`.execute(db)
  await sql`SELECT rebuild_customer_min_zoom()`.execute(db)
  await sql`ANALYZE customer`.execute(db)
}

// ---------------------------------------------------------------------------------------------- children

/** Customers named by external id, with their owner (for a rep's access check). */
export async function customersByExternalId(db: Q, externalIds: string[]) {
  if (externalIds.length === 0) return new Map<string, { id: number; ownerId: number | null }>()
  const { rows } = await sql<{ externalId: string; id: number; ownerId: number | null }>`
    SELECT external_id AS "externalId", id, owner_id AS "ownerId" FROM customer
    WHERE external_id = ANY(${[...new Set(externalIds)]}::text[])`.execute(db)
  return new Map(rows.map((r) => [r.externalId, { id: r.id, ownerId: r.ownerId }]))
}

type Resolved<T> = T & { customerId: number }

export async function matchChildren(
  db: Q,
  entity: Exclude<ImportEntity, 'customers'>,
  rule: MatchRule,
  keys: string[],
): Promise<Map<string, { id: number; n: number }>> {
  if (keys.length === 0) return new Map()
  const table =
    entity === 'contacts' ? sql`contact` : entity === 'interactions' ? sql`interaction` : sql`customer_order`
  const key = rule === 'email' ? sql`lower(x.email)` : sql`x.external_id`
  const { rows } = await sql<{ key: string; id: number; n: number }>`
    SELECT ${key} AS key, min(x.id) AS id, count(*)::int AS n FROM ${table} x
    WHERE ${key} = ANY(${keys}::text[]) GROUP BY 1`.execute(db)
  return new Map(rows.map((r) => [r.key, { id: r.id, n: r.n }]))
}

export async function upsertContacts(db: Q, rows: Resolved<ContactRow & { id: number | null }>[]) {
  const t = sql`unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.customerId)}::bigint[],
    ${rows.map((r) => r.externalId)}::text[], ${rows.map((r) => r.firstName)}::text[], ${rows.map((r) => r.lastName)}::text[],
    ${rows.map((r) => r.title)}::text[], ${rows.map((r) => r.email)}::text[], ${rows.map((r) => r.phone)}::text[])
    AS t (id, customer_id, external_id, first_name, last_name, title, email, phone)`
  const updated = await sql<{ id: number }>`
    UPDATE contact c SET customer_id = t.customer_id, external_id = coalesce(t.external_id, c.external_id),
      first_name = t.first_name, last_name = t.last_name, title = t.title, email = t.email, phone = t.phone, updated_at = now()
    FROM ${t}
    WHERE c.id = t.id AND (c.customer_id, c.external_id, c.first_name, c.last_name, c.title, c.email, c.phone)
      IS DISTINCT FROM (t.customer_id, coalesce(t.external_id, c.external_id), t.first_name, t.last_name, t.title, t.email, t.phone)
    RETURNING c.id`.execute(db)
  const inserted = await sql<{ id: number }>`
    INSERT INTO contact (customer_id, external_id, first_name, last_name, title, email, phone)
    SELECT customer_id, external_id, first_name, last_name, title, email, phone FROM ${t} WHERE t.id IS NULL
    RETURNING id`.execute(db)
  return { inserted: inserted.rows.length, updated: updated.rows.length }
}

export async function upsertInteractions(
  db: Q,
  rows: Resolved<InteractionRow & { id: number | null }>[],
  userId: number,
) {
  const t = sql`unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.customerId)}::bigint[],
    ${rows.map((r) => r.externalId)}::text[], ${rows.map((r) => r.channel)}::text[], ${rows.map((r) => r.direction)}::text[],
    ${rows.map((r) => r.occurredAt)}::timestamptz[], ${rows.map((r) => r.subject)}::text[], ${rows.map((r) => r.notes)}::text[],
    ${rows.map((r) => r.outcome)}::text[])
    AS t (id, customer_id, external_id, channel, direction, occurred_at, subject, notes, outcome)`
  const updated = await sql<{ id: number }>`
    UPDATE interaction i SET customer_id = t.customer_id, channel = t.channel, direction = t.direction,
      occurred_at = t.occurred_at, subject = t.subject, notes = t.notes, outcome = t.outcome
    FROM ${t}
    WHERE i.id = t.id AND (i.customer_id, i.channel, i.direction, i.occurred_at, i.subject, i.notes, i.outcome)
      IS DISTINCT FROM (t.customer_id, t.channel, t.direction, t.occurred_at, t.subject, t.notes, t.outcome)
    RETURNING i.id`.execute(db)
  const inserted = await sql<{ id: number }>`
    INSERT INTO interaction (customer_id, external_id, user_id, channel, direction, occurred_at, subject, notes, outcome)
    SELECT customer_id, external_id, ${userId}, channel, direction, occurred_at, subject, notes, outcome FROM ${t} WHERE t.id IS NULL
    RETURNING id`.execute(db)
  return { inserted: inserted.rows.length, updated: updated.rows.length }
}

export async function upsertOrders(db: Q, rows: Resolved<OrderRow & { id: number | null }>[]) {
  const t = sql`unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.customerId)}::bigint[],
    ${rows.map((r) => r.externalId)}::text[], ${rows.map((r) => r.orderedOn)}::date[], ${rows.map((r) => r.amountCents)}::bigint[])
    AS t (id, customer_id, external_id, ordered_on, amount_cents)`
  const updated = await sql<{ id: number }>`
    UPDATE customer_order o SET customer_id = t.customer_id, ordered_on = t.ordered_on, amount_cents = t.amount_cents
    FROM ${t}
    WHERE o.id = t.id AND (o.customer_id, o.ordered_on, o.amount_cents) IS DISTINCT FROM (t.customer_id, t.ordered_on, t.amount_cents)
    RETURNING o.id`.execute(db)
  const inserted = await sql<{ id: number }>`
    INSERT INTO customer_order (customer_id, external_id, ordered_on, amount_cents)
    SELECT customer_id, external_id, ordered_on, amount_cents FROM ${t} WHERE t.id IS NULL
    RETURNING id`.execute(db)
  return { inserted: inserted.rows.length, updated: updated.rows.length }
}

/** Serialises import batches that match by non-unique keys (e-mail, name + ZIP) so two imports never both insert. */
export async function lockImportWrites(db: Q): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(7264001)`.execute(db)
}

export async function setBulkLoad(db: Q, on: boolean): Promise<void> {
  await sql`SELECT set_config('meridian.bulk_load', ${on ? 'on' : 'off'}, true)`.execute(db)
}

export async function markRollupsStale(db: Q, stale: boolean): Promise<void> {
  if (stale) {
    await sql`INSERT INTO app_setting (key, value) VALUES ('import_rollups_stale', 'yes')
              ON CONFLICT (key) DO UPDATE SET value = excluded.value`.execute(db)
  } else {
    await sql`DELETE FROM app_setting WHERE key = 'import_rollups_stale'`.execute(db)
  }
}

export async function rollupsStale(db: Q): Promise<boolean> {
  const { rows } = await sql<{
    value: string
  }>`SELECT value FROM app_setting WHERE key = 'import_rollups_stale'`.execute(db)
  return rows.length > 0
}
