import type { ColumnType, Generated } from 'kysely'

// Kysely table types. Geometry columns are written and read through SQL functions
// (ST_Point, ST_X, ...), so they are typed as opaque `unknown` here.
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Geometry = ColumnType<unknown, never, never>

export type AppUserTable = {
  id: Generated<number>
  name: string
  email: string
  role: 'admin' | 'manager' | 'rep' | 'marketer'
  password_hash: string
  home_label: string | null
  home_geom: Geometry
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export type CustomerTable = {
  id: Generated<number>
  external_id: string | null
  name: string
  industry: string
  segment: 'enterprise' | 'mid_market' | 'smb'
  status: 'prospect' | 'active' | 'churned'
  address: string | null
  zip: string | null
  city: string | null
  state: string | null
  county_fips: string | null
  geom: Geometry
  geom_3857: Geometry
  h3_r3: number
  h3_r5: number
  h3_r7: number
  h3_r9: number
  min_zoom: Generated<number>
  owner_id: number | null
  geocode_precision: Generated<'rooftop' | 'zip' | 'city' | 'none'>
  email: ColumnType<string | null, string | null | undefined, string | null>
  consent_email: Generated<boolean>
  consent_email_at: Date | null
  consent_email_source: string | null
  consent_phone: Generated<boolean>
  consent_phone_at: Date | null
  consent_phone_source: string | null
  consent_mail: Generated<boolean>
  consent_mail_at: Date | null
  consent_mail_source: string | null
  revenue_12m_cents: Generated<number>
  last_contact_at: Date | null
  created_at: Generated<Date>
  updated_at: Timestamp
}

export type ContactTable = {
  id: Generated<number>
  customer_id: number
  first_name: string
  last_name: string
  title: string | null
  email: string | null
  phone: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export type InteractionTable = {
  id: Generated<number>
  customer_id: number
  contact_id: number | null
  user_id: number | null
  channel: 'call' | 'email' | 'visit' | 'meeting' | 'note'
  direction: 'inbound' | 'outbound'
  occurred_at: Timestamp
  subject: string
  notes: string | null
  outcome: string | null
  created_at: Generated<Date>
}

export type CustomerOrderTable = {
  id: Generated<number>
  customer_id: number
  ordered_on: ColumnType<Date, string, string>
  amount_cents: number
  created_at: Generated<Date>
}

export type RegionTable = {
  id: string
  level: 'state' | 'county'
  name: string
  state_fips: string
  state_code: string | null
  population: number
  area_km2: number
  geom: Geometry
  geom_simple: Geometry
}

export type ZipCodeTable = {
  zip: string
  city: string
  state_code: string
  geom: Geometry
}

export type AlignmentTerritoryTable = {
  id: Generated<number>
  alignment_id: number
  position: number
  name: string
  rep_id: number | null
  region_name: string | null
  district_name: string | null
  locked: Generated<boolean>
  drawn_geom: Geometry
  totals: unknown | null
  perimeter_km: number | null
  contiguous: boolean | null
}

export type AuditLogTable = {
  id: Generated<number>
  user_id: number | null
  user_email: string
  action: 'export'
  resource: string
  format: string | null
  filters: ColumnType<unknown, string | undefined, string>
  status: Generated<'started' | 'completed' | 'failed' | 'aborted'>
  row_count: number | null
  error: string | null
  via: Generated<'session' | 'token'>
  started_at: Generated<Date>
  finished_at: Date | null
}

export type ApiTokenTable = {
  id: Generated<number>
  user_id: number
  name: string
  prefix: string
  token_hash: string
  created_at: Generated<Date>
  last_used_at: Date | null
  expires_at: Date | null
  revoked_at: Date | null
}

export type VisitPlanTable = {
  id: Generated<number>
  rep_id: number
  plan_date: ColumnType<string, string, string>
  version: Generated<number>
  request: unknown
  plan: unknown
  stop_count: number
  customer_ids: Generated<number[]>
  created_by: number | null
  updated_by: number | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export type VisitCheckInTable = {
  id: Generated<number>
  customer_id: number
  user_id: number
  interaction_id: number
  visit_plan_id: number | null
  visit_date: ColumnType<string, string, string>
  outcome: string
  /** Whether the device was within 200 m of the customer; null without a position. The position is never stored. */
  within_200m: boolean | null
  checked_in_at: Generated<Date>
}

export type AppSettingTable = { key: string; value: string }

export type SchemaMigrationTable = { name: string; applied_at: Generated<Date> }

export type ImportJobTable = {
  id: Generated<number>
  user_id: number
  file_name: string
  file_path: string
  file_bytes: number
  file_sha256: string
  encoding: 'utf-8' | 'windows-1252'
  delimiter: string
  has_header: boolean
  columns: unknown
  total_rows: number
  status: 'uploaded' | 'queued' | 'validating' | 'running' | 'done' | 'failed' | 'interrupted'
  entity: 'customers' | 'contacts' | 'interactions' | 'orders' | null
  mapping: unknown | null
  match_by: 'external_id' | 'email' | 'name_zip' | null
  mode: 'all_or_nothing' | 'row_by_row' | null
  committed_line: Generated<number>
  processed_rows: Generated<number>
  inserted_rows: Generated<number>
  updated_rows: Generated<number>
  unchanged_rows: Generated<number>
  rejected_rows: Generated<number>
  geocoded: Generated<unknown>
  message: string | null
  started_at: Date | null
  finished_at: Date | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export type ImportRowErrorTable = {
  job_id: number
  line: number
  field: string | null
  code: string
  message: string
  raw: string
}

export type GeocodeCacheTable = { query: string; lng: number | null; lat: number | null; created_at: Generated<Date> }

export type Database = {
  api_token: ApiTokenTable
  audit_log: AuditLogTable
  app_setting: AppSettingTable
  alignment_territory: AlignmentTerritoryTable
  app_user: AppUserTable
  customer: CustomerTable
  contact: ContactTable
  interaction: InteractionTable
  customer_order: CustomerOrderTable
  region: RegionTable
  zip_code: ZipCodeTable
  schema_migration: SchemaMigrationTable
  visit_plan: VisitPlanTable
  visit_check_in: VisitCheckInTable
  import_job: ImportJobTable
  import_row_error: ImportRowErrorTable
  geocode_cache: GeocodeCacheTable
}
