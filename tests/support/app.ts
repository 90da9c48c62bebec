import { afterAll, beforeAll } from 'vitest'
import { createApp } from '../../api/src/app.ts'
import type { Db } from '../../api/src/db/connect.ts'
import { createTestDb } from './db.ts'

export type TestApp = {
  db: Db
  request: (path: string, init?: RequestInit & { as?: string }) => Promise<Response>
  /** Session cookie of a demo user, e.g. `await t.login('rep1@meridian.test')`. */
  login: (email: string, password?: string) => Promise<string>
  userId: (email: string) => Promise<number>
  close: () => Promise<void>
}

export async function createTestApp(): Promise<TestApp> {
  const db = await createTestDb()
  const app = createApp({ db, sessionSecret: 'test-secret', secureCookies: false, basemapStyleUrl: null })
  const cookies = new Map<string, string>()
  const login = async (email: string, password = 'demo') => {
    const res = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    })
    if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status}`)
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    cookies.set(email, cookie)
    return cookie
  }
  return {
    db,
    login,
    request: async (path, init = {}) => {
      const { as, ...rest } = init
      const headers = new Headers(rest.headers)
      if (as) headers.set('cookie', cookies.get(as) ?? (await login(as)))
      if (typeof rest.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json')
      return app.request(path, { ...rest, headers })
    },
    userId: async (email) => {
      const row = await db.kysely
        .selectFrom('app_user')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow()
      return row.id
    },
    close: () => db.close(),
  }
}

/** One app + fresh database per test file: `const t = useTestApp()` then `t.app.request(...)` inside tests. */
export function useTestApp(): { readonly app: TestApp } {
  const holder: { app?: TestApp } = {}
  beforeAll(async () => {
    holder.app = await createTestApp()
  })
  afterAll(async () => {
    await holder.app?.close()
  })
  return {
    get app() {
      if (!holder.app) throw new Error('useTestApp: app not ready (call inside a test)')
      return holder.app
    },
  }
}
