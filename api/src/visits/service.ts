import type { Kysely } from 'kysely'
import type { CurrentUser } from '../context.ts'
import { customerScope } from '../context.ts'
import { findCustomer } from '../customers/queries.ts'
import type { Database } from '../db/schema.ts'
import { AppError, notFound } from '../errors.ts'
import { insertInteraction } from '../interactions/queries.ts'
import { haversineKm } from '../lib/geo.ts'
import { valueTier, visitIntervalDays, visitMinutesByTier } from '../lib/value-tiers.ts'
import {
  optimizeRoute,
  type RoutePlan,
  type RouteProblem,
  type RouteViolation,
  timeRoute,
} from '../routing/optimizer.ts'
import { fetchOsrmMatrices, OsrmError, osrmUrlFromEnv } from '../routing/osrm.ts'
import { buildTravelMatrices } from '../routing/travel-model.ts'
import { planWeek, type WeekStop } from '../routing/week.ts'
import type { ExportPlan } from './exports.ts'
import { scoreCustomer } from './priority.ts'
import {
  findOwnedCustomers,
  findUserForPlanning,
  findVisitPlan,
  insertCheckIn,
  insertVisitPlan,
  isNearCustomer,
  listCheckInsOfDay,
  listReps,
  listSuggestionCandidates,
  type PlanCustomer,
  type RepRow,
  updateVisitPlan,
  type VisitPlanRow,
} from './queries.ts'
import type {
  CheckInInput,
  OptimizeDayInput,
  PlaceInput,
  RetimeDayInput,
  SaveDayInput,
  VisitStopInput,
  WeekInput,
} from './schema.ts'

type Q = Kysely<Database>

/** A check-in counts as on site within this distance of the customer. */
export const onSiteRadiusM = 200

// --- access --------------------------------------------------------------------------------------------------

/** Reps plan their own days; managers and admins plan anyone's; marketers do not plan visits. */
export function assertCanPlan(user: CurrentUser): void {
  if (user.role === 'marketer') throw new AppError(403, 'forbidden', 'Marketers do not plan field visits.')
}

/** The rep whose day is planned: the user, or (managers and admins only) the rep they name. */
export async function planningRep(db: Q, user: CurrentUser, repId: number | undefined): Promise<RepRow> {
  assertCanPlan(user)
  const id = repId ?? user.id
  if (user.role === 'rep' && id !== user.id) {
    throw new AppError(403, 'forbidden', 'Reps plan and see only their own visits.')
  }
  const rep = await findUserForPlanning(db, id)
  if (!rep || (id !== user.id && rep.role !== 'rep')) throw notFound('rep')
  return rep
}

export async function listPlannableReps(db: Q, user: CurrentUser): Promise<RepRow[]> {
  assertCanPlan(user)
  if (user.role === 'rep') {
    const me = await findUserForPlanning(db, user.id)
    return me ? [me] : []
  }
  return listReps(db)
}

// --- places, stops and travel ---------------------------------------------------------------------------------

export type Place = { kind: PlaceInput['kind']; label: string; lng: number; lat: number }

function resolvePlace(place: PlaceInput, rep: RepRow): Place {
  if (place.kind === 'home') {
    if (rep.homeLng === null || rep.homeLat === null) {
      throw new AppError(
        400,
        'no_home_base',
        `${rep.name} has no home base; start from an office or the current position.`,
      )
    }
    return {
      kind: 'home',
      label: rep.homeLabel ? `Home (${rep.homeLabel})` : 'Home',
      lng: rep.homeLng,
      lat: rep.homeLat,
    }
  }
  if (place.kind === 'office') return { kind: 'office', label: place.label ?? 'Office', lng: place.lng, lat: place.lat }
  return { kind: 'current', label: 'Current position', lng: place.lng, lat: place.lat }
}

