import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useTestApp } from '../support/app.ts'

const ctx = useTestApp()
const rep = 'rep1@meridian.test'
const otherRep = 'rep2@meridian.test'
const manager = 'manager@meridian.test'
const marketer = 'marketer@meridian.test'
const admin = 'admin@meridian.test'
const run = promisify(execFile)

/** A quiet corner of central Nevada where the seeded demo data has no customers. */
const office = { kind: 'office' as const, lng: -117.0, lat: 39.5, label: 'Austin office' }
const day = '2026-12-01'

type Stop = {
  name: string
  customerId: number
  arrivalMin: number
  startMin: number
  departureMin: number
  waitMin: number
  late: boolean
}
type DayPlan = {
  stops: Stop[]
  unscheduled: { customerId: number; reason: string }[]
  legs: { distanceM: number; durationMin: number }[]
  totalDistanceM: number
  drivingMin: number
  feasible: boolean
  violations: { customerId: number | null; reason: string }[]
  travelModel: string
  lunchBreak: { startMin: number; endMin: number } | null
}

async function call(pathname: string, init: RequestInit & { as?: string; json?: unknown } = {}) {
  const { json, ...rest } = init
  const res = await ctx.app.request(pathname, {
    as: rep,
    ...rest,
    ...(json !== undefined ? { body: JSON.stringify(json), method: rest.method ?? 'POST' } : {}),
  })
  const type = res.headers.get('content-type') ?? ''
  const body = type.includes('json') ? await res.json() : await res.text()
  return { status: res.status, body, headers: res.headers }
}

async function createCustomer(owner: string, name: string, lng: number, lat: number, status = 'active') {
  const ownerId = await ctx.app.userId(owner)
  const { status: code, body } = await call('/api/customers', {
    as: admin,
    json: { name, industry: 'Retail', segment: 'smb', status, lng, lat, ownerId },
  })
  expect(code, JSON.stringify(body)).toBe(201)
  return body.customer.id as number
}

async function addRevenue(customerId: number, cents: number) {
  await sql`INSERT INTO customer_order (customer_id, ordered_on, amount_cents)
            VALUES (${customerId}, current_date - 30, ${cents})`.execute(ctx.app.db.kysely)
}

async function logVisit(customerId: number, occurredAt: string) {
  const { status } = await call(`/api/customers/${customerId}/interactions`, {
    as: admin,
    json: { channel: 'visit', direction: 'outbound', subject: 'Earlier visit', occurredAt },
  })
  expect(status).toBe(201)
}

/** Metres per degree near the test area, for positions "x metres from the customer". */
const metresPerDegLat = 111_320
const ids: Record<string, number> = {}
/** Twelve customers on a grid, created for the export tests and reused by the week plan. */
let many: string[] = []

beforeAll(async () => {
  // Tier A, last visited 40 days before the plan day (tier A wants a visit every 15 days): overdue.
  ids.bigOverdue = await createCustomer(rep, 'Sierra Mining Supply, Inc.; Austin', -117.05, 39.49)
  await addRevenue(ids.bigOverdue, 15_000_000)
  await logVisit(ids.bigOverdue, '2026-10-22T15:00:00Z')
  // Tier A, visited 2 days ago: not due.
  ids.bigFresh = await createCustomer(rep, 'Reese River Outfitters', -116.95, 39.52)
  await addRevenue(ids.bigFresh, 12_000_000)
  await logVisit(ids.bigFresh, '2026-11-29T15:00:00Z')
  // Tier C, never visited.
  ids.small = await createCustomer(rep, 'Toiyabe Diner', -117.08, 39.45)
  await addRevenue(ids.small, 100_000)
  // Open prospect.
  ids.prospect = await createCustomer(rep, 'Big Smoky Ranch', -116.9, 39.55, 'prospect')
  // Tier B, visited 28 days before the week starts (interval 30 days): due on the third day of the week.
  ids.midDue = await createCustomer(rep, 'Kingston Hardware', -117.12, 39.56)
  await addRevenue(ids.midDue, 3_000_000)
  await logVisit(ids.midDue, '2026-11-02T15:00:00Z')
  // Tier C, visited 10 days ago (interval 60 days): not due this week.
  ids.notDue = await createCustomer(rep, 'Hickison Feed', -116.85, 39.45)
  await addRevenue(ids.notDue, 200_000)
  await logVisit(ids.notDue, '2026-11-20T15:00:00Z')
  // Far away (Reno, ~250 km): outside a 60 km reach.
  ids.far = await createCustomer(rep, 'Truckee Meadows Co', -119.81, 39.53)
  // Another rep's customer right in the middle.
  ids.foreign = await createCustomer(otherRep, 'Other Rep Customer', -117.01, 39.51)
})

