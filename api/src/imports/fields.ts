/** What an import can write: per entity, the target fields, which are required, and header names that suggest them. */
export const importEntities = ['customers', 'contacts', 'interactions', 'orders'] as const
export type ImportEntity = (typeof importEntities)[number]
export const matchRules = ['external_id', 'email', 'name_zip'] as const
export type MatchRule = (typeof matchRules)[number]
export const importModes = ['row_by_row', 'all_or_nothing'] as const
export type ImportMode = (typeof importModes)[number]

export type TargetField = { key: string; label: string; required?: boolean; aliases: string[] }

export const targetFields: Record<ImportEntity, TargetField[]> = {
  customers: [
    {
      key: 'externalId',
      label: 'External id',
      aliases: ['external id', 'external_id', 'id', 'customer id', 'account id', 'account number', 'crm id'],
    },
    {
      key: 'name',
      label: 'Name',
      required: true,
      aliases: ['name', 'customer', 'customer name', 'company', 'company name', 'account', 'account name'],
    },
    { key: 'email', label: 'E-mail', aliases: ['email', 'e-mail', 'email address', 'mail'] },
    { key: 'industry', label: 'Industry', aliases: ['industry', 'sector', 'vertical'] },
    { key: 'segment', label: 'Segment', aliases: ['segment', 'size', 'tier'] },
    { key: 'status', label: 'Status', aliases: ['status', 'stage', 'lifecycle'] },
    {
      key: 'address',
      label: 'Street address',
      aliases: ['address', 'street', 'street address', 'address line 1', 'address1'],
    },
    { key: 'zip', label: 'ZIP', aliases: ['zip', 'zip code', 'zipcode', 'postal code', 'postcode', 'postal'] },
    { key: 'city', label: 'City', aliases: ['city', 'town', 'locality'] },
    { key: 'state', label: 'State', aliases: ['state', 'state code', 'region', 'province'] },
    { key: 'lat', label: 'Latitude', aliases: ['lat', 'latitude', 'y'] },
    { key: 'lng', label: 'Longitude', aliases: ['lng', 'lon', 'long', 'longitude', 'x'] },
    {
      key: 'ownerEmail',
      label: 'Owner (rep e-mail)',
      aliases: ['owner', 'owner email', 'rep', 'rep email', 'sales rep', 'account owner'],
    },
  ],
  contacts: [
    { key: 'externalId', label: 'External id', aliases: ['external id', 'external_id', 'id', 'contact id'] },
    {
      key: 'customerExternalId',
      label: 'Customer external id',
      required: true,
      aliases: ['customer external id', 'customer_external_id', 'customer id', 'account id', 'account'],
    },
    {
      key: 'firstName',
      label: 'First name',
      required: true,
      aliases: ['first name', 'first_name', 'firstname', 'given name'],
    },
    {
      key: 'lastName',
      label: 'Last name',
      required: true,
      aliases: ['last name', 'last_name', 'lastname', 'surname', 'family name'],
    },
    { key: 'title', label: 'Title', aliases: ['title', 'job title', 'position', 'role'] },
    { key: 'email', label: 'E-mail', aliases: ['email', 'e-mail', 'email address'] },
    { key: 'phone', label: 'Phone', aliases: ['phone', 'telephone', 'phone number', 'mobile'] },
  ],
  interactions: [
    {
      key: 'externalId',
      label: 'External id',
      required: true,
      aliases: ['external id', 'external_id', 'id', 'activity id'],
    },
    {
      key: 'customerExternalId',
      label: 'Customer external id',
      required: true,
      aliases: ['customer external id', 'customer_external_id', 'customer id', 'account id', 'account'],
    },
    { key: 'channel', label: 'Channel', required: true, aliases: ['channel', 'type', 'activity type'] },
    { key: 'direction', label: 'Direction', aliases: ['direction'] },
    {
      key: 'occurredAt',
      label: 'Date',
      required: true,
      aliases: ['occurred at', 'occurred_at', 'date', 'when', 'timestamp'],
    },
    { key: 'subject', label: 'Subject', required: true, aliases: ['subject', 'title', 'summary'] },
    { key: 'notes', label: 'Notes', aliases: ['notes', 'note', 'description', 'body'] },
    { key: 'outcome', label: 'Outcome', aliases: ['outcome', 'result'] },
  ],
  orders: [
    {
      key: 'externalId',
      label: 'External id',
      required: true,
      aliases: ['external id', 'external_id', 'id', 'order id', 'order number'],
    },
    {
      key: 'customerExternalId',
      label: 'Customer external id',
      required: true,
      aliases: ['customer external id', 'customer_external_id', 'customer id', 'account id', 'account'],
    },
    {
      key: 'orderedOn',
      label: 'Order date',
      required: true,
      aliases: ['ordered on', 'ordered_on', 'order date', 'date'],
    },
    {
      key: 'amount',
      label: 'Amount (USD)',
      required: true,
      aliases: ['amount', 'total', 'value', 'amount usd', 'revenue'],
    },
  ],
}

/** Which matching rules make sense per entity. */
export const matchRulesFor: Record<ImportEntity, MatchRule[]> = {
  customers: ['external_id', 'email', 'name_zip'],
  contacts: ['external_id', 'email'],
  interactions: ['external_id'],
  orders: ['external_id'],
}

const normalise = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[_\-.]+/g, ' ')
    .replace(/\s+/g, ' ')

/** Column name per target field, from header names (exact alias first, then the column name containing one). */
export function suggestMapping(entity: ImportEntity, columns: string[]): Record<string, string> {
  const mapping: Record<string, string> = {}
  const used = new Set<string>()
  const normalised = columns.map((column) => ({ column, name: normalise(column) }))
  for (const field of targetFields[entity]) {
    const aliases = field.aliases.map(normalise)
    const exact = normalised.find((c) => !used.has(c.column) && aliases.includes(c.name))
    if (exact) {
      mapping[field.key] = exact.column
      used.add(exact.column)
    }
  }
  return mapping
}

/** The entity whose fields the header maps best (customers on a tie). */
export function suggestEntity(columns: string[]): ImportEntity {
  let best: { entity: ImportEntity; score: number } = { entity: 'customers', score: 0 }
  for (const entity of importEntities) {
    const mapping = suggestMapping(entity, columns)
    const required = targetFields[entity].filter((f) => f.required && mapping[f.key]).length
    const score = Object.keys(mapping).length + required * 2
    if (score > best.score) best = { entity, score }
  }
  return best.entity
}
