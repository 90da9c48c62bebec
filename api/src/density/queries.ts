import { type Kysely, sql } from 'kysely'
import type { CustomerScope } from '../context.ts'
import { customerConditions } from '../customers/queries.ts'
import type { CustomerFilter } from '../customers/schema.ts'
import type { Database } from '../db/schema.ts'
import type { Bbox } from '../lib/zod-helpers.ts'

export type DensityCell = { h3: string; customers: number; revenueCents: number }

/** H3 resolution shown at a map zoom, and how far (degrees) a cell can reach beyond its stored point. */
export function densityResolution(zoom: number): { res: 3 | 5 | 7; marginDeg: number } {
  if (zoom <= 5) return { res: 3, marginDeg: 1.5 }
  if (zoom <= 8) return { res: 5, marginDeg: 0.25 }
  return { res: 7, marginDeg: 0.04 }
}

/**
 * Customers and revenue per H3 cell. Filters by owner and status read the trigger-maintained
 * roll-up customer_cell_stat; other filters (segment, industry, text) aggregate customers directly.
 */
export async function densityCells(
  db: Kysely<Database>,
  scope: CustomerScope,
  filter: CustomerFilter,
  zoom: number,
  bbox: Bbox,
): Promise<{ resolution: number; cells: DensityCell[] }> {
  const { res, marginDeg } = densityResolution(zoom)
  const [w, s, e, n] = bbox
  const usesRollup = !filter.segment && !filter.industry && !filter.q
  if (usesRollup) {
    const owner = filter.owner ?? scope.ownerId
    // A rep asking for another owner's customers sees nothing, as in every other customer query.
    if (scope.ownerId !== null && owner !== scope.ownerId) return { resolution: res, cells: [] }
    const ownerCondition = owner === null || owner === undefined ? sql`` : sql`AND owner_key = ${owner}`
    const { rows } = await sql<DensityCell>`
      SELECT to_hex(cell) AS h3, sum(customers)::int AS customers, sum(revenue_cents) AS "revenueCents"
      FROM customer_cell_stat
      WHERE res = ${res} AND geom && ST_Expand(ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326), ${marginDeg})
        ${ownerCondition} ${filter.status ? sql`AND status = ${filter.status}` : sql``}
      GROUP BY cell HAVING sum(customers) > 0`.execute(db)
    return { resolution: res, cells: rows }
  }
  const column = sql.ref(`c.h3_r${res}`)
  const { rows } = await sql<DensityCell>`
    SELECT to_hex(${column}) AS h3, count(*)::int AS customers, sum(c.revenue_12m_cents) AS "revenueCents"
    FROM customer c
    WHERE c.geom && ST_Expand(ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326), ${marginDeg}) AND ${customerConditions(scope, filter)}
    GROUP BY ${column}`.execute(db)
  return { resolution: res, cells: rows }
}