/** The customers behind the stops, in the stops' order; unknown ids and other reps' customers answer 404 alike. */
async function loadCustomers(
  db: Q,
  rep: RepRow,
  customerIds: readonly number[],
  date: string,
): Promise<PlanCustomer[]> {
  const rows = await findOwnedCustomers(db, rep.id, customerIds, date)
  const byId = new Map(rows.map((row) => [row.id, row]))
  const missing = customerIds.filter((id) => !byId.has(id))
  if (missing.length > 0) {
    throw new AppError(
      404,
      'customer_not_found',
      `No customer of ${rep.name} with id ${missing.join(', ')} (or you may not see it).`,
      missing.map((customerId) => ({ customerId })),
    )
  }
  return customerIds.map((id) => byId.get(id) as PlanCustomer)
}

export type TravelModelName = 'straight_line' | 'osrm' | 'matrix'

type Travel = { distances: number[][]; durations: number[][] | undefined; model: TravelModelName }

async function travelFor(
  points: [number, number][],
  input: {
    matrix?: { distances: number[][]; durations?: number[][] }
    travel?: { detourFactor?: number; speedKmh?: number }
  },
): Promise<Travel> {
  if (input.matrix) return { distances: input.matrix.distances, durations: input.matrix.durations, model: 'matrix' }
  const osrm = osrmUrlFromEnv()
  if (osrm) {
    try {
      const road = await fetchOsrmMatrices(points, { baseUrl: osrm })
      return { ...road, model: 'osrm' }
    } catch (error) {
      if (error instanceof OsrmError) {
        throw new AppError(
          502,
          'travel_service_unavailable',
          'The road travel-time service (OSRM_URL) did not answer with a table.',
        )
      }
      throw error
    }
  }
  const straight = buildTravelMatrices(points, input.travel ?? {})
  return { ...straight, model: 'straight_line' }
}

// --- day plans -------------------------------------------------------------------------------------------------

type DayRequest = OptimizeDayInput & { order?: number[] }

export type PlannedStop = {
  customerId: number
  name: string
  address: string | null
  lng: number
  lat: number
  tier: ReturnType<typeof valueTier>
  durationMin: number
  window: [number, number] | null
  arrivalMin: number
  startMin: number
  waitMin: number
  departureMin: number
  late: boolean
}

export type DayPlanView = {
  repId: number
  date: string
  start: Place
  end: Place
  dayStartMin: number
  dayEndMin: number
  stops: PlannedStop[]
  unscheduled: { customerId: number; name: string; reason: string }[]
  legs: { fromCustomerId: number | null; toCustomerId: number | null; distanceM: number; durationMin: number }[]
  lunchBreak: { startMin: number; endMin: number; afterVisits: number } | null
  departureMin: number
  endMin: number
  totalDistanceM: number
  drivingMin: number
  totalDurationMin: number
  feasible: boolean
  violations: { customerId: number | null; reason: RouteViolation['reason'] }[]
  travelModel: TravelModelName
  runtimeMs: number
}

function addressOf(c: PlanCustomer): string | null {
  const parts = [c.address, c.city, c.state].filter((p): p is string => Boolean(p))
  return parts.length > 0 ? parts.join(', ') : null
}

function durationOf(stop: VisitStopInput, customer: PlanCustomer): number {
  return stop.durationMin ?? visitMinutesByTier[valueTier(customer.status, customer.revenue12mCents)]
}