const baseDay = { date: day, start: office, dayStartMin: 480, dayEndMin: 1080 }

describe('GET /api/visits/suggestions', () => {
  it('ranks the rep’s own customers in reach by a score whose reasons add up', async () => {
    const { status, body } = await call(`/api/visits/suggestions?date=${day}&lng=-117&lat=39.5&radiusKm=60`)
    expect(status).toBe(200)
    const got = body.items.map((i: { customerId: number }) => i.customerId)
    expect(got).toContain(ids.bigOverdue)
    expect(got).not.toContain(ids.far)
    expect(got).not.toContain(ids.foreign)
    for (const item of body.items) {
      expect(item.score).toBe(item.reasons.reduce((s: number, r: { points: number }) => s + r.points, 0))
    }
    const overdue = body.items.find((i: { customerId: number }) => i.customerId === ids.bigOverdue)
    const fresh = body.items.find((i: { customerId: number }) => i.customerId === ids.bigFresh)
    expect(overdue.tier).toBe('A')
    expect(overdue.reasons.map((r: { code: string }) => r.code)).toEqual(expect.arrayContaining(['revenue', 'overdue']))
    expect(overdue.daysSinceVisit).toBe(39)
    expect(overdue.defaultDurationMin).toBe(60)
    expect(got.indexOf(ids.bigOverdue)).toBeLessThan(got.indexOf(ids.bigFresh))
    expect(fresh.reasons.find((r: { code: string }) => r.code === 'due_soon')).toBeTruthy()
    const prospect = body.items.find((i: { customerId: number }) => i.customerId === ids.prospect)
    expect(prospect.reasons.map((r: { code: string }) => r.code)).toEqual(
      expect.arrayContaining(['open_prospect', 'never_visited']),
    )
  })

  it('starts from the rep’s home base when no position is given, and refuses marketers', async () => {
    const home = await call(`/api/visits/suggestions?date=${day}&radiusKm=50&limit=5`)
    expect(home.status).toBe(200)
    expect(home.body.origin.kind).toBe('home')
    expect(home.body.origin.label).toContain('Seattle')
    expect(home.body.items.length).toBeGreaterThan(0)
    expect((await call(`/api/visits/suggestions?date=${day}`, { as: marketer })).status).toBe(403)
  })
})

