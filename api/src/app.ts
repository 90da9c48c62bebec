import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { compress } from 'hono/compress'
import { sql } from 'kysely'
import { requireSession } from './auth/middleware.ts'
import { authRoutes } from './auth/routes.ts'
import type { AppDeps, AppEnv } from './context.ts'
import { customerRoutes } from './customers/routes.ts'
import { densityRoutes } from './density/routes.ts'
import { errorBody, handleError } from './errors.ts'
import { auditLogRoutes, exportRoutes } from './exports/routes.ts'
import { importRoutes } from './imports/routes.ts'
import { interactionRoutes } from './interactions/routes.ts'
import { ogcRoutes } from './ogc/routes.ts'
import { requireSessionOrToken } from './ogc/token-auth.ts'
import { tokenRoutes } from './ogc/token-routes.ts'
import { openApiRoutes } from './openapi/routes.ts'
import { regionRoutes } from './regions/routes.ts'
import { routeRoutes } from './routing/routes.ts'
import { ownerHistoryRoutes, territoryRoutes } from './territories/routes.ts'
import { tileRoutes } from './tiles/routes.ts'
import { visitRoutes } from './visits/routes.ts'

export const maxBodyBytes = 256 * 1024
const apiVersion = '0.1.0'

const api = new Hono<AppEnv>()
  .get('/health', async (c) => {
    await sql`SELECT 1`.execute(c.var.deps.db.kysely)
    return c.json({ status: 'ok' as const, db: c.var.deps.db.kind }, 200)
  })
  .route('/auth', authRoutes)
  .use('/config', requireSession)
  .get('/config', (c) => c.json({ basemapStyleUrl: c.var.deps.basemapStyleUrl }, 200))
  .use('/customers/*', requireSession)
  .use('/customers', requireSession)
  .route('/customers', customerRoutes)
  .route('/customers', interactionRoutes)
  .route('/customers', ownerHistoryRoutes)
  .use('/territories/*', requireSession)
  .route('/territories', territoryRoutes)
  .use('/regions', requireSession)
  .route('/regions', regionRoutes)
  .use('/density', requireSession)
  .route('/density', densityRoutes)
  .use('/routes/*', requireSession)
  .route('/routes', routeRoutes)
  .use('/tiles/*', requireSession)
  .route('/tiles', tileRoutes)
  .use('/exports/*', requireSessionOrToken)
  .route('/exports', exportRoutes)
  .use('/audit-log', requireSession)
  .route('/audit-log', auditLogRoutes)
  .use('/tokens', requireSession)
  .use('/tokens/*', requireSession)
  .route('/tokens', tokenRoutes)
  .use('/ogc', requireSessionOrToken)
  .use('/ogc/*', requireSessionOrToken)
  .route('/ogc', ogcRoutes)
  .use('/visits/*', requireSession)
  .route('/visits', visitRoutes)
  .use('/imports', requireSession)
  .use('/imports/*', requireSession)
  .route('/imports', importRoutes)

export type ApiType = typeof api

/** The HTTP API; server.ts adds static files for the web app around it. */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>()
  app.onError(handleError)
  app.use('/api/*', async (c, next) => {
    c.set('deps', deps)
    await next()
  })
  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) =>
      c.json(errorBody('payload_too_large', `Request bodies are limited to ${maxBodyBytes / 1024} KiB.`), 413),
  })
  // CSV uploads stream to disk under their own size and line-length limits (api/src/imports/service.ts).
  app.use('/api/*', (c, next) =>
    c.req.method === 'POST' && c.req.path === '/api/imports' ? next() : limitBody(c, next),
  )
  app.use('/api/regions', compress())
  app.route('/api', api)
  // The OpenAPI document is generated from every route registered above (see api/src/openapi).
  const reference = openApiRoutes(() => app.routes, apiVersion)
  app.route('/api', reference)
  app.all('/api/*', (c) => c.json(errorBody('route_not_found', `No API route ${c.req.method} ${c.req.path}.`), 404))
  return app
}

export type AppType = ReturnType<typeof createApp>
