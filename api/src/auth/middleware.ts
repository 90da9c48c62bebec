import { getCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { AppEnv, CurrentUser, Role } from '../context.ts'
import { AppError } from '../errors.ts'
import { findUserById } from './queries.ts'
import { decodeSession, sessionCookieName } from './session.ts'

export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const { db, sessionSecret } = c.var.deps
  const token = getCookie(c, sessionCookieName)
  const session = token ? decodeSession(token, sessionSecret) : null
  const user = session ? await findUserById(db.kysely, session.userId) : undefined
  if (!user) throw new AppError(401, 'unauthenticated', 'Please sign in.')
  c.set('user', user)
  await next()
})

export function assertRole(user: CurrentUser, roles: Role[], action: string): void {
  if (!roles.includes(user.role)) throw new AppError(403, 'forbidden', `Your role (${user.role}) may not ${action}.`)
}
