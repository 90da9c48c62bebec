import type { Kysely } from 'kysely'
import type { CurrentUser } from '../context.ts'
import { customerScope } from '../context.ts'
import type { Database } from '../db/schema.ts'
import { AppError, notFound } from '../errors.ts'
import { customerH3Cells } from '../lib/h3.ts'
import { activeTerritoryAt, recordOwnerChange } from '../territories/queries.ts'
import {
  type CustomerWrite,
  countyAt,
  findCustomer,
  geocodeAddress,
  insertCustomer,
  type Location,
  updateCustomer,
} from './queries.ts'
import type { CreateCustomerInput, PatchCustomerInput } from './schema.ts'

type LocationInput = { lng?: number; lat?: number; zip?: string | null; city?: string | null; state?: string | null }

/** Coordinates win; otherwise geocode offline by ZIP, then by city + state. */
async function locate(db: Kysely<Database>, input: LocationInput): Promise<Location> {
  let located: Omit<Location, 'countyFips'> | null
  if (input.lng !== undefined && input.lat !== undefined) {
    located = {
      lng: input.lng,
      lat: input.lat,
      method: 'coordinates',
      zip: input.zip ?? null,
      city: input.city ?? null,
      state: input.state ?? null,
    }
  } else {
    located = await geocodeAddress(db, input)
  }
  if (!located) {
    throw new AppError(
      422,
      'location_not_found',
      'Could not locate the customer: give lng/lat, a known 5-digit ZIP, or a known city and state.',
    )
  }
  const county = await countyAt(db, located.lng, located.lat)
  return { ...located, state: located.state ?? county?.stateCode ?? null, countyFips: county?.countyFips ?? null }
}

function consentWrite(consent: CreateCustomerInput['consent']): CustomerWrite['consent'] {
  if (!consent) return undefined
  const out: NonNullable<CustomerWrite['consent']> = {}
  for (const channel of ['email', 'phone', 'mail'] as const) {
    const value = consent[channel]
    if (!value) continue
    out[channel] = {
      granted: value.granted,
      at: value.granted ? (value.at ?? new Date().toISOString()) : null,
      source: value.granted ? (value.source ?? 'manual entry') : null,
    }
  }
  return out
}

function assertMayWrite(user: CurrentUser): void {
  if (user.role === 'marketer') throw new AppError(403, 'forbidden', 'Marketers have read-only access to customers.')
}

async function resolveOwner(
  db: Kysely<Database>,
  user: CurrentUser,
  requested: number | null | undefined,
): Promise<number | null | undefined> {
  if (user.role === 'rep') {
    if (requested !== undefined && requested !== user.id)
      throw new AppError(403, 'forbidden', 'Reps can only own customers themselves.')
    return user.id
  }
  if (requested != null) {
    const owner = await db.selectFrom('app_user').select('role').where('id', '=', requested).executeTakeFirst()
    if (owner?.role !== 'rep') throw new AppError(400, 'not_a_rep', 'Customers are owned by users with the rep role.')
  }
  return requested
}

/** Territory ownership applies when a planner leaves the owner open; a rep's own customers stay theirs. */
function followsTerritory(user: CurrentUser, requestedOwner: number | null | undefined): boolean {
  return user.role !== 'rep' && requestedOwner === undefined
}

function locationWrite(location: Location): CustomerWrite {
  return {
    lng: location.lng,
    lat: location.lat,
    h3: customerH3Cells(location.lng, location.lat),
    zip: location.zip,
    city: location.city,
    state: location.state,
    countyFips: location.countyFips,
    geocodePrecision: location.method === 'coordinates' ? 'rooftop' : location.method === 'zip' ? 'zip' : 'city',
  }
}

/**
 * New and moved customers belong to the active territory that contains them (unless a manager names an owner);
 * the owner history says so.
 */
async function territoryOwner(db: Kysely<Database>, location: Location) {
  return activeTerritoryAt(db, { countyFips: location.countyFips, h3: customerH3Cells(location.lng, location.lat) })
}

export async function createCustomer(db: Kysely<Database>, user: CurrentUser, input: CreateCustomerInput) {
  assertMayWrite(user)
  const location = await locate(db, input)
  const territory = followsTerritory(user, input.ownerId) ? await territoryOwner(db, location) : undefined
  const ownerId = territory ? territory.repId : ((await resolveOwner(db, user, input.ownerId)) ?? null)
  const id = await db.transaction().execute(async (trx) => {
    const customerId = await insertCustomer(trx, {
      externalId: input.externalId ?? null,
      name: input.name,
      industry: input.industry,
      segment: input.segment,
      status: input.status,
      address: input.address ?? null,
      ...locationWrite(location),
      ownerId,
      consent: consentWrite(input.consent),
    })
    await recordOwnerChange(trx, {
      customerId,
      ownerId,
      alignmentId: territory?.alignmentId ?? null,
      territoryName: territory?.name ?? null,
      reason: territory ? 'new customer in territory' : 'created',
      changedBy: user.id,
    })
    return customerId
  })
  return { id, location }
}

export async function patchCustomer(db: Kysely<Database>, user: CurrentUser, id: number, input: PatchCustomerInput) {
  assertMayWrite(user)
  const existing = await findCustomer(db, customerScope(user), id)
  if (!existing) throw notFound('customer')
  // A new ZIP brings its own city and state unless they are given too; a new city or state drops the old ZIP.
  const zipGiven = input.zip !== undefined
  const cityOrStateGiven = input.city !== undefined || input.state !== undefined
  const moved = input.lng !== undefined || zipGiven || cityOrStateGiven
  // New coordinates alone make the old ZIP and city wrong; the state then comes from the county at the point.
  const coordinatesOnly = input.lng !== undefined && !zipGiven && !cityOrStateGiven
  const location = moved
    ? await locate(db, {
        lng: input.lng,
        lat: input.lat,
        zip: zipGiven ? input.zip : cityOrStateGiven || coordinatesOnly ? null : existing.zip,
        city: input.city ?? (zipGiven || coordinatesOnly ? null : existing.city),
        state: input.state ?? (zipGiven || coordinatesOnly ? null : existing.state),
      })
    : null
  const territory = location && followsTerritory(user, input.ownerId) ? await territoryOwner(db, location) : undefined
  const ownerId = territory
    ? territory.repId
    : input.ownerId === undefined
      ? undefined
      : await resolveOwner(db, user, input.ownerId)
  await db.transaction().execute(async (trx) => {
    await updateCustomer(trx, id, {
      externalId: input.externalId,
      name: input.name,
      industry: input.industry,
      segment: input.segment,
      status: input.status,
      address: input.address,
      ...(location ? locationWrite(location) : {}),
      ownerId,
      consent: consentWrite(input.consent),
    })
    if (ownerId !== undefined && ownerId !== existing.ownerId) {
      await recordOwnerChange(trx, {
        customerId: id,
        ownerId,
        alignmentId: territory?.alignmentId ?? null,
        territoryName: territory?.name ?? null,
        reason: territory ? 'moved into territory' : 'owner changed',
        changedBy: user.id,
      })
    }
  })
  return { location }
}
