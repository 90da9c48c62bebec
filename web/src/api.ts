// The one typed client for the Meridian API. Components never call fetch; hooks in
// features/*/use-*.ts call these functions and own the server state.
//
// Request and response types come from the API itself (Hono RPC over `ApiType`), so they are never
// written twice: change a route's `c.json(...)` and the web app stops compiling where it matters.
// JSON turns the API's Date values into ISO strings; the inferred types already say so.
import { type ClientResponse, hc, type InferRequestType, type InferResponseType } from 'hono/client'
import type { ApiType } from '../../api/src/app.ts'

const client = hc<ApiType>('/api', {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, { ...init, credentials: 'same-origin' }),
})

// --- types inferred from the API ---------------------------------------------

export type User = InferResponseType<typeof client.auth.me.$get, 200>['user']
export type Role = User['role']
export type AppConfig = InferResponseType<typeof client.config.$get, 200>

export type CustomerFacets = InferResponseType<typeof client.customers.facets.$get, 200>
export type CustomerPage = InferResponseType<typeof client.customers.$get, 200>
export type CustomerSummary = CustomerPage['items'][number]
export type CustomerStatus = CustomerSummary['status']
export type CustomerSegment = CustomerSummary['segment']
export type NearbyCustomer = InferResponseType<typeof client.customers.nearby.$get, 200>['items'][number]

export type CustomerWithRelations = InferResponseType<(typeof client.customers)[':id']['$get'], 200>
export type CustomerDetail = CustomerWithRelations['customer']
export type ConsentChannel = keyof CustomerDetail['consent']
export type Consent = CustomerDetail['consent'][ConsentChannel]
export type Contact = CustomerWithRelations['contacts'][number]
export type Interaction = CustomerWithRelations['interactions'][number]

type LogInteractionRequest = InferRequestType<(typeof client.customers)[':id']['interactions']['$post']>
export type NewInteraction = LogInteractionRequest['json']
export type InteractionChannel = NewInteraction['channel']
export type InteractionDirection = NewInteraction['direction']

export type DensityResponse = InferResponseType<typeof client.density.$get, 200>
export type DensityCell = DensityResponse['cells'][number]

// The regions endpoint streams pre-built GeoJSON text (c.body), so there is no JSON type to infer;
// this is the GeoJSON shape its SQL builds (api/src/regions/queries.ts).
export type RegionLevel = InferRequestType<typeof client.regions.$get>['query']['level']
export type Position = [number, number] | [number, number, number]
export type RegionGeometry =
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
export type RegionFeature = {
  type: 'Feature'
  id?: string | number
  geometry: RegionGeometry
  properties: { id: string; name: string; level: RegionLevel; stateCode: string; population: number | null }
}
export type RegionCollection = { type: 'FeatureCollection'; features: RegionFeature[] }

// --- web-side shapes ---------------------------------------------------------

/** west, south, east, north in EPSG:4326. */
export type Bbox = [number, number, number, number]

/**
 * Filters shared by the list, the density layer and the tiles, as the form holds them: `''` means
 * "any" and is omitted on the wire.
 */
export type CustomerFilters = {
  q: string
  status: CustomerStatus | ''
  segment: CustomerSegment | ''
  industry: string
  /** A user id as text, straight from the owner select. */
  owner: string
}

export const emptyFilters: CustomerFilters = { q: '', status: '', segment: '', industry: '', owner: '' }

// --- errors ------------------------------------------------------------------

export class ApiError extends Error {
  readonly code: string
  readonly status: number
  readonly details: unknown

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError
}

type ApiErrorBody = { error: { code: unknown; message: unknown; details?: unknown } }

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false
  const error = value.error
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error
}

async function parseError(response: { status: number; statusText: string; json(): Promise<unknown> }) {
  let body: unknown = null
  try {
    body = await response.json()
  } catch {
    // Not JSON (proxy error page, empty body): fall through to a generic error.
  }
  if (isErrorBody(body)) {
    return new ApiError(response.status, String(body.error.code), String(body.error.message), body.error.details)
  }
  return new ApiError(response.status, 'http_error', `Request failed (${response.status} ${response.statusText})`)
}

