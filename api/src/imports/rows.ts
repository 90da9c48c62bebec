import type { GeocodePrecision, OfflineGeocoder } from '../geocoding/offline.ts'
import { stripFormulaGuard } from './csv-parse.ts'
import type { ImportEntity, MatchRule } from './fields.ts'

/**
 * Turns one CSV record into a row ready to write, or the reason it is rejected. Pure apart from the in-memory
 * offline geocoder it is given, so the rules are unit-testable and the same for preview and import.
 */
export type RowError = { line: number; field: string | null; code: string; message: string }
export type Located = { lng: number; lat: number; precision: GeocodePrecision }

export type CustomerRow = {
  kind: 'customers'
  line: number
  key: string
  externalId: string | null
  name: string
  email: string | null
  industry: string | null
  segment: string | null
  status: string | null
  address: string | null
  zip: string | null
  city: string | null
  state: string | null
  location: Located | null
  /** undefined = the file says nothing about the owner. */
  ownerEmail: string | null | undefined
}
export type ContactRow = {
  kind: 'contacts'
  line: number
  key: string
  externalId: string | null
  customerExternalId: string
  firstName: string
  lastName: string
  title: string | null
  email: string | null
  phone: string | null
}
export type InteractionRow = {
  kind: 'interactions'
  line: number
  key: string
  externalId: string
  customerExternalId: string
  channel: string
  direction: string
  occurredAt: string
  subject: string
  notes: string | null
  outcome: string | null
}
export type OrderRow = {
  kind: 'orders'
  line: number
  key: string
  externalId: string
  customerExternalId: string
  orderedOn: string
  amountCents: number
}
export type PreparedRow = CustomerRow | ContactRow | InteractionRow | OrderRow

export type PrepareContext = {
  entity: ImportEntity
  matchBy: MatchRule
  /** Column index per mapped target field. */
  columns: Record<string, number>
  geocoder: OfflineGeocoder
}

