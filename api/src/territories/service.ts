import { cellArea, cellsToMultiPolygon, cellToLatLng, getResolution, isValidCell } from 'h3-js'
import { type Kysely, sql } from 'kysely'
import type { CurrentUser } from '../context.ts'
import type { Database } from '../db/schema.ts'
import { AppError, notFound } from '../errors.ts'
import { deviationsPct, type TerritoryMetrics, type UnitMeasures, unitWeights, unitWorkloadHours } from './metrics.ts'
import { partitionUnits } from './partition.ts'
import type { PartitionNote, PartitionUnit } from './partition-types.ts'
import { preparePolygon } from './polygon.ts'
import {
  type AlignmentRow,
  applyAlignment,
  bumpVersion,
  findAlignment,
  findAlignmentUnits,
  insertAlignment,
  insertAlignmentUnits,
  insertTerritories,
  listAlignmentUnits,
  listTerritories,
  listUnitIdsByTerritory,
  moveAlignmentUnits,
  previewActivation,
  type TerritoryRow,
  updateTerritory,
  updateTerritoryStats,
} from './queries.ts'
import type { BalanceInput, DrawnPolygonInput, MeasureSpec, UnitSpec } from './schema.ts'
import {
  emptyTotals,
  metricsFromTotals,
  polsbyPopperOf,
  shiftTotals,
  type TerritoryTotals,
  territoryShape,
  totalsOf,
  type UnitNeighbours,
} from './totals.ts'
import {
  loadOwnershipByUnit,
  loadPlanningUnits,
  loadUnitAdjacency,
  loadUnitNeighbours,
  unknownStates,
} from './units.ts'

type Q = Kysely<Database>

/** What a balancing run recorded about itself (stored as alignment.balance). */
export type BalanceRun = {
  tolerance: number
  reachedTolerance: boolean
  notes: PartitionNote[]
  customersChangingOwner: number
  unitsChanged: number
  partitionMs: number
  runtimeMs: number
}

const importedRun: BalanceRun = {
  tolerance: 0.05,
  reachedTolerance: false,
  notes: [],
  customersChangingOwner: 0,
  unitsChanged: 0,
  partitionMs: 0,
  runtimeMs: 0,
}

export function assertPlanner(user: CurrentUser): void {
  if (user.role !== 'admin' && user.role !== 'manager') {
    throw new AppError(403, 'forbidden', 'Only managers and admins plan territories.')
  }
}

/** Local equirectangular projection in km around the mean latitude: enough for compactness and seeding. */
function projectUnits(
  units: readonly { id: string; measures: UnitMeasures }[],
  weights: readonly number[],
): PartitionUnit[] {
  const lat0 = units.reduce((a, u) => a + u.measures.lat, 0) / Math.max(units.length, 1)
  const kx = 111.32 * Math.cos((lat0 * Math.PI) / 180)
  return units.map((u, i) => ({
    id: u.id,
    weight: weights[i] ?? 0,
    x: u.measures.lng * kx,
    y: u.measures.lat * 110.57,
    area: u.measures.areaKm2,
  }))
}

/**
 * Reps for new territories: greedily the rep who already owns most customers in a territory (least disruption),
 * then the nearest free rep by home base; territories beyond the number of reps stay vacant.
 */
type Ownership = Awaited<ReturnType<typeof loadOwnershipByUnit>>

