import { Hono } from 'hono'
import type { AppEnv } from '../context.ts'
import { validateJson, validateParams, validateQuery } from '../lib/validate.ts'
import { describeRoute } from '../openapi/describe.ts'
import { googleMapsLinks, planToGpx, planToIcs } from './exports.ts'
import { plannedVersusDone } from './queries.ts'
import {
  checkInSchema,
  optimizeDaySchema,
  planKeyParams,
  reportQuery,
  repQuery,
  retimeDaySchema,
  saveDaySchema,
  suggestionsQuery,
  weekSchema,
} from './schema.ts'
import {
  assertCanSeeReport,
  checkIn,
  exportablePlan,
  listPlannableReps,
  loadDayPlan,
  optimizeDay,
  planWeekForRep,
  retimeDay,
  saveDayPlan,
  suggestVisits,
} from './service.ts'

/** Mounted under /api/visits: field visit planning, saved day plans, exports, check-ins and the manager's report. */
export const visitRoutes = new Hono<AppEnv>()
  .get(
    '/reps',
    describeRoute({
      summary: 'Reps whose visits the user may plan',
      description: 'A rep gets only themself; managers and admins every rep, with home bases.',
      tags: ['Visits'],
    }),
    async (c) => {
      const items = await listPlannableReps(c.var.deps.db.kysely, c.var.user)
      return c.json({ items }, 200)
    },
  )
  .get(
    '/suggestions',
    describeRoute({
      summary: 'Who to visit: customers in reach ranked by a transparent priority score',
      description:
        "Score = revenue points + visit-rhythm points (days since the last visit against the tier's interval) + open prospect − distance; each reason is returned with its points.",
      tags: ['Visits'],
    }),
    validateQuery(suggestionsQuery),
    async (c) => {
      const body = await suggestVisits(c.var.deps.db.kysely, c.var.user, c.req.valid('query'))
      return c.json(body, 200)
    },
  )
  .post(
    '/day/optimize',
    describeRoute({
      summary: 'Optimise a day of visits',
      description:
        "Order, arrival/wait/departure per stop, totals and the stops that do not fit with a reason. Travel: straight line × detour, OSRM when OSRM_URL is set, or the caller's matrix.",
      tags: ['Visits'],
    }),
    validateJson(optimizeDaySchema),
    async (c) => {
      const plan = await optimizeDay(c.var.deps.db.kysely, c.var.user, c.req.valid('json'))
      return c.json({ plan }, 200)
    },
  )
  .post(
    '/day/retime',
    describeRoute({
      summary: 'Re-time a day in a fixed order',
      description: 'For a dragged order: no search; broken windows and a late day end are listed as violations.',
      tags: ['Visits'],
    }),
    validateJson(retimeDaySchema),
    async (c) => {
      const plan = await retimeDay(c.var.deps.db.kysely, c.var.user, c.req.valid('json'))
      return c.json({ plan }, 200)
    },
  )
  .post(
    '/week',
    describeRoute({
      summary: 'Spread customers over the working days',
      description: "Each customer on a day it is open and due by its tier's visit interval; each day a route.",
      tags: ['Visits'],
    }),
    validateJson(weekSchema),
    async (c) => {
      const week = await planWeekForRep(c.var.deps.db.kysely, c.var.user, c.req.valid('json'))
      return c.json(week, 200)
    },
  )
  .get(
    '/plans/:date',
    describeRoute({ summary: 'Load a saved day plan', tags: ['Visits'] }),
    validateParams(planKeyParams),
    validateQuery(repQuery),
    async (c) => {
      const saved = await loadDayPlan(
        c.var.deps.db.kysely,
        c.var.user,
        c.req.valid('query').repId,
        c.req.valid('param').date,
      )
      return c.json(saved, 200)
    },
  )
  .put(
    '/plans',
    describeRoute({
      summary: 'Save a day plan',
      description:
        'The server re-times the order it is given (optimises without one). `expectedVersion` 0 creates; a stale version answers 409 version_conflict.',
      tags: ['Visits'],
    }),
    validateJson(saveDaySchema),
    async (c) => {
      const saved = await saveDayPlan(c.var.deps.db.kysely, c.var.user, c.req.valid('json'))
      return c.json(saved, 200)
    },
  )
  .get(
    '/plans/:date/google',
    describeRoute({
      summary: 'Google Maps directions links for a saved plan',
      description: 'Split into several links of at most 9 waypoints each.',
      tags: ['Visits'],
    }),
    validateParams(planKeyParams),
    validateQuery(repQuery),
    async (c) => {
      const plan = await exportablePlan(
        c.var.deps.db.kysely,
        c.var.user,
        c.req.valid('query').repId,
        c.req.valid('param').date,
      )
      return c.json({ links: googleMapsLinks(plan) }, 200)
    },
  )
  .get(
    '/plans/:date/gpx',
    describeRoute({ summary: 'GPX 1.1 of a saved plan', tags: ['Visits'], produces: ['application/gpx+xml'] }),
    validateParams(planKeyParams),
    validateQuery(repQuery),
    async (c) => {
      const plan = await exportablePlan(
        c.var.deps.db.kysely,
        c.var.user,
        c.req.valid('query').repId,
        c.req.valid('param').date,
      )
      c.header('content-type', 'application/gpx+xml; charset=utf-8')
      c.header('content-disposition', `attachment; filename="visits-${plan.date}.gpx"`)
      return c.body(planToGpx(plan), 200)
    },
  )
  .get(
    '/plans/:date/ics',
    describeRoute({
      summary: 'iCalendar of a saved plan, one event per stop',
      tags: ['Visits'],
      produces: ['text/calendar'],
    }),
    validateParams(planKeyParams),
    validateQuery(repQuery),
    async (c) => {
      const plan = await exportablePlan(
        c.var.deps.db.kysely,
        c.var.user,
        c.req.valid('query').repId,
        c.req.valid('param').date,
      )
      c.header('content-type', 'text/calendar; charset=utf-8')
      c.header('content-disposition', `attachment; filename="visits-${plan.date}.ics"`)
      return c.body(planToIcs(plan), 200)
    },
  )
  .post(
    '/check-ins',
    describeRoute({
      summary: 'Check in at a stop',
      description: 'Creates a visit interaction; stores only whether the device was within 200 m, never the position.',
      tags: ['Visits'],
      status: 201,
    }),
    validateJson(checkInSchema),
    async (c) => {
      const body = await checkIn(c.var.deps.db.kysely, c.var.user, c.req.valid('json'))
      return c.json(body, 201)
    },
  )
  .get(
    '/report',
    describeRoute({
      summary: 'Planned versus done visits per rep and week',
      description: 'Managers and admins only.',
      tags: ['Visits'],
    }),
    validateQuery(reportQuery),
    async (c) => {
      assertCanSeeReport(c.var.user)
      const { weekStart, weeks } = c.req.valid('query')
      const rows = await plannedVersusDone(c.var.deps.db.kysely, weekStart, weeks)
      return c.json({ weekStart, weeks, rows }, 200)
    },
  )
