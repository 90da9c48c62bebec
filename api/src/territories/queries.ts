import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { UnitMeasures } from './metrics.ts'
import type { TerritoryTotals } from './totals.ts'
import { h3Column, unitAtLocation } from './units.ts'

type Q = Kysely<Database>

export type AlignmentRow = {
  id: number
  name: string
  status: 'draft' | 'active' | 'archived'
  unitKind: 'county' | 'h3'
  h3Res: number | null
  scope: unknown
  measure: unknown
  balance: Record<string, unknown>
  version: number
  createdBy: number | null
  activatedBy: number | null
  activatedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

export type TerritoryRow = {
  id: number
  position: number
  name: string
  repId: number | null
  repName: string | null
  repEmail: string | null
  repHome: [number, number] | null
  regionName: string | null
  districtName: string | null
  locked: boolean
  /** Running totals (see totals.ts); null on alignments made before they were stored. */
  totals: TerritoryTotals | null
  perimeterKm: number | null
  contiguous: boolean | null
  /** The hand-drawn area as GeoJSON text (MultiPolygon), when one was drawn. */
  drawnGeojson: string | null
}

export type AlignmentUnitRow = { unitId: string; territoryId: number; locked: boolean; measures: UnitMeasures }

const alignmentColumns = sql`
  a.id, a.name, a.status, a.unit_kind AS "unitKind", a.h3_res AS "h3Res", a.scope, a.measure, a.balance, a.version,
  a.created_by AS "createdBy", a.activated_by AS "activatedBy", a.activated_at AS "activatedAt",
  a.created_at AS "createdAt", a.updated_at AS "updatedAt"`

export async function findAlignment(db: Q, id: number, forUpdate = false): Promise<AlignmentRow | undefined> {
  const { rows } = await sql<AlignmentRow>`
    SELECT ${alignmentColumns} FROM alignment a WHERE a.id = ${id} ${forUpdate ? sql`FOR UPDATE` : sql``}`.execute(db)
  return rows[0]
}

export async function findActiveAlignment(db: Q): Promise<AlignmentRow | undefined> {
  const { rows } =
    await sql<AlignmentRow>`SELECT ${alignmentColumns} FROM alignment a WHERE a.status = 'active'`.execute(db)
  return rows[0]
}

export async function listAlignments(db: Q): Promise<(AlignmentRow & { territories: number; units: number })[]> {
  const { rows } = await sql<AlignmentRow & { territories: number; units: number }>`
    SELECT ${alignmentColumns},
      (SELECT count(*)::int FROM alignment_territory t WHERE t.alignment_id = a.id) AS territories,
      (SELECT count(*)::int FROM alignment_unit u WHERE u.alignment_id = a.id) AS units
    FROM alignment a ORDER BY a.id DESC LIMIT 200`.execute(db)
  return rows
}

export async function listTerritories(db: Q, alignmentId: number): Promise<TerritoryRow[]> {
  const { rows } = await sql<TerritoryRow & { homeLng: number | null; homeLat: number | null }>`
    SELECT t.id, t.position, t.name, t.rep_id AS "repId", u.name AS "repName", u.email AS "repEmail",
           ST_X(u.home_geom) AS "homeLng", ST_Y(u.home_geom) AS "homeLat",
           t.region_name AS "regionName", t.district_name AS "districtName", t.locked,
           t.totals, t.perimeter_km AS "perimeterKm", t.contiguous, ST_AsGeoJSON(t.drawn_geom, 6) AS "drawnGeojson"
    FROM alignment_territory t LEFT JOIN app_user u ON u.id = t.rep_id
    WHERE t.alignment_id = ${alignmentId} ORDER BY t.position`.execute(db)
  return rows.map(({ homeLng, homeLat, ...t }) => ({
    ...t,
    repHome: homeLng !== null && homeLat !== null ? [homeLng, homeLat] : null,
  }))
}

export async function listAlignmentUnits(db: Q, alignmentId: number): Promise<AlignmentUnitRow[]> {
  const { rows } = await sql<AlignmentUnitRow>`
    SELECT unit_id AS "unitId", territory_id AS "territoryId", locked, measures
    FROM alignment_unit WHERE alignment_id = ${alignmentId} ORDER BY unit_id`.execute(db)
  return rows
}

/** Where some units of an alignment are now, with their snapshots (a move reads only the moved units). */
export async function findAlignmentUnits(db: Q, alignmentId: number, unitIds: readonly string[]) {
  const { rows } = await sql<AlignmentUnitRow>`
    SELECT unit_id AS "unitId", territory_id AS "territoryId", locked, measures
    FROM alignment_unit WHERE alignment_id = ${alignmentId} AND unit_id = ANY(${[...unitIds]}::text[])`.execute(db)
  return rows
}

/** Unit ids per territory, without the snapshots; `territoryIds` narrows it to some territories. */
export async function listUnitIdsByTerritory(
  db: Q,
  alignmentId: number,
  territoryIds?: readonly number[],
): Promise<Map<number, string[]>> {
  const only = territoryIds ? sql`AND territory_id = ANY(${[...territoryIds]}::bigint[])` : sql``
  const { rows } = await sql<{ territoryId: number; unitIds: string[] }>`
    SELECT territory_id AS "territoryId", array_agg(unit_id ORDER BY unit_id) AS "unitIds"
    FROM alignment_unit WHERE alignment_id = ${alignmentId} ${only}
    GROUP BY territory_id`.execute(db)
  return new Map(rows.map((r) => [Number(r.territoryId), r.unitIds]))
}

/** Stores territories' running totals, outline length and contiguity. */
export async function updateTerritoryStats(
  db: Q,
  stats: { territoryId: number; totals: TerritoryTotals; perimeterKm: number; contiguous: boolean }[],
): Promise<void> {
  if (stats.length === 0) return
  await sql`
    UPDATE alignment_territory t SET totals = s.totals::jsonb, perimeter_km = s.perimeter_km, contiguous = s.contiguous
    FROM unnest(${stats.map((x) => x.territoryId)}::bigint[], ${stats.map((x) => JSON.stringify(x.totals))}::text[],
                ${stats.map((x) => x.perimeterKm)}::float8[], ${stats.map((x) => x.contiguous)}::boolean[])
         AS s (id, totals, perimeter_km, contiguous)
    WHERE t.id = s.id`.execute(db)
}

export async function insertAlignment(
  db: Q,
  row: {
    name: string
    unitKind: 'county' | 'h3'
    h3Res: number | null
    scope: unknown
    measure: unknown
    balance: unknown
    createdBy: number
  },
): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    INSERT INTO alignment (name, unit_kind, h3_res, scope, measure, balance, created_by)
    VALUES (${row.name}, ${row.unitKind}, ${row.h3Res}, ${JSON.stringify(row.scope)}::text::jsonb, ${JSON.stringify(row.measure)}::text::jsonb,
            ${JSON.stringify(row.balance)}::text::jsonb, ${row.createdBy})
    RETURNING id`.execute(db)
  const id = rows[0]?.id
  if (id === undefined) throw new Error('insert returned no id')
  return id
}

export async function insertTerritories(
  db: Q,
  alignmentId: number,
  territories: {
    name: string
    repId: number | null
    regionName?: string | null
    districtName?: string | null
    locked?: boolean
  }[],
): Promise<number[]> {
  const { rows } = await sql<{ id: number; position: number }>`
    INSERT INTO alignment_territory (alignment_id, position, name, rep_id, region_name, district_name, locked)
    SELECT ${alignmentId}, t.position, t.name, t.rep_id, t.region_name, t.district_name, t.locked
    FROM unnest(${territories.map((_, i) => i)}::int[], ${territories.map((t) => t.name)}::text[],
                ${territories.map((t) => t.repId)}::bigint[], ${territories.map((t) => t.regionName ?? null)}::text[],
                ${territories.map((t) => t.districtName ?? null)}::text[], ${territories.map((t) => t.locked ?? false)}::boolean[])
         AS t (position, name, rep_id, region_name, district_name, locked)
    RETURNING id, position`.execute(db)
  return [...rows].sort((a, b) => a.position - b.position).map((r) => r.id)
}

export async function insertAlignmentUnits(
  db: Q,
  alignmentId: number,
  units: { unitId: string; territoryId: number; locked: boolean; measures: UnitMeasures }[],
): Promise<void> {
  for (let start = 0; start < units.length; start += 2000) {
    const part = units.slice(start, start + 2000)
    await sql`
      INSERT INTO alignment_unit (alignment_id, unit_id, territory_id, locked, measures)
      SELECT ${alignmentId}, u.unit_id, u.territory_id, u.locked, u.measures::jsonb
      FROM unnest(${part.map((u) => u.unitId)}::text[], ${part.map((u) => u.territoryId)}::bigint[],
                  ${part.map((u) => u.locked)}::boolean[], ${part.map((u) => JSON.stringify(u.measures))}::text[])
           AS u (unit_id, territory_id, locked, measures)`.execute(db)
  }
}

export async function moveAlignmentUnits(
  db: Q,
  alignmentId: number,
  moves: { unitId: string; territoryId: number }[],
): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    WITH moved AS (
      UPDATE alignment_unit u SET territory_id = m.territory_id
      FROM unnest(${moves.map((m) => m.unitId)}::text[], ${moves.map((m) => m.territoryId)}::bigint[]) AS m (unit_id, territory_id)
      WHERE u.alignment_id = ${alignmentId} AND u.unit_id = m.unit_id
      RETURNING 1)
    SELECT count(*)::int AS n FROM moved`.execute(db)
  return rows[0]?.n ?? 0
}

