import type { Db } from './db/connect.ts'

export type Role = 'admin' | 'manager' | 'rep' | 'marketer'
export type CurrentUser = { id: number; name: string; email: string; role: Role }

export type AppDeps = {
  db: Db
  sessionSecret: string
  secureCookies: boolean
  basemapStyleUrl: string | null
}

export type AppEnv = { Variables: { deps: AppDeps; user: CurrentUser } }

/**
 * Least access: a rep sees only the customers they own. Every customer query takes this scope;
 * `ownerId: null` means "all customers".
 */
export type CustomerScope = { ownerId: number | null }

export function customerScope(user: CurrentUser): CustomerScope {
  return { ownerId: user.role === 'rep' ? user.id : null }
}
