import { describe, expect, it } from 'vitest'
import { useTestApp } from '../support/app.ts'

const ctx = useTestApp()
const rep = 'rep1@meridian.test'

async function optimize(body: unknown) {
  const res = await ctx.app.request('/api/routes/optimize', { as: rep, method: 'POST', body: JSON.stringify(body) })
  return { status: res.status, body: await res.json() }
}

/** Exact optimum of a closed tour from node 0 by trying every order (n ≤ 7). */
function bruteForce(d: number[][]): number {
  const nodes = d.map((_, i) => i).slice(1)
  let best = Number.POSITIVE_INFINITY
  const permute = (rest: number[], at: number, cost: number) => {
    if (cost >= best) return
    if (rest.length === 0) {
      best = Math.min(best, cost + (d[at]?.[0] ?? 0))
      return
    }
    rest.forEach((next, i) => {
      permute([...rest.slice(0, i), ...rest.slice(i + 1)], next, cost + (d[at]?.[next] ?? 0))
    })
  }
  permute(nodes, 0, 0)
  return best
}

describe('POST /api/routes/optimize', () => {
  it('finds the optimal order on a caller-supplied asymmetric matrix', async () => {
    const n = 7
    let seed = 11
    const rand = () => {
      seed = (seed * 16807) % 2147483647
      return seed / 2147483647
    }
    const d = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => (i === j ? 0 : Math.round(10 + rand() * 90))),
    )
    const stops = Array.from({ length: n - 1 }, (_, i) => ({ id: `s${i + 1}` }))
    const { status, body } = await optimize({ stops, matrix: { distances: d } })
    expect(status).toBe(200)
    expect([...body.order].sort()).toEqual(stops.map((s) => s.id).sort())
    expect(body.totalDistance).toBe(bruteForce(d))
    expect(body.unscheduled).toEqual([])
    expect(typeof body.runtimeMs).toBe('number')
  })

  it('plans a day from coordinates with visit times, and reports stops that cannot fit', async () => {
    const { status, body } = await optimize({
      start: { lng: -87.63, lat: 41.88 },
      dayStartMin: 480,
      dayEndMin: 720,
      stops: [
        { id: 'a', lng: -87.65, lat: 41.9, durationMin: 45 },
        { id: 'b', lng: -87.7, lat: 41.95, durationMin: 45, window: [540, 600] },
        { id: 'c', lng: -87.6, lat: 41.8, durationMin: 45 },
        { id: 'far', lng: -80.19, lat: 25.76, durationMin: 30 },
      ],
    })
    expect(status).toBe(200)
    expect(body.order).toEqual(expect.arrayContaining(['a', 'b', 'c']))
    expect(body.unscheduled).toEqual([expect.objectContaining({ id: 'far' })])
    const b = body.visits.find((v: { id: string }) => v.id === 'b')
    expect(b.startMin).toBeGreaterThanOrEqual(540)
    expect(b.startMin).toBeLessThanOrEqual(600)
    expect(body.totalDistance).toBeGreaterThan(0)
    expect(body.legs.length).toBe(body.order.length + 1)
  })

  it.each([
    [
      'a window that ends before it starts',
      { start: { lng: 0, lat: 0 }, stops: [{ id: 'a', lng: 0, lat: 1, window: [600, 500] }] },
    ],
    [
      'duplicate stop ids',
      {
        start: { lng: 0, lat: 0 },
        stops: [
          { id: 'a', lng: 0, lat: 1 },
          { id: 'a', lng: 1, lat: 1 },
        ],
      },
    ],
    ['a matrix that is not square', { stops: [{ id: 'a' }], matrix: { distances: [[0, 1], [1]] } }],
    ['a matrix of the wrong size', { stops: [{ id: 'a' }], matrix: { distances: [[0]] } }],
    [
      'negative matrix entries',
      {
        stops: [{ id: 'a' }],
        matrix: {
          distances: [
            [0, -1],
            [1, 0],
          ],
        },
      },
    ],
    ['no start and no matrix', { stops: [{ id: 'a', lng: 0, lat: 1 }] }],
    [
      'more than 1,000 stops',
      {
        start: { lng: 0, lat: 0 },
        stops: Array.from({ length: 1001 }, (_, i) => ({ id: `s${i}`, lng: 0, lat: i / 1000 })),
      },
    ],
  ])('rejects %s with 400 validation_failed', async (_name, body) => {
    const res = await optimize(body)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('validation_failed')
  })
})