export async function bumpVersion(db: Q, alignmentId: number): Promise<number> {
  const { rows } = await sql<{ version: number }>`
    UPDATE alignment SET version = version + 1, updated_at = now() WHERE id = ${alignmentId} RETURNING version`.execute(
    db,
  )
  return rows[0]?.version ?? 0
}

export async function updateTerritory(
  db: Q,
  territoryId: number,
  patch: {
    name?: string
    repId?: number | null
    regionName?: string | null
    districtName?: string | null
    locked?: boolean
  },
): Promise<void> {
  await db
    .updateTable('alignment_territory')
    .set({
      name: patch.name,
      rep_id: patch.repId,
      region_name: patch.regionName,
      district_name: patch.districtName,
      locked: patch.locked,
    })
    .where('id', '=', territoryId)
    .execute()
}

/** The unit id a customer falls in for an alignment's kind of units (county FIPS or H3 index in hex). */
function customerUnit(alignment: { unitKind: 'county' | 'h3'; h3Res: number | null }): RawBuilder<unknown> {
  return alignment.unitKind === 'county' ? sql`c.county_fips` : sql`to_hex(${h3Column(alignment.h3Res ?? 0)})`
}

/**
 * What activating an alignment would do right now, per territory: its customers and how many of them would change
 * owner (the same rule as `applyAlignment`: owner becomes the territory's rep, or nobody when it is vacant).
 */
