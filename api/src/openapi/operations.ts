import type { RouteDescription } from './describe.ts'

/**
 * Descriptions of the routes written before `describeRoute` existed, keyed by `METHOD /openapi/path`.
 * New routes describe themselves with `describeRoute({...})` in their routes.ts instead (see ARCHITECTURE.md);
 * the request schemas of both kinds come from the routes' own validators.
 */
export const describedElsewhere: Record<string, RouteDescription> = {
  'GET /api/health': { tags: ['system'], summary: 'Liveness and database check', auth: 'public' },
  'POST /api/auth/login': {
    tags: ['auth'],
    summary: 'Sign in with email and password; sets the session cookie',
    auth: 'public',
  },
  'POST /api/auth/logout': {
    tags: ['auth'],
    summary: 'Sign out (clears the session cookie)',
    status: 204,
    auth: 'public',
  },
  'GET /api/auth/me': { tags: ['auth'], summary: 'The signed-in user' },
  'GET /api/config': { tags: ['system'], summary: 'Client configuration (basemap style URL)' },
  'GET /api/customers': {
    tags: ['customers'],
    summary: 'List customers in a bbox with filters, keyset paged by `cursor`',
  },
  'GET /api/customers/facets': {
    tags: ['customers'],
    summary: 'Filter values: statuses, segments, industries, owners',
  },
  'GET /api/customers/nearby': { tags: ['customers'], summary: 'Customers nearest a point, within a radius' },
  'GET /api/customers/{id}': { tags: ['customers'], summary: 'One customer with contacts and contact history' },
  'POST /api/customers': {
    tags: ['customers'],
    summary: 'Create a customer (geocoded offline from ZIP or city + state when no coordinates)',
    status: 201,
  },
  'PATCH /api/customers/{id}': { tags: ['customers'], summary: 'Change a customer' },
  'POST /api/customers/{id}/interactions': {
    tags: ['interactions'],
    summary: 'Log a call, email, visit, meeting or note',
    status: 201,
  },
  'GET /api/customers/{id}/owner-history': {
    tags: ['territories'],
    summary: 'Who owned this customer, through which territory, when and why',
  },
  'POST /api/territories/balance': {
    tags: ['territories'],
    summary: 'Balance a region into k territories; creates a draft',
    status: 201,
  },
  'POST /api/territories/import': {
    tags: ['territories'],
    summary: 'Import territories from GeoJSON as a draft',
    status: 201,
  },
  'GET /api/territories/drafts': { tags: ['territories'], summary: 'List alignments (drafts, active, archived)' },
  'GET /api/territories/active': {
    tags: ['territories'],
    summary: 'The active alignment (a rep sees their own territories only)',
  },
  'GET /api/territories/drafts/{file}': {
    tags: ['territories'],
    summary: 'A draft as GeoJSON, e.g. `/drafts/12.geojson`',
    produces: ['application/geo+json'],
  },
  'GET /api/territories/drafts/{id}': { tags: ['territories'], summary: 'A draft with live metrics per territory' },
  'GET /api/territories/drafts/{id}/units': { tags: ['territories'], summary: 'The units of a draft' },
  'PATCH /api/territories/drafts/{id}/units': {
    tags: ['territories'],
    summary: 'Move units between territories (carries the draft version)',
  },
  'PATCH /api/territories/drafts/{id}/territories/{territoryId}': {
    tags: ['territories'],
    summary: 'Rename a territory, assign a rep, region or district, lock it',
  },
  'PUT /api/territories/drafts/{id}/territories/{territoryId}/polygon': {
    tags: ['territories'],
    summary: 'Set a hand-drawn polygon for a territory',
  },
  'GET /api/territories/drafts/{id}/activation-preview': {
    tags: ['territories'],
    summary: 'Dry run of activation: customers who would change owner, per territory',
  },
  'POST /api/territories/drafts/{id}/activate': {
    tags: ['territories'],
    summary: 'Activate a draft: owners follow territories, the previous alignment is archived',
  },
  'GET /api/regions': {
    tags: ['regions'],
    summary: 'States or counties as GeoJSON (simplified)',
    produces: ['application/geo+json'],
  },
  'GET /api/density': { tags: ['customers'], summary: 'Customers and revenue per H3 cell for low zooms' },
  'POST /api/routes/optimize': {
    tags: ['routes'],
    summary: 'Order a day of visits (time windows, lunch break) and list the stops that do not fit',
  },
  // CSV import (api/src/imports), described here until its routes carry describeRoute().
  'GET /api/imports/fields': {
    tags: ['imports'],
    summary: 'Target fields per entity, with the header aliases they match',
  },
  'GET /api/imports': { tags: ['imports'], summary: 'Recent import jobs (admins see all, others their own)' },
  'POST /api/imports': {
    tags: ['imports'],
    summary: 'Upload a CSV file (the request body is the file, streamed to disk); returns the job and a preview',
    description:
      'Send the raw file as the body (any content type) with `?filename=`; encoding, delimiter and header are detected.',
    status: 201,
  },
  'GET /api/imports/{id}': { tags: ['imports'], summary: 'One import job with its progress counters' },
  'GET /api/imports/{id}/preview': {
    tags: ['imports'],
    summary: 'First rows, the suggested column mapping and the problems it would cause',
  },
  'POST /api/imports/{id}/start': {
    tags: ['imports'],
    summary: 'Start the import with a column mapping, matching rule and mode',
    status: 202,
  },
  'GET /api/imports/{id}/events': {
    tags: ['imports'],
    summary: 'Progress as server-sent events, read from the job row (survives a reload)',
    produces: ['text/event-stream'],
  },
  'GET /api/imports/{id}/errors.csv': {
    tags: ['imports'],
    summary: 'Rejected rows as CSV: line number, field, reason and the original row',
    produces: ['text/csv'],
  },
  'GET /api/tiles/customers/{z}/{x}/{y}': {
    tags: ['tiles'],
    summary: 'Customer vector tile (`y` ends in `.mvt`), filtered and scoped like the list',
    produces: ['application/vnd.mapbox-vector-tile'],
  },
}
