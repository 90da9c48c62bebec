import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { type Kysely, sql } from 'kysely'
import { hashPassword } from '../auth/password.ts'
import type { Db } from '../db/connect.ts'
import type { Database } from '../db/schema.ts'
import { geodataOutDir } from '../geodata/load.ts'
import { customerH3Cells } from '../lib/h3.ts'
import { type DemoBatch, generateDemoBatches, type PlaceInput, type RepInput, type ZipInput } from './generate.ts'
import { firstNames, repHomeBases, surnames } from './vocabulary.ts'

export type SeedOptions = {
  customers: number
  seed?: number
  reps?: number
  now?: Date
  onProgress?: (done: number, total: number) => void
}

export type DemoUser = {
  name: string
  email: string
  role: 'admin' | 'manager' | 'rep' | 'marketer'
  home?: readonly [string, number, number]
}

export function demoUsers(repCount: number): DemoUser[] {
  const users: DemoUser[] = [
    { name: 'Avery Admin', email: 'admin@meridian.test', role: 'admin' },
    { name: 'Morgan Manager', email: 'manager@meridian.test', role: 'manager', home: repHomeBases[6] },
    { name: 'Mia Marketer', email: 'marketer@meridian.test', role: 'marketer' },
  ]
  for (let i = 0; i < repCount; i++) {
    const home = repHomeBases[i % repHomeBases.length]
    users.push({
      name: `${firstNames[(i * 7) % firstNames.length]} ${surnames[(i * 11 + 3) % surnames.length]}`,
      email: `rep${i + 1}@meridian.test`,
      role: 'rep',
      home,
    })
  }
  return users
}

export async function hasCustomers(db: Db): Promise<boolean> {
  const row = await db.kysely.selectFrom('customer').select('id').limit(1).executeTakeFirst()
  return row !== undefined
}

export async function hasUsers(db: Db): Promise<boolean> {
  const row = await db.kysely.selectFrom('app_user').select('id').limit(1).executeTakeFirst()
  return row !== undefined
}

export async function insertAdmin(db: Db, email: string, password: string): Promise<void> {
  await db.kysely
    .insertInto('app_user')
    .values({
      name: 'Administrator',
      email,
      role: 'admin',
      password_hash: await hashPassword(password),
      home_label: null,
    })
    .execute()
}

async function insertUsers(db: Kysely<Database>, users: DemoUser[]): Promise<RepInput[]> {
  const passwordHash = await hashPassword('demo')
  const reps: RepInput[] = []
  for (const user of users) {
    const home = user.home
    const { rows } = await sql<{ id: number }>`
      INSERT INTO app_user (name, email, role, password_hash, home_label, home_geom)
      VALUES (${user.name}, ${user.email}, ${user.role}, ${passwordHash}, ${home?.[0] ?? null},
              CASE WHEN ${home?.[1] ?? null}::float8 IS NULL THEN NULL
                   ELSE ST_SetSRID(ST_Point(${home?.[1] ?? null}::float8, ${home?.[2] ?? null}::float8), 4326) END)
      RETURNING id`.execute(db)
    const id = rows[0]?.id
    if (id !== undefined && user.role === 'rep' && home) reps.push({ id, lng: home[1], lat: home[2] })
  }
  return reps
}