/** Plans (or, with `order`, re-times) one day and describes it in customer terms. */
async function computeDay(rep: RepRow, input: DayRequest, customers: PlanCustomer[]): Promise<DayPlanView> {
  const start = resolvePlace(input.start, rep)
  const end = input.end ? resolvePlace(input.end, rep) : start
  const points: [number, number][] = [[start.lng, start.lat], ...customers.map((c): [number, number] => [c.lng, c.lat])]
  if (input.end) points.push([end.lng, end.lat])
  const travel = await travelFor(points, input)
  const problem: RouteProblem = {
    stops: input.stops.map((stop, i) => ({
      id: String(stop.customerId),
      durationMin: durationOf(stop, customers[i] as PlanCustomer),
      window: stop.window,
    })),
    distances: travel.distances,
    durations: travel.durations,
    speedKmh: input.travel?.speedKmh,
    dayStartMin: input.dayStartMin,
    dayEndMin: input.dayEndMin,
    lunchBreak: input.lunchBreak,
    seed: 1,
    timeBudgetMs: 800,
  }
  let plan: RoutePlan
  let feasible = true
  let violations: RouteViolation[] = []
  if (input.order) {
    const timed = timeRoute(problem, input.order.map(String))
    plan = timed
    feasible = timed.feasible
    violations = timed.violations
  } else {
    plan = optimizeRoute(problem)
  }
  return describeDay(rep, input, start, end, customers, problem, plan, feasible, violations, travel.model)
}

function describeDay(
  rep: RepRow,
  input: { date: string; dayStartMin: number; dayEndMin: number; stops: VisitStopInput[] },
  start: Place,
  end: Place,
  customers: PlanCustomer[],
  problem: RouteProblem,
  plan: RoutePlan,
  feasible: boolean,
  violations: RouteViolation[],
  travelModel: TravelModelName,
): DayPlanView {
  const byId = new Map(customers.map((c) => [String(c.id), c]))
  const stopById = new Map(
    input.stops.map((s, i) => [String(s.customerId), { stop: s, problemStop: problem.stops[i] }]),
  )
  const late = new Set(violations.filter((v) => v.reason === 'late').map((v) => v.id))
  const stops = plan.visits.map((visit): PlannedStop => {
    const c = byId.get(visit.id) as PlanCustomer
    const entry = stopById.get(visit.id)
    return {
      customerId: c.id,
      name: c.name,
      address: addressOf(c),
      lng: c.lng,
      lat: c.lat,
      tier: valueTier(c.status, c.revenue12mCents),
      durationMin: entry?.problemStop?.durationMin ?? 0,
      window: entry?.stop.window ?? null,
      arrivalMin: visit.arrivalMin,
      startMin: visit.startMin,
      waitMin: visit.waitMin,
      departureMin: visit.departureMin,
      late: late.has(visit.id),
    }
  })
  const toId = (id: string | null) => (id === null ? null : Number(id))
  return {
    repId: rep.id,
    date: input.date,
    start,
    end,
    dayStartMin: input.dayStartMin,
    dayEndMin: input.dayEndMin,
    stops,
    unscheduled: plan.unscheduled.map((u) => ({
      customerId: Number(u.id),
      name: byId.get(u.id)?.name ?? '',
      reason: u.reason,
    })),
    legs: plan.legs.map((leg) => ({
      fromCustomerId: toId(leg.fromId),
      toCustomerId: toId(leg.toId),
      distanceM: Math.round(leg.distance),
      durationMin: leg.durationMin,
    })),
    lunchBreak: plan.lunchBreak
      ? { startMin: plan.lunchBreak.startMin, endMin: plan.lunchBreak.endMin, afterVisits: plan.lunchBreak.afterVisits }
      : null,
    departureMin: plan.departureMin,
    endMin: plan.endMin,
    totalDistanceM: Math.round(plan.totalDistance),
    drivingMin: plan.legs.reduce((sum, leg) => sum + leg.durationMin, 0),
    totalDurationMin: plan.totalDuration,
    feasible,
    violations: violations.map((v) => ({ customerId: toId(v.id), reason: v.reason })),
    travelModel,
    runtimeMs: plan.runtimeMs,
  }
}

export async function optimizeDay(db: Q, user: CurrentUser, input: OptimizeDayInput): Promise<DayPlanView> {
  const rep = await planningRep(db, user, input.repId)
  const customers = await loadCustomers(
    db,
    rep,
    input.stops.map((s) => s.customerId),
    input.date,
  )
  return computeDay(rep, input, customers)
}

