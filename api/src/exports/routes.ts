import { Hono } from 'hono'
import { assertRole } from '../auth/middleware.ts'
import type { AppEnv } from '../context.ts'
import { validateParams, validateQuery } from '../lib/validate.ts'
import { authenticatedVia } from '../ogc/token-auth.ts'
import { describeRoute } from '../openapi/describe.ts'
import { listAuditLog } from './queries.ts'
import { auditLogQuery, auditLogResponse, exportParam, exportQuery } from './schema.ts'
import { startExport } from './service.ts'

/** Mounted under /api/exports (session cookie or API token). */
export const exportRoutes = new Hono<AppEnv>().get(
  '/:resource',
  describeRoute({
    tags: ['exports'],
    summary: 'Export customers, contacts, interactions or territories as CSV or GeoJSON (streamed)',
    description:
      'Rows of the customers the caller may see that match the customer list filters. CSV is RFC 4180, UTF-8, ' +
      'with a header; text fields beginning with =, +, -, @, tab or CR get a leading single quote. ' +
      'Every export is recorded in the audit log.',
    auth: 'token',
    produces: ['text/csv', 'application/geo+json'],
  }),
  validateParams(exportParam),
  validateQuery(exportQuery),
  async (c) => {
    const download = await startExport(
      c.var.deps.db,
      c.var.user,
      authenticatedVia(c),
      c.req.valid('param').resource,
      c.req.valid('query'),
    )
    return c.body(download.body, 200, {
      'Content-Type': download.contentType,
      'Content-Disposition': `attachment; filename="${download.fileName}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    })
  },
)

/** Mounted under /api/audit-log: admins only. */
export const auditLogRoutes = new Hono<AppEnv>().get(
  '/',
  describeRoute({
    tags: ['exports'],
    summary: 'Audit log of exports, newest first (admins)',
    response: auditLogResponse,
  }),
  validateQuery(auditLogQuery),
  async (c) => {
    assertRole(c.var.user, ['admin'], 'read the audit log')
    return c.json(await listAuditLog(c.var.deps.db.kysely, c.req.valid('query')), 200)
  },
)