async function writeBatch(db: Kysely<Database>, batch: DemoBatch): Promise<void> {
  const c = batch.customers
  const consent = (channel: 'email' | 'phone' | 'mail') =>
    c.map((row) => row.consent.find((x) => x.channel === channel))
  await sql`
    INSERT INTO customer (id, external_id, name, industry, segment, status, address, zip, city, state, geom,
      h3_r3, h3_r5, h3_r7, h3_r9, owner_id,
      consent_email, consent_email_at, consent_email_source, consent_phone, consent_phone_at, consent_phone_source,
      consent_mail, consent_mail_at, consent_mail_source, revenue_12m_cents, last_contact_at, created_at, updated_at)
    SELECT id, external_id, name, industry, segment, status, address, zip, city, state, ST_SetSRID(ST_Point(lng, lat), 4326),
      h3_r3, h3_r5, h3_r7, h3_r9, owner_id,
      ce, ce_at, ce_src, cp, cp_at, cp_src, cm, cm_at, cm_src, revenue, last_contact_at, created_at, created_at
    FROM unnest(
      ${c.map((r) => r.id)}::bigint[], ${c.map((r) => r.externalId)}::text[], ${c.map((r) => r.name)}::text[],
      ${c.map((r) => r.industry)}::text[], ${c.map((r) => r.segment)}::text[], ${c.map((r) => r.status)}::text[],
      ${c.map((r) => r.address)}::text[], ${c.map((r) => r.zip)}::text[], ${c.map((r) => r.city)}::text[],
      ${c.map((r) => r.state)}::text[], ${c.map((r) => r.lng)}::float8[], ${c.map((r) => r.lat)}::float8[],
      ${c.map((r) => r.h3R3)}::bigint[], ${c.map((r) => r.h3R5)}::bigint[], ${c.map((r) => r.h3R7)}::bigint[],
      ${c.map((r) => r.h3R9)}::bigint[], ${c.map((r) => r.ownerId)}::bigint[],
      ${consent('email').map((x) => x?.granted ?? false)}::boolean[], ${consent('email').map((x) => x?.at ?? null)}::timestamptz[],
      ${consent('email').map((x) => x?.source ?? null)}::text[],
      ${consent('phone').map((x) => x?.granted ?? false)}::boolean[], ${consent('phone').map((x) => x?.at ?? null)}::timestamptz[],
      ${consent('phone').map((x) => x?.source ?? null)}::text[],
      ${consent('mail').map((x) => x?.granted ?? false)}::boolean[], ${consent('mail').map((x) => x?.at ?? null)}::timestamptz[],
      ${consent('mail').map((x) => x?.source ?? null)}::text[],
      ${c.map((r) => r.revenue12mCents)}::bigint[], ${c.map((r) => r.lastContactAt)}::timestamptz[],
      ${c.map((r) => r.createdAt)}::timestamptz[]
    ) AS t (id, external_id, name, industry, segment, status, address, zip, city, state, lng, lat,
            h3_r3, h3_r5, h3_r7, h3_r9, owner_id, ce, ce_at, ce_src, cp, cp_at, cp_src, cm, cm_at, cm_src,
            revenue, last_contact_at, created_at)
  `.execute(db)

  const k = batch.contacts
  await sql`
    INSERT INTO contact (id, customer_id, first_name, last_name, title, email, phone)
    SELECT * FROM unnest(${k.map((r) => r.id)}::bigint[], ${k.map((r) => r.customerId)}::bigint[],
      ${k.map((r) => r.firstName)}::text[], ${k.map((r) => r.lastName)}::text[], ${k.map((r) => r.title)}::text[],
      ${k.map((r) => r.email)}::text[], ${k.map((r) => r.phone)}::text[])
  `.execute(db)

  const o = batch.orders
  if (o.length > 0) {
    await sql`
      INSERT INTO customer_order (customer_id, ordered_on, amount_cents)
      SELECT * FROM unnest(${o.map((r) => r.customerId)}::bigint[], ${o.map((r) => r.orderedOn)}::date[],
        ${o.map((r) => r.amountCents)}::bigint[])
    `.execute(db)
  }

  const i = batch.interactions
  await sql`
    INSERT INTO interaction (customer_id, contact_id, user_id, channel, direction, occurred_at, subject, notes, outcome)
    SELECT * FROM unnest(${i.map((r) => r.customerId)}::bigint[], ${i.map((r) => r.contactId)}::bigint[],
      ${i.map((r) => r.userId)}::bigint[], ${i.map((r) => r.channel)}::text[], ${i.map((r) => r.direction)}::text[],
      ${i.map((r) => r.occurredAt)}::timestamptz[], ${i.map((r) => r.subject)}::text[], ${i.map((r) => r.notes)}::text[],
      ${i.map((r) => r.outcome)}::text[])
  `.execute(db)
}

/** Customers whose scattered point fell outside every county (in the sea) are moved onto land. */
async function assignCounties(db: Kysely<Database>): Promise<void> {
  // Fresh statistics first, or the planner loops over counties rescanning a million new rows.
  await sql`ANALYZE customer`.execute(db)
  await sql`ANALYZE region`.execute(db)
  await sql`
    UPDATE customer c SET county_fips = r.id
    FROM region r WHERE r.level = 'county' AND c.county_fips IS NULL AND ST_Intersects(r.geom, c.geom)
  `.execute(db)
  const { rows } = await sql<{ id: number; lng: number; lat: number }>`
    SELECT c.id, ST_X(p.geom) AS lng, ST_Y(p.geom) AS lat
    FROM customer c
    CROSS JOIN LATERAL (
      SELECT ST_ClosestPoint(r.geom, c.geom) AS geom FROM region r
      WHERE r.level = 'county' ORDER BY r.geom <-> c.geom LIMIT 1) p
    WHERE c.county_fips IS NULL`.execute(db)
  for (let start = 0; start < rows.length; start += 2000) {
    const part = rows.slice(start, start + 2000)
    const cells = part.map((r) => customerH3Cells(r.lng, r.lat))
    await sql`
      UPDATE customer c SET geom = ST_SetSRID(ST_Point(t.lng, t.lat), 4326),
        h3_r3 = t.r3, h3_r5 = t.r5, h3_r7 = t.r7, h3_r9 = t.r9
      FROM unnest(${part.map((r) => r.id)}::bigint[], ${part.map((r) => r.lng)}::float8[], ${part.map((r) => r.lat)}::float8[],
        ${cells.map((x) => x.h3R3)}::bigint[], ${cells.map((x) => x.h3R5)}::bigint[], ${cells.map((x) => x.h3R7)}::bigint[],
        ${cells.map((x) => x.h3R9)}::bigint[]) AS t (id, lng, lat, r3, r5, r7, r9)
      WHERE c.id = t.id
    `.execute(db)
  }
  await sql`
    UPDATE customer c SET county_fips = (
      SELECT r.id FROM region r WHERE r.level = 'county' ORDER BY r.geom <-> c.geom LIMIT 1)
    WHERE c.county_fips IS NULL
  `.execute(db)
}