async function matchReps(
  db: Q,
  ownership: Ownership,
  unitIds: readonly string[],
  assignment: readonly number[],
  k: number,
  centres: readonly [number, number][],
): Promise<(number | null)[]> {
  const territoryOf = new Map(unitIds.map((id, i) => [id, assignment[i] ?? -1]))
  const overlap = new Map<string, number>()
  for (const row of ownership) {
    const t = territoryOf.get(row.unitId) ?? -1
    if (t < 0 || row.ownerId === null) continue
    const key = `${t}:${row.ownerId}`
    overlap.set(key, (overlap.get(key) ?? 0) + row.customers)
  }
  const { rows: reps } = await sql<{ id: number; lng: number | null; lat: number | null }>`
    SELECT id, ST_X(home_geom) AS lng, ST_Y(home_geom) AS lat FROM app_user WHERE role = 'rep' ORDER BY id`.execute(db)
  const repIds = new Set(reps.map((r) => r.id))
  const result: (number | null)[] = new Array(k).fill(null)
  const usedReps = new Set<number>()
  const ranked = [...overlap.entries()]
    .map(([key, customers]) => {
      const [t, rep] = key.split(':').map(Number)
      return { t: t ?? -1, rep: rep ?? -1, customers }
    })
    .filter((x) => repIds.has(x.rep))
    .sort((a, b) => b.customers - a.customers || a.t - b.t || a.rep - b.rep)
  for (const { t, rep } of ranked) {
    if (result[t] !== null || usedReps.has(rep)) continue
    result[t] = rep
    usedReps.add(rep)
  }
  for (let t = 0; t < k; t++) {
    if (result[t] !== null) continue
    const [lng, lat] = centres[t] ?? [0, 0]
    let best: number | null = null
    let bestD = Number.POSITIVE_INFINITY
    for (const rep of reps) {
      if (usedReps.has(rep.id) || rep.lng === null || rep.lat === null) continue
      const d = (rep.lng - lng) ** 2 + (rep.lat - lat) ** 2
      if (d < bestD) {
        bestD = d
        best = rep.id
      }
    }
    if (best !== null) {
      result[t] = best
      usedReps.add(best)
    }
  }
  return result
}

function customersChangingOwner(
  ownership: Ownership,
  unitIds: readonly string[],
  assignment: readonly number[],
  reps: readonly (number | null)[],
): number {
  const territoryOf = new Map(unitIds.map((id, i) => [id, assignment[i] ?? -1]))
  let changing = 0
  for (const row of ownership) {
    const rep = reps[territoryOf.get(row.unitId) ?? -1] ?? null
    if (row.ownerId !== rep) changing += row.customers
  }
  return changing
}

function territoryCentres(
  units: readonly { measures: UnitMeasures }[],
  assignment: readonly number[],
  k: number,
): [number, number][] {
  const sums = Array.from({ length: k }, () => [0, 0, 0])
  units.forEach((u, i) => {
    const s = sums[assignment[i] ?? -1]
    if (!s) return
    const w = u.measures.customers + 1
    s[0] = (s[0] ?? 0) + u.measures.lng * w
    s[1] = (s[1] ?? 0) + u.measures.lat * w
    s[2] = (s[2] ?? 0) + w
  })
  return sums.map(([x = 0, y = 0, w = 1]) => [x / w, y / w])
}