describe('POST /api/visits/day/optimize and /day/retime', () => {
  it('orders the chosen customers with arrival, wait and departure, durations from the tier, and windows kept', async () => {
    const { status, body } = await call('/api/visits/day/optimize', {
      json: {
        ...baseDay,
        lunchBreak: { durationMin: 30, window: [720, 840] },
        stops: [
          { customerId: ids.bigOverdue },
          { customerId: ids.small, window: [600, 660] },
          { customerId: ids.prospect },
          { customerId: ids.midDue, durationMin: 20 },
        ],
      },
    })
    expect(status, JSON.stringify(body)).toBe(200)
    const plan = body.plan as DayPlan
    expect(plan.stops.map((s) => s.customerId).sort()).toEqual(
      [ids.bigOverdue, ids.small, ids.prospect, ids.midDue].sort(),
    )
    const small = plan.stops.find((s) => s.customerId === ids.small) as Stop
    expect(small.startMin).toBeGreaterThanOrEqual(600)
    expect(small.startMin).toBeLessThanOrEqual(660)
    const big = plan.stops.find((s) => s.customerId === ids.bigOverdue) as Stop
    expect(big.departureMin - big.startMin).toBeGreaterThanOrEqual(60)
    for (let i = 1; i < plan.stops.length; i++) {
      expect(plan.stops[i]?.arrivalMin).toBeGreaterThan(plan.stops[i - 1]?.departureMin ?? Infinity)
    }
    expect(plan.legs).toHaveLength(5)
    expect(plan.totalDistanceM).toBe(plan.legs.reduce((s, l) => s + l.distanceM, 0))
    expect(plan.totalDistanceM).toBeGreaterThan(10_000)
    expect(plan.drivingMin).toBeGreaterThan(0)
    expect(plan.lunchBreak?.startMin).toBeGreaterThanOrEqual(720)
    expect(plan.unscheduled).toEqual([])
    expect(plan.travelModel).toBe('straight_line')
  })

  it('leaves out what cannot fit, with the reason, instead of failing', async () => {
    const { status, body } = await call('/api/visits/day/optimize', {
      json: {
        ...baseDay,
        dayEndMin: 720,
        stops: [{ customerId: ids.small }, { customerId: ids.far }, { customerId: ids.prospect, window: [300, 400] }],
      },
    })
    expect(status).toBe(200)
    expect(body.plan.stops.map((s: Stop) => s.customerId)).toEqual([ids.small])
    expect(body.plan.unscheduled).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ customerId: ids.far, reason: 'day_too_short', name: 'Truckee Meadows Co' }),
        expect.objectContaining({ customerId: ids.prospect, reason: 'window_unreachable' }),
      ]),
    )
  })

  it('re-times a dragged order at once and names the window it breaks', async () => {
    const stops = [
      { customerId: ids.bigOverdue },
      { customerId: ids.small, window: [480, 560] },
      { customerId: ids.prospect },
    ]
    const optimal = await call('/api/visits/day/optimize', { json: { ...baseDay, stops } })
    const order = (optimal.body.plan as DayPlan).stops.map((s) => s.customerId)
    expect(order[0]).toBe(ids.small)
    const dragged = [...order.slice(1), order[0] as number]
    const { status, body } = await call('/api/visits/day/retime', { json: { ...baseDay, stops, order: dragged } })
    expect(status).toBe(200)
    const plan = body.plan as DayPlan
    expect(plan.stops.map((s) => s.customerId)).toEqual(dragged)
    expect(plan.feasible).toBe(false)
    expect(plan.violations).toEqual([{ customerId: ids.small, reason: 'late' }])
    expect(plan.stops.at(-1)?.late).toBe(true)
    expect(plan.stops[0]?.arrivalMin).not.toBe(optimal.body.plan.stops[0].arrivalMin)
    // Leaving a stop out of the order keeps it visible as left out.
    const partial = await call('/api/visits/day/retime', { json: { ...baseDay, stops, order: [ids.prospect] } })
    expect(partial.body.plan.unscheduled).toEqual(
      expect.arrayContaining([expect.objectContaining({ customerId: ids.bigOverdue, reason: 'left_out' })]),
    )
  })

  it('plans on a caller-supplied matrix', async () => {
    // start, a, b, c: the matrix makes start → c → a → b → start the only cheap tour.
    const d = [
      [0, 50, 90, 10],
      [90, 0, 10, 90],
      [10, 90, 0, 90],
      [90, 10, 90, 0],
    ]
    const { body } = await call('/api/visits/day/optimize', {
      json: {
        ...baseDay,
        stops: [{ customerId: ids.small }, { customerId: ids.prospect }, { customerId: ids.midDue }],
        matrix: { distances: d },
      },
    })
    expect(body.plan.travelModel).toBe('matrix')
    expect(body.plan.stops.map((s: Stop) => s.customerId)).toEqual([ids.midDue, ids.small, ids.prospect])
    expect(body.plan.totalDistanceM).toBe(40)
  })
})

