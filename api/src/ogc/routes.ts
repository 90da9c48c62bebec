import type { Context } from 'hono'
import { Hono } from 'hono'
import type { AppEnv } from '../context.ts'
import { AppError } from '../errors.ts'
import { validateParams, validateQuery } from '../lib/validate.ts'
import type { Bbox } from '../lib/zod-helpers.ts'
import { describeRoute } from '../openapi/describe.ts'
import { regionExtent } from './queries.ts'
import { collectionParam, featureParam, type ItemsQuery, itemsQuery, ogcQuery } from './schema.ts'
import { collectionInfo, collectionItem, collectionItems, isCollectionId } from './service.ts'

const geojson = 'application/geo+json'
const json = 'application/json'
const crs84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'

export const conformanceClasses = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
]

/**
 * An absolute link under /api/ogc. When the caller authenticated with `?token=` (tools that cannot send headers),
 * the token is carried into every link so that following `next` keeps working.
 */
function link(c: Context<AppEnv>, path: string, params: Record<string, string> = {}): string {
  const url = new URL(`/api/ogc${path}`, c.req.url)
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  const token = c.req.query('token')
  if (token) url.searchParams.set('token', token)
  return url.toString()
}

function collectionId(id: string) {
  if (!isCollectionId(id)) throw new AppError(404, 'collection_not_found', `No collection "${id}".`)
  return id
}

function collectionDocument(c: Context<AppEnv>, id: keyof typeof collectionInfo, extent: Bbox | null) {
  return {
    id,
    ...collectionInfo[id],
    itemType: 'feature',
    crs: [crs84],
    ...(extent ? { extent: { spatial: { bbox: [extent], crs: crs84 } } } : {}),
    links: [
      { href: link(c, `/collections/${id}`), rel: 'self', type: json, title: 'This collection' },
      { href: link(c, `/collections/${id}/items`), rel: 'items', type: geojson, title: 'Features' },
    ],
  }
}

function pageParams(query: ItemsQuery, offset: number, after?: number): Record<string, string> {
  const params: Record<string, string> = { limit: String(query.limit), offset: String(offset) }
  if (query.bbox) params.bbox = query.bbox.join(',')
  if (after !== undefined) params.after = String(after)
  return params
}

/** OGC API – Features, Part 1 (core, GeoJSON), read-only. Mounted under /api/ogc behind a session or API token. */
export const ogcRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({ tags: ['ogc'], summary: 'OGC API – Features landing page', auth: 'token' }),
    validateQuery(ogcQuery),
    (c) =>
      c.json(
        {
          title: 'Meridian OGC API – Features',
          description: 'Customers, territories, regions and trade areas as GeoJSON (read-only).',
          links: [
            { href: link(c, '/'), rel: 'self', type: json, title: 'This document' },
            {
              href: new URL('/api/openapi.json', c.req.url).toString(),
              rel: 'service-desc',
              type: 'application/vnd.oai.openapi+json;version=3.1',
              title: 'OpenAPI document',
            },
            { href: new URL('/api/docs', c.req.url).toString(), rel: 'service-doc', type: 'text/html' },
            { href: link(c, '/conformance'), rel: 'conformance', type: json, title: 'Conformance classes' },
            { href: link(c, '/collections'), rel: 'data', type: json, title: 'Collections' },
          ],
        },
        200,
      ),
  )
  .get(
    '/conformance',
    describeRoute({ tags: ['ogc'], summary: 'Conformance classes', auth: 'token' }),
    validateQuery(ogcQuery),
    (c) => c.json({ conformsTo: conformanceClasses }, 200),
  )
  .get(
    '/collections',
    describeRoute({ tags: ['ogc'], summary: 'Feature collections', auth: 'token' }),
    validateQuery(ogcQuery),
    async (c) => {
      const extent = await regionExtent(c.var.deps.db.kysely)
      const ids = Object.keys(collectionInfo) as (keyof typeof collectionInfo)[]
      const collections = ids.map((id) => collectionDocument(c, id, extent))
      return c.json({ links: [{ href: link(c, '/collections'), rel: 'self', type: json }], collections }, 200)
    },
  )
  .get(
    '/collections/:collectionId',
    describeRoute({ tags: ['ogc'], summary: 'One feature collection', auth: 'token' }),
    validateParams(collectionParam),
    validateQuery(ogcQuery),
    async (c) => {
      const id = collectionId(c.req.valid('param').collectionId)
      return c.json(collectionDocument(c, id, await regionExtent(c.var.deps.db.kysely)), 200)
    },
  )
  .get(
    '/collections/:collectionId/items',
    describeRoute({
      tags: ['ogc'],
      summary: 'Features of a collection: bbox, limit and offset with next/prev links',
      auth: 'token',
      produces: [geojson],
    }),
    validateParams(collectionParam),
    validateQuery(itemsQuery),
    async (c) => {
      const id = collectionId(c.req.valid('param').collectionId)
      const query = c.req.valid('query')
      const { features, numberMatched } = await collectionItems(c.var.deps.db.kysely, c.var.user, id, query.bbox, {
        limit: query.limit,
        offset: query.offset,
        after: query.after,
      })
      const items = `/collections/${id}/items`
      const links = [
        { href: link(c, items, pageParams(query, query.offset, query.after)), rel: 'self', type: geojson },
        { href: link(c, `/collections/${id}`), rel: 'collection', type: json },
      ]
      if (query.offset + features.length < numberMatched) {
        // Customers continue by id (keyset), so a GIS copying a million of them never pays for deep offsets.
        const last = features[features.length - 1]
        const after = id === 'customers' && typeof last?.id === 'number' ? last.id : undefined
        const next = pageParams(query, query.offset + query.limit, after)
        links.push({ href: link(c, items, next), rel: 'next', type: geojson })
      }
      if (query.offset > 0) {
        const previous = Math.max(0, query.offset - query.limit)
        links.push({ href: link(c, items, pageParams(query, previous)), rel: 'prev', type: geojson })
      }
      const body = {
        type: 'FeatureCollection',
        timeStamp: new Date().toISOString(),
        numberMatched,
        numberReturned: features.length,
        features,
        links,
      }
      return c.body(JSON.stringify(body), 200, { 'Content-Type': geojson })
    },
  )
  .get(
    '/collections/:collectionId/items/:featureId',
    describeRoute({ tags: ['ogc'], summary: 'One feature', auth: 'token', produces: [geojson] }),
    validateParams(featureParam),
    validateQuery(ogcQuery),
    async (c) => {
      const { collectionId: rawId, featureId } = c.req.valid('param')
      const id = collectionId(rawId)
      const feature = await collectionItem(c.var.deps.db.kysely, c.var.user, id, featureId)
      const body = {
        ...feature,
        links: [
          { href: link(c, `/collections/${id}/items/${encodeURIComponent(featureId)}`), rel: 'self', type: geojson },
          { href: link(c, `/collections/${id}`), rel: 'collection', type: json },
        ],
      }
      return c.body(JSON.stringify(body), 200, { 'Content-Type': geojson })
    },
  )
