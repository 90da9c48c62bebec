import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { CustomerScope } from '../context.ts'
import { customerConditions } from '../customers/queries.ts'
import type { CustomerFilter } from '../customers/schema.ts'
import type { Database } from '../db/schema.ts'
import type { Bbox } from '../lib/zod-helpers.ts'

type Q = Kysely<Database>

export type RowResource = 'customers' | 'contacts' | 'interactions'
export type RowFormat = 'csv' | 'geojson'

/** One exported record, formatted by PostgreSQL: a CSV line (no line end) or a GeoJSON Feature. */
export type FormattedRow = { key: number; line: string }

/** `code`: text a CHECK constraint limits to lower_snake words, so it never needs quoting or neutralising. */
type ColumnKind = 'text' | 'code' | 'number' | 'bool' | 'time'
type Column = { name: string; value: RawBuilder<unknown>; kind: ColumnKind; csvOnly?: boolean }

const text = (name: string, value: RawBuilder<unknown>): Column => ({ name, value, kind: 'text' })
const code = (name: string, value: RawBuilder<unknown>): Column => ({ name, value, kind: 'code' })
const num = (name: string, value: RawBuilder<unknown>): Column => ({ name, value, kind: 'number' })
const bool = (name: string, value: RawBuilder<unknown>): Column => ({ name, value, kind: 'bool' })
const time = (name: string, value: RawBuilder<unknown>): Column => ({ name, value, kind: 'time' })
const lngLat: Column[] = [
  { name: 'lng', value: sql`ST_X(c.geom)`, kind: 'number', csvOnly: true },
  { name: 'lat', value: sql`ST_Y(c.geom)`, kind: 'number', csvOnly: true },
]

/**
 * Columns of each export, in order (CSV header; GeoJSON properties, where the customer's point is the geometry).
 * Names are snake_case like the database, so an export can be imported again column for column.
 */
const exportColumnDefs: Record<RowResource, Column[]> = {
  customers: [
    num('id', sql`c.id`),
    text('external_id', sql`c.external_id`),
    text('name', sql`c.name`),
    text('industry', sql`c.industry`),
    code('segment', sql`c.segment`),
    code('status', sql`c.status`),
    text('address', sql`c.address`),
    text('zip', sql`c.zip`),
    text('city', sql`c.city`),
    text('state', sql`c.state`),
    text('county_fips', sql`c.county_fips`),
    ...lngLat,
    num('owner_id', sql`c.owner_id`),
    text('owner_email', sql`u.email`),
    num('revenue_12m_cents', sql`c.revenue_12m_cents`),
    time('last_contact_at', sql`c.last_contact_at`),
    bool('consent_email', sql`c.consent_email`),
    time('consent_email_at', sql`c.consent_email_at`),
    text('consent_email_source', sql`c.consent_email_source`),
    bool('consent_phone', sql`c.consent_phone`),
    time('consent_phone_at', sql`c.consent_phone_at`),
    text('consent_phone_source', sql`c.consent_phone_source`),
    bool('consent_mail', sql`c.consent_mail`),
    time('consent_mail_at', sql`c.consent_mail_at`),
    text('consent_mail_source', sql`c.consent_mail_source`),
    time('created_at', sql`c.created_at`),
    time('updated_at', sql`c.updated_at`),
  ],
  contacts: [
    num('id', sql`ct.id`),
    num('customer_id', sql`ct.customer_id`),
    text('customer_external_id', sql`c.external_id`),
    text('customer_name', sql`c.name`),
    text('first_name', sql`ct.first_name`),
    text('last_name', sql`ct.last_name`),
    text('title', sql`ct.title`),
    text('email', sql`ct.email`),
    text('phone', sql`ct.phone`),
    ...lngLat,
    time('created_at', sql`ct.created_at`),
    time('updated_at', sql`ct.updated_at`),
  ],
  interactions: [
    num('id', sql`i.id`),
    num('customer_id', sql`i.customer_id`),
    text('customer_external_id', sql`c.external_id`),
    text('customer_name', sql`c.name`),
    num('contact_id', sql`i.contact_id`),
    text('user_email', sql`u.email`),
    code('channel', sql`i.channel`),
    code('direction', sql`i.direction`),
    time('occurred_at', sql`i.occurred_at`),
    text('subject', sql`i.subject`),
    text('notes', sql`i.notes`),
    text('outcome', sql`i.outcome`),
    ...lngLat,
    time('created_at', sql`i.created_at`),
  ],
}

/** The CSV header of each export. */
export const exportColumns: Record<RowResource, readonly string[]> = {
  customers: exportColumnDefs.customers.map((c) => c.name),
  contacts: exportColumnDefs.contacts.map((c) => c.name),
  interactions: exportColumnDefs.interactions.map((c) => c.name),
}