describe('access', () => {
  it('answers another rep’s customer exactly like an unknown one, and writes nothing', async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM visit_plan`.execute(ctx.app.db.kysely)
    const foreign = await call('/api/visits/day/optimize', {
      json: { ...baseDay, stops: [{ customerId: ids.foreign }] },
    })
    const unknown = await call('/api/visits/day/optimize', { json: { ...baseDay, stops: [{ customerId: 987654321 }] } })
    expect(foreign.status).toBe(404)
    expect(unknown.status).toBe(404)
    expect(foreign.body.error.code).toBe('customer_not_found')
    expect(unknown.body.error.code).toBe('customer_not_found')
    expect(JSON.stringify(foreign.body)).not.toContain('Other Rep Customer')
    const save = await call('/api/visits/plans', {
      method: 'PUT',
      json: { ...baseDay, stops: [{ customerId: ids.small }, { customerId: ids.foreign }], expectedVersion: 0 },
    })
    expect(save.status).toBe(404)
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM visit_plan`.execute(ctx.app.db.kysely)
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n)
  })

  it('lets a rep plan only their own day, managers plan for reps, and marketers not at all', async () => {
    const body = { ...baseDay, stops: [{ customerId: ids.small }] }
    const repId = await ctx.app.userId(rep)
    const otherId = await ctx.app.userId(otherRep)
    expect((await call('/api/visits/day/optimize', { json: { ...body, repId: otherId } })).status).toBe(403)
    expect((await call(`/api/visits/plans/${day}?repId=${otherId}`)).status).toBe(403)
    expect((await call('/api/visits/day/optimize', { as: marketer, json: body })).status).toBe(403)
    const managed = await call('/api/visits/day/optimize', { as: manager, json: { ...body, repId } })
    expect(managed.status).toBe(200)
    expect(managed.body.plan.repId).toBe(repId)
    // A manager planning rep2's day cannot put rep1's customer in it.
    const wrongRep = await call('/api/visits/day/optimize', { as: manager, json: { ...body, repId: otherId } })
    expect(wrongRep.status).toBe(404)
    const reps = await call('/api/visits/reps', { as: manager })
    expect(reps.body.items.length).toBe(10)
    const own = await call('/api/visits/reps')
    expect(own.body.items.map((r: { id: number }) => r.id)).toEqual([repId])
  })
})

describe('bad input', () => {
  const stops = [{ customerId: 1 }]
  it.each([
    ['a window that ends before it starts', { ...baseDay, stops: [{ customerId: 1, window: [700, 600] }] }],
    ['a date that is not a date', { ...baseDay, date: '2026-02-30', stops }],
    ['a date in another format', { ...baseDay, date: '12/01/2026', stops }],
    ['too many stops', { ...baseDay, stops: Array.from({ length: 101 }, (_, i) => ({ customerId: i + 1 })) }],
    ['the same customer twice', { ...baseDay, stops: [{ customerId: 5 }, { customerId: 5 }] }],
    ['a day that ends before it starts', { ...baseDay, dayStartMin: 900, dayEndMin: 600, stops }],
    ['an unknown start kind', { ...baseDay, start: { kind: 'moon' }, stops }],
    [
      'a lunch break longer than its window',
      { ...baseDay, lunchBreak: { durationMin: 90, window: [720, 780] }, stops },
    ],
  ])('answers 400 validation_failed for %s', async (_, json) => {
    const { status, body } = await call('/api/visits/day/optimize', { json })
    expect(status).toBe(400)
    expect(body.error.code).toBe('validation_failed')
  })

  it('rejects a bad date in the path and an order naming a customer that is not a stop', async () => {
    expect((await call('/api/visits/plans/2026-13-01')).body.error.code).toBe('validation_failed')
    const { status } = await call('/api/visits/day/retime', {
      json: { ...baseDay, stops: [{ customerId: ids.small }], order: [ids.prospect] },
    })
    expect(status).toBe(400)
  })
})

