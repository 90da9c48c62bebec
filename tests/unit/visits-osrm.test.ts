import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchOsrmMatrices, OsrmError, unreachableMinutes } from '../../api/src/routing/osrm.ts'

/**
 * A tiny OSRM `table` look-alike: point k sits at longitude k, and the road from a to b is 1000·|a−b| + 7 metres and
 * 60·|a−b| + 30 seconds; longitude 99 is an island nobody reaches (null), longitude 98 makes the server fail.
 */
let server: Server
let baseUrl = ''
const seen: number[] = []
beforeAll(async () => {
  server = createServer((req, res) => {
    const match = /^\/table\/v1\/driving\/([^?]+)\?(.*)$/.exec(req.url ?? '')
    const lngs = (match?.[1] ?? '').split(';').map((pair) => Number(pair.split(',')[0]))
    seen.push(lngs.length)
    if (lngs.includes(98)) {
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ code: 'TooBig', message: 'Too many table coordinates' }))
      return
    }
    const params = new URLSearchParams(match?.[2] ?? '')
    const sources = (params.get('sources') ?? '').split(';').map(Number)
    const destinations = (params.get('destinations') ?? '').split(';').map(Number)
    const cell = (s: number, d: number, f: (gap: number) => number) => {
      const a = lngs[s] ?? 0
      const b = lngs[d] ?? 0
      if (a === b) return 0
      return a === 99 || b === 99 ? null : f(Math.abs(a - b))
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        code: 'Ok',
        durations: sources.map((s) => destinations.map((d) => cell(s, d, (g) => 60 * g + 30))),
        distances: sources.map((s) => destinations.map((d) => cell(s, d, (g) => 1000 * g + 7))),
      }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

const points = (lngs: number[]) => lngs.map((lng): [number, number] => [lng, 0])

describe('OSRM table client', () => {
  it('assembles the full matrix from blocks when there are more points than one request may carry', async () => {
    seen.length = 0
    const lngs = [0, 1, 2, 3, 4, 5, 6]
    const { distances, durations } = await fetchOsrmMatrices(points(lngs), { baseUrl, maxLocations: 4 })
    for (const a of lngs) {
      for (const b of lngs) {
        expect(distances[a]?.[b]).toBe(a === b ? 0 : 1000 * Math.abs(a - b) + 7)
        expect(durations[a]?.[b]).toBeCloseTo(a === b ? 0 : (60 * Math.abs(a - b) + 30) / 60, 9)
      }
    }
    expect(Math.max(...seen)).toBeLessThanOrEqual(4)
    expect(seen.length).toBe(16)
  })

  it('asks once when the points fit, and makes unreachable pairs prohibitively long', async () => {
    seen.length = 0
    const { durations } = await fetchOsrmMatrices(points([0, 1, 99]), { baseUrl })
    expect(seen).toEqual([3])
    expect(durations[0]?.[2]).toBe(unreachableMinutes)
    expect(durations[0]?.[1]).toBeCloseTo(1.5, 9)
  })

  it('turns a failing or unreachable service into an OsrmError', async () => {
    await expect(fetchOsrmMatrices(points([0, 98]), { baseUrl })).rejects.toBeInstanceOf(OsrmError)
    await expect(
      fetchOsrmMatrices(points([0, 1]), { baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 }),
    ).rejects.toBeInstanceOf(OsrmError)
  })
})
