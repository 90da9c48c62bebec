import { Hono } from 'hono'
import { z } from 'zod'
import { type AppEnv, customerScope } from '../context.ts'
import { customerFilterSchema } from '../customers/schema.ts'
import { AppError } from '../errors.ts'
import { validateParams, validateQuery } from '../lib/validate.ts'
import { customerTile } from './queries.ts'
import { isValidTile } from './tile-math.ts'

const tileParams = z.object({
  z: z.coerce.number().int().min(0).max(22),
  x: z.coerce.number().int().min(0),
  y: z
    .string()
    .regex(/^[0-9]{1,8}\.mvt$/, 'tile must end in .mvt')
    .transform((value) => Number.parseInt(value, 10)),
})

export const tileRoutes = new Hono<AppEnv>().get(
  '/customers/:z/:x/:y',
  validateParams(tileParams),
  validateQuery(customerFilterSchema),
  async (c) => {
    const { z: zoom, x, y } = c.req.valid('param')
    if (!isValidTile(zoom, x, y)) throw new AppError(400, 'invalid_tile', `Tile ${zoom}/${x}/${y} does not exist.`)
    const tile = await customerTile(c.var.deps.db, customerScope(c.var.user), c.req.valid('query'), zoom, x, y)
    return c.body(tile as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/vnd.mapbox-vector-tile',
      'Cache-Control': 'private, max-age=60',
    })
  },
)
