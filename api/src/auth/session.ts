import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/connect.ts'

/**
 * Sessions are stateless signed cookies (user id, role, expiry, HMAC-SHA256), so any API
 * instance behind a load balancer can verify them. The secret comes from SESSION_SECRET or,
 * when unset, from one random value stored in the database and shared by all instances.
 */
export type Session = { userId: number; expiresAt: number }

export const sessionCookieName = 'meridian_session'
export const sessionTtlSeconds = 12 * 3600

export async function loadSessionSecret(db: Db, fromEnv: string | null): Promise<string> {
  if (fromEnv) return fromEnv
  await sql`INSERT INTO app_setting (key, value) VALUES ('session_secret', ${randomBytes(32).toString('hex')})
            ON CONFLICT (key) DO NOTHING`.execute(db.kysely)
  const row = await db.kysely
    .selectFrom('app_setting')
    .select('value')
    .where('key', '=', 'session_secret')
    .executeTakeFirstOrThrow()
  return row.value
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url')
}

export function encodeSession(session: Session, secret: string): string {
  const payload = Buffer.from(JSON.stringify([session.userId, session.expiresAt])).toString('base64url')
  return `${payload}.${sign(payload, secret)}`
}

export function decodeSession(token: string, secret: string, nowMs = Date.now()): Session | null {
  const [payload, signature] = token.split('.')
  if (!payload || !signature) return null
  const expected = Buffer.from(sign(payload, secret))
  const actual = Buffer.from(signature)
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    if (!Array.isArray(value) || typeof value[0] !== 'number' || typeof value[1] !== 'number') return null
    if (value[1] * 1000 < nowMs) return null
    return { userId: value[0], expiresAt: value[1] }
  } catch {
    return null
  }
}
