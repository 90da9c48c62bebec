import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { requireSession } from '../auth/middleware.ts'
import type { AppEnv } from '../context.ts'
import { AppError } from '../errors.ts'
import { findUserByToken } from './token-queries.ts'

// How the current request authenticated; kept beside the request, not in process state that outlives it.
const viaToken = new WeakSet<Request>()

export function authenticatedVia(c: Context<AppEnv>): 'token' | 'session' {
  return viaToken.has(c.req.raw) ? 'token' : 'session'
}

/** The token a request carries: `Authorization: Bearer <token>`, else `?token=` for tools that cannot set headers. */
export function requestToken(c: Context<AppEnv>): string | null {
  const header = c.req.header('authorization')
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match?.[1]) throw new AppError(401, 'invalid_token', 'The Authorization header must be "Bearer <token>".')
    return match[1]
  }
  return c.req.query('token') ?? null
}

/**
 * A personal API token (desktop GIS, scripts) or, without one, the session cookie. A token that is present but
 * unknown, revoked or expired is a 401 — it never falls back to the cookie, so a broken token is noticed.
 */
export const requireSessionOrToken = createMiddleware<AppEnv>(async (c, next) => {
  const token = requestToken(c)
  if (token === null) return requireSession(c, next)
  const user = token.length <= 200 ? await findUserByToken(c.var.deps.db.kysely, token) : undefined
  if (!user) throw new AppError(401, 'invalid_token', 'The API token is unknown, revoked or expired.')
  c.set('user', user)
  viaToken.add(c.req.raw)
  await next()
})
