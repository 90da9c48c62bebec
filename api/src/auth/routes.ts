import { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from '../context.ts'
import { AppError } from '../errors.ts'
import { validateJson } from '../lib/validate.ts'
import { requireSession } from './middleware.ts'
import { verifyPassword } from './password.ts'
import { findUserByEmail } from './queries.ts'
import { loginSchema } from './schema.ts'
import { encodeSession, sessionCookieName, sessionTtlSeconds } from './session.ts'

// A fixed hash so an unknown email costs as much time as a wrong password.
const dummyHash =
  'scrypt$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000'

export const authRoutes = new Hono<AppEnv>()
  .post('/login', validateJson(loginSchema), async (c) => {
    const { email, password } = c.req.valid('json')
    const { db, sessionSecret, secureCookies } = c.var.deps
    const user = await findUserByEmail(db.kysely, email)
    const ok = await verifyPassword(password, user?.password_hash ?? dummyHash)
    if (!user || !ok) throw new AppError(401, 'invalid_credentials', 'Email or password is not correct.')
    const expiresAt = Math.floor(Date.now() / 1000) + sessionTtlSeconds
    setCookie(c, sessionCookieName, encodeSession({ userId: user.id, expiresAt }, sessionSecret), {
      httpOnly: true,
      sameSite: 'Lax',
      secure: secureCookies,
      path: '/',
      maxAge: sessionTtlSeconds,
    })
    return c.json({ user: { id: user.id, name: user.name, email: user.email, role: user.role } }, 200)
  })
  .post('/logout', (c) => {
    deleteCookie(c, sessionCookieName, { path: '/' })
    return c.body(null, 204)
  })
  .get('/me', requireSession, (c) => c.json({ user: c.var.user }, 200))