/**
 * One CSV field in SQL, the same rule as lib/csv-write.ts `csvField` (a test compares the two on the same
 * strings): text whose first character after any single quotes is = + - @ tab or CR gets a leading quote, then a
 * field holding " , CR or LF is quoted with doubled quotes; numbers and booleans as PostgreSQL prints them;
 * timestamps as ISO 8601 UTC (`2026-11-23T19:05:00.123456Z`); NULL as an empty field.
 * PostgreSQL formats the whole line so that a million rows cost Node one string each, not thirty parsed values.
 */
function csvFieldSql(column: Column): RawBuilder<unknown> {
  const v = column.value
  switch (column.kind) {
    case 'code':
    case 'number':
    case 'bool':
      return sql`coalesce((${v})::text, '')`
    case 'time':
      // Cheaper than to_char by a factor of five; microseconds are kept (trailing zeros dropped).
      return sql`coalesce(replace(((${v}) AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z', '')`
    case 'text': {
      const neutralised = sql`(CASE WHEN left(ltrim(${v}, ''''), 1) IN ('=', '+', '-', '@', chr(9), chr(13))
        THEN '''' || ${v} ELSE ${v} END)`
      return sql`coalesce(CASE WHEN strpos(${v}, '"') > 0 OR strpos(${v}, ',') > 0 OR strpos(${v}, chr(10)) > 0
        OR strpos(${v}, chr(13)) > 0 THEN '"' || replace(${neutralised}, '"', '""') || '"' ELSE ${neutralised} END, '')`
    }
  }
}

/**
 * The CSV line of a row. Most rows have no text that needs quoting or neutralising, so one regular expression over
 * the row's text fields (joined by the unit separator, so each field's start is visible) decides: such rows take
 * the plain concatenation, the rest the per-field rule. Four times cheaper for PostgreSQL on typical rows.
 */
function csvLineSql(columns: Column[]): RawBuilder<unknown> {
  const texts = columns.filter((c) => c.kind === 'text').map((c) => c.value)
  const plain = columns.map((c) => (c.kind === 'text' ? sql`coalesce(${c.value}, '')` : csvFieldSql(c)))
  const needsCare = sql`concat_ws(chr(31), ${sql.join(texts)}) ~ ${careNeeded}`
  return sql`CASE WHEN ${needsCare} THEN concat_ws(',', ${sql.join(columns.map(csvFieldSql))})
    ELSE concat_ws(',', ${sql.join(plain)}) END`
}

// A field holding " , LF or CR, or one starting (after single quotes) with = + - @ tab or CR; \x1f separates fields.
const careNeeded = '[",\n\r]|(^|\x1f)\'*[-=+@\t]'

/**
 * A GeoJSON Feature as text: the customer's point (coordinates as PostgreSQL prints float8: the shortest text that
 * reads back to the same number), the columns as properties (JSON numbers, booleans, strings).
 */
function featureSql(columns: Column[], key: RawBuilder<unknown>): RawBuilder<unknown> {
  const properties = columns.filter((c) => !c.csvOnly).map((c) => sql`${sql.lit(c.name)}::text, ${c.value}`)
  return sql`json_build_object('type', 'Feature', 'id', ${key}, 'geometry',
    json_build_object('type', 'Point', 'coordinates', json_build_array(ST_X(c.geom), ST_Y(c.geom))),
    'properties', json_build_object(${sql.join(properties)}))::text`
}

export type ExportSelection = { scope: CustomerScope; filter: CustomerFilter; bbox?: Bbox | undefined }

function where(selection: ExportSelection): RawBuilder<unknown> {
  const { bbox } = selection
  const inBbox = bbox ? sql`AND c.geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)` : sql``
  return sql`${customerConditions(selection.scope, selection.filter)} ${inBbox}`
}

const sources: Record<RowResource, { key: RawBuilder<unknown>; from: RawBuilder<unknown> }> = {
  customers: { key: sql`c.id`, from: sql`customer c LEFT JOIN app_user u ON u.id = c.owner_id` },
  contacts: { key: sql`ct.id`, from: sql`contact ct JOIN customer c ON c.id = ct.customer_id` },
  interactions: {
    key: sql`i.id`,
    from: sql`interaction i JOIN customer c ON c.id = i.customer_id LEFT JOIN app_user u ON u.id = i.user_id`,
  },
}

/**
 * The export query of a resource in key order, each row formatted as `line`. With `page` it is one keyset page
 * (`key > after LIMIT n`, PGlite); without, the whole ordered result for a server-side cursor (PostgreSQL).
 */