describe('saved day plans', () => {
  const date = '2026-12-02'
  it('saves, loads and refuses a stale version without overwriting', async () => {
    const stops = [{ customerId: ids.bigOverdue }, { customerId: ids.small }, { customerId: ids.prospect }]
    expect((await call(`/api/visits/plans/${date}`)).body.error.code).toBe('plan_not_found')
    const first = await call('/api/visits/plans', {
      method: 'PUT',
      json: { ...baseDay, date, stops, expectedVersion: 0 },
    })
    expect(first.status, JSON.stringify(first.body)).toBe(200)
    expect(first.body.version).toBe(1)
    expect(first.body.plan.stops).toHaveLength(3)
    const again = await call('/api/visits/plans', {
      method: 'PUT',
      json: { ...baseDay, date, stops, expectedVersion: 0 },
    })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('version_conflict')
    const order = [...first.body.plan.stops.map((s: Stop) => s.customerId)].reverse()
    const second = await call('/api/visits/plans', {
      method: 'PUT',
      json: { ...baseDay, date, stops, order, expectedVersion: 1 },
    })
    expect(second.body.version).toBe(2)
    expect(second.body.plan.stops.map((s: Stop) => s.customerId)).toEqual(order)
    const stale = await call('/api/visits/plans', {
      method: 'PUT',
      json: { ...baseDay, date, stops: [], expectedVersion: 1 },
    })
    expect(stale.status).toBe(409)
    expect(stale.body.error.details).toEqual([{ currentVersion: 2 }])
    const loaded = await call(`/api/visits/plans/${date}`)
    expect(loaded.body.version).toBe(2)
    expect(loaded.body.plan.stops.map((s: Stop) => s.customerId)).toEqual(order)
    // The manager sees the same plan.
    const repId = await ctx.app.userId(rep)
    expect((await call(`/api/visits/plans/${date}?repId=${repId}`, { as: manager })).body.version).toBe(2)
  })
})

