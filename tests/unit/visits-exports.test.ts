import { describe, expect, it } from 'vitest'
import {
  type ExportPlan,
  googleMapsLinks,
  icsEscape,
  icsFold,
  planToGpx,
  planToIcs,
} from '../../api/src/visits/exports.ts'

function planWith(stops: number): ExportPlan {
  return {
    planId: 7,
    date: '2026-12-01',
    repName: 'Riley Rep',
    start: { label: 'Home', lng: -122.3, lat: 47.6 },
    end: { label: 'Office', lng: -122.2, lat: 47.5 },
    stops: Array.from({ length: stops }, (_, i) => ({
      label: `Stop ${i + 1}`,
      lng: -122 + i / 100,
      lat: 47 + i / 100,
      customerId: 100 + i,
      address: null,
      arrivalMin: 540 + i * 60,
      startMin: 545 + i * 60,
      departureMin: 585 + i * 60,
    })),
  }
}

describe('Google Maps links', () => {
  it.each([
    [0, 1],
    [9, 1],
    [10, 2],
    [19, 2],
    [20, 3],
  ])('%i stops make %i link(s), each with at most 9 waypoints, chained end to start', (stops, links) => {
    const urls = googleMapsLinks(planWith(stops)).map((u) => new URL(u).searchParams)
    expect(urls).toHaveLength(links)
    const visited: string[] = []
    urls.forEach((p, i) => {
      const waypoints = p.get('waypoints')?.split('|') ?? []
      expect(waypoints.length).toBeLessThanOrEqual(9)
      if (i > 0) expect(p.get('origin')).toBe(urls[i - 1]?.get('destination'))
      visited.push(...waypoints, p.get('destination') ?? '')
    })
    // Every stop appears exactly once, in order, then the end.
    const expected = [...planWith(stops).stops, planWith(stops).end].map(
      (s) => `${s.lat.toFixed(6)},${s.lng.toFixed(6)}`,
    )
    expect(visited).toEqual(expected)
  })
})

describe('iCalendar', () => {
  it('escapes TEXT values and folds at 75 octets without splitting a character', () => {
    expect(icsEscape('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne')
    const line = `SUMMARY:${'Café Zürich ☕ '.repeat(12)}`
    const folded = icsFold(line)
    for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75)
    expect(folded.replace(/\r\n /g, '')).toBe(line)
  })

  it('writes one event per stop, rolling past midnight into the next day', () => {
    const plan = planWith(2)
    const last = plan.stops[1]
    if (last) last.departureMin = 24 * 60 + 30
    const text = planToIcs(plan, new Date('2026-11-23T10:00:00Z'))
    const lines = text.replace(/\r\n /g, '').split('\r\n')
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2)
    expect(lines).toContain('DTSTART:20261201T090500')
    expect(lines).toContain('DTEND:20261202T003000')
    expect(lines).toContain('DTSTAMP:20261123T100000Z')
    expect(lines).toContain('UID:visit-7-100@meridian')
  })
})

describe('GPX', () => {
  it('escapes XML and lists the route start, stops and end in order', () => {
    const plan = planWith(2)
    const first = plan.stops[0]
    if (first) first.label = 'Smith & <Sons> "Ltd"'
    const gpx = planToGpx(plan)
    expect(gpx).toContain('<name>1. Smith &amp; &lt;Sons&gt; &quot;Ltd&quot;</name>')
    const route = gpx.slice(gpx.indexOf('<rte>'))
    expect([...route.matchAll(/<rtept /g)]).toHaveLength(4)
    expect(route.indexOf('Start: Home')).toBeLessThan(route.indexOf('2. Stop 2'))
    expect(route.indexOf('2. Stop 2')).toBeLessThan(route.indexOf('End: Office'))
  })
})