/**
 * Awaits a client call and returns its response when 2xx. Anything else becomes an ApiError:
 * the API's `{ error: { code, message, details? } }`, or `network_error` when the server is unreachable.
 */
async function send<R extends ClientResponse<unknown>>(request: Promise<R>): Promise<R> {
  let response: R
  try {
    response = await request
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new ApiError(0, 'network_error', 'Cannot reach the Meridian server. Check your connection and try again.')
  }
  if (!response.ok) throw await parseError(response)
  return response
}

/** Request options that let TanStack Query cancel a request it no longer needs. */
function withSignal(signal?: AbortSignal) {
  return signal ? { init: { signal } } : undefined
}

// --- query strings -----------------------------------------------------------

type CustomerFilterQuery = Pick<
  InferRequestType<typeof client.customers.$get>['query'],
  'q' | 'status' | 'segment' | 'industry' | 'owner'
>

/** The filters as the API's query; empty values become undefined, which the client leaves out. */
function filterQuery(filters: CustomerFilters): CustomerFilterQuery {
  return {
    q: filters.q.trim() || undefined,
    status: filters.status || undefined,
    segment: filters.segment || undefined,
    industry: filters.industry || undefined,
    owner: filters.owner || undefined,
  }
}

/** `a=1&b=2` without empty values, for URLs the map libraries fetch themselves. */
export function toQueryString(query: Record<string, string | string[] | undefined>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) if (item) params.append(key, item)
  }
  return params.toString()
}

function formatBbox(bbox: Bbox): string {
  return bbox.map((n) => n.toFixed(5)).join(',')
}

// --- auth --------------------------------------------------------------------

export async function login(email: string, password: string): Promise<User> {
  const response = await send(client.auth.login.$post({ json: { email, password } }))
  return (await response.json()).user
}

export async function logout(): Promise<void> {
  await send(client.auth.logout.$post())
}

/** The signed-in user, or null when there is no session (401). */
export async function getSession(signal?: AbortSignal): Promise<User | null> {
  try {
    const response = await send(client.auth.me.$get(undefined, withSignal(signal)))
    return (await response.json()).user
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null
    throw error
  }
}

// --- config ------------------------------------------------------------------

export async function getConfig(signal?: AbortSignal): Promise<AppConfig> {
  const response = await send(client.config.$get(undefined, withSignal(signal)))
  return response.json()
}

// --- customers ---------------------------------------------------------------

export async function getCustomerFacets(signal?: AbortSignal): Promise<CustomerFacets> {
  const response = await send(client.customers.facets.$get(undefined, withSignal(signal)))
  return response.json()
}

export async function listCustomers(
  params: { bbox: Bbox; filters: CustomerFilters; limit: number; cursor: string | null },
  signal?: AbortSignal,
): Promise<CustomerPage> {
  const query = {
    ...filterQuery(params.filters),
    bbox: formatBbox(params.bbox),
    limit: String(params.limit),
    cursor: params.cursor ?? undefined,
  }
  const response = await send(client.customers.$get({ query }, withSignal(signal)))
  return response.json()
}

export async function listNearbyCustomers(
  params: { lng: number; lat: number; radiusKm: number; limit: number },
  signal?: AbortSignal,
): Promise<{ items: NearbyCustomer[] }> {
  const query = {
    lng: params.lng.toFixed(6),
    lat: params.lat.toFixed(6),
    radiusKm: String(params.radiusKm),
    limit: String(params.limit),
  }
  const response = await send(client.customers.nearby.$get({ query }, withSignal(signal)))
  return response.json()
}

export async function getCustomer(id: number, signal?: AbortSignal): Promise<CustomerWithRelations> {
  const response = await send(client.customers[':id'].$get({ param: { id: String(id) } }, withSignal(signal)))
  return response.json()
}

export async function createInteraction(customerId: number, input: NewInteraction): Promise<Interaction> {
  const response = await send(
    client.customers[':id'].interactions.$post({ param: { id: String(customerId) }, json: input }),
  )
  return (await response.json()).interaction
}

