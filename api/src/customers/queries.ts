import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { CustomerScope } from '../context.ts'
import type { Database } from '../db/schema.ts'
import type { Bbox } from '../lib/zod-helpers.ts'
import type { CustomerFilter } from './schema.ts'

type Q = Kysely<Database>

export type CustomerSummary = {
  id: number
  externalId: string | null
  name: string
  industry: string
  segment: 'enterprise' | 'mid_market' | 'smb'
  status: 'prospect' | 'active' | 'churned'
  city: string | null
  state: string | null
  zip: string | null
  lng: number
  lat: number
  ownerId: number | null
  ownerName: string | null
  revenue12mCents: number
  lastContactAt: Date | null
  /** rooftop (given coordinates), zip (ZIP centroid), city (city centroid) or none. */
  geocodePrecision: 'rooftop' | 'zip' | 'city' | 'none'
}

type Consent = { granted: boolean; at: Date | null; source: string | null }
export type CustomerDetail = CustomerSummary & {
  address: string | null
  countyFips: string | null
  consent: { email: Consent; phone: Consent; mail: Consent }
  createdAt: Date
  updatedAt: Date
}

const summaryColumns = sql`
  c.id, c.external_id AS "externalId", c.name, c.industry, c.segment, c.status, c.city, c.state, c.zip,
  ST_X(c.geom) AS lng, ST_Y(c.geom) AS lat, c.owner_id AS "ownerId", u.name AS "ownerName",
  c.revenue_12m_cents AS "revenue12mCents", c.last_contact_at AS "lastContactAt",
  c.geocode_precision AS "geocodePrecision"`

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`)
}

/** WHERE conditions for the access scope and the user's filters; always at least `true`. */
export function customerConditions(scope: CustomerScope, filter: CustomerFilter, alias = 'c'): RawBuilder<unknown> {
  const col = (name: string) => sql.ref(`${alias}.${name}`)
  const conditions: RawBuilder<unknown>[] = [sql`true`]
  if (scope.ownerId !== null) conditions.push(sql`${col('owner_id')} = ${scope.ownerId}`)
  if (filter.status) conditions.push(sql`${col('status')} = ${filter.status}`)
  if (filter.segment) conditions.push(sql`${col('segment')} = ${filter.segment}`)
  if (filter.industry) conditions.push(sql`${col('industry')} = ${filter.industry}`)
  if (filter.owner !== undefined) conditions.push(sql`${col('owner_id')} = ${filter.owner}`)
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q)}%`
    conditions.push(
      sql`(${col('name')} ILIKE ${pattern} OR ${col('external_id')} ILIKE ${pattern} OR ${col('city')} ILIKE ${pattern})`,
    )
  }
  return sql.join(conditions, sql` AND `)
}

export async function listCustomers(
  db: Q,
  scope: CustomerScope,
  query: CustomerFilter & { bbox?: Bbox; limit: number; cursor?: number },
): Promise<{ items: CustomerSummary[]; nextCursor: string | null }> {
  const bbox = query.bbox
    ? sql`AND c.geom && ST_MakeEnvelope(${query.bbox[0]}, ${query.bbox[1]}, ${query.bbox[2]}, ${query.bbox[3]}, 4326)`
    : sql``
  const after = query.cursor !== undefined ? sql`AND c.id > ${query.cursor}` : sql``
  const { rows } = await sql<CustomerSummary>`
    SELECT ${summaryColumns}
    FROM customer c LEFT JOIN app_user u ON u.id = c.owner_id
    WHERE ${customerConditions(scope, query)} ${bbox} ${after}
    ORDER BY c.id
    LIMIT ${query.limit + 1}`.execute(db)
  const items = rows.slice(0, query.limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > query.limit && last ? String(last.id) : null }
}

