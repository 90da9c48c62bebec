import { Hono } from 'hono'
import type { AppEnv } from '../context.ts'
import { notFound } from '../errors.ts'
import { validateJson, validateParams } from '../lib/validate.ts'
import { idParamSchema } from '../lib/zod-helpers.ts'
import { describeRoute } from '../openapi/describe.ts'
import { insertApiToken, listApiTokens, revokeApiToken } from './token-queries.ts'
import { createdTokenResponse, createTokenSchema, tokenListResponse } from './token-schema.ts'

/** Personal API tokens of the signed-in user (cookie session only: a token cannot mint tokens). */
export const tokenRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({ tags: ['tokens'], summary: 'List my API tokens', response: tokenListResponse }),
    async (c) => c.json({ items: await listApiTokens(c.var.deps.db.kysely, c.var.user.id) }, 200),
  )
  .post(
    '/',
    describeRoute({
      tags: ['tokens'],
      summary: 'Create an API token (the token is in this response only)',
      response: createdTokenResponse,
      status: 201,
    }),
    validateJson(createTokenSchema),
    async (c) => c.json(await insertApiToken(c.var.deps.db.kysely, c.var.user.id, c.req.valid('json')), 201),
  )
  .delete(
    '/:id',
    describeRoute({ tags: ['tokens'], summary: 'Revoke one of my API tokens', status: 204 }),
    validateParams(idParamSchema),
    async (c) => {
      const ok = await revokeApiToken(c.var.deps.db.kysely, c.var.user.id, c.req.valid('param').id)
      if (!ok) throw notFound('api_token')
      return c.body(null, 204)
    },
  )
