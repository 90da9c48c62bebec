import { createHash, randomBytes } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { CurrentUser } from '../context.ts'
import type { Database } from '../db/schema.ts'

type Q = Kysely<Database>

export const tokenPrefixLength = 12

export type ApiTokenItem = {
  id: number
  name: string
  prefix: string
  createdAt: Date
  lastUsedAt: Date | null
  expiresAt: Date | null
}

/** 256 random bits, recognisable by its `mrd_` prefix (secret scanners, logs). */
export function generateToken(): string {
  return `mrd_${randomBytes(32).toString('base64url')}`
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export async function insertApiToken(
  db: Q,
  userId: number,
  input: { name: string; expiresInDays?: number | undefined },
): Promise<{ token: string; item: ApiTokenItem }> {
  const token = generateToken()
  const { rows } = await sql<ApiTokenItem>`
    INSERT INTO api_token (user_id, name, prefix, token_hash, expires_at)
    VALUES (${userId}, ${input.name}, ${token.slice(0, tokenPrefixLength)}, ${hashToken(token)},
            ${input.expiresInDays === undefined ? null : sql`now() + make_interval(days => ${input.expiresInDays})`})
    RETURNING id, name, prefix, created_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt"`.execute(
    db,
  )
  const item = rows[0]
  if (!item) throw new Error('insert api_token returned no row')
  return { token, item }
}

/** The signed-in user's usable tokens (revoked and expired ones are not listed). */
export async function listApiTokens(db: Q, userId: number): Promise<ApiTokenItem[]> {
  const { rows } = await sql<ApiTokenItem>`
    SELECT id, name, prefix, created_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt"
    FROM api_token
    WHERE user_id = ${userId} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
    ORDER BY created_at DESC, id DESC`.execute(db)
  return rows
}

/** Revokes one of the user's own tokens; false when there is no such usable token of theirs. */
export async function revokeApiToken(db: Q, userId: number, id: number): Promise<boolean> {
  const result = await sql`
    UPDATE api_token SET revoked_at = now()
    WHERE id = ${id} AND user_id = ${userId} AND revoked_at IS NULL`.execute(db)
  return Number(result.numAffectedRows ?? 0) > 0
}

/** The user a token belongs to, if it is known, not revoked and not expired; records its use once a minute. */
export async function findUserByToken(db: Q, token: string): Promise<CurrentUser | undefined> {
  const { rows } = await sql<CurrentUser & { tokenId: number; stale: boolean }>`
    SELECT u.id, u.name, u.email, u.role, t.id AS "tokenId",
      (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute') AS stale
    FROM api_token t JOIN app_user u ON u.id = t.user_id
    WHERE t.token_hash = ${hashToken(token)} AND t.revoked_at IS NULL
      AND (t.expires_at IS NULL OR t.expires_at > now())`.execute(db)
  const row = rows[0]
  if (!row) return undefined
  if (row.stale) await sql`UPDATE api_token SET last_used_at = now() WHERE id = ${row.tokenId}`.execute(db)
  return { id: row.id, name: row.name, email: row.email, role: row.role }
}