// --- map data ----------------------------------------------------------------

export async function getDensity(
  params: { z: number; bbox: Bbox; filters: CustomerFilters },
  signal?: AbortSignal,
): Promise<DensityResponse> {
  const query = { ...filterQuery(params.filters), z: String(params.z), bbox: formatBbox(params.bbox) }
  const response = await send(client.density.$get({ query }, withSignal(signal)))
  return response.json()
}

/** A GeoJSON FeatureCollection envelope: the only shape checked before the payload is trusted. */
function isFeatureCollection(value: unknown): value is { type: 'FeatureCollection'; features: unknown[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'type' in value &&
    value.type === 'FeatureCollection' &&
    'features' in value &&
    Array.isArray(value.features)
  )
}

function isRegionCollection(value: unknown): value is RegionCollection {
  return isFeatureCollection(value)
}

export async function getRegions(level: RegionLevel, signal?: AbortSignal): Promise<RegionCollection> {
  const response = await send(client.regions.$get({ query: { level } }, withSignal(signal)))
  const body: unknown = await response.json()
  if (!isRegionCollection(body)) throw new ApiError(response.status, 'invalid_geojson', 'Regions are not GeoJSON.')
  return body
}

/**
 * Absolute URLs for resources the map libraries fetch themselves (MapLibre parses GeoJSON in a
 * worker, deck.gl fetches tiles). Absolute because worker-relative URLs do not resolve.
 */
export function regionsUrl(level: RegionLevel): string {
  return new URL(`/api/regions?${toQueryString({ level })}`, window.location.origin).href
}

export function customerTilesUrl(filters: CustomerFilters): string {
  const base = `${window.location.origin}/api/tiles/customers/{z}/{x}/{y}.mvt`
  const qs = toQueryString(filterQuery(filters))
  return qs ? `${base}?${qs}` : base
}

// --- territories -------------------------------------------------------------

type TerritoryDrafts = typeof client.territories.drafts
export type TerritoryDraftSummary = InferResponseType<TerritoryDrafts['$get'], 200>['items'][number]
export type TerritoryDraftDetail = InferResponseType<TerritoryDrafts[':id']['$get'], 200>
export type TerritoryDraft = TerritoryDraftDetail['draft']
export type TerritoryDraftStatus = TerritoryDraft['status']
export type Territory = TerritoryDraftDetail['territories'][number]
export type TerritoryMetrics = Territory['metrics']
export type TerritoryBalance = TerritoryDraftDetail['balance']
export type ActivationResult = InferResponseType<TerritoryDrafts[':id']['activate']['$post'], 200>
export type ActiveTerritories = InferResponseType<typeof client.territories.active.$get, 200>['active']

export type BalanceRequest = InferRequestType<typeof client.territories.balance.$post>['json']
export type BalanceMeasureName = Exclude<BalanceRequest['measure'], object | undefined>
export type TerritoryUnitKind = BalanceRequest['units']
export type UnitMove = InferRequestType<TerritoryDrafts[':id']['units']['$patch']>['json']['moves'][number]
export type TerritoryPatch = Omit<
  InferRequestType<TerritoryDrafts[':id']['territories'][':territoryId']['$patch']>['json'],
  'version'
>
type ImportRequest = InferRequestType<typeof client.territories.import.$post>['json']

export async function listTerritoryDrafts(signal?: AbortSignal): Promise<TerritoryDraftSummary[]> {
  const response = await send(client.territories.drafts.$get(undefined, withSignal(signal)))
  return (await response.json()).items
}

export async function getTerritoryDraft(id: number, signal?: AbortSignal): Promise<TerritoryDraftDetail> {
  const response = await send(client.territories.drafts[':id'].$get({ param: { id: String(id) } }, withSignal(signal)))
  return response.json()
}

export type DraftUnitMetrics = InferResponseType<TerritoryDrafts[':id']['units']['$get'], 200>['items'][number]