export async function retimeDay(db: Q, user: CurrentUser, input: RetimeDayInput): Promise<DayPlanView> {
  const rep = await planningRep(db, user, input.repId)
  const customers = await loadCustomers(
    db,
    rep,
    input.stops.map((s) => s.customerId),
    input.date,
  )
  return computeDay(rep, input, customers)
}

// --- saved plans -----------------------------------------------------------------------------------------------

export type SavedPlan = {
  id: number
  repId: number
  date: string
  version: number
  updatedAt: Date
  updatedByName: string | null
  request: SaveDayInput
  plan: DayPlanView
  checkIns: { customerId: number; outcome: string; withinRadius: boolean | null; checkedInAt: Date }[]
}

async function toSaved(db: Q, row: VisitPlanRow): Promise<SavedPlan> {
  const checkIns = await listCheckInsOfDay(db, row.repId, row.date)
  return {
    id: row.id,
    repId: row.repId,
    date: row.date,
    version: row.version,
    updatedAt: row.updatedAt,
    updatedByName: row.updatedByName,
    request: row.request as SaveDayInput,
    plan: row.plan as DayPlanView,
    checkIns: checkIns.map((c) => ({
      customerId: c.customerId,
      outcome: c.outcome,
      withinRadius: c.withinRadius,
      checkedInAt: c.checkedInAt,
    })),
  }
}

export async function loadDayPlan(
  db: Q,
  user: CurrentUser,
  repId: number | undefined,
  date: string,
): Promise<SavedPlan> {
  const rep = await planningRep(db, user, repId)
  const row = await findVisitPlan(db, rep.id, date)
  if (!row) throw new AppError(404, 'plan_not_found', `No saved plan for ${rep.name} on ${date}.`)
  return toSaved(db, row)
}

/**
 * Saves a day: the server re-times the given order (or optimises when there is none) so stored times always
 * match the stored stops. The save names the version it started from; a stale one answers 409 and writes nothing.
 */
export async function saveDayPlan(db: Q, user: CurrentUser, input: SaveDayInput): Promise<SavedPlan> {
  const rep = await planningRep(db, user, input.repId)
  const customers = await loadCustomers(
    db,
    rep,
    input.stops.map((s) => s.customerId),
    input.date,
  )
  const request: SaveDayInput = { ...input, repId: rep.id }
  const plan: DayPlanView =
    input.stops.length === 0
      ? emptyDay(rep, input)
      : await computeDay(rep, { ...input, order: input.order ?? undefined }, customers)
  const write = {
    repId: rep.id,
    date: input.date,
    request,
    plan,
    customerIds: plan.stops.map((s) => s.customerId),
    userId: user.id,
  }
  const row =
    input.expectedVersion === 0
      ? await insertVisitPlan(db, write)
      : await updateVisitPlan(db, write, input.expectedVersion)
  if (!row) {
    const current = await findVisitPlan(db, rep.id, input.date)
    throw new AppError(
      409,
      'version_conflict',
      current
        ? `This plan was changed by ${current.updatedByName ?? 'someone else'} (now version ${current.version}); reload it before saving.`
        : 'This plan no longer exists; save it as a new plan (expectedVersion 0).',
      [{ currentVersion: current?.version ?? 0 }],
    )
  }
  return toSaved(db, row)
}

function emptyDay(rep: RepRow, input: SaveDayInput): DayPlanView {
  const start = resolvePlace(input.start, rep)
  const end = input.end ? resolvePlace(input.end, rep) : start
  return {
    repId: rep.id,
    date: input.date,
    start,
    end,
    dayStartMin: input.dayStartMin,
    dayEndMin: input.dayEndMin,
    stops: [],
    unscheduled: [],
    legs: [],
    lunchBreak: null,
    departureMin: input.dayStartMin,
    endMin: input.dayStartMin,
    totalDistanceM: 0,
    drivingMin: 0,
    totalDurationMin: 0,
    feasible: true,
    violations: [],
    travelModel: 'straight_line',
    runtimeMs: 0,
  }
}