export async function findCustomer(db: Q, scope: CustomerScope, id: number): Promise<CustomerDetail | undefined> {
  const { rows } = await sql<CustomerDetail>`
    SELECT ${summaryColumns}, c.address, c.county_fips AS "countyFips",
      json_build_object(
        'email', json_build_object('granted', c.consent_email, 'at', c.consent_email_at, 'source', c.consent_email_source),
        'phone', json_build_object('granted', c.consent_phone, 'at', c.consent_phone_at, 'source', c.consent_phone_source),
        'mail', json_build_object('granted', c.consent_mail, 'at', c.consent_mail_at, 'source', c.consent_mail_source)
      ) AS consent,
      c.created_at AS "createdAt", c.updated_at AS "updatedAt"
    FROM customer c LEFT JOIN app_user u ON u.id = c.owner_id
    WHERE c.id = ${id} AND ${customerConditions(scope, {})}`.execute(db)
  return rows[0]
}

export async function listContactsOfCustomer(db: Q, customerId: number) {
  return db
    .selectFrom('contact')
    .select(['id', 'first_name as firstName', 'last_name as lastName', 'title', 'email', 'phone'])
    .where('customer_id', '=', customerId)
    .orderBy('last_name')
    .orderBy('id')
    .execute()
}

export async function nearbyCustomers(
  db: Q,
  scope: CustomerScope,
  query: CustomerFilter & { lng: number; lat: number; radiusKm: number; limit: number },
): Promise<(CustomerSummary & { distanceKm: number })[]> {
  // KNN on the geography index gives true (spheroid) distance order without scanning the radius.
  const point = sql`ST_SetSRID(ST_Point(${query.lng}, ${query.lat}), 4326)::geography`
  // The inner ORDER BY is the bare KNN operator so the index returns rows in distance order and stops at the limit.
  const { rows } = await sql<CustomerSummary & { distanceKm: number }>`
    SELECT * FROM (
      SELECT ${summaryColumns}, round((ST_Distance(c.geom::geography, ${point}) / 1000)::numeric, 3) AS "distanceKm"
      FROM customer c LEFT JOIN app_user u ON u.id = c.owner_id
      WHERE ${customerConditions(scope, query)}
        AND ST_DWithin(c.geom::geography, ${point}, ${query.radiusKm * 1000})
      ORDER BY c.geom::geography <-> ${point}
      LIMIT ${query.limit}) nearest
    ORDER BY "distanceKm", id`.execute(db)
  return rows
}

export async function customerFacets(db: Q, scope: CustomerScope) {
  const industries = await sql<{ industry: string }>`
    SELECT DISTINCT industry FROM customer c WHERE ${customerConditions(scope, {})} ORDER BY industry`.execute(db)
  const owners = await sql<{ id: number; name: string }>`
    SELECT id, name FROM app_user WHERE role = 'rep' ${scope.ownerId !== null ? sql`AND id = ${scope.ownerId}` : sql``}
    ORDER BY name`.execute(db)
  return { industries: industries.rows.map((r) => r.industry), owners: owners.rows }
}

export type Location = {
  lng: number
  lat: number
  method: 'coordinates' | 'zip' | 'city_state'
  zip: string | null
  city: string | null
  state: string | null
  countyFips: string | null
}

/** Offline geocoding from our ZIP centroid table: by ZIP, else by the ZIPs of a city + state. */
export async function geocodeAddress(
  db: Q,
  input: { zip?: string | null; city?: string | null; state?: string | null },
): Promise<Omit<Location, 'countyFips'> | null> {
  if (input.zip) {
    const { rows } = await sql<{ lng: number; lat: number; city: string; state: string }>`
      SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat, city, state_code AS state FROM zip_code WHERE zip = ${input.zip}`.execute(
      db,
    )
    const row = rows[0]
    if (row)
      return { ...row, method: 'zip', zip: input.zip, city: input.city ?? row.city, state: input.state ?? row.state }
  }
  if (input.city && input.state) {
    const { rows } = await sql<{ lng: number | null; lat: number | null; zip: string | null }>`
      SELECT avg(ST_X(geom)) AS lng, avg(ST_Y(geom)) AS lat, min(zip) AS zip
      FROM zip_code WHERE lower(city) = lower(${input.city}) AND state_code = ${input.state}`.execute(db)
    const row = rows[0]
    if (row && row.lng !== null && row.lat !== null) {
      return {
        lng: row.lng,
        lat: row.lat,
        method: 'city_state',
        zip: input.zip ?? null,
        city: input.city,
        state: input.state,
      }
    }
  }
  return null
}