/** What each unit of a draft holds (customers, revenue, population…), for the hover card. */
export async function getDraftUnits(id: number, signal?: AbortSignal): Promise<DraftUnitMetrics[]> {
  const response = await send(
    client.territories.drafts[':id'].units.$get({ param: { id: String(id) } }, withSignal(signal)),
  )
  return (await response.json()).items
}

export async function getActiveTerritories(signal?: AbortSignal): Promise<ActiveTerritories> {
  const response = await send(client.territories.active.$get(undefined, withSignal(signal)))
  return (await response.json()).active
}

export async function balanceTerritories(input: BalanceRequest): Promise<TerritoryDraftDetail> {
  const response = await send(client.territories.balance.$post({ json: input }))
  return response.json()
}

export async function moveTerritoryUnits(
  draftId: number,
  input: { version: number; moves: UnitMove[] },
): Promise<TerritoryDraftDetail> {
  const response = await send(
    client.territories.drafts[':id'].units.$patch({ param: { id: String(draftId) }, json: input }),
  )
  return response.json()
}

export async function patchTerritory(
  draftId: number,
  territoryId: number,
  input: TerritoryPatch & { version: number },
): Promise<TerritoryDraftDetail> {
  const response = await send(
    client.territories.drafts[':id'].territories[':territoryId'].$patch({
      param: { id: String(draftId), territoryId: String(territoryId) },
      json: input,
    }),
  )
  return response.json()
}

export type ActivationPreview = InferResponseType<TerritoryDrafts[':id']['activation-preview']['$get'], 200>

/** A dry run of activation on today's customers: who would change owner, per territory. */
export async function getActivationPreview(draftId: number, signal?: AbortSignal): Promise<ActivationPreview> {
  const response = await send(
    client.territories.drafts[':id']['activation-preview'].$get({ param: { id: String(draftId) } }, withSignal(signal)),
  )
  return response.json()
}

export async function activateTerritoryDraft(draftId: number, version?: number): Promise<ActivationResult> {
  const response = await send(
    client.territories.drafts[':id'].activate.$post({ param: { id: String(draftId) }, json: { version } }),
  )
  return response.json()
}

function isTerritoryCollection(value: unknown): value is ImportRequest {
  return (
    isFeatureCollection(value) &&
    'properties' in value &&
    typeof value.properties === 'object' &&
    value.properties !== null
  )
}

/**
 * Imports a territory FeatureCollection (the shape the export writes). Only the envelope is checked
 * here; the API validates every feature and answers `validation_failed` with the details.
 */
export async function importTerritories(collection: unknown): Promise<TerritoryDraftDetail> {
  if (!isTerritoryCollection(collection)) {
    throw new ApiError(
      400,
      'invalid_geojson',
      'This file is not a Meridian territory export (a FeatureCollection with unitKind properties).',
    )
  }
  const response = await send(client.territories.import.$post({ json: collection }))
  return response.json()
}

/** Download link for a draft as GeoJSON (the browser fetches it, with the session cookie). */
export function territoryDraftGeojsonUrl(draftId: number): string {
  return `/api/territories/drafts/${draftId}.geojson`
}

export type DrawnPolygon = { type: 'Polygon'; coordinates: [number, number][][] }
export type DrawPolygonResult = InferResponseType<
  TerritoryDrafts[':id']['territories'][':territoryId']['polygon']['$put'],
  200
>

/** Units whose inside point falls in the drawn polygon move into the territory (the server repairs what it can). */
export async function drawTerritoryPolygon(
  draftId: number,
  territoryId: number,
  input: { version: number; geometry: DrawnPolygon },
): Promise<DrawPolygonResult> {
  const response = await send(
    client.territories.drafts[':id'].territories[':territoryId'].polygon.$put({
      param: { id: String(draftId), territoryId: String(territoryId) },
      json: input,
    }),
  )
  return response.json()
}

// --- field visits ------------------------------------------------------------

