/** Take a saved day plan along: Google Maps directions links, GPX 1.1 and an iCalendar (RFC 5545) file. */

export type ExportPlace = { label: string; lng: number; lat: number }

export type ExportStop = ExportPlace & {
  customerId: number
  address: string | null
  arrivalMin: number
  startMin: number
  departureMin: number
}

export type ExportPlan = {
  planId: number
  /** YYYY-MM-DD, the plan's day; times are minutes from its midnight, local to the rep. */
  date: string
  repName: string
  start: ExportPlace
  end: ExportPlace
  stops: ExportStop[]
}

/** Google Maps directions URLs take an origin, a destination and at most 9 waypoints. */
export const googleMaxWaypoints = 9

const coordinate = (p: ExportPlace) => `${p.lat.toFixed(6)},${p.lng.toFixed(6)}`

/**
 * Directions links over start → stops → end. When more places than one link holds, the route is cut into legs
 * of at most 11 places; each link starts where the previous one ended.
 */
export function googleMapsLinks(plan: ExportPlan): string[] {
  const places = [plan.start, ...plan.stops, plan.end]
  const perLink = googleMaxWaypoints + 2
  const links: string[] = []
  for (let from = 0; from < places.length - 1; from += perLink - 1) {
    const part = places.slice(from, from + perLink)
    const origin = part[0]
    const destination = part[part.length - 1]
    if (!origin || !destination) break
    const query = new URLSearchParams({ api: '1', origin: coordinate(origin), destination: coordinate(destination) })
    const waypoints = part.slice(1, -1)
    if (waypoints.length > 0) query.set('waypoints', waypoints.map(coordinate).join('|'))
    query.set('travelmode', 'driving')
    links.push(`https://www.google.com/maps/dir/?${query}`)
  }
  return links
}

const xmlEscape = (text: string) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')

/** `HH:MM` for minutes from midnight (past midnight keeps counting: 24:30). */
export function clock(minutes: number): string {
  const m = Math.round(minutes)
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}

/** GPX 1.1: one waypoint per stop (numbered in visit order) and the whole route, start and end included. */
export function planToGpx(plan: ExportPlan, now = new Date()): string {
  const point = (tag: 'wpt' | 'rtept', p: ExportPlace, name: string, desc?: string) =>
    `  <${tag} lat="${p.lat.toFixed(6)}" lon="${p.lng.toFixed(6)}"><name>${xmlEscape(name)}</name>${
      desc ? `<desc>${xmlEscape(desc)}</desc>` : ''
    }</${tag}>`
  const stopName = (s: ExportStop, i: number) => `${i + 1}. ${s.label}`
  const stopDesc = (s: ExportStop) =>
    `Arrive ${clock(s.arrivalMin)}, visit ${clock(s.startMin)}–${clock(s.departureMin)}${s.address ? `, ${s.address}` : ''}`
  const title = `Visits ${plan.date} — ${plan.repName}`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gpx version="1.1" creator="Meridian" xmlns="http://www.topografix.com/GPX/1/1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">',
    `  <metadata><name>${xmlEscape(title)}</name><time>${now.toISOString()}</time></metadata>`,
    ...plan.stops.map((s, i) => point('wpt', s, stopName(s, i), stopDesc(s))),
    `  <rte><name>${xmlEscape(title)}</name>`,
    point('rtept', plan.start, `Start: ${plan.start.label}`),
    ...plan.stops.map((s, i) => point('rtept', s, stopName(s, i), stopDesc(s))),
    point('rtept', plan.end, `End: ${plan.end.label}`),
    '  </rte>',
    '</gpx>',
    '',
  ].join('\n')
}

/** RFC 5545 TEXT escaping: backslash, semicolon, comma and line breaks. */
export function icsEscape(text: string): string {
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll(';', '\\;')
    .replaceAll(',', '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
}

/** RFC 5545 folding: content lines of at most 75 octets, continued with CRLF and one space; never inside a character. */
export function icsFold(line: string): string {
  const encoder = new TextEncoder()
  const parts: string[] = []
  let current = ''
  let octets = 0
  for (const char of line) {
    const size = encoder.encode(char).length
    const limit = parts.length === 0 ? 75 : 74
    if (octets + size > limit) {
      parts.push(current)
      current = ''
      octets = 0
    }
    current += char
    octets += size
  }
  parts.push(current)
  return parts.join('\r\n ')
}

/** Local floating date-time (no zone: the visit happens at that clock time wherever the rep is). */
function icsLocal(date: string, minutes: number): string {
  const [y, m, d] = date.split('-').map(Number)
  const at = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 0, Math.round(minutes)))
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}T${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}00`
}

const icsUtc = (at: Date) => `${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`

/** One VEVENT per stop from its service start to its departure. */
export function planToIcs(plan: ExportPlan, now = new Date()): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Meridian//Field visits//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
  ]
  plan.stops.forEach((s, i) => {
    lines.push(
      'BEGIN:VEVENT',
      `UID:visit-${plan.planId}-${s.customerId}@meridian`,
      `DTSTAMP:${icsUtc(now)}`,
      `DTSTART:${icsLocal(plan.date, s.startMin)}`,
      `DTEND:${icsLocal(plan.date, s.departureMin)}`,
      `SUMMARY:${icsEscape(`Visit ${i + 1}: ${s.label}`)}`,
      `LOCATION:${icsEscape(s.address ?? s.label)}`,
      `GEO:${s.lat.toFixed(6)};${s.lng.toFixed(6)}`,
      `DESCRIPTION:${icsEscape(`Stop ${i + 1} of ${plan.stops.length} for ${plan.repName}.\nArrive ${clock(s.arrivalMin)}, leave ${clock(s.departureMin)}.`)}`,
      'END:VEVENT',
    )
  })
  lines.push('END:VCALENDAR')
  return `${lines.map(icsFold).join('\r\n')}\r\n`
}