describe('exports', () => {
  const date = '2026-12-03'
  let saved: { plan: DayPlan & { stops: (Stop & { lng: number; lat: number; name: string })[] } }

  beforeAll(async () => {
    const res = await call('/api/visits/plans', {
      method: 'PUT',
      json: {
        ...baseDay,
        date,
        stops: [{ customerId: ids.bigOverdue }, { customerId: ids.small }, { customerId: ids.prospect }],
        expectedVersion: 0,
      },
    })
    expect(res.status).toBe(200)
    saved = res.body
    // Twelve more customers for the link splitting.
    many = []
    for (let i = 0; i < 12; i++) {
      many.push(
        String(await createCustomer(rep, `Grid Stop ${i}`, -117 + (i % 4) * 0.02, 39.5 + Math.floor(i / 4) * 0.02)),
      )
    }
    const big = await call('/api/visits/plans', {
      method: 'PUT',
      json: {
        ...baseDay,
        date: '2026-12-04',
        stops: many.map((id) => ({ customerId: Number(id), durationMin: 10 })),
        expectedVersion: 0,
      },
    })
    expect(big.status, JSON.stringify(big.body)).toBe(200)
    expect(big.body.plan.stops).toHaveLength(12)
  })

  it('writes valid GPX 1.1 with the stops as waypoints and the route in order (read back by GDAL)', async () => {
    const { status, body, headers } = await call(`/api/visits/plans/${date}/gpx`)
    expect(status).toBe(200)
    expect(headers.get('content-type')).toContain('application/gpx+xml')
    expect(body).toContain('xmlns="http://www.topografix.com/GPX/1/1"')
    expect(body).toContain('Sierra Mining Supply, Inc.; Austin')
    const dir = await mkdtemp(path.join(tmpdir(), 'visits-gpx-'))
    try {
      const file = path.join(dir, 'plan.gpx')
      await writeFile(file, body)
      const waypoints = await run('ogrinfo', ['-ro', '-al', '-q', file, 'waypoints'])
      const names = [...waypoints.stdout.matchAll(/^\s*name \(String\) = (.*)$/gm)].map((m) => m[1])
      expect(names).toEqual(saved.plan.stops.map((s, i) => `${i + 1}. ${s.name}`))
      const points = await run('ogrinfo', ['-ro', '-al', '-q', file, 'route_points'])
      const routeNames = [...points.stdout.matchAll(/^\s*name \(String\) = (.*)$/gm)].map((m) => m[1])
      expect(routeNames).toEqual([
        'Start: Austin office',
        ...saved.plan.stops.map((s, i) => `${i + 1}. ${s.name}`),
        'End: Austin office',
      ])
      const coords = [...points.stdout.matchAll(/POINT \(([-0-9.]+) ([-0-9.]+)\)/g)].map((m) => [
        Number(m[1]),
        Number(m[2]),
      ])
      expect(coords[1]).toEqual(
        [saved.plan.stops[0]?.lng, saved.plan.stops[0]?.lat].map((x) => Number((x ?? 0).toFixed(6))),
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('writes an ICS calendar with one folded, escaped VEVENT per stop at the planned times', async () => {
    const { status, body } = await call(`/api/visits/plans/${date}/ics`)
    expect(status).toBe(200)
    const text = body as string
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true)
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true)
    const physical = text.split('\r\n')
    for (const line of physical) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75)
    expect(text.replace(/\r\n(?! )/g, '').includes('\n')).toBe(false)
    const unfolded = text.replace(/\r\n /g, '').split('\r\n')
    const events = unfolded.filter((l) => l === 'BEGIN:VEVENT')
    expect(events).toHaveLength(saved.plan.stops.length)
    const first = saved.plan.stops[0] as Stop
    const hhmm = (m: number) =>
      `${String(Math.floor(Math.round(m) / 60)).padStart(2, '0')}${String(Math.round(m) % 60).padStart(2, '0')}00`
    expect(unfolded).toContain(`DTSTART:20261203T${hhmm(first.startMin)}`)
    expect(unfolded).toContain(`DTEND:20261203T${hhmm(first.departureMin)}`)
    const sierraIndex = saved.plan.stops.findIndex((s) => s.customerId === ids.bigOverdue)
    expect(unfolded).toContain(`SUMMARY:Visit ${sierraIndex + 1}: Sierra Mining Supply\\, Inc.\\; Austin`)
  })

  it('splits Google Maps directions into links of at most 9 waypoints that continue each other', async () => {
    const small = await call(`/api/visits/plans/${date}/google`)
    expect(small.body.links).toHaveLength(1)
    const { body } = await call('/api/visits/plans/2026-12-04/google')
    // start + 12 stops + end = 14 places: 11 in the first link, the last 4 (from its destination) in the second.
    expect(body.links).toHaveLength(2)
    const parsed = body.links.map((link: string) => new URL(link).searchParams)
    for (const p of parsed) {
      expect((p.get('waypoints') ?? '').split('|').length).toBeLessThanOrEqual(9)
      expect(p.get('api')).toBe('1')
    }
    expect(parsed[0].get('waypoints').split('|')).toHaveLength(9)
    expect(parsed[1].get('origin')).toBe(parsed[0].get('destination'))
    expect(parsed[1].get('waypoints').split('|')).toHaveLength(2)
    expect(parsed[0].get('origin')).toBe(parsed[1].get('destination'))
  })

  it('does not export another rep’s plan to a rep', async () => {
    const repId = await ctx.app.userId(rep)
    expect((await call(`/api/visits/plans/${date}/gpx?repId=${repId}`, { as: otherRep })).status).toBe(403)
    expect((await call(`/api/visits/plans/${date}/ics`, { as: otherRep })).status).toBe(404)
  })
})

// Before the check-ins: a check-in is a visit, and would make these customers not due.
describe('POST /api/visits/week', () => {
  it('spreads customers over the working days, each visited only once due and on a day it is open', async () => {
    const weekStart = '2026-11-30'
    const { status, body } = await call('/api/visits/week', {
      json: {
        weekStart,
        days: 5,
        start: office,
        stops: [
          { customerId: ids.bigOverdue },
          { customerId: ids.small },
          { customerId: ids.prospect, openDays: [4] },
          { customerId: ids.midDue },
          { customerId: ids.notDue },
          ...[0, 1, 2, 3, 4, 5].map((i) => ({ customerId: Number(many[i]), durationMin: 120 })),
        ],
      },
    })
    expect(status, JSON.stringify(body)).toBe(200)
    expect(body.days).toHaveLength(5)
    expect(body.days.map((d: { date: string }) => d.date)).toEqual([
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
    ])
    const dayOf = (id: number | undefined) =>
      body.days.findIndex((d: { stops: Stop[] }) => d.stops.some((s) => s.customerId === id))
    expect(body.unscheduled, JSON.stringify(body.unscheduled)).toEqual([
      expect.objectContaining({ customerId: ids.notDue, reason: 'not_due' }),
    ])
    expect(dayOf(ids.prospect)).toBe(3)
    // Last visited 2026-11-02, tier B every 30 days: due 2026-12-02, the third working day.
    expect(dayOf(ids.midDue)).toBeGreaterThanOrEqual(2)
    const used = body.days.filter((d: { stops: Stop[] }) => d.stops.length > 0)
    expect(used.length).toBeGreaterThanOrEqual(3)
    for (const d of body.days) {
      for (const s of d.stops) expect(s.departureMin).toBeLessThanOrEqual(1080)
    }
  })
})

describe('check-in', () => {
  it('records a visit in the contact history and stores only whether the device was within 200 m', async () => {
    const [lng, lat] = [-117.08, 39.45]
    const near = await call('/api/visits/check-ins', {
      json: {
        customerId: ids.small,
        date: '2026-12-03',
        outcome: 'Met the owner',
        notes: 'Wants a quote',
        position: { lng, lat: lat + 120 / metresPerDegLat, accuracyM: 15 },
      },
    })
    expect(near.status, JSON.stringify(near.body)).toBe(201)
    expect(near.body.checkIn.withinRadius).toBe(true)
    expect(near.body.checkIn.planned).toBe(true)
    const away = await call('/api/visits/check-ins', {
      json: {
        customerId: ids.small,
        date: '2026-12-03',
        outcome: 'Closed',
        position: { lng, lat: lat + 300 / metresPerDegLat },
      },
    })
    expect(away.body.checkIn.withinRadius).toBe(false)
    const none = await call('/api/visits/check-ins', {
      json: { customerId: ids.prospect, date: '2026-12-04', outcome: 'Dropped a flyer' },
    })
    expect(none.body.checkIn.withinRadius).toBe(null)
    const history = await call(`/api/customers/${ids.small}`)
    const visit = history.body.interactions.find((i: { id: number }) => i.id === near.body.interaction.id)
    expect(visit).toMatchObject({ channel: 'visit', outcome: 'Met the owner', notes: 'Wants a quote' })
    expect(visit.subject).toContain('on site')
    // No column anywhere in the check-in table could hold the position.
    const columns = await sql<{ name: string; type: string }>`
      SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = 'visit_check_in'`.execute(
      ctx.app.db.kysely,
    )
    expect(
      columns.rows.filter((c) => /geom|lng|lat|position|USER-DEFINED|double|numeric/i.test(`${c.name} ${c.type}`)),
    ).toEqual([])
    const stored = await sql<Record<string, unknown>>`SELECT * FROM visit_check_in`.execute(ctx.app.db.kysely)
    expect(JSON.stringify(stored.rows)).not.toContain(String(lng))
  })

  it('refuses another rep’s customer with 404 and marketers with 403, writing nothing', async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM interaction`.execute(ctx.app.db.kysely)
    const foreign = await call('/api/visits/check-ins', { json: { customerId: ids.foreign, outcome: 'Met' } })
    expect(foreign.status).toBe(404)
    expect(foreign.body.error.code).toBe('customer_not_found')
    expect(
      (await call('/api/visits/check-ins', { as: marketer, json: { customerId: ids.small, outcome: 'x' } })).status,
    ).toBe(403)
    expect((await call('/api/visits/check-ins', { json: { customerId: ids.small, outcome: '' } })).status).toBe(400)
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM interaction`.execute(ctx.app.db.kysely)
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n)
  })
})