class RowProblem extends Error {
  constructor(
    readonly field: string | null,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const controlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/
const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

function reader(fields: string[], ctx: PrepareContext) {
  const text = (key: string, max: number, options: { required?: boolean; label?: string } = {}): string | null => {
    const index = ctx.columns[key]
    const raw = index === undefined ? '' : (fields[index] ?? '')
    const value = stripFormulaGuard(raw).trim()
    if (value === '') {
      if (options.required) throw new RowProblem(key, 'missing_value', `${options.label ?? key} is empty`)
      return null
    }
    if (controlChars.test(value))
      throw new RowProblem(key, 'invalid_value', `${options.label ?? key} contains control characters`)
    if (value.length > max)
      throw new RowProblem(key, 'invalid_value', `${options.label ?? key} is longer than ${max} characters`)
    return value
  }
  const mapped = (key: string) => ctx.columns[key] !== undefined
  return { text, mapped }
}

const segmentAliases: Record<string, string> = {
  enterprise: 'enterprise',
  ent: 'enterprise',
  'mid market': 'mid_market',
  'mid-market': 'mid_market',
  mid_market: 'mid_market',
  midmarket: 'mid_market',
  smb: 'smb',
  small: 'smb',
  'small business': 'smb',
}
const statusAliases: Record<string, string> = {
  prospect: 'prospect',
  lead: 'prospect',
  active: 'active',
  customer: 'active',
  churned: 'churned',
  lost: 'churned',
  inactive: 'churned',
}

function oneOf(value: string | null, aliases: Record<string, string>, field: string): string | null {
  if (value === null) return null
  const found = aliases[value.toLowerCase()]
  if (!found) {
    const allowed = [...new Set(Object.values(aliases))].join(', ')
    throw new RowProblem(field, 'invalid_value', `${field} "${value}" is not one of ${allowed}`)
  }
  return found
}

// The United States with Alaska, Hawaii and Puerto Rico, generously.
const inUs = (lng: number, lat: number) => lng >= -180 && lng <= -64 && lat >= 17 && lat <= 72

function coordinates(latText: string | null, lngText: string | null): { lng: number; lat: number } | null {
  if (latText === null && lngText === null) return null
  if (latText === null || lngText === null)
    throw new RowProblem(latText === null ? 'lat' : 'lng', 'invalid_coordinates', 'latitude and longitude go together')
  const lat = Number(latText.replace(',', '.'))
  const lng = Number(lngText.replace(',', '.'))
  if (!Number.isFinite(lat) || !Number.isFinite(lng))
    throw new RowProblem('lat', 'invalid_coordinates', `coordinates "${latText}, ${lngText}" are not numbers`)
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) {
    if (Math.abs(lng) <= 90 && Math.abs(lat) <= 180 && inUs(lat, lng))
      throw new RowProblem('lat', 'swapped_coordinates', `latitude ${lat} and longitude ${lng} look swapped`)
    throw new RowProblem('lat', 'invalid_coordinates', `coordinates ${lat}, ${lng} are out of range`)
  }
  if (!inUs(lng, lat) && inUs(lat, lng))
    throw new RowProblem('lat', 'swapped_coordinates', `latitude ${lat} and longitude ${lng} look swapped (US data)`)
  return { lng, lat }
}

function normaliseZip(value: string | null): string | null {
  if (value === null) return null
  const match = /^(\d{3,5})(?:-\d{4})?$/.exec(value)
  if (!match?.[1]) throw new RowProblem('zip', 'invalid_zip', `ZIP "${value}" is not a 5-digit ZIP code`)
  // Spreadsheets drop the leading zeros of New England ZIPs.
  return match[1].padStart(5, '0')
}

function prepareCustomer(line: number, fields: string[], ctx: PrepareContext): CustomerRow {
  const { text, mapped } = reader(fields, ctx)
  const externalId = text('externalId', 64, { required: ctx.matchBy === 'external_id', label: 'external id' })
  const name = text('name', 200, { required: true, label: 'name' }) ?? ''
  const email = text('email', 254, { required: ctx.matchBy === 'email', label: 'e-mail' })
  if (email !== null && !emailPattern.test(email))
    throw new RowProblem('email', 'invalid_email', `"${email}" is not an e-mail address`)
  const industry = text('industry', 80)
  const segment = oneOf(text('segment', 40), segmentAliases, 'segment')
  const status = oneOf(text('status', 40), statusAliases, 'status')
  const address = text('address', 200)
  const zip = normaliseZip(text('zip', 10, { required: ctx.matchBy === 'name_zip', label: 'ZIP' }))
  const city = text('city', 100)
  const stateText = text('state', 2 + 30)
  const state = stateText === null ? null : stateText.toUpperCase()
  if (state !== null && !/^[A-Z]{2}$/.test(state))
    throw new RowProblem('state', 'invalid_state', `state "${stateText}" is not a 2-letter code`)
  const point = coordinates(text('lat', 40), text('lng', 40))
  let location: Located | null = null
  let resolvedCity = city
  let resolvedState = state
  if (point) {
    location = { ...point, precision: 'rooftop' }
  } else if (zip !== null || (city !== null && state !== null)) {
    const byZip = zip !== null ? ctx.geocoder.byZip(zip) : undefined
    const byCity = !byZip && city !== null && state !== null ? ctx.geocoder.byCity(city, state) : undefined
    const hit = byZip ?? byCity
    if (!hit) {
      const what = zip !== null ? `ZIP ${zip}` : `${city}, ${state}`
      const orCity = zip !== null && city !== null && state !== null ? ` nor ${city}, ${state}` : ''
      throw new RowProblem(
        zip !== null ? 'zip' : 'city',
        'location_not_found',
        `unknown ${what}${orCity}: cannot place the customer`,
      )
    }
    location = { lng: hit.lng, lat: hit.lat, precision: hit.precision }
    resolvedCity = city ?? hit.city
    resolvedState = state ?? hit.state
  } else if (city !== null || state !== null) {
    throw new RowProblem(
      'city',
      'location_not_found',
      'a city needs its state (and a state its city) to place the customer',
    )
  }
  const owner = mapped('ownerEmail') ? text('ownerEmail', 254) : undefined
  const key =
    ctx.matchBy === 'external_id'
      ? (externalId ?? '')
      : ctx.matchBy === 'email'
        ? (email ?? '').toLowerCase()
        : `${name.toLowerCase()}|${zip}`
  return {
    kind: 'customers',
    line,
    key,
    externalId,
    name,
    email,
    industry,
    segment,
    status,
    address,
    zip,
    city: resolvedCity,
    state: resolvedState,
    location,
    ownerEmail: owner === undefined ? undefined : owner === null ? null : owner.toLowerCase(),
  }
}

function prepareContact(line: number, fields: string[], ctx: PrepareContext): ContactRow {
  const { text } = reader(fields, ctx)
  const externalId = text('externalId', 64, { required: ctx.matchBy === 'external_id', label: 'external id' })
  const customerExternalId = text('customerExternalId', 64, { required: true, label: 'customer external id' }) ?? ''
  const firstName = text('firstName', 100, { required: true, label: 'first name' }) ?? ''
  const lastName = text('lastName', 100, { required: true, label: 'last name' }) ?? ''
  const email = text('email', 254, { required: ctx.matchBy === 'email', label: 'e-mail' })
  if (email !== null && !emailPattern.test(email))
    throw new RowProblem('email', 'invalid_email', `"${email}" is not an e-mail address`)
  const key = ctx.matchBy === 'email' ? (email ?? '').toLowerCase() : (externalId ?? '')
  return {
    kind: 'contacts',
    line,
    key,
    externalId,
    customerExternalId,
    firstName,
    lastName,
    title: text('title', 100),
    email,
    phone: text('phone', 40),
  }
}

function timestamp(value: string, field: string): string {
  const parsed = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
  if (Number.isNaN(parsed.getTime()) || parsed.getUTCFullYear() < 1900 || parsed.getUTCFullYear() > 2200)
    throw new RowProblem(field, 'invalid_date', `"${value}" is not a date (use YYYY-MM-DD or ISO 8601)`)
  return parsed.toISOString()
}

const channels = ['call', 'email', 'visit', 'meeting', 'note']

function prepareInteraction(line: number, fields: string[], ctx: PrepareContext): InteractionRow {
  const { text } = reader(fields, ctx)
  const externalId = text('externalId', 64, { required: true, label: 'external id' }) ?? ''
  const channel = (text('channel', 20, { required: true, label: 'channel' }) ?? '').toLowerCase()
  if (!channels.includes(channel))
    throw new RowProblem('channel', 'invalid_value', `channel "${channel}" is not one of ${channels.join(', ')}`)
  const direction = (text('direction', 20) ?? 'outbound').toLowerCase()
  if (direction !== 'inbound' && direction !== 'outbound')
    throw new RowProblem('direction', 'invalid_value', `direction "${direction}" is not inbound or outbound`)
  return {
    kind: 'interactions',
    line,
    key: externalId,
    externalId,
    customerExternalId: text('customerExternalId', 64, { required: true, label: 'customer external id' }) ?? '',
    channel,
    direction,
    occurredAt: timestamp(text('occurredAt', 40, { required: true, label: 'date' }) ?? '', 'occurredAt'),
    subject: text('subject', 200, { required: true, label: 'subject' }) ?? '',
    notes: text('notes', 4000),
    outcome: text('outcome', 200),
  }
}

function prepareOrder(line: number, fields: string[], ctx: PrepareContext): OrderRow {
  const { text } = reader(fields, ctx)
  const externalId = text('externalId', 64, { required: true, label: 'external id' }) ?? ''
  const amountText = text('amount', 30, { required: true, label: 'amount' }) ?? ''
  const amount = Number(amountText.replace(/[$\s,]/g, ''))
  if (!Number.isFinite(amount) || amount < 0 || amount > 1e12)
    throw new RowProblem('amount', 'invalid_value', `amount "${amountText}" is not a non-negative number`)
  return {
    kind: 'orders',
    line,
    key: externalId,
    externalId,
    customerExternalId: text('customerExternalId', 64, { required: true, label: 'customer external id' }) ?? '',
    orderedOn: timestamp(text('orderedOn', 40, { required: true, label: 'order date' }) ?? '', 'orderedOn').slice(
      0,
      10,
    ),
    amountCents: Math.round(amount * 100),
  }
}

export function prepareRow(line: number, fields: string[], ctx: PrepareContext): PreparedRow | RowError {
  try {
    switch (ctx.entity) {
      case 'customers':
        return prepareCustomer(line, fields, ctx)
      case 'contacts':
        return prepareContact(line, fields, ctx)
      case 'interactions':
        return prepareInteraction(line, fields, ctx)
      case 'orders':
        return prepareOrder(line, fields, ctx)
    }
  } catch (error) {
    if (error instanceof RowProblem) return { line, field: error.field, code: error.code, message: error.message }
    throw error
  }
}

export function isRowError(value: PreparedRow | RowError): value is RowError {
  return 'code' in value
}