type Visits = typeof client.visits
export type VisitRep = InferResponseType<Visits['reps']['$get'], 200>['items'][number]
export type VisitSuggestions = InferResponseType<Visits['suggestions']['$get'], 200>
export type VisitSuggestion = VisitSuggestions['items'][number]
export type DayPlan = InferResponseType<Visits['day']['optimize']['$post'], 200>['plan']
export type PlannedStop = DayPlan['stops'][number]
export type OptimizeDayRequest = InferRequestType<Visits['day']['optimize']['$post']>['json']
export type VisitStopRequest = OptimizeDayRequest['stops'][number]
export type VisitPlace = NonNullable<OptimizeDayRequest['start']>
export type SavedDayPlan = InferResponseType<Visits['plans'][':date']['$get'], 200>
export type WeekRequest = InferRequestType<Visits['week']['$post']>['json']
export type WeekPlan = InferResponseType<Visits['week']['$post'], 200>
export type CheckInRequest = InferRequestType<Visits['check-ins']['$post']>['json']
export type CheckInResult = InferResponseType<Visits['check-ins']['$post'], 201>
export type VisitReport = InferResponseType<Visits['report']['$get'], 200>

export async function listVisitReps(signal?: AbortSignal): Promise<VisitRep[]> {
  const response = await send(client.visits.reps.$get(undefined, withSignal(signal)))
  return (await response.json()).items
}

export async function getVisitSuggestions(
  query: { date: string; repId?: number; lng?: number; lat?: number; limit?: number },
  signal?: AbortSignal,
): Promise<VisitSuggestions> {
  const response = await send(
    client.visits.suggestions.$get(
      {
        query: {
          date: query.date,
          repId: query.repId === undefined ? undefined : String(query.repId),
          lng: query.lng === undefined ? undefined : String(query.lng),
          lat: query.lat === undefined ? undefined : String(query.lat),
          limit: query.limit === undefined ? undefined : String(query.limit),
        },
      },
      withSignal(signal),
    ),
  )
  return response.json()
}

export async function optimizeVisitDay(input: OptimizeDayRequest): Promise<DayPlan> {
  const response = await send(client.visits.day.optimize.$post({ json: input }))
  return (await response.json()).plan
}

export async function retimeVisitDay(input: OptimizeDayRequest & { order: number[] }): Promise<DayPlan> {
  const response = await send(client.visits.day.retime.$post({ json: input }))
  return (await response.json()).plan
}

export async function getSavedDayPlan(
  date: string,
  repId?: number,
  signal?: AbortSignal,
): Promise<SavedDayPlan | null> {
  try {
    const response = await send(
      client.visits.plans[':date'].$get(
        { param: { date }, query: { repId: repId === undefined ? undefined : String(repId) } },
        withSignal(signal),
      ),
    )
    return await response.json()
  } catch (error) {
    if (isApiError(error) && error.code === 'plan_not_found') return null
    throw error
  }
}

export async function saveDayPlan(
  input: OptimizeDayRequest & { order?: number[]; expectedVersion: number },
): Promise<SavedDayPlan> {
  const response = await send(client.visits.plans.$put({ json: input }))
  return response.json()
}

export async function getGoogleMapsLinks(date: string, repId?: number): Promise<string[]> {
  const response = await send(
    client.visits.plans[':date'].google.$get({
      param: { date },
      query: { repId: repId === undefined ? undefined : String(repId) },
    }),
  )
  return (await response.json()).links
}

/** Download URL of a saved plan as GPX or iCalendar. */
export function visitPlanFileUrl(date: string, format: 'gpx' | 'ics', repId?: number): string {
  return `/api/visits/plans/${date}/${format}?${toQueryString({ repId: repId === undefined ? undefined : String(repId) })}`
}

export async function planVisitWeek(input: WeekRequest): Promise<WeekPlan> {
  const response = await send(client.visits.week.$post({ json: input }))
  return response.json()
}

export async function checkInVisit(input: CheckInRequest): Promise<CheckInResult> {
  const response = await send(client.visits['check-ins'].$post({ json: input }))
  return response.json()
}

export async function getVisitReport(weekStart: string, weeks: number, signal?: AbortSignal): Promise<VisitReport> {
  const response = await send(
    client.visits.report.$get({ query: { weekStart, weeks: String(weeks) } }, withSignal(signal)),
  )
  return response.json()
}

// --- exports and API tokens ----------------------------------------------------