export async function balanceTerritories(db: Q, user: CurrentUser, input: BalanceInput) {
  assertPlanner(user)
  const started = performance.now()
  if (input.scope.states) {
    const unknown = await unknownStates(db, input.scope.states)
    if (unknown.length > 0)
      throw new AppError(400, 'unknown_state', `Unknown state code(s): ${unknown.join(', ')}.`, unknown)
  }
  const units = await loadPlanningUnits(db, input.units, input.scope)
  if (units.length === 0) throw new AppError(400, 'empty_scope', 'The scope contains no units to divide.')
  if (input.units.kind === 'h3' && units.length > 20_000) {
    throw new AppError(
      400,
      'too_many_units',
      `The scope has ${units.length} H3 cells; pick a coarser resolution or a smaller scope.`,
    )
  }
  if (input.k > units.length) {
    throw new AppError(400, 'k_out_of_range', `k must be between 1 and the number of units in scope (${units.length}).`)
  }
  const unitIds = units.map((u) => u.id)
  const index = new Map(unitIds.map((id, i) => [id, i]))

  let start: { alignment: AlignmentRow; territories: TerritoryRow[]; initial: number[]; lockedUnits: number[] } | null =
    null
  if (input.startFrom !== undefined) {
    const alignment = await findAlignment(db, input.startFrom)
    if (!alignment) throw notFound('draft')
    if (alignment.unitKind !== input.units.kind || (alignment.h3Res ?? null) !== (input.units.res ?? null)) {
      throw new AppError(400, 'units_mismatch', 'startFrom must use the same kind of units as this run.')
    }
    const territories = await listTerritories(db, alignment.id)
    if (territories.length !== input.k) {
      throw new AppError(400, 'k_mismatch', `startFrom has ${territories.length} territories; k must match.`)
    }
    const positionOf = new Map(territories.map((t) => [t.id, t.position]))
    const initial = new Array<number>(units.length).fill(-1)
    const lockedUnits: number[] = []
    for (const row of await listAlignmentUnits(db, alignment.id)) {
      const i = index.get(row.unitId)
      if (i === undefined) continue
      initial[i] = positionOf.get(row.territoryId) ?? -1
      if (row.locked) lockedUnits.push(i)
    }
    start = { alignment, territories, initial, lockedUnits }
  }

  // Locks stored on the starting draft hold, as well as those given with this run.
  const locked = new Map<number, number>((start?.lockedUnits ?? []).map((i) => [i, start?.initial[i] ?? -1]))
  for (const unitId of input.locked ?? []) {
    const i = index.get(unitId)
    if (i === undefined) throw new AppError(400, 'unknown_unit', `Locked unit ${unitId} is not in the scope.`)
    const territory = start?.initial[i] ?? -1
    if (territory < 0)
      throw new AppError(400, 'locked_needs_start', 'Locked units keep their territory in startFrom; give startFrom.')
    locked.set(i, territory)
  }

  const weights = unitWeights(
    units.map((u) => u.measures),
    input.measure,
  )
  const adjacency = await loadUnitAdjacency(db, input.units, unitIds)
  const result = partitionUnits({
    units: projectUnits(units, weights),
    adjacency,
    k: input.k,
    tolerance: input.tolerance,
    locked,
    lockedTerritories: start?.territories.filter((t) => t.locked).map((t) => t.position),
    initial: start?.initial,
    seed: 1,
    timeBudgetMs: 1500,
  })

  // One pass over the customers of the scope serves both rep matching and the owner-change count.
  const ownership = await loadOwnershipByUnit(db, input.units, unitIds)
  const reps = start
    ? start.territories.map((t) => t.repId)
    : await matchReps(
        db,
        ownership,
        unitIds,
        result.assignment,
        input.k,
        territoryCentres(units, result.assignment, input.k),
      )
  const changing = customersChangingOwner(ownership, unitIds, result.assignment, reps)
  const runtimeMs = Math.round(performance.now() - started)
  const balance: BalanceRun = {
    tolerance: input.tolerance,
    reachedTolerance: result.reachedTolerance,
    notes: result.notes,
    customersChangingOwner: changing,
    unitsChanged: result.moves,
    partitionMs: Math.round(result.runtimeMs),
    runtimeMs,
  }

  const borders = await loadUnitNeighbours(db, input.units)
  const id = await db.transaction().execute(async (trx) => {
    const alignmentId = await insertAlignment(trx, {
      name:
        input.name ??
        `Balanced ${input.k} × ${typeof input.measure === 'string' ? input.measure : input.measure.mix.join('+')}`,
      unitKind: input.units.kind,
      h3Res: input.units.res,
      scope: input.scope,
      measure: input.measure,
      balance,
      createdBy: user.id,
    })
    const territoryIds = await insertTerritories(
      trx,
      alignmentId,
      Array.from({ length: input.k }, (_, t) => {
        const previous = start?.territories[t]
        return {
          name: previous?.name ?? `Territory ${t + 1}`,
          repId: reps[t] ?? null,
          regionName: previous?.regionName ?? null,
          districtName: previous?.districtName ?? null,
          locked: previous?.locked ?? false,
        }
      }),
    )
    const rows = units.map((u, i) => ({
      unitId: u.id,
      territoryId: territoryIds[result.assignment[i] ?? 0] ?? 0,
      locked: locked.has(i),
      measures: u.measures,
    }))
    await insertAlignmentUnits(trx, alignmentId, rows)
    await updateTerritoryStats(trx, computeAllStats(borders, territoryIds, rows))
    return alignmentId
  })
  return draftDetail(db, id)
}

const measureNames = ['customers', 'revenue', 'workload', 'potential'] as const

function chosenMeasureValues(metrics: readonly TerritoryMetrics[], measure: MeasureSpec): number[] {
  const of = (m: (typeof metrics)[number], name: (typeof measureNames)[number]) =>
    name === 'customers'
      ? m.customers
      : name === 'revenue'
        ? m.revenue12mCents
        : name === 'workload'
          ? m.workloadHours
          : m.population
  if (typeof measure === 'string') return metrics.map((m) => of(m, measure))
  const [a, b] = measure.mix
  const totalA = metrics.reduce((s, m) => s + of(m, a), 0) || 1
  const totalB = metrics.reduce((s, m) => s + of(m, b), 0) || 1
  return metrics.map((m) => measure.share * (of(m, a) / totalA) + (1 - measure.share) * (of(m, b) / totalB))
}

type DrawnArea = { type: 'MultiPolygon'; coordinates: [number, number][][][] }

