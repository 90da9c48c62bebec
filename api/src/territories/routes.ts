import { Hono } from 'hono'
import { z } from 'zod'
import { type AppEnv, customerScope } from '../context.ts'
import { findCustomer } from '../customers/queries.ts'
import { AppError, notFound } from '../errors.ts'
import { validateJson, validateParams } from '../lib/validate.ts'
import { idParamSchema } from '../lib/zod-helpers.ts'
import { findActiveAlignment, listAlignments, listOwnerHistory } from './queries.ts'
import {
  activateSchema,
  balanceSchema,
  draftGeojsonParam,
  draftIdParam,
  drawnPolygonSchema,
  importSchema,
  moveUnitsSchema,
  patchTerritorySchema,
} from './schema.ts'
import {
  activateAlignment,
  activationPreview,
  alignmentGeojson,
  assertPlanner,
  balanceTerritories,
  draftDetail,
  draftUnits,
  drawTerritoryPolygon,
  importAlignment,
  moveUnits,
  patchTerritory,
} from './service.ts'

const territoryParams = z.object({
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  territoryId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
})

/** Territory planning. Managers and admins plan; reps see the active territories they are assigned. */
export const territoryRoutes = new Hono<AppEnv>()
  .post('/balance', validateJson(balanceSchema), async (c) => {
    const body = await balanceTerritories(c.var.deps.db.kysely, c.var.user, c.req.valid('json'))
    return c.json(body, 201)
  })
  .post('/import', validateJson(importSchema), async (c) => {
    const body = await importAlignment(c.var.deps.db.kysely, c.var.user, c.req.valid('json'))
    return c.json(body, 201)
  })
  .get('/drafts', async (c) => {
    assertPlanner(c.var.user)
    return c.json({ items: await listAlignments(c.var.deps.db.kysely) }, 200)
  })
  .get('/active', async (c) => {
    const db = c.var.deps.db.kysely
    const active = await findActiveAlignment(db)
    if (!active) return c.json({ active: null }, 200)
    const detail = await draftDetail(db, active.id)
    if (c.var.user.role !== 'rep') return c.json({ active: detail }, 200)
    // A rep sees the territories assigned to them, with their metrics, and nothing about the others.
    const mine = detail.territories.map((t, i) => ({ t, i })).filter(({ t }) => t.repId === c.var.user.id)
    const balance = {
      ...detail.balance,
      contiguous: mine.map(({ i }) => detail.balance.contiguous[i] ?? true),
      notes: [],
    }
    return c.json({ active: { ...detail, territories: mine.map(({ t }) => t), balance } }, 200)
  })
  .get('/drafts/:file{[0-9]+\\.geojson}', validateParams(draftGeojsonParam), async (c) => {
    assertPlanner(c.var.user)
    const body = await alignmentGeojson(c.var.deps.db.kysely, c.req.valid('param').file)
    c.header('Content-Disposition', `attachment; filename="territories-${c.req.valid('param').file}.geojson"`)
    return c.json(body, 200, { 'Content-Type': 'application/geo+json' })
  })
  .get('/drafts/:id', validateParams(draftIdParam), async (c) => {
    assertPlanner(c.var.user)
    return c.json(await draftDetail(c.var.deps.db.kysely, c.req.valid('param').id), 200)
  })
  .get('/drafts/:id/units', validateParams(draftIdParam), async (c) => {
    assertPlanner(c.var.user)
    return c.json({ items: await draftUnits(c.var.deps.db.kysely, c.req.valid('param').id) }, 200)
  })
  .patch('/drafts/:id/units', validateParams(draftIdParam), validateJson(moveUnitsSchema), async (c) => {
    const body = await moveUnits(c.var.deps.db.kysely, c.var.user, c.req.valid('param').id, c.req.valid('json'))
    return c.json(body, 200)
  })
  .patch(
    '/drafts/:id/territories/:territoryId',
    validateParams(territoryParams),
    validateJson(patchTerritorySchema),
    async (c) => {
      const { id, territoryId } = c.req.valid('param')
      return c.json(await patchTerritory(c.var.deps.db.kysely, c.var.user, id, territoryId, c.req.valid('json')), 200)
    },
  )
  .put(
    '/drafts/:id/territories/:territoryId/polygon',
    validateParams(territoryParams),
    validateJson(drawnPolygonSchema),
    async (c) => {
      const { id, territoryId } = c.req.valid('param')
      return c.json(
        await drawTerritoryPolygon(c.var.deps.db.kysely, c.var.user, id, territoryId, c.req.valid('json')),
        200,
      )
    },
  )
  .get('/drafts/:id/activation-preview', validateParams(draftIdParam), async (c) => {
    return c.json(await activationPreview(c.var.deps.db.kysely, c.var.user, c.req.valid('param').id), 200)
  })
  .post('/drafts/:id/activate', validateParams(draftIdParam), validateJson(activateSchema), async (c) => {
    const ifMatch = c.req.header('if-match')
    const headerVersion = ifMatch ? Number(ifMatch.replaceAll('"', '')) : undefined
    if (headerVersion !== undefined && !Number.isInteger(headerVersion)) {
      throw new AppError(400, 'validation_failed', 'If-Match must be the draft version number.')
    }
    const version = c.req.valid('json').version ?? headerVersion
    return c.json(await activateAlignment(c.var.deps.db.kysely, c.var.user, c.req.valid('param').id, version), 200)
  })

/** Mounted under /api/customers: who owned a customer, through which territory, when and why. */
export const ownerHistoryRoutes = new Hono<AppEnv>().get(
  '/:id/owner-history',
  validateParams(idParamSchema),
  async (c) => {
    const db = c.var.deps.db.kysely
    const { id } = c.req.valid('param')
    if (!(await findCustomer(db, customerScope(c.var.user), id))) throw notFound('customer')
    return c.json({ items: await listOwnerHistory(db, id) }, 200)
  },
)