export async function previewActivation(
  db: Q,
  alignment: { id: number; unitKind: 'county' | 'h3'; h3Res: number | null },
): Promise<{ territoryId: number; customers: number; changingOwner: number }[]> {
  const { rows } = await sql<{ territoryId: number; customers: number; changingOwner: number }>`
    SELECT u.territory_id AS "territoryId", count(*)::int AS customers,
           count(*) FILTER (WHERE c.owner_id IS DISTINCT FROM t.rep_id)::int AS "changingOwner"
    FROM customer c
    JOIN alignment_unit u ON u.alignment_id = ${alignment.id} AND u.unit_id = ${customerUnit(alignment)}
    JOIN alignment_territory t ON t.id = u.territory_id
    GROUP BY u.territory_id`.execute(db)
  return rows
}

/**
 * Activation: the alignment becomes the active one (the previous active one is archived and can be restored),
 * each customer in its units gets the territory's rep as owner, and the owner history records the change.
 * Runs inside the caller's transaction.
 */
export async function applyAlignment(
  db: Q,
  alignment: { id: number; unitKind: 'county' | 'h3'; h3Res: number | null },
  userId: number,
): Promise<{ changed: number }> {
  await sql`UPDATE alignment SET status = 'archived', updated_at = now() WHERE status = 'active' AND id <> ${alignment.id}`.execute(
    db,
  )
  await sql`
    UPDATE alignment SET status = 'active', activated_by = ${userId}, activated_at = now(), version = version + 1, updated_at = now()
    WHERE id = ${alignment.id}`.execute(db)
  const unitOfCustomer = customerUnit(alignment)
  await sql`
    CREATE TEMP TABLE IF NOT EXISTS activation_target (customer_id bigint PRIMARY KEY, rep_id bigint, territory_name text) ON COMMIT DROP`.execute(
    db,
  )
  await sql`DELETE FROM activation_target`.execute(db)
  await sql`
    INSERT INTO activation_target (customer_id, rep_id, territory_name)
    SELECT c.id, t.rep_id, t.name
    FROM customer c
    JOIN alignment_unit u ON u.alignment_id = ${alignment.id} AND u.unit_id = ${unitOfCustomer}
    JOIN alignment_territory t ON t.id = u.territory_id`.execute(db)
  // Close the open history rows whose owner or territory changes, then open new ones.
  await sql`
    UPDATE customer_owner_history h SET valid_to = now()
    FROM activation_target x JOIN customer c ON c.id = x.customer_id
    WHERE h.customer_id = x.customer_id AND h.valid_to IS NULL
      AND (h.owner_id IS DISTINCT FROM x.rep_id OR h.territory_name IS DISTINCT FROM x.territory_name)`.execute(db)
  await sql`
    INSERT INTO customer_owner_history (customer_id, owner_id, alignment_id, territory_name, reason, changed_by)
    SELECT x.customer_id, x.rep_id, ${alignment.id}, x.territory_name, 'territory alignment activated', ${userId}
    FROM activation_target x
    WHERE NOT EXISTS (SELECT 1 FROM customer_owner_history h WHERE h.customer_id = x.customer_id AND h.valid_to IS NULL)`.execute(
    db,
  )
  const { rows } = await sql<{ n: number }>`
    WITH changed AS (
      UPDATE customer c SET owner_id = x.rep_id, updated_at = now()
      FROM activation_target x WHERE c.id = x.customer_id AND c.owner_id IS DISTINCT FROM x.rep_id
      RETURNING 1)
    SELECT count(*)::int AS n FROM changed`.execute(db)
  return { changed: rows[0]?.n ?? 0 }
}