type TerritoryStats = { territoryId: number; totals: TerritoryTotals; perimeterKm: number; contiguous: boolean }

/** Totals, outline and contiguity of every territory from the full unit list (new drafts, polygon edits). */
function computeAllStats(
  borders: UnitNeighbours,
  territoryIds: readonly number[],
  units: readonly { unitId: string; territoryId: number; measures: UnitMeasures }[],
): TerritoryStats[] {
  const measuresOf = new Map(territoryIds.map((id) => [id, [] as UnitMeasures[]]))
  const idsOf = new Map(territoryIds.map((id) => [id, [] as string[]]))
  for (const u of units) {
    measuresOf.get(u.territoryId)?.push(u.measures)
    idsOf.get(u.territoryId)?.push(u.unitId)
  }
  return territoryIds.map((territoryId) => ({
    territoryId,
    totals: totalsOf(measuresOf.get(territoryId) ?? []),
    ...territoryShape(borders, idsOf.get(territoryId) ?? []),
  }))
}

async function storeAllStats(trx: Q, borders: UnitNeighbours, alignmentId: number) {
  const territories = await listTerritories(trx, alignmentId)
  const units = await listAlignmentUnits(trx, alignmentId)
  await updateTerritoryStats(
    trx,
    computeAllStats(
      borders,
      territories.map((t) => t.id),
      units,
    ),
  )
}

/**
 * Borders of an alignment's kind of units. Call it with the pool, not a transaction: county borders are cached
 * per database handle and a transaction is a new handle each time.
 */
function unitNeighboursOf(db: Q, alignment: { unitKind: 'county' | 'h3'; h3Res: number | null }) {
  return loadUnitNeighbours(db, { kind: alignment.unitKind, res: alignment.h3Res })
}

/**
 * A draft (or any alignment) with live metrics per territory, from the running totals stored per territory:
 * k territory rows and the unit ids, never the unit snapshots (alignments made before the totals were stored
 * are scored from their snapshots once).
 */
export async function draftDetail(db: Q, id: number) {
  const alignment = await findAlignment(db, id)
  if (!alignment) throw notFound('draft')
  let territories = await listTerritories(db, id)
  const unitIdsOf = await listUnitIdsByTerritory(db, id)
  if (territories.some((t) => t.totals === null || t.perimeterKm === null || t.contiguous === null)) {
    const stats = new Map(
      computeAllStats(
        await unitNeighboursOf(db, alignment),
        territories.map((t) => t.id),
        await listAlignmentUnits(db, id),
      ).map((x) => [x.territoryId, x]),
    )
    territories = territories.map((t) => {
      const x = stats.get(t.id)
      return x ? { ...t, totals: x.totals, perimeterKm: x.perimeterKm, contiguous: x.contiguous } : t
    })
  }
  const measure = alignment.measure as MeasureSpec
  const run: BalanceRun = { ...importedRun, ...(alignment.balance as Partial<BalanceRun>) }
  const metrics = territories.map((t) => metricsFromTotals(t.totals ?? emptyTotals(), t.repHome))
  const contiguous = territories.map((t) => t.contiguous ?? true)
  const chosen = deviationsPct(chosenMeasureValues(metrics, measure))
  const perMeasure = Object.fromEntries(
    measureNames.map((name) => [name, deviationsPct(chosenMeasureValues(metrics, name))]),
  ) as Record<(typeof measureNames)[number], ReturnType<typeof deviationsPct>>
  return {
    draft: {
      id: alignment.id,
      name: alignment.name,
      status: alignment.status,
      version: alignment.version,
      units: alignment.unitKind === 'county' ? 'county' : `h3:${alignment.h3Res}`,
      unitKind: alignment.unitKind,
      h3Res: alignment.h3Res,
      scope: alignment.scope,
      measure,
      createdAt: alignment.createdAt,
      activatedAt: alignment.activatedAt,
    },
    territories: territories.map((t, i) => ({
      id: t.id,
      position: t.position,
      name: t.name,
      repId: t.repId,
      repName: t.repName,
      repEmail: t.repEmail,
      regionName: t.regionName,
      districtName: t.districtName,
      locked: t.locked,
      /** The hand-drawn area (GeoJSON MultiPolygon), editable vertex by vertex; null when none was drawn. */
      drawnArea: t.drawnGeojson ? (JSON.parse(t.drawnGeojson) as DrawnArea) : null,
      unitIds: unitIdsOf.get(t.id) ?? [],
      metrics: {
        ...(metrics[i] as TerritoryMetrics),
        deviationPct: chosen.deviations[i] ?? 0,
        deviationPctBy: Object.fromEntries(measureNames.map((name) => [name, perMeasure[name].deviations[i] ?? 0])),
        contiguous: contiguous[i] ?? true,
        /** Polsby–Popper 4πA/P² of the territory's outline (1 = a disk). */
        compactness: polsbyPopperOf(t.totals?.areaKm2 ?? 0, t.perimeterKm ?? 0),
      },
    })),
    balance: {
      ...run,
      maxDeviationPct: chosen.maxAbs,
      balanceScore: chosen.score,
      contiguous,
      allContiguous: contiguous.every(Boolean),
    },
  }
}