describe('GET /api/visits/report', () => {
  it('shows managers planned versus done visits per rep and week', async () => {
    const { status, body } = await call('/api/visits/report?weekStart=2026-11-30&weeks=2', { as: manager })
    expect(status).toBe(200)
    const repId = await ctx.app.userId(rep)
    const mine = body.rows.filter((r: { repId: number }) => r.repId === repId)
    expect(mine).toHaveLength(2)
    // Saved plans on 2026-12-02 (3 stops), 12-03 (3) and 12-04 (12); check-ins: 3, two of them at a planned stop.
    expect(mine[0]).toMatchObject({ weekStart: '2026-11-30', planned: 18, done: 3, donePlanned: 2, onSite: 1 })
    expect(mine[1]).toMatchObject({ weekStart: '2026-12-07', planned: 0, done: 0 })
    expect((await call('/api/visits/report?weekStart=2026-11-30')).status).toBe(403)
    expect((await call('/api/visits/report?weekStart=soon', { as: manager })).status).toBe(400)
  })
})

describe('OSRM table service', () => {
  let server: Server
  const requests: string[] = []
  beforeAll(async () => {
    // Speaks OSRM's table JSON: seconds and metres between the coordinates in the path. Roads here make every
    // drive 2 km and 6 minutes, whatever the straight-line distance.
    server = createServer((req, res) => {
      requests.push(req.url ?? '')
      const match = /^\/table\/v1\/driving\/([^?]+)\?(.*)$/.exec(req.url ?? '')
      if (!match) {
        res.writeHead(400, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ code: 'InvalidUrl', message: 'bad' }))
        return
      }
      const n = (match[1] ?? '').split(';').length
      const params = new URLSearchParams(match[2])
      const pick = (name: string) =>
        params.get(name) ? (params.get(name) ?? '').split(';').map(Number) : Array.from({ length: n }, (_, i) => i)
      const sources = pick('sources')
      const destinations = pick('destinations')
      const table = (value: number) => sources.map((s) => destinations.map((d) => (s === d ? 0 : value)))
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ code: 'Ok', durations: table(360), distances: table(2000) }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    delete process.env.OSRM_URL
    await new Promise((resolve) => server.close(resolve))
  })

  it('uses road distances and times from OSRM_URL, and answers 502 when the service is down', async () => {
    process.env.OSRM_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    const stops = [
      { customerId: ids.small, durationMin: 0 },
      { customerId: ids.prospect, durationMin: 0 },
      { customerId: ids.far, durationMin: 0 },
    ]
    const { status, body } = await call('/api/visits/day/optimize', { json: { ...baseDay, stops } })
    expect(status, JSON.stringify(body)).toBe(200)
    expect(body.plan.travelModel).toBe('osrm')
    // Reno is 250 km away in a straight line, but this road network says 2 km like every other drive.
    expect(body.plan.unscheduled).toEqual([])
    expect(body.plan.totalDistanceM).toBe(4 * 2000)
    expect(body.plan.drivingMin).toBe(4 * 6)
    expect(requests.at(-1)).toMatch(/^\/table\/v1\/driving\/-117\.000000,39\.500000;/)
    expect(requests.at(-1)).toContain('annotations=duration%2Cdistance')
    await new Promise((resolve) => server.close(resolve))
    const down = await call('/api/visits/day/optimize', { json: { ...baseDay, stops } })
    expect(down.status).toBe(502)
    expect(down.body.error.code).toBe('travel_service_unavailable')
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })
})