/** The active territory a location falls in, for new and moved customers. */
export async function activeTerritoryAt(
  db: Q,
  location: { countyFips: string | null; h3: { h3R3: string; h3R5: string; h3R7: string; h3R9: string } },
): Promise<{ alignmentId: number; name: string; repId: number | null } | undefined> {
  const active = await findActiveAlignment(db)
  if (!active) return undefined
  const unitId = unitAtLocation(active, location)
  if (!unitId) return undefined
  const { rows } = await sql<{ name: string; repId: number | null }>`
    SELECT t.name, t.rep_id AS "repId" FROM alignment_unit u JOIN alignment_territory t ON t.id = u.territory_id
    WHERE u.alignment_id = ${active.id} AND u.unit_id = ${unitId}`.execute(db)
  const row = rows[0]
  return row ? { alignmentId: active.id, ...row } : undefined
}

export async function recordOwnerChange(
  db: Q,
  change: {
    customerId: number
    ownerId: number | null
    alignmentId: number | null
    territoryName: string | null
    reason: string
    changedBy: number
  },
): Promise<void> {
  await sql`UPDATE customer_owner_history SET valid_to = now() WHERE customer_id = ${change.customerId} AND valid_to IS NULL`.execute(
    db,
  )
  await sql`
    INSERT INTO customer_owner_history (customer_id, owner_id, alignment_id, territory_name, reason, changed_by)
    VALUES (${change.customerId}, ${change.ownerId}, ${change.alignmentId}, ${change.territoryName}, ${change.reason}, ${change.changedBy})`.execute(
    db,
  )
}

export async function listOwnerHistory(db: Q, customerId: number) {
  const { rows } = await sql<{
    ownerId: number | null
    ownerName: string | null
    territoryName: string | null
    alignmentId: number | null
    validFrom: Date
    validTo: Date | null
    reason: string
  }>`
    SELECT h.owner_id AS "ownerId", u.name AS "ownerName", h.territory_name AS "territoryName", h.alignment_id AS "alignmentId",
           h.valid_from AS "validFrom", h.valid_to AS "validTo", h.reason
    FROM customer_owner_history h LEFT JOIN app_user u ON u.id = h.owner_id
    WHERE h.customer_id = ${customerId} ORDER BY h.valid_from DESC, h.id DESC`.execute(db)
  return rows
}
