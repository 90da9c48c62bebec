import type { Kysely } from 'kysely'
import { type CurrentUser, customerScope } from '../context.ts'
import type { Database } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import type { Bbox } from '../lib/zod-helpers.ts'
import { findActiveAlignment } from '../territories/queries.ts'
import { alignmentGeojson } from '../territories/service.ts'
import {
  countCustomers,
  countRegions,
  countTradeAreas,
  type FeatureRow,
  findCustomerFeature,
  findRegionFeature,
  findTradeArea,
  type Page,
  pageCustomers,
  pageRegions,
  pageTradeAreas,
  tradeAreaRadiusM,
} from './queries.ts'
import type { CollectionId } from './schema.ts'

type Q = Kysely<Database>

export type Feature = { type: 'Feature'; id: string | number; geometry: unknown; properties: Record<string, unknown> }

export const collectionInfo: Record<CollectionId, { title: string; description: string }> = {
  customers: {
    title: 'Customers',
    description: 'Customer locations with status, segment, owner and 12-month revenue. A rep sees only their own.',
  },
  territories: {
    title: 'Territories (active alignment)',
    description: 'Sales territories of the active alignment with their metrics. A rep sees only their own.',
  },
  states: { title: 'US states', description: 'State outlines (simplified) with population and area.' },
  counties: { title: 'US counties', description: 'County outlines (simplified) with population and area.' },
  'trade-areas': {
    title: 'Trade areas (derived)',
    description:
      `Customers grouped by H3 resolution-5 cell; each area is the convex hull of the cell's customers buffered ` +
      `by ${tradeAreaRadiusM / 1000} km, the straight-line reach of a 15-minute drive (50 km/h, detour 1.3).`,
  },
}

export function isCollectionId(id: string): id is CollectionId {
  return Object.hasOwn(collectionInfo, id)
}

function toFeature(row: FeatureRow): Feature {
  return {
    type: 'Feature',
    id: row.id,
    geometry: row.geometry ? JSON.parse(row.geometry) : null,
    properties: row.properties,
  }
}

/** The active alignment's territories the user may see (all for planners and marketers, own for reps). */
async function visibleTerritories(db: Q, user: CurrentUser): Promise<Feature[]> {
  const active = await findActiveAlignment(db)
  if (!active) return []
  const collection = await alignmentGeojson(db, active.id)
  return collection.features
    .filter((f) => user.role !== 'rep' || f.properties.repId === user.id)
    .map((f) => {
      const { unitIds, ...properties } = f.properties
      return {
        type: 'Feature' as const,
        id: f.id,
        geometry: f.geometry,
        properties: { id: f.id, ...properties, units: unitIds.length, alignment: collection.name },
      }
    })
}

function geometryBbox(geometry: unknown): Bbox | null {
  let box: Bbox | null = null
  const walk = (value: unknown) => {
    if (!Array.isArray(value)) return
    if (typeof value[0] === 'number' && typeof value[1] === 'number') {
      const [x, y] = value as [number, number]
      box = box ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)] : [x, y, x, y]
      return
    }
    for (const item of value) walk(item)
  }
  walk((geometry as { coordinates?: unknown } | null)?.coordinates)
  return box
}

const overlaps = (a: Bbox, b: Bbox) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]

/** One page of a collection and how many features match in all. */
export async function collectionItems(
  db: Q,
  user: CurrentUser,
  id: CollectionId,
  bbox: Bbox | undefined,
  page: Page,
): Promise<{ features: Feature[]; numberMatched: number }> {
  const scope = customerScope(user)
  switch (id) {
    case 'customers':
      return {
        numberMatched: await countCustomers(db, scope, bbox),
        features: (await pageCustomers(db, scope, bbox, page)).map(toFeature),
      }
    case 'states':
    case 'counties': {
      const level = id === 'states' ? 'state' : 'county'
      return {
        numberMatched: await countRegions(db, level, bbox),
        features: (await pageRegions(db, level, bbox, page)).map(toFeature),
      }
    }
    case 'trade-areas':
      return {
        numberMatched: await countTradeAreas(db, scope, bbox),
        features: (await pageTradeAreas(db, scope, bbox, page)).map(toFeature),
      }
    case 'territories': {
      const all = await visibleTerritories(db, user)
      const matching = bbox
        ? all.filter((f) => {
            const box = geometryBbox(f.geometry)
            return box !== null && overlaps(box, bbox)
          })
        : all
      return { numberMatched: matching.length, features: matching.slice(page.offset, page.offset + page.limit) }
    }
  }
}

const featureNotFound = () =>
  new AppError(404, 'feature_not_found', 'No feature with that id in this collection (or you may not see it).')

export async function collectionItem(db: Q, user: CurrentUser, id: CollectionId, featureId: string): Promise<Feature> {
  const scope = customerScope(user)
  let row: FeatureRow | undefined
  switch (id) {
    case 'customers':
      if (!/^[0-9]{1,15}$/.test(featureId)) throw featureNotFound()
      row = await findCustomerFeature(db, scope, Number(featureId))
      break
    case 'states':
    case 'counties':
      row = await findRegionFeature(db, id === 'states' ? 'state' : 'county', featureId)
      break
    case 'trade-areas':
      if (!/^[0-9a-f]{15}$/.test(featureId)) throw featureNotFound()
      row = await findTradeArea(db, scope, featureId)
      break
    case 'territories': {
      const feature = (await visibleTerritories(db, user)).find((f) => String(f.id) === featureId)
      if (!feature) throw featureNotFound()
      return feature
    }
  }
  if (!row) throw featureNotFound()
  return toFeature(row)
}
