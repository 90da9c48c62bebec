import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { CustomerScope } from '../context.ts'
import { customerConditions } from '../customers/queries.ts'
import type { CustomerFilter } from '../customers/schema.ts'
import type { Database } from '../db/schema.ts'
import type { Bbox } from '../lib/zod-helpers.ts'

type Q = Kysely<Database>

export type ExportRow = Record<string, unknown>
export type RowResource = 'customers' | 'contacts' | 'interactions'

/**
 * Column order of each export (CSV header and GeoJSON properties; `lng`/`lat` become the GeoJSON geometry).
 * Names are snake_case like the database, so an export can be imported again column for column.
 */
export const exportColumns: Record<RowResource, readonly string[]> = {
  customers: [
    'id',
    'external_id',
    'name',
    'industry',
    'segment',
    'status',
    'address',
    'zip',
    'city',
    'state',
    'county_fips',
    'lng',
    'lat',
    'owner_id',
    'owner_email',
    'revenue_12m_cents',
    'last_contact_at',
    'consent_email',
    'consent_email_at',
    'consent_email_source',
    'consent_phone',
    'consent_phone_at',
    'consent_phone_source',
    'consent_mail',
    'consent_mail_at',
    'consent_mail_source',
    'created_at',
    'updated_at',
  ],
  contacts: [
    'id',
    'customer_id',
    'customer_external_id',
    'customer_name',
    'first_name',
    'last_name',
    'title',
    'email',
    'phone',
    'lng',
    'lat',
    'created_at',
    'updated_at',
  ],
  interactions: [
    'id',
    'customer_id',
    'customer_external_id',
    'customer_name',
    'contact_id',
    'user_email',
    'channel',
    'direction',
    'occurred_at',
    'subject',
    'notes',
    'outcome',
    'lng',
    'lat',
    'created_at',
  ],
}

export type ExportSelection = { scope: CustomerScope; filter: CustomerFilter; bbox?: Bbox | undefined }

function where(selection: ExportSelection): RawBuilder<unknown> {
  const { bbox } = selection
  const inBbox = bbox ? sql`AND c.geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)` : sql``
  return sql`${customerConditions(selection.scope, selection.filter)} ${inBbox}`
}

/**
 * The export query of a resource in key order. With `page` it is one keyset page (`key > after LIMIT n`, PGlite);
 * without, the whole ordered result for a server-side cursor (PostgreSQL).
 */
export function exportQuery(
  resource: RowResource,
  selection: ExportSelection,
  page?: { after: number; limit: number },
): RawBuilder<ExportRow> {
  const keyset = (key: string) =>
    page
      ? sql`AND ${sql.ref(key)} > ${page.after} ORDER BY ${sql.ref(key)} LIMIT ${page.limit}`
      : sql`ORDER BY ${sql.ref(key)}`
  switch (resource) {
    case 'customers':
      return sql<ExportRow>`
        SELECT c.id, c.external_id, c.name, c.industry, c.segment, c.status, c.address, c.zip, c.city, c.state,
          c.county_fips, ST_X(c.geom) AS lng, ST_Y(c.geom) AS lat, c.owner_id, u.email AS owner_email,
          c.revenue_12m_cents, c.last_contact_at,
          c.consent_email, c.consent_email_at, c.consent_email_source,
          c.consent_phone, c.consent_phone_at, c.consent_phone_source,
          c.consent_mail, c.consent_mail_at, c.consent_mail_source,
          c.created_at, c.updated_at
        FROM customer c LEFT JOIN app_user u ON u.id = c.owner_id
        WHERE ${where(selection)} ${keyset('c.id')}`
    case 'contacts':
      return sql<ExportRow>`
        SELECT ct.id, ct.customer_id, c.external_id AS customer_external_id, c.name AS customer_name,
          ct.first_name, ct.last_name, ct.title, ct.email, ct.phone, ST_X(c.geom) AS lng, ST_Y(c.geom) AS lat,
          ct.created_at, ct.updated_at
        FROM contact ct JOIN customer c ON c.id = ct.customer_id
        WHERE ${where(selection)} ${keyset('ct.id')}`
    case 'interactions':
      return sql<ExportRow>`
        SELECT i.id, i.customer_id, c.external_id AS customer_external_id, c.name AS customer_name, i.contact_id,
          u.email AS user_email, i.channel, i.direction, i.occurred_at, i.subject, i.notes, i.outcome,
          ST_X(c.geom) AS lng, ST_Y(c.geom) AS lat, i.created_at
        FROM interaction i JOIN customer c ON c.id = i.customer_id LEFT JOIN app_user u ON u.id = i.user_id
        WHERE ${where(selection)} ${keyset('i.id')}`
  }
}

/** Rows in batches by keyset pages: short queries, so PGlite's single connection stays free between batches. */
export async function* exportBatchesByKeyset(
  db: Q,
  resource: RowResource,
  selection: ExportSelection,
  batchSize: number,
): AsyncGenerator<ExportRow[]> {
  let after = 0
  for (;;) {
    const { rows } = await exportQuery(resource, selection, { after, limit: batchSize }).execute(db)
    if (rows.length === 0) return
    yield rows
    const last = rows[rows.length - 1]?.id
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
  selection: ExportSelection,
  batchSize: number,
): AsyncGenerator<ExportRow[]> {
  const trx = await db.startTransaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute()
  try {
    await sql`DECLARE meridian_export NO SCROLL CURSOR FOR ${exportQuery(resource, selection)}`.execute(trx)
    for (;;) {
      const { rows } = await sql<ExportRow>`FETCH FORWARD ${sql.lit(batchSize)} FROM meridian_export`.execute(trx)
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
