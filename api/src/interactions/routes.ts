import { Hono } from 'hono'
import { type AppEnv, customerScope } from '../context.ts'
import { findCustomer } from '../customers/queries.ts'
import { AppError, notFound } from '../errors.ts'
import { validateJson, validateParams } from '../lib/validate.ts'
import { idParamSchema } from '../lib/zod-helpers.ts'
import { contactBelongsToCustomer, insertInteraction } from './queries.ts'
import { createInteractionSchema } from './schema.ts'

/** Mounted under /api/customers: the contact history of one customer. */
export const interactionRoutes = new Hono<AppEnv>().post(
  '/:id/interactions',
  validateParams(idParamSchema),
  validateJson(createInteractionSchema),
  async (c) => {
    const db = c.var.deps.db.kysely
    const { id } = c.req.valid('param')
    const input = c.req.valid('json')
    const customer = await findCustomer(db, customerScope(c.var.user), id)
    if (!customer) throw notFound('customer')
    if (input.contactId != null && !(await contactBelongsToCustomer(db, input.contactId, id))) {
      throw new AppError(400, 'contact_not_of_customer', 'That contact does not belong to this customer.')
    }
    const interaction = await insertInteraction(db, id, c.var.user.id, input)
    return c.json({ interaction }, 201)
  },
)
