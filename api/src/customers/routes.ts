import { Hono } from 'hono'
import { type AppEnv, customerScope } from '../context.ts'
import { notFound } from '../errors.ts'
import { listInteractionsOfCustomer } from '../interactions/queries.ts'
import { validateJson, validateParams, validateQuery } from '../lib/validate.ts'
import { customerFacets, findCustomer, listContactsOfCustomer, listCustomers, nearbyCustomers } from './queries.ts'
import {
  createCustomerSchema,
  customerIdParam,
  customerSegments,
  customerStatuses,
  listCustomersQuery,
  nearbyQuery,
  patchCustomerSchema,
} from './schema.ts'
import { createCustomer, patchCustomer } from './service.ts'

async function customerWithHistory(c: { var: AppEnv['Variables'] }, id: number) {
  const db = c.var.deps.db.kysely
  const customer = await findCustomer(db, customerScope(c.var.user), id)
  if (!customer) throw notFound('customer')
  const [contacts, interactions] = [await listContactsOfCustomer(db, id), await listInteractionsOfCustomer(db, id)]
  return { customer, contacts, interactions }
}

export const customerRoutes = new Hono<AppEnv>()
  .get('/', validateQuery(listCustomersQuery), async (c) => {
    const page = await listCustomers(c.var.deps.db.kysely, customerScope(c.var.user), c.req.valid('query'))
    return c.json(page, 200)
  })
  .get('/facets', async (c) => {
    const facets = await customerFacets(c.var.deps.db.kysely, customerScope(c.var.user))
    return c.json({ statuses: [...customerStatuses], segments: [...customerSegments], ...facets }, 200)
  })
  .get('/nearby', validateQuery(nearbyQuery), async (c) => {
    const items = await nearbyCustomers(c.var.deps.db.kysely, customerScope(c.var.user), c.req.valid('query'))
    return c.json({ items }, 200)
  })
  .get('/:id', validateParams(customerIdParam), async (c) =>
    c.json(await customerWithHistory(c, c.req.valid('param').id), 200),
  )
  .post('/', validateJson(createCustomerSchema), async (c) => {
    const { id, location } = await createCustomer(c.var.deps.db.kysely, c.var.user, c.req.valid('json'))
    return c.json({ ...(await customerWithHistory(c, id)), located: { method: location.method } }, 201)
  })
  .patch('/:id', validateParams(customerIdParam), validateJson(patchCustomerSchema), async (c) => {
    const { id } = c.req.valid('param')
    const { location } = await patchCustomer(c.var.deps.db.kysely, c.var.user, id, c.req.valid('json'))
    return c.json(
      { ...(await customerWithHistory(c, id)), located: location ? { method: location.method } : null },
      200,
    )
  })