export function exportQuery(
  resource: RowResource,
  format: RowFormat,
  selection: ExportSelection,
  page?: { after: number; limit: number },
): RawBuilder<FormattedRow> {
  const { key, from } = sources[resource]
  const columns = exportColumnDefs[resource]
  const line = format === 'csv' ? csvLineSql(columns) : featureSql(columns, key)
  const keyset = page ? sql`AND ${key} > ${page.after} ORDER BY ${key} LIMIT ${page.limit}` : sql`ORDER BY ${key}`
  return sql<FormattedRow>`
    SELECT ${key} AS key, ${line} AS line
    FROM ${from}
    WHERE ${where(selection)} ${keyset}`
}

/** Rows in batches by keyset pages: short queries, so PGlite's single connection stays free between batches. */
export async function* exportBatchesByKeyset(
  db: Q,
  resource: RowResource,
  format: RowFormat,
  selection: ExportSelection,
  batchSize: number,
): AsyncGenerator<FormattedRow[]> {
  let after = 0
  for (;;) {
    const { rows } = await exportQuery(resource, format, selection, { after, limit: batchSize }).execute(db)
    if (rows.length === 0) return
    yield rows
    const last = rows[rows.length - 1]?.key
    if (typeof last !== 'number' || rows.length < batchSize) return
    after = last
  }
}

/**
 * Rows in batches from a server-side cursor in one read-only REPEATABLE READ transaction (PostgreSQL): one
 * consistent snapshot, one query plan, and the server never holds more than a batch in our memory.
 * Stopping early (client gone) rolls the transaction back and frees the connection.
 */
export async function* exportBatchesByCursor(
  db: Q,
  resource: RowResource,
  format: RowFormat,
  selection: ExportSelection,
  batchSize: number,
): AsyncGenerator<FormattedRow[]> {
  const trx = await db.startTransaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute()
  try {
    await sql`DECLARE meridian_export NO SCROLL CURSOR FOR ${exportQuery(resource, format, selection)}`.execute(trx)
    for (;;) {
      const { rows } = await sql<FormattedRow>`FETCH FORWARD ${sql.lit(batchSize)} FROM meridian_export`.execute(trx)
      if (rows.length === 0) return
      yield rows
      if (rows.length < batchSize) return
    }
  } finally {
    await trx.rollback().execute()
  }
}

export type AuditEntry = {
  id: number
  userId: number | null
  userEmail: string
  action: 'export'
  resource: string
  format: string | null
  filters: Record<string, unknown>
  status: 'started' | 'completed' | 'failed' | 'aborted'
  rowCount: number | null
  error: string | null
  via: 'session' | 'token'
  startedAt: Date
  finishedAt: Date | null
}

export async function insertAuditStart(
  db: Q,
  entry: {
    userId: number
    userEmail: string
    resource: string
    format: string
    filters: Record<string, unknown>
    via: 'session' | 'token'
  },
): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    INSERT INTO audit_log (user_id, user_email, action, resource, format, filters, via)
    VALUES (${entry.userId}, ${entry.userEmail}, 'export', ${entry.resource}, ${entry.format},
            ${JSON.stringify(entry.filters)}::jsonb, ${entry.via})
    RETURNING id`.execute(db)
  const id = rows[0]?.id
  if (id === undefined) throw new Error('insert audit_log returned no row')
  return id
}

export async function finishAudit(
  db: Q,
  id: number,
  outcome: { status: 'completed' | 'failed' | 'aborted'; rowCount: number; error?: string },
): Promise<void> {
  await sql`
    UPDATE audit_log SET status = ${outcome.status}, row_count = ${outcome.rowCount}, error = ${outcome.error ?? null},
      finished_at = now()
    WHERE id = ${id}`.execute(db)
}

/** Newest first, keyset paged by id. */
export async function listAuditLog(
  db: Q,
  query: { limit: number; cursor?: number | undefined; action?: 'export' | undefined },
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const { rows } = await sql<AuditEntry>`
    SELECT id, user_id AS "userId", user_email AS "userEmail", action, resource, format, filters, status,
      row_count AS "rowCount", error, via, started_at AS "startedAt", finished_at AS "finishedAt"
    FROM audit_log
    WHERE true ${query.cursor !== undefined ? sql`AND id < ${query.cursor}` : sql``}
      ${query.action ? sql`AND action = ${query.action}` : sql``}
    ORDER BY id DESC
    LIMIT ${query.limit + 1}`.execute(db)
  const items = rows.slice(0, query.limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > query.limit && last ? String(last.id) : null }
}