export async function countyAt(
  db: Q,
  lng: number,
  lat: number,
): Promise<{ countyFips: string; stateCode: string | null } | undefined> {
  const { rows } = await sql<{ countyFips: string; stateCode: string | null }>`
    SELECT id AS "countyFips", state_code AS "stateCode" FROM region
    WHERE level = 'county' AND ST_Intersects(geom, ST_SetSRID(ST_Point(${lng}, ${lat}), 4326))
    LIMIT 1`.execute(db)
  return rows[0]
}

export type CustomerWrite = {
  externalId?: string | null
  name?: string
  industry?: string
  segment?: string
  status?: string
  address?: string | null
  zip?: string | null
  city?: string | null
  state?: string | null
  countyFips?: string | null
  lng?: number
  lat?: number
  h3?: { h3R3: string; h3R5: string; h3R7: string; h3R9: string }
  geocodePrecision?: 'rooftop' | 'zip' | 'city' | 'none'
  ownerId?: number | null
  consent?: Partial<Record<'email' | 'phone' | 'mail', { granted: boolean; at: string | null; source: string | null }>>
}

/** Column assignments for the fields present in `write`; geometry and H3 cells change together. */
function customerAssignments(write: CustomerWrite): [string, RawBuilder<unknown>][] {
  const out: [string, RawBuilder<unknown>][] = []
  const plain: [keyof CustomerWrite, string][] = [
    ['externalId', 'external_id'],
    ['name', 'name'],
    ['industry', 'industry'],
    ['segment', 'segment'],
    ['status', 'status'],
    ['address', 'address'],
    ['zip', 'zip'],
    ['city', 'city'],
    ['state', 'state'],
    ['countyFips', 'county_fips'],
    ['ownerId', 'owner_id'],
    ['geocodePrecision', 'geocode_precision'],
  ]
  for (const [key, column] of plain) {
    if (write[key] !== undefined) out.push([column, sql`${write[key]}`])
  }
  if (write.lng !== undefined && write.lat !== undefined && write.h3) {
    out.push(['geom', sql`ST_SetSRID(ST_Point(${write.lng}, ${write.lat}), 4326)`])
    out.push(['h3_r3', sql`${write.h3.h3R3}::bigint`], ['h3_r5', sql`${write.h3.h3R5}::bigint`])
    out.push(['h3_r7', sql`${write.h3.h3R7}::bigint`], ['h3_r9', sql`${write.h3.h3R9}::bigint`])
  }
  for (const channel of ['email', 'phone', 'mail'] as const) {
    const consent = write.consent?.[channel]
    if (!consent) continue
    out.push([`consent_${channel}`, sql`${consent.granted}`])
    out.push([`consent_${channel}_at`, sql`${consent.at}::timestamptz`])
    out.push([`consent_${channel}_source`, sql`${consent.source}`])
  }
  return out
}

export async function insertCustomer(db: Q, write: CustomerWrite): Promise<number> {
  const assignments = customerAssignments(write)
  const { rows } = await sql<{ id: number }>`
    INSERT INTO customer (${sql.join(assignments.map(([column]) => sql.ref(column)))})
    VALUES (${sql.join(assignments.map(([, value]) => value))})
    RETURNING id`.execute(db)
  const id = rows[0]?.id
  if (id === undefined) throw new Error('insert returned no id')
  return id
}

export async function updateCustomer(db: Q, id: number, write: CustomerWrite): Promise<void> {
  const assignments = customerAssignments(write)
  await sql`
    UPDATE customer SET ${sql.join(assignments.map(([column, value]) => sql`${sql.ref(column)} = ${value}`))}, updated_at = now()
    WHERE id = ${id}`.execute(db)
}
