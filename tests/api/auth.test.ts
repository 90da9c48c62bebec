import { describe, expect, it } from 'vitest'
import { useTestApp } from '../support/app.ts'

const ctx = useTestApp()

describe('health and sessions', () => {
  it('reports the database backend on /api/health without a session', async () => {
    const res = await ctx.app.request('/api/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', db: process.env.DATABASE_URL ? 'postgres' : 'pglite' })
  })

  it('sets an httpOnly SameSite=Lax session cookie on login', async () => {
    const res = await ctx.app.request('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email: 'Manager@Meridian.test', password: 'demo' }),
    })
    expect(res.status).toBe(200)
    expect((await res.json()).user).toMatchObject({ email: 'manager@meridian.test', role: 'manager' })
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/meridian_session=/)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
  })

  it('returns 401 invalid_credentials for a wrong password or unknown email', async () => {
    for (const body of [
      { email: 'admin@meridian.test', password: 'nope' },
      { email: 'ghost@meridian.test', password: 'demo' },
    ]) {
      const res = await ctx.app.request('/api/auth/login', { method: 'POST', body: JSON.stringify(body) })
      expect(res.status).toBe(401)
      expect((await res.json()).error.code).toBe('invalid_credentials')
    }
  })

  it('requires a session on every customer route and rejects a forged cookie', async () => {
    for (const path of [
      '/api/customers',
      '/api/customers/1',
      '/api/customers/nearby?lng=-74&lat=40',
      '/api/tiles/customers/4/4/6.mvt',
      '/api/density?z=4',
      '/api/regions?level=state',
      '/api/auth/me',
    ]) {
      const res = await ctx.app.request(path)
      expect(res.status, path).toBe(401)
      expect((await res.json()).error.code).toBe('unauthenticated')
    }
    const forged = await ctx.app.request('/api/auth/me', {
      headers: { cookie: 'meridian_session=WzEsOTk5OTk5OTk5OV0.forged' },
    })
    expect(forged.status).toBe(401)
  })

  it('answers /api/auth/me for a signed-in user and forgets the cookie on logout', async () => {
    const me = await ctx.app.request('/api/auth/me', { as: 'rep1@meridian.test' })
    expect((await me.json()).user).toMatchObject({ email: 'rep1@meridian.test', role: 'rep' })
    const out = await ctx.app.request('/api/auth/logout', { method: 'POST', as: 'rep1@meridian.test' })
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(/meridian_session=;.*Max-Age=0/i)
  })
})