function assertVersion(alignment: AlignmentRow, version: number | undefined): void {
  if (version !== undefined && version !== alignment.version) {
    throw new AppError(
      409,
      'version_conflict',
      `This draft changed since you loaded it (your version ${version}, now ${alignment.version}). Reload it and apply your edit again.`,
    )
  }
}

/**
 * Moves units between territories of a draft. Only the moved units' snapshots are read: their measures leave one
 * territory's running totals and join another's, and only the touched territories' outlines are walked again for
 * contiguity and length, so a move costs the same whether the draft has 300 units or 30,000.
 */
export async function moveUnits(
  db: Q,
  user: CurrentUser,
  id: number,
  input: { version: number; moves: { unitId: string; territoryId: number }[] },
) {
  assertPlanner(user)
  const current = await findAlignment(db, id)
  if (!current) throw notFound('draft')
  const borders = await unitNeighboursOf(db, current)
  await db.transaction().execute(async (trx) => {
    const alignment = await findAlignment(trx, id, true)
    if (!alignment) throw notFound('draft')
    if (alignment.status !== 'draft')
      throw new AppError(409, 'not_a_draft', 'Only drafts can be edited; start a new draft from this alignment.')
    assertVersion(alignment, input.version)
    const territories = new Map((await listTerritories(trx, id)).map((t) => [t.id, t]))
    const units = new Map(
      (
        await findAlignmentUnits(
          trx,
          id,
          input.moves.map((m) => m.unitId),
        )
      ).map((u) => [u.unitId, u]),
    )
    const effective: { unitId: string; from: number; to: number; measures: UnitMeasures }[] = []
    for (const move of input.moves) {
      const unit = units.get(move.unitId)
      if (!unit) throw new AppError(400, 'unknown_unit', `Unit ${move.unitId} is not part of this draft.`)
      const target = territories.get(move.territoryId)
      if (!target)
        throw new AppError(400, 'unknown_territory', `Territory ${move.territoryId} is not part of this draft.`)
      if (unit.locked) throw new AppError(409, 'unit_locked', `Unit ${move.unitId} is locked.`)
      if (unit.territoryId === target.id) continue
      const locked = [territories.get(unit.territoryId), target].find((t) => t?.locked)
      if (locked)
        throw new AppError(409, 'territory_locked', `${locked.name} is locked; unlock it to move units in or out.`)
      effective.push({ unitId: unit.unitId, from: unit.territoryId, to: target.id, measures: unit.measures })
    }
    if (effective.length > 0) {
      await moveAlignmentUnits(
        trx,
        id,
        effective.map((m) => ({ unitId: m.unitId, territoryId: m.to })),
      )
      const stale = [...territories.values()].some((t) => t.totals === null)
      if (stale) await storeAllStats(trx, borders, id)
      else await rescoreTouched(trx, borders, alignment.id, territories, effective)
    }
    await bumpVersion(trx, id)
  })
  return draftDetail(db, id)
}

async function rescoreTouched(
  trx: Q,
  borders: UnitNeighbours,
  alignmentId: number,
  territories: ReadonlyMap<number, TerritoryRow>,
  moves: readonly { from: number; to: number; measures: UnitMeasures }[],
) {
  const totals = new Map<number, TerritoryTotals>()
  const totalsOfTerritory = (territoryId: number) => {
    let t = totals.get(territoryId)
    if (!t) {
      t = { ...(territories.get(territoryId)?.totals ?? emptyTotals()) }
      totals.set(territoryId, t)
    }
    return t
  }
  for (const m of moves) {
    shiftTotals(totalsOfTerritory(m.from), m.measures, -1)
    shiftTotals(totalsOfTerritory(m.to), m.measures, 1)
  }
  const touched = [...totals.keys()]
  const unitIdsOf = await listUnitIdsByTerritory(trx, alignmentId, touched)
  await updateTerritoryStats(
    trx,
    touched.map((territoryId) => ({
      territoryId,
      totals: totalsOfTerritory(territoryId),
      ...territoryShape(borders, unitIdsOf.get(territoryId) ?? []),
    })),
  )
}

