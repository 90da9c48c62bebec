import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '../../api/src/auth/password.ts'
import { decodeSession, encodeSession } from '../../api/src/auth/session.ts'
import { bboxSchema } from '../../api/src/lib/zod-helpers.ts'
import { isValidTile, tileBounds3857, webMercatorHalfWorld } from '../../api/src/tiles/tile-math.ts'

describe('sessions', () => {
  const expiresAt = Math.floor(Date.now() / 1000) + 60
  it('round-trips a signed session', () => {
    expect(decodeSession(encodeSession({ userId: 7, expiresAt }, 's1'), 's1')).toEqual({ userId: 7, expiresAt })
  })
  it('rejects another secret, a tampered payload and an expired session', () => {
    const token = encodeSession({ userId: 7, expiresAt }, 's1')
    expect(decodeSession(token, 's2')).toBeNull()
    const [, signature] = token.split('.')
    const forged = `${Buffer.from(JSON.stringify([1, expiresAt])).toString('base64url')}.${signature}`
    expect(decodeSession(forged, 's1')).toBeNull()
    expect(decodeSession(encodeSession({ userId: 7, expiresAt: 1 }, 's1'), 's1')).toBeNull()
    expect(decodeSession('garbage', 's1')).toBeNull()
  })
})

describe('passwords', () => {
  it('verifies the right password only, with a random salt', async () => {
    const a = await hashPassword('demo')
    const b = await hashPassword('demo')
    expect(a).not.toBe(b)
    expect(await verifyPassword('demo', a)).toBe(true)
    expect(await verifyPassword('Demo', a)).toBe(false)
    expect(await verifyPassword('demo', 'plaintext')).toBe(false)
  })
})

describe('bbox', () => {
  it('parses west,south,east,north', () => {
    expect(bboxSchema.parse('-80,35,-70,45')).toEqual([-80, 35, -70, 45])
  })
  it.each(['1,2,3', '1,2,3,4,5', 'a,b,c,d', '10,0,5,1', '0,10,1,5', '-181,0,0,1', '0,-91,1,0', '0,,1,1'])(
    'rejects %s',
    (value) => {
      expect(bboxSchema.safeParse(value).success).toBe(false)
    },
  )
})

describe('tile math', () => {
  it('computes the world and a quadrant in EPSG:3857', () => {
    expect(tileBounds3857(0, 0, 0)).toEqual([
      -webMercatorHalfWorld,
      -webMercatorHalfWorld,
      webMercatorHalfWorld,
      webMercatorHalfWorld,
    ])
    expect(tileBounds3857(1, 1, 0)).toEqual([0, 0, webMercatorHalfWorld, webMercatorHalfWorld])
  })
  it('knows which tiles exist', () => {
    expect(isValidTile(3, 7, 7)).toBe(true)
    expect(isValidTile(3, 8, 0)).toBe(false)
    expect(isValidTile(23, 0, 0)).toBe(false)
  })
})