type ExportRequest = InferRequestType<(typeof client.exports)[':resource']['$get']>
export type ExportResource = ExportRequest['param']['resource']
export type ExportFormat = NonNullable<ExportRequest['query']['format']>

/**
 * Download link for an export: the browser fetches it with the session cookie and saves the streamed file.
 * Filters are the customer list's; `bbox` limits it to a map view; `alignment` picks the territories.
 */
export function exportUrl(
  resource: ExportResource,
  format: ExportFormat,
  options: { filters?: CustomerFilters; bbox?: Bbox | null; alignment?: number | 'active' } = {},
): string {
  const query: ExportRequest['query'] = {
    ...(options.filters ? filterQuery(options.filters) : {}),
    format,
    bbox: options.bbox ? formatBbox(options.bbox) : undefined,
    alignment: options.alignment === undefined ? undefined : String(options.alignment),
  }
  return `/api/exports/${resource}?${toQueryString(query)}`
}

export type ApiToken = InferResponseType<typeof client.tokens.$get, 200>['items'][number]
export type CreatedApiToken = InferResponseType<typeof client.tokens.$post, 201>

export async function listApiTokens(signal?: AbortSignal): Promise<ApiToken[]> {
  const response = await send(client.tokens.$get(undefined, withSignal(signal)))
  return (await response.json()).items
}

export async function createApiToken(input: { name: string; expiresInDays?: number }): Promise<CreatedApiToken> {
  const response = await send(client.tokens.$post({ json: input }))
  return response.json()
}

export async function revokeApiToken(id: number): Promise<void> {
  await send(client.tokens[':id'].$delete({ param: { id: String(id) } }))
}

// --- imports -----------------------------------------------------------------

export type ImportUpload = InferResponseType<typeof client.imports.$post, 201>
export type ImportJob = ImportUpload['job']
export type ImportPreview = ImportUpload['preview']
export type ImportHistoryItem = InferResponseType<typeof client.imports.$get, 200>['items'][number]
export type ImportFields = InferResponseType<typeof client.imports.fields.$get, 200>['fields']
export type StartImportRequest = InferRequestType<(typeof client.imports)[':id']['start']['$post']>['json']
export type ImportEntity = StartImportRequest['entity']

/** The file itself is the request body, streamed by the browser; the server checks it as it arrives. */
export async function uploadImportFile(file: File): Promise<ImportUpload> {
  let response: Response
  try {
    response = await fetch(`/api/imports?${toQueryString({ filename: file.name })}`, {
      method: 'POST',
      body: file,
      headers: { 'content-type': file.type || 'text/csv' },
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the Meridian server. Check your connection and try again.')
  }
  if (!response.ok) throw await parseError(response)
  return (await response.json()) as ImportUpload
}

export async function getImportFields(signal?: AbortSignal): Promise<ImportFields> {
  const res = await send(client.imports.fields.$get(undefined, withSignal(signal)))
  return (await res.json()).fields
}

export async function listImports(signal?: AbortSignal): Promise<ImportHistoryItem[]> {
  const res = await send(client.imports.$get({ query: { limit: '20' } }, withSignal(signal)))
  return (await res.json()).items
}

export async function getImportPreview(id: number, signal?: AbortSignal) {
  const res = await send(client.imports[':id'].preview.$get({ param: { id: String(id) } }, withSignal(signal)))
  return res.json()
}

export async function getImport(id: number, signal?: AbortSignal): Promise<ImportJob> {
  const res = await send(client.imports[':id'].$get({ param: { id: String(id) } }, withSignal(signal)))
  return (await res.json()).job
}

export async function startImport(id: number, request: StartImportRequest): Promise<ImportJob> {
  const res = await send(client.imports[':id'].start.$post({ param: { id: String(id) }, json: request }))
  return (await res.json()).job
}

/** Server-sent progress of one import (EventSource reconnects by itself). */
export function importEventsUrl(id: number): string {
  return `/api/imports/${id}/events`
}

export function importErrorsUrl(id: number): string {
  return `/api/imports/${id}/errors.csv`
}