async function readPlacesAndZips(): Promise<{ places: PlaceInput[]; zips: ZipInput[] }> {
  const places = (
    JSON.parse(await readFile(path.join(geodataOutDir, 'places.json'), 'utf8')) as [
      number,
      string,
      string,
      number,
      number,
      number,
    ][]
  )
    .filter((p) => p[4] > -125 && p[4] < -66 && p[5] > 24 && p[5] < 50)
    .map((p) => ({ state: p[2], population: p[3], lng: p[4], lat: p[5] }))
  const zips = (
    JSON.parse(await readFile(path.join(geodataOutDir, 'zips.json'), 'utf8')) as [
      string,
      string,
      string,
      number,
      number,
    ][]
  ).map((z) => ({ zip: z[0], city: z[1], state: z[2], lng: z[3], lat: z[4] }))
  return { places, zips }
}

/**
 * Seeds demo users and N customers with contacts, 3 years of orders and contact history.
 * Deterministic for a seed and `now`. Runs on one pinned connection with the roll-up triggers
 * off (meridian.bulk_load), then rebuilds the roll-ups once.
 */
async function setSeedState(db: Kysely<Database>, state: 'started' | 'done'): Promise<void> {
  await sql`INSERT INTO app_setting (key, value) VALUES ('demo_seed', ${state})
            ON CONFLICT (key) DO UPDATE SET value = excluded.value`.execute(db)
}

/** 'started' without 'done' means an earlier seed was cut off: its roll-ups were never rebuilt. */
export async function seedState(db: Db): Promise<string | null> {
  const row = await db.kysely
    .selectFrom('app_setting')
    .select('value')
    .where('key', '=', 'demo_seed')
    .executeTakeFirst()
  return row?.value ?? null
}

export async function seedDemo(db: Db, options: SeedOptions): Promise<void> {
  const { places, zips } = await readPlacesAndZips()
  await setSeedState(db.kysely, 'started')
  await db.kysely.connection().execute(async (conn) => {
    await sql`SELECT set_config('meridian.bulk_load', 'on', false)`.execute(conn)
    try {
      const reps = await insertUsers(conn, demoUsers(options.reps ?? 10))
      let done = 0
      for (const batch of generateDemoBatches({
        seed: options.seed ?? 42,
        customers: options.customers,
        places,
        zips,
        reps,
        now: options.now ?? new Date(),
      })) {
        await writeBatch(conn, batch)
        done += batch.customers.length
        options.onProgress?.(done, options.customers)
      }
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM customer`.execute(conn)
      if (rows[0]?.n !== options.customers)
        throw new Error(`seed: wrote ${options.customers} customers but found ${rows[0]?.n}`)
      await assignCounties(conn)
      for (const table of ['customer', 'contact', 'interaction', 'customer_order', 'app_user']) {
        await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), coalesce((SELECT max(id) FROM ${sql.table(table)}), 1))`.execute(
          conn,
        )
      }
      await sql`SELECT rebuild_customer_cell_stat()`.execute(conn)
      await sql`SELECT rebuild_customer_min_zoom()`.execute(conn)
      // Rows stored in spatial order make low-zoom tiles and bbox lists read few pages.
      if (options.customers >= 100_000) await sql`CLUSTER customer USING customer_geom_3857_gist`.execute(conn)
      await sql`ANALYZE`.execute(conn)
      await setSeedState(conn, 'done')
    } finally {
      await sql`SELECT set_config('meridian.bulk_load', 'off', false)`.execute(conn)
    }
  })
}