export async function patchTerritory(
  db: Q,
  user: CurrentUser,
  draftId: number,
  territoryId: number,
  input: {
    version: number
    name?: string
    repId?: number | null
    regionName?: string | null
    districtName?: string | null
    locked?: boolean
  },
) {
  assertPlanner(user)
  await db.transaction().execute(async (trx) => {
    const alignment = await findAlignment(trx, draftId, true)
    if (!alignment) throw notFound('draft')
    if (alignment.status !== 'draft') throw new AppError(409, 'not_a_draft', 'Only drafts can be edited.')
    assertVersion(alignment, input.version)
    const territory = (await listTerritories(trx, draftId)).find((t) => t.id === territoryId)
    if (!territory) throw notFound('territory')
    if (input.repId != null) {
      const rep = await trx.selectFrom('app_user').select('role').where('id', '=', input.repId).executeTakeFirst()
      if (rep?.role !== 'rep')
        throw new AppError(400, 'not_a_rep', 'Territories are assigned to users with the rep role.')
    }
    const { version: _version, ...patch } = input
    await updateTerritory(trx, territoryId, patch)
    await bumpVersion(trx, draftId)
  })
  return draftDetail(db, draftId)
}

/** Activate a draft, or restore an archived alignment: ownership follows territories, history is kept. */
export async function activateAlignment(db: Q, user: CurrentUser, id: number, version: number | undefined) {
  assertPlanner(user)
  const { changed } = await db.transaction().execute(async (trx) => {
    const alignment = await findAlignment(trx, id, true)
    if (!alignment) throw notFound('draft')
    if (alignment.status === 'active') throw new AppError(409, 'already_active', 'This alignment is already active.')
    assertVersion(alignment, version)
    return applyAlignment(trx, alignment, user.id)
  })
  return { ...(await draftDetail(db, id)), activation: { customersReassigned: changed } }
}

/**
 * A dry run of activation against today's customers: how many would change owner, per territory, and how many
 * would be left without an owner because their territory is vacant.
 */
export async function activationPreview(db: Q, user: CurrentUser, id: number) {
  assertPlanner(user)
  const alignment = await findAlignment(db, id)
  if (!alignment) throw notFound('draft')
  const territories = await listTerritories(db, id)
  const counts = new Map((await previewActivation(db, alignment)).map((r) => [Number(r.territoryId), r]))
  const items = territories.map((t) => ({
    territoryId: t.id,
    name: t.name,
    repId: t.repId,
    repName: t.repName,
    customers: counts.get(t.id)?.customers ?? 0,
    changingOwner: counts.get(t.id)?.changingOwner ?? 0,
  }))
  return {
    draftId: alignment.id,
    version: alignment.version,
    status: alignment.status,
    customersChangingOwner: items.reduce((a, t) => a + t.changingOwner, 0),
    customersLeftWithoutOwner: items.filter((t) => t.repId === null).reduce((a, t) => a + t.changingOwner, 0),
    territories: items,
  }
}

/** Territories as GeoJSON: dissolved county outlines or H3 cell outlines, with names, reps and unit ids. */
export async function alignmentGeojson(db: Q, id: number) {
  const detail = await draftDetail(db, id)
  const { unitKind } = detail.draft
  const features = []
  for (const t of detail.territories) {
    let geometry: unknown = null
    if (t.unitIds.length > 0 && unitKind === 'county') {
      const { rows } = await sql<{ geojson: string | null }>`
        SELECT ST_AsGeoJSON(ST_Multi(ST_Union(geom_simple)), 5) AS geojson FROM region
        WHERE level = 'county' AND id = ANY(${t.unitIds}::text[])`.execute(db)
      geometry = rows[0]?.geojson ? JSON.parse(rows[0].geojson) : null
    } else if (t.unitIds.length > 0) {
      geometry = { type: 'MultiPolygon', coordinates: cellsToMultiPolygon(t.unitIds, true) }
    }
    features.push({
      type: 'Feature' as const,
      id: t.id,
      geometry,
      properties: {
        name: t.name,
        repId: t.repId,
        repName: t.repName,
        repEmail: t.repEmail,
        regionName: t.regionName,
        districtName: t.districtName,
        unitIds: t.unitIds,
        ...t.metrics,
      },
    })
  }
  return {
    type: 'FeatureCollection' as const,
    name: detail.draft.name,
    properties: {
      unitKind,
      h3Res: detail.draft.h3Res,
      measure: detail.draft.measure,
      scope: detail.draft.scope,
    },
    features,
  }
}

