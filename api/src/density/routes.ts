import { Hono } from 'hono'
import { z } from 'zod'
import { type AppEnv, customerScope } from '../context.ts'
import { customerFilterSchema } from '../customers/schema.ts'
import { validateQuery } from '../lib/validate.ts'
import { bboxSchema } from '../lib/zod-helpers.ts'
import { densityCells } from './queries.ts'

const densityQuery = customerFilterSchema.extend({
  z: z.coerce.number().min(0).max(22),
  bbox: bboxSchema.default([-180, -90, 180, 90]),
})

export const densityRoutes = new Hono<AppEnv>().get('/', validateQuery(densityQuery), async (c) => {
  const { z: zoom, bbox, ...filter } = c.req.valid('query')
  const result = await densityCells(c.var.deps.db.kysely, customerScope(c.var.user), filter, zoom, bbox)
  return c.json(result, 200)
})
