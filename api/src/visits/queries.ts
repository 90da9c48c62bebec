import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/schema.ts'

type Q = Kysely<Database>

export type RepRow = {
  id: number
  name: string
  role: 'admin' | 'manager' | 'rep' | 'marketer'
  homeLabel: string | null
  homeLng: number | null
  homeLat: number | null
}

const repColumns = sql`u.id, u.name, u.role, u.home_label AS "homeLabel",
  ST_X(u.home_geom) AS "homeLng", ST_Y(u.home_geom) AS "homeLat"`

export async function findUserForPlanning(db: Q, id: number): Promise<RepRow | undefined> {
  const { rows } = await sql<RepRow>`SELECT ${repColumns} FROM app_user u WHERE u.id = ${id}`.execute(db)
  return rows[0]
}

export async function listReps(db: Q): Promise<RepRow[]> {
  const { rows } = await sql<RepRow>`
    SELECT ${repColumns} FROM app_user u WHERE u.role = 'rep' ORDER BY u.name, u.id`.execute(db)
  return rows
}

export type PlanCustomer = {
  id: number
  name: string
  status: 'prospect' | 'active' | 'churned'
  revenue12mCents: number
  address: string | null
  city: string | null
  state: string | null
  lng: number
  lat: number
  lastVisitAt: Date | null
}

const planCustomerColumns = sql`c.id, c.name, c.status, c.revenue_12m_cents AS "revenue12mCents", c.address, c.city,
  c.state, ST_X(c.geom) AS lng, ST_Y(c.geom) AS lat, lv.at AS "lastVisitAt"`

/** The last visit before the end of `day`. */
const lastVisitJoin = (day: string) => sql`LEFT JOIN LATERAL (
    SELECT max(i.occurred_at) AS at FROM interaction i
    WHERE i.customer_id = c.id AND i.channel = 'visit' AND i.occurred_at < ${day}::date + 1) lv ON true`

/** The customers among `ids` that `repId` owns; the others are unknown or someone else's. */
export async function findOwnedCustomers(
  db: Q,
  repId: number,
  ids: readonly number[],
  day: string,
): Promise<PlanCustomer[]> {
  if (ids.length === 0) return []
  const { rows } = await sql<PlanCustomer>`
    SELECT ${planCustomerColumns}
    FROM customer c ${lastVisitJoin(day)}
    WHERE c.id = ANY(${[...ids]}::bigint[]) AND c.owner_id = ${repId}`.execute(db)
  return rows
}

/** Active customers and open prospects of a rep within `radiusKm` of a point, with their last visit. */
export async function listSuggestionCandidates(
  db: Q,
  repId: number,
  point: { lng: number; lat: number },
  radiusKm: number,
  day: string,
): Promise<(PlanCustomer & { distanceKm: number })[]> {
  const origin = sql`ST_SetSRID(ST_Point(${point.lng}, ${point.lat}), 4326)::geography`
  const { rows } = await sql<PlanCustomer & { distanceKm: number }>`
    SELECT ${planCustomerColumns}, ST_Distance(c.geom::geography, ${origin}) / 1000 AS "distanceKm"
    FROM customer c ${lastVisitJoin(day)}
    WHERE c.owner_id = ${repId} AND c.status IN ('active', 'prospect')
      AND ST_DWithin(c.geom::geography, ${origin}, ${radiusKm * 1000})
    ORDER BY c.id
    LIMIT 5000`.execute(db)
  return rows
}

export type VisitPlanRow = {
  id: number
  repId: number
  date: string
  version: number
  request: unknown
  plan: unknown
  stopCount: number
  updatedAt: Date
  updatedByName: string | null
}

const planColumns = sql`p.id, p.rep_id AS "repId", to_char(p.plan_date, 'YYYY-MM-DD') AS date, p.version, p.request,
  p.plan, p.stop_count AS "stopCount", p.updated_at AS "updatedAt",
  (SELECT name FROM app_user WHERE id = p.updated_by) AS "updatedByName"`

export async function findVisitPlan(db: Q, repId: number, date: string): Promise<VisitPlanRow | undefined> {
  const { rows } = await sql<VisitPlanRow>`
    SELECT ${planColumns} FROM visit_plan p WHERE p.rep_id = ${repId} AND p.plan_date = ${date}::date`.execute(db)
  return rows[0]
}

export type PlanWrite = {
  repId: number
  date: string
  request: unknown
  plan: unknown
  customerIds: number[]
  userId: number
}

/** A new plan; undefined when the rep already has one that day (someone saved first). */
export async function insertVisitPlan(db: Q, write: PlanWrite): Promise<VisitPlanRow | undefined> {
  const { rows } = await sql<VisitPlanRow>`
    WITH p AS (
      INSERT INTO visit_plan (rep_id, plan_date, request, plan, stop_count, customer_ids, created_by, updated_by)
      VALUES (${write.repId}, ${write.date}::date, ${JSON.stringify(write.request)}::jsonb,
              ${JSON.stringify(write.plan)}::jsonb, ${write.customerIds.length}, ${write.customerIds}::bigint[],
              ${write.userId}, ${write.userId})
      ON CONFLICT (rep_id, plan_date) DO NOTHING
      RETURNING *)
    SELECT ${planColumns} FROM p`.execute(db)
  return rows[0]
}