/** An H3 cell with no customers or places still has a position and an area. */
function measuresOfEmptyCell(unitId: string, unitKind: 'county' | 'h3'): UnitMeasures {
  const empty: UnitMeasures = {
    customers: 0,
    active: 0,
    prospects: 0,
    revenueCents: 0,
    population: 0,
    areaKm2: 0,
    lng: 0,
    lat: 0,
    tierA: 0,
    tierB: 0,
    tierC: 0,
  }
  if (unitKind !== 'h3') return empty
  const [lat, lng] = cellToLatLng(unitId)
  return { ...empty, lng, lat, areaKm2: cellArea(unitId, 'km2') }
}

export async function importAlignment(
  db: Q,
  user: CurrentUser,
  body: {
    name?: string
    properties: { unitKind: 'county' | 'h3'; h3Res?: number | null }
    features: {
      properties: {
        name: string
        repId?: number | null
        repEmail?: string | null
        unitIds: string[]
        regionName?: string | null
        districtName?: string | null
      }
    }[]
  },
) {
  assertPlanner(user)
  const unitKind = body.properties.unitKind
  const h3Res = unitKind === 'h3' ? (body.properties.h3Res ?? null) : null
  if (unitKind === 'h3' && (h3Res === null || h3Res < 3 || h3Res > 8)) {
    throw new AppError(400, 'validation_failed', 'properties.h3Res must be between 3 and 8 for H3 territories.')
  }
  const spec: UnitSpec = unitKind === 'county' ? { kind: 'county', res: null } : { kind: 'h3', res: h3Res ?? 5 }
  const seen = new Set<string>()
  for (const f of body.features) {
    for (const unitId of f.properties.unitIds) {
      if (seen.has(unitId)) throw new AppError(400, 'duplicate_unit', `Unit ${unitId} is in more than one territory.`)
      seen.add(unitId)
    }
  }
  const allUnits = await loadPlanningUnits(db, spec, null)
  const known = new Map(allUnits.map((u) => [u.id, u]))
  const missing = [...seen].filter((id) =>
    unitKind === 'county' ? !known.has(id) : !isValidCell(id) || getResolution(id) !== h3Res || id !== id.toLowerCase(),
  )
  if (missing.length > 0)
    throw new AppError(
      400,
      'unknown_unit',
      `Unknown unit(s): ${missing.slice(0, 10).join(', ')}.`,
      missing.slice(0, 100),
    )
  const { rows: reps } = await sql<{
    id: number
    email: string
  }>`SELECT id, email FROM app_user WHERE role = 'rep'`.execute(db)
  const repByEmail = new Map(reps.map((r) => [r.email.toLowerCase(), r.id]))
  const repIds = new Set(reps.map((r) => r.id))
  const repFor = (p: { repId?: number | null; repEmail?: string | null }) => {
    if (p.repEmail) return repByEmail.get(p.repEmail.toLowerCase()) ?? null
    return p.repId != null && repIds.has(p.repId) ? p.repId : null
  }
  const borders = await loadUnitNeighbours(db, spec)
  const id = await db.transaction().execute(async (trx) => {
    const alignmentId = await insertAlignment(trx, {
      name: body.name ?? 'Imported alignment',
      unitKind,
      h3Res,
      scope: { imported: true },
      measure: 'customers',
      balance: importedRun,
      createdBy: user.id,
    })
    const territoryIds = await insertTerritories(
      trx,
      alignmentId,
      body.features.map((f) => ({
        name: f.properties.name,
        repId: repFor(f.properties),
        regionName: f.properties.regionName ?? null,
        districtName: f.properties.districtName ?? null,
      })),
    )
    const rows = body.features.flatMap((f, t) =>
      f.properties.unitIds.map((unitId) => ({
        unitId,
        territoryId: territoryIds[t] ?? 0,
        locked: false,
        measures: known.get(unitId)?.measures ?? measuresOfEmptyCell(unitId, unitKind),
      })),
    )
    await insertAlignmentUnits(trx, alignmentId, rows)
    await updateTerritoryStats(trx, computeAllStats(borders, territoryIds, rows))
    return alignmentId
  })
  return draftDetail(db, id)
}

