import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { createApp } from './app.ts'
import { loadSessionSecret } from './auth/session.ts'
import { prepareDatabase } from './bootstrap.ts'
import { connect } from './db/connect.ts'
import { readConfig, rootDir } from './env.ts'

const started = Date.now()
const config = readConfig()
const log = (message: string) => console.log(`[meridian] ${message}`)

log(
  config.databaseUrl
    ? 'connecting to PostgreSQL (DATABASE_URL)…'
    : `opening embedded PGlite + PostGIS at ${path.relative(rootDir, config.dataDir)}…`,
)
const db = await connect(config)
await prepareDatabase(db, { seedCustomers: config.seedCustomers, admin: config.admin, log })
const sessionSecret = await loadSessionSecret(db, config.sessionSecret)

const app = createApp({
  db,
  sessionSecret,
  secureCookies: config.secureCookies,
  basemapStyleUrl: config.basemapStyleUrl,
})
const webDist = path.join(rootDir, 'web', 'dist')
if (existsSync(webDist)) {
  const indexHtml = await readFile(path.join(webDist, 'index.html'), 'utf8')
  app.use('/*', serveStatic({ root: path.relative(process.cwd(), webDist) }))
  app.get('*', (c) => c.html(indexHtml))
} else {
  log('web/dist is missing: serving the API only (build the web app with `pnpm --filter @meridian/web build`)')
}

const server = serve({ fetch: app.fetch, port: config.port, hostname: process.env.HOST || '0.0.0.0' }, (info) => {
  log(
    `ready in ${((Date.now() - started) / 1000).toFixed(1)} s on http://localhost:${info.port} (database: ${db.kind})`,
  )
})

async function shutdown(signal: string) {
  log(`${signal}: shutting down`)
  server.close()
  await db.close()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
