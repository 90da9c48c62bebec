/** Minutes from midnight as `HH:MM` (past midnight keeps counting: 24:30). */
export function clock(minutes: number): string {
  const m = Math.round(minutes)
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}

/** `HH:MM` from an `<input type="time">` as minutes from midnight; null when empty or malformed. */
export function minutesOf(value: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value)
  if (!match) return null
  return Number(match[1]) * 60 + Number(match[2])
}

const pad = (n: number) => String(n).padStart(2, '0')

/** The local calendar date as YYYY-MM-DD. */
export function localIsoDate(date = new Date()): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number)
  return localIsoDate(new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days))
}

/** Monday of the week holding `iso`. */
export function mondayOf(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number)
  const date = new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1)
  return addDays(iso, -((date.getDay() + 6) % 7))
}

export function formatDuration(minutes: number): string {
  const m = Math.round(minutes)
  if (m < 60) return `${m} min`
  return `${Math.floor(m / 60)} h ${pad(m % 60)}`
}

export function formatDistanceKm(metres: number): string {
  const km = metres / 1000
  return km < 10 ? `${km.toFixed(1)} km` : `${Math.round(km)} km`
}

export function weekdayLabel(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number)
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).toLocaleDateString('en-US', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
  })
}

export const unscheduledReasons: Record<string, string> = {
  window_unreachable: 'Its opening hours cannot be reached within the day',
  day_too_short: 'Too far or too long for the working day',
  window_conflict: 'Its opening hours clash with the other visits',
  break_conflict: 'The lunch break leaves no room for it',
  left_out: 'Left out of the order',
  no_day_available: 'Not open on any working day',
  week_full: 'The week is full',
  not_due: 'Not due this week (visited recently for its tier)',
}