/**
 * A hand-drawn polygon for a territory: the units whose centre lies inside move to it. Edges that cross each other
 * are refused (the shape is ambiguous); other defects are repaired with ST_MakeValid and reported.
 */
export async function drawTerritoryPolygon(
  db: Q,
  user: CurrentUser,
  draftId: number,
  territoryId: number,
  input: DrawnPolygonInput,
) {
  assertPlanner(user)
  const { geojson, closedRings } = preparePolygon(input.geometry)
  const repairs: string[] = closedRings > 0 ? [`closed ${closedRings} open ring(s)`] : []
  let skippedLocked = 0
  const current = await findAlignment(db, draftId)
  if (!current) throw notFound('draft')
  const borders = await unitNeighboursOf(db, current)
  await db.transaction().execute(async (trx) => {
    const alignment = await findAlignment(trx, draftId, true)
    if (!alignment) throw notFound('draft')
    if (alignment.status !== 'draft') throw new AppError(409, 'not_a_draft', 'Only drafts can be edited.')
    assertVersion(alignment, input.version)
    if (!(await listTerritories(trx, draftId)).some((t) => t.id === territoryId)) throw notFound('territory')
    const { rows } = await sql<{ valid: boolean; reason: string }>`
      SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason
      FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326) AS g) x`.execute(trx)
    const check = rows[0]
    if (check && !check.valid) {
      if (/^Self-intersection/i.test(check.reason)) {
        throw new AppError(
          400,
          'polygon_self_intersects',
          `The polygon's edges cross each other (${check.reason}); redraw it.`,
        )
      }
      repairs.push(`repaired with ST_MakeValid: ${check.reason}`)
    }
    await sql`
      UPDATE alignment_territory SET drawn_geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326)), 3))
      WHERE id = ${territoryId}`.execute(trx)
    const units = await listAlignmentUnits(trx, draftId)
    const inside = await sql<{ id: string }>`
      SELECT u.id FROM unnest(${units.map((u) => u.unitId)}::text[], ${units.map((u) => u.measures.lng)}::float8[], ${units.map((u) => u.measures.lat)}::float8[]) AS u (id, lng, lat)
      JOIN alignment_territory t ON t.id = ${territoryId}
      WHERE ST_Intersects(t.drawn_geom, ST_SetSRID(ST_Point(u.lng, u.lat), 4326))`.execute(trx)
    const territories = await listTerritories(trx, draftId)
    if (territories.find((t) => t.id === territoryId)?.locked) {
      throw new AppError(409, 'territory_locked', 'This territory is locked; unlock it to draw its area.')
    }
    const lockedTerritories = new Set(territories.filter((t) => t.locked).map((t) => t.id))
    const held = new Set(units.filter((u) => u.locked || lockedTerritories.has(u.territoryId)).map((u) => u.unitId))
    skippedLocked = inside.rows.filter((r) => held.has(r.id)).length
    const moves = inside.rows.filter((r) => !held.has(r.id)).map((r) => ({ unitId: r.id, territoryId }))
    if (moves.length > 0) {
      await moveAlignmentUnits(trx, draftId, moves)
      await storeAllStats(trx, borders, draftId)
    }
    await bumpVersion(trx, draftId)
  })
  return {
    ...(await draftDetail(db, draftId)),
    polygon: { repaired: repairs.length > 0, repairs, lockedUnitsLeft: skippedLocked },
  }
}

/** Each unit of a draft with what it holds, for the map's hover card. */
export async function draftUnits(db: Q, id: number) {
  if (!(await findAlignment(db, id))) throw notFound('draft')
  const units = await listAlignmentUnits(db, id)
  return units.map((u) => ({
    unitId: u.unitId,
    territoryId: u.territoryId,
    locked: u.locked,
    customers: u.measures.customers,
    activeCustomers: u.measures.active,
    revenue12mCents: u.measures.revenueCents,
    openProspects: u.measures.prospects,
    population: u.measures.population,
    areaKm2: Math.round(u.measures.areaKm2),
    workloadHours: Math.round(unitWorkloadHours(u.measures) * 10) / 10,
  }))
}