export async function exportablePlan(
  db: Q,
  user: CurrentUser,
  repId: number | undefined,
  date: string,
): Promise<ExportPlan> {
  const rep = await planningRep(db, user, repId)
  const saved = await loadDayPlan(db, user, rep.id, date)
  return {
    planId: saved.id,
    date: saved.date,
    repName: rep.name,
    start: saved.plan.start,
    end: saved.plan.end,
    stops: saved.plan.stops.map((s) => ({
      label: s.name,
      lng: s.lng,
      lat: s.lat,
      customerId: s.customerId,
      address: s.address,
      arrivalMin: s.arrivalMin,
      startMin: s.startMin,
      departureMin: s.departureMin,
    })),
  }
}

// --- suggestions -----------------------------------------------------------------------------------------------

export async function suggestVisits(
  db: Q,
  user: CurrentUser,
  query: { repId?: number; date: string; lng?: number; lat?: number; radiusKm: number; limit: number },
) {
  const rep = await planningRep(db, user, query.repId)
  let origin: Place
  if (query.lng !== undefined && query.lat !== undefined) {
    origin = { kind: 'current', label: 'Current position', lng: query.lng, lat: query.lat }
  } else {
    origin = resolvePlace({ kind: 'home' }, rep)
  }
  const day = new Date(`${query.date}T12:00:00Z`)
  const candidates = await listSuggestionCandidates(db, rep.id, origin, query.radiusKm, query.date)
  const scored = candidates.map((c) => {
    const priority = scoreCustomer(
      { status: c.status, revenue12mCents: c.revenue12mCents, lastVisitAt: c.lastVisitAt, distanceKm: c.distanceKm },
      day,
    )
    return {
      customerId: c.id,
      name: c.name,
      status: c.status,
      address: addressOf(c),
      lng: c.lng,
      lat: c.lat,
      distanceKm: Math.round(c.distanceKm * 10) / 10,
      lastVisitAt: c.lastVisitAt,
      ...priority,
    }
  })
  scored.sort((a, b) => b.score - a.score || a.distanceKm - b.distanceKm || a.customerId - b.customerId)
  return {
    repId: rep.id,
    origin,
    radiusKm: query.radiusKm,
    items: scored.slice(0, query.limit),
    considered: scored.length,
  }
}

// --- week plans ------------------------------------------------------------------------------------------------

const dayMs = 86_400_000

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10)
}

/**
 * Spreads customers over the working days. A customer goes on a day it is open and on which its tier's visit
 * interval since the last visit has run out (customers not due this week stay out, with reason `not_due`).
 */
