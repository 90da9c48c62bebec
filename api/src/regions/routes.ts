import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../context.ts'
import { validateQuery } from '../lib/validate.ts'
import { regionsGeojson } from './queries.ts'

const regionsQuery = z.object({ level: z.enum(['state', 'county']) })

export const regionRoutes = new Hono<AppEnv>().get('/', validateQuery(regionsQuery), async (c) => {
  const body = await regionsGeojson(c.var.deps.db, c.req.valid('query').level)
  return c.body(body, 200, { 'Content-Type': 'application/geo+json', 'Cache-Control': 'private, max-age=3600' })
})
