import { describe, expect, it } from 'vitest'
import { haversineKm } from '../../api/src/lib/geo.ts'
import { createRandom } from '../../api/src/lib/random.ts'
import { createZipIndex, generateDemoBatches } from '../../api/src/seed/generate.ts'

const places = [
  { lng: -74.006, lat: 40.7128, population: 8_000_000, state: 'NY' },
  { lng: -104.99, lat: 39.74, population: 700_000, state: 'CO' },
  { lng: -100.0, lat: 44.0, population: 2_000, state: 'SD' },
]
const zips = [
  { zip: '10001', city: 'New York', state: 'NY', lng: -73.9967, lat: 40.7484 },
  { zip: '80202', city: 'Denver', state: 'CO', lng: -104.9986, lat: 39.7525 },
  { zip: '57501', city: 'Pierre', state: 'SD', lng: -100.3, lat: 44.4 },
]
const reps = [
  { id: 1, lng: -74, lat: 40.7 },
  { id: 2, lng: -105, lat: 39.7 },
]
const generate = (seed: number, customers = 2000) => [
  ...generateDemoBatches({
    seed,
    customers,
    places,
    zips,
    reps,
    now: new Date('2026-06-01T00:00:00Z'),
    batchSize: 500,
  }),
]

describe('createRandom', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createRandom(1)
    const b = createRandom(1)
    const c = createRandom(2)
    const seqA = Array.from({ length: 5 }, () => a.next())
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA)
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA)
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true)
  })
})

describe('generateDemoBatches', () => {
  it('is deterministic for a seed', () => {
    expect(JSON.stringify(generate(9, 300))).toBe(JSON.stringify(generate(9, 300)))
    expect(JSON.stringify(generate(9, 300))).not.toBe(JSON.stringify(generate(10, 300)))
  })

  it('places customers around places in proportion to population, with a realistic mix', () => {
    const customers = generate(3).flatMap((b) => b.customers)
    expect(customers).toHaveLength(2000)
    const nearNewYork = customers.filter(
      (c) => haversineKm([c.lng, c.lat], [places[0]?.lng ?? 0, places[0]?.lat ?? 0]) < 150,
    ).length
    expect(nearNewYork / customers.length).toBeGreaterThan(0.8)
    const share = (status: string) => customers.filter((c) => c.status === status).length / customers.length
    expect(share('active')).toBeGreaterThan(0.45)
    expect(share('prospect')).toBeGreaterThan(0.2)
    expect(share('churned')).toBeGreaterThan(0.08)
    expect(new Set(customers.map((c) => c.industry)).size).toBeGreaterThanOrEqual(10)
    expect(customers.every((c) => c.h3R5.length > 10 && /^[0-9]+$/.test(c.h3R5))).toBe(true)
  })

  it('gives the nearest rep as owner and three years of orders only to paying customers', () => {
    const batches = generate(5)
    const customers = batches.flatMap((b) => b.customers)
    const orders = batches.flatMap((b) => b.orders)
    const denver = customers.filter((c) => c.state === 'CO' && c.ownerId !== null)
    expect(denver.length).toBeGreaterThan(0)
    expect(denver.every((c) => c.ownerId === 2)).toBe(true)
    const prospects = new Set(customers.filter((c) => c.status === 'prospect').map((c) => c.id))
    expect(orders.some((o) => prospects.has(o.customerId))).toBe(false)
    const days = orders.map((o) => Date.parse(o.orderedOn))
    expect(Math.max(...days) - Math.min(...days)).toBeGreaterThan(2.5 * 365 * 86_400_000)
    // Revenue of the last 12 months equals the orders in that window.
    const first = customers.find((c) => c.revenue12mCents > 0)
    const cutoff = Date.parse('2025-06-01T00:00:00Z')
    const sum = orders
      .filter((o) => o.customerId === first?.id && Date.parse(o.orderedOn) > cutoff)
      .reduce((a, o) => a + o.amountCents, 0)
    expect(Math.abs(sum - (first?.revenue12mCents ?? 0))).toBeLessThanOrEqual((first?.revenue12mCents ?? 0) * 0.05)
  })
})

describe('createZipIndex', () => {
  it('finds the nearest ZIP centroid', () => {
    const nearest = createZipIndex(zips)
    expect(nearest(-73.99, 40.75)?.zip).toBe('10001')
    expect(nearest(-104.9, 39.8)?.zip).toBe('80202')
    expect(nearest(150, -30)).toBeNull()
  })
})