export async function planWeekForRep(db: Q, user: CurrentUser, input: WeekInput) {
  const rep = await planningRep(db, user, input.repId)
  const customers = await loadCustomers(
    db,
    rep,
    input.stops.map((s) => s.customerId),
    input.weekStart,
  )
  const start = resolvePlace(input.start, rep)
  const end = input.end ? resolvePlace(input.end, rep) : start
  const weekStartMs = Date.parse(`${input.weekStart}T00:00:00Z`)
  const notDue: { customerId: number; name: string; reason: string }[] = []
  const eligible: { stop: (typeof input.stops)[number]; customer: PlanCustomer; weekStop: WeekStop }[] = []
  input.stops.forEach((stop, i) => {
    const customer = customers[i] as PlanCustomer
    const tier = valueTier(customer.status, customer.revenue12mCents)
    const interval = visitIntervalDays(tier)
    let firstDay = 0
    if (customer.lastVisitAt && interval !== null) {
      const dueMs = customer.lastVisitAt.getTime() + interval * dayMs
      firstDay = Math.max(0, Math.ceil((dueMs - weekStartMs) / dayMs))
    }
    const days: number[] = []
    for (let d = firstDay; d < input.days; d++) if (!stop.openDays || stop.openDays.includes(d + 1)) days.push(d)
    if (firstDay >= input.days) {
      notDue.push({ customerId: customer.id, name: customer.name, reason: 'not_due' })
      return
    }
    const priority = scoreCustomer(
      {
        status: customer.status,
        revenue12mCents: customer.revenue12mCents,
        lastVisitAt: customer.lastVisitAt,
        distanceKm: haversineKm([start.lng, start.lat], [customer.lng, customer.lat]),
      },
      new Date(weekStartMs),
    )
    eligible.push({
      stop,
      customer,
      weekStop: {
        id: String(customer.id),
        durationMin: durationOf(stop, customer),
        window: stop.window,
        days,
        priority: priority.score,
      },
    })
  })
  const points: [number, number][] = [
    [start.lng, start.lat],
    ...eligible.map(({ customer }): [number, number] => [customer.lng, customer.lat]),
  ]
  if (input.end) points.push([end.lng, end.lat])
  const travel = await travelFor(points, input)
  const week = planWeek({
    stops: eligible.map((e) => e.weekStop),
    distances: travel.distances,
    durations: travel.durations,
    speedKmh: input.travel?.speedKmh,
    dayCount: input.days,
    dayStartMin: input.dayStartMin,
    dayEndMin: input.dayEndMin,
    lunchBreak: input.lunchBreak,
    seed: 1,
  })
  const byId = new Map(eligible.map((e) => [String(e.customer.id), e]))
  const days = week.days.map(({ day, plan }) => {
    const dayStops = plan.order.map((id) => byId.get(id)).filter((e) => e !== undefined)
    const problem: RouteProblem = {
      stops: plan.order.map((id) => byId.get(id)?.weekStop ?? { id }),
      distances: [],
    }
    const date = addDays(input.weekStart, day)
    return describeDay(
      rep,
      { date, dayStartMin: input.dayStartMin, dayEndMin: input.dayEndMin, stops: dayStops.map((e) => e.stop) },
      start,
      end,
      dayStops.map((e) => e.customer),
      problem,
      plan,
      true,
      [],
      travel.model,
    )
  })
  const unscheduled = [
    ...notDue,
    ...week.unscheduled.map((u) => ({
      customerId: Number(u.id),
      name: byId.get(u.id)?.customer.name ?? '',
      reason: u.reason,
    })),
  ]
  return { repId: rep.id, weekStart: input.weekStart, days, unscheduled }
}

// --- check-ins and the manager's report -------------------------------------------------------------------------

/**
 * Records a visit: an interaction in the customer's contact history and a check-in row holding only whether the
 * device was within 200 m of the customer. The position itself is used for that one comparison and dropped.
 */
export async function checkIn(db: Q, user: CurrentUser, input: CheckInInput) {
  assertCanPlan(user)
  const customer = await findCustomer(db, customerScope(user), input.customerId)
  if (!customer) throw notFound('customer')
  const withinRadius = input.position ? await isNearCustomer(db, customer.id, input.position, onSiteRadiusM) : null
  const date = input.date ?? new Date().toISOString().slice(0, 10)
  const where =
    withinRadius === true ? ' · checked in on site' : withinRadius === false ? ' · checked in away from the site' : ''
  return db.transaction().execute(async (trx) => {
    const interaction = await insertInteraction(trx, customer.id, user.id, {
      channel: 'visit',
      direction: 'outbound',
      subject: `Visit: ${input.outcome}${where}`.slice(0, 200),
      notes: input.notes ?? null,
      outcome: input.outcome,
    })
    const row = await insertCheckIn(trx, {
      customerId: customer.id,
      userId: user.id,
      interactionId: interaction.id,
      date,
      outcome: input.outcome,
      withinRadius,
    })
    return { checkIn: { ...row, planned: row.visitPlanId !== null }, interaction }
  })
}

export function assertCanSeeReport(user: CurrentUser): void {
  if (user.role !== 'manager' && user.role !== 'admin') {
    throw new AppError(403, 'forbidden', 'Only managers and admins see the visits report.')
  }
}