/** Replaces the plan when it is still at `expectedVersion`; undefined when it moved on or does not exist. */
export async function updateVisitPlan(
  db: Q,
  write: PlanWrite,
  expectedVersion: number,
): Promise<VisitPlanRow | undefined> {
  const { rows } = await sql<VisitPlanRow>`
    WITH p AS (
      UPDATE visit_plan SET version = version + 1, request = ${JSON.stringify(write.request)}::jsonb,
        plan = ${JSON.stringify(write.plan)}::jsonb, stop_count = ${write.customerIds.length},
        customer_ids = ${write.customerIds}::bigint[], updated_by = ${write.userId}, updated_at = now()
      WHERE rep_id = ${write.repId} AND plan_date = ${write.date}::date AND version = ${expectedVersion}
      RETURNING *)
    SELECT ${planColumns} FROM p`.execute(db)
  return rows[0]
}

/** Whether a device position lies within `metres` of the customer; computed and forgotten, never stored. */
export async function isNearCustomer(
  db: Q,
  customerId: number,
  position: { lng: number; lat: number },
  metres: number,
): Promise<boolean> {
  const { rows } = await sql<{ near: boolean }>`
    SELECT ST_DWithin(c.geom::geography, ST_SetSRID(ST_Point(${position.lng}, ${position.lat}), 4326)::geography, ${metres}) AS near
    FROM customer c WHERE c.id = ${customerId}`.execute(db)
  return rows[0]?.near === true
}

export type CheckInRow = {
  id: number
  customerId: number
  interactionId: number
  visitPlanId: number | null
  date: string
  outcome: string
  withinRadius: boolean | null
  checkedInAt: Date
}

export async function insertCheckIn(
  db: Q,
  write: {
    customerId: number
    userId: number
    interactionId: number
    date: string
    outcome: string
    withinRadius: boolean | null
  },
): Promise<CheckInRow> {
  const { rows } = await sql<CheckInRow>`
    INSERT INTO visit_check_in (customer_id, user_id, interaction_id, visit_plan_id, visit_date, outcome, within_200m)
    VALUES (${write.customerId}, ${write.userId}, ${write.interactionId},
            (SELECT id FROM visit_plan WHERE rep_id = ${write.userId} AND plan_date = ${write.date}::date
               AND ${write.customerId}::bigint = ANY(customer_ids)),
            ${write.date}::date, ${write.outcome}, ${write.withinRadius})
    RETURNING id, customer_id AS "customerId", interaction_id AS "interactionId", visit_plan_id AS "visitPlanId",
      to_char(visit_date, 'YYYY-MM-DD') AS date, outcome, within_200m AS "withinRadius", checked_in_at AS "checkedInAt"`.execute(
    db,
  )
  const row = rows[0]
  if (!row) throw new Error('insert returned no row')
  return row
}

export async function listCheckInsOfDay(db: Q, userId: number, date: string): Promise<CheckInRow[]> {
  const { rows } = await sql<CheckInRow>`
    SELECT id, customer_id AS "customerId", interaction_id AS "interactionId", visit_plan_id AS "visitPlanId",
      to_char(visit_date, 'YYYY-MM-DD') AS date, outcome, within_200m AS "withinRadius", checked_in_at AS "checkedInAt"
    FROM visit_check_in WHERE user_id = ${userId} AND visit_date = ${date}::date
    ORDER BY checked_in_at, id`.execute(db)
  return rows
}

export type ReportRow = {
  repId: number
  repName: string
  weekStart: string
  planned: number
  done: number
  donePlanned: number
  onSite: number
}

/**
 * Planned stops (saved plans) and recorded visits (check-ins) per rep and week of 7 days from `weekStart`.
 * `donePlanned` counts check-ins at a customer of that day's plan; `onSite` those within 200 m.
 */
export async function plannedVersusDone(db: Q, weekStart: string, weeks: number): Promise<ReportRow[]> {
  const { rows } = await sql<ReportRow>`
    WITH week AS (
      SELECT w::int AS n, ${weekStart}::date + 7 * w::int AS first FROM generate_series(0, ${weeks - 1}) w),
    planned AS (
      SELECT p.rep_id, wk.n, sum(p.stop_count)::int AS planned
      FROM visit_plan p JOIN week wk ON p.plan_date >= wk.first AND p.plan_date < wk.first + 7
      GROUP BY 1, 2),
    done AS (
      SELECT v.user_id AS rep_id, wk.n, count(*)::int AS done,
        count(*) FILTER (WHERE v.visit_plan_id IS NOT NULL)::int AS done_planned,
        count(*) FILTER (WHERE v.within_200m)::int AS on_site
      FROM visit_check_in v JOIN week wk ON v.visit_date >= wk.first AND v.visit_date < wk.first + 7
      GROUP BY 1, 2)
    SELECT u.id AS "repId", u.name AS "repName", to_char(wk.first, 'YYYY-MM-DD') AS "weekStart",
      coalesce(pl.planned, 0) AS planned, coalesce(d.done, 0) AS done,
      coalesce(d.done_planned, 0) AS "donePlanned", coalesce(d.on_site, 0) AS "onSite"
    FROM app_user u CROSS JOIN week wk
    LEFT JOIN planned pl ON pl.rep_id = u.id AND pl.n = wk.n
    LEFT JOIN done d ON d.rep_id = u.id AND d.n = wk.n
    WHERE u.role = 'rep' OR pl.planned IS NOT NULL OR d.done IS NOT NULL
    ORDER BY u.name, u.id, wk.n`.execute(db)
  return rows
}
