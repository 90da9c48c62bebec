const compactCurrency = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
})

const fullCurrency = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
})

const integer = new Intl.NumberFormat('en-US')
const compactInteger = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })

const dateFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric' })
const dateTimeFormat = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
})

export function formatCentsCompact(cents: number): string {
  return compactCurrency.format(cents / 100)
}

export function formatCents(cents: number): string {
  return fullCurrency.format(cents / 100)
}

export function formatDollarsCompact(dollars: number): string {
  return compactCurrency.format(dollars)
}

export function formatCount(n: number): string {
  return integer.format(n)
}

export function formatCountCompact(n: number): string {
  return compactInteger.format(n)
}

export function formatKm(km: number): string {
  return `${km.toFixed(1)} km`
}

function parseDate(value: string): Date | null {
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : date
}

export function formatDate(value: string | null): string {
  if (!value) return '—'
  const date = parseDate(value)
  return date ? dateFormat.format(date) : value
}

export function formatDateTime(value: string | null): string {
  if (!value) return '—'
  const date = parseDate(value)
  return date ? dateTimeFormat.format(date) : value
}

/** "mid_market" → "Mid market". */
export function humanize(value: string): string {
  const text = value.replace(/[_-]+/g, ' ').trim()
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** Value for an <input type="datetime-local"> in the browser's time zone. */
export function toDateTimeLocalValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

const segmentNames: Record<string, string> = { enterprise: 'Enterprise', mid_market: 'Mid-market', smb: 'SMB' }

export function formatSegment(segment: string): string {
  return segmentNames[segment] ?? humanize(segment)
}

const outcomeNames: Record<string, string> = { follow_up: 'Follow-up', no_answer: 'No answer' }

/** Outcomes are free text: codes like "no_answer" read as words, anything a person typed stays as typed. */
export function formatOutcome(outcome: string): string {
  return outcomeNames[outcome] ?? (/^[a-z0-9]+(_[a-z0-9]+)*$/.test(outcome) ? humanize(outcome) : outcome)
}
