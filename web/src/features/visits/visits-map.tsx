import type { PickingInfo } from '@deck.gl/core'
import { LngLatBounds, type Map as MapLibreMap } from 'maplibre-gl'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { DayPlan } from '../../api'
import { MapView } from '../../map/map-view'
import { useAppConfig } from '../config/use-config'
import { type CandidatePoint, visitCandidatesLayer, visitRouteLayers } from './visit-layers'

type VisitsMapProps = {
  candidates: CandidatePoint[]
  plan: DayPlan | null
  /** Changes when the selection changes, so the points recolour. */
  revision: string
  onToggle: (customerId: number) => void
  /** Shift-drag box: every candidate inside is added. */
  onBoxSelect: (customerIds: number[]) => void
  /** Fit the view when this changes (rep or date). */
  fitKey: string
}

/** The day on the map: pickable customers, the route in order with numbered stops and ETAs. */
export function VisitsMap({ candidates, plan, revision, onToggle, onBoxSelect, fitKey }: VisitsMapProps) {
  const config = useAppConfig()
  const [map, setMap] = useState<MapLibreMap | null>(null)
  const [rect, setRect] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null)
  const [lasso, setLasso] = useState<{ x: number; y: number }[]>([])

  const layers = useMemo(
    () => [
      visitCandidatesLayer(candidates, revision),
      ...(plan && plan.stops.length > 0 ? visitRouteLayers(plan) : []),
    ],
    [candidates, plan, revision],
  )

  // Fit once per rep/date to the points in play.
  const fitted = useRef('')
  useEffect(() => {
    if (!map || fitted.current === fitKey || candidates.length === 0) return
    fitted.current = fitKey
    const bounds = new LngLatBounds()
    for (const p of candidates) bounds.extend([p.lng, p.lat])
    map.fitBounds(bounds, { padding: 60, maxZoom: 12, duration: 0 })
  }, [map, fitKey, candidates])

  // Frame the route whenever a new one is drawn (not when it is only re-timed).
  const planRef = useRef(plan)
  planRef.current = plan
  const routeKey = plan ? plan.stops.map((s) => s.customerId).join(',') : ''
  useEffect(() => {
    const current = planRef.current
    if (!map || !current || current.stops.length === 0 || routeKey === '') return
    const bounds = new LngLatBounds()
    bounds.extend([current.start.lng, current.start.lat])
    bounds.extend([current.end.lng, current.end.lat])
    for (const s of current.stops) bounds.extend([s.lng, s.lat])
    map.fitBounds(bounds, { padding: 80, maxZoom: 13, duration: 0 })
  }, [map, routeKey])

  // Tests (and only tests) find a customer's screen position.
  useEffect(() => {
    const hook = window.__meridian
    if (!map || !hook) return
    const extended = hook as typeof hook & { visitPoint?: (id: number) => [number, number] | null }
    extended.visitPoint = (id) => {
      const p = candidates.find((c) => c.customerId === id)
      return p ? [p.lng, p.lat] : null
    }
  }, [map, candidates])

  const boxRef = useRef({ candidates, onBoxSelect })
  useEffect(() => {
    boxRef.current = { candidates, onBoxSelect }
  })
  useEffect(() => {
    if (!map) return
    map.boxZoom.disable()
    const container = map.getContainer()
    let start: { x: number; y: number } | null = null
    // Alt-drag: a free-form lasso in screen pixels, closed back to its start on release.
    let track: { x: number; y: number }[] | null = null
    let swallowClick = false
    const local = (event: MouseEvent) => {
      const box = container.getBoundingClientRect()
      return { x: event.clientX - box.left, y: event.clientY - box.top }
    }
    const onMove = (event: MouseEvent) => {
      if (track) {
        track.push(local(event))
        setLasso([...track])
        return
      }
      if (!start) return
      const p = local(event)
      setRect({ x0: start.x, y0: start.y, x1: p.x, y1: p.y })
    }
    const onUp = (event: MouseEvent) => {
      window.removeEventListener('mousemove', onMove)
      window.removeEventListener('mouseup', onUp)
      if (track) {
        const ring = track
        track = null
        swallowClick = true
        setLasso([])
        if (ring.length < 3) return
        const inside = boxRef.current.candidates.filter((c) => {
          const p = map.project([c.lng, c.lat])
          return pointInPolygon(p.x, p.y, ring)
        })
        boxRef.current.onBoxSelect(inside.map((c) => c.customerId))
        return
      }
      if (!start) return
      const p = local(event)
      const a = map.unproject([Math.min(start.x, p.x), Math.max(start.y, p.y)])
      const b = map.unproject([Math.max(start.x, p.x), Math.min(start.y, p.y)])
      start = null
      swallowClick = true
      setRect(null)
      const inside = boxRef.current.candidates.filter(
        (c) => c.lng >= a.lng && c.lng <= b.lng && c.lat >= a.lat && c.lat <= b.lat,
      )
      boxRef.current.onBoxSelect(inside.map((c) => c.customerId))
    }
    const onDown = (event: MouseEvent) => {
      if (event.button !== 0 || !(event.shiftKey || event.altKey)) return
      event.stopPropagation()
      event.preventDefault()
      if (event.altKey) {
        track = [local(event)]
        window.addEventListener('mousemove', onMove)
        window.addEventListener('mouseup', onUp)
        return
      }
      start = local(event)
      window.addEventListener('mousemove', onMove)
      window.addEventListener('mouseup', onUp)
    }
    const onClickCapture = (event: MouseEvent) => {
      if (!swallowClick) return
      swallowClick = false
      event.stopPropagation()
    }
    container.addEventListener('mousedown', onDown, true)
    container.addEventListener('click', onClickCapture, true)
    return () => {
      container.removeEventListener('mousedown', onDown, true)
      container.removeEventListener('click', onClickCapture, true)
      window.removeEventListener('mousemove', onMove)
      window.removeEventListener('mouseup', onUp)
    }
  }, [map])

  const onClick = (info: PickingInfo) => {
    const point = info.object as CandidatePoint | undefined
    if (point && typeof point.customerId === 'number') onToggle(point.customerId)
  }

  return (
    <div className="visits-map">
      <MapView
        styleUrl={config.data?.basemapStyleUrl ?? null}
        layers={layers}
        onViewChange={() => {}}
        onContextMenu={() => {}}
        onMapReady={setMap}
        onClick={onClick}
        label="Visit map. Click a customer to add or remove it; shift-drag a box or alt-drag a lasso to add every customer inside."
      />
      {rect ? (
        <div
          className="visits-box"
          style={{
            left: Math.min(rect.x0, rect.x1),
            top: Math.min(rect.y0, rect.y1),
            width: Math.abs(rect.x1 - rect.x0),
            height: Math.abs(rect.y1 - rect.y0),
          }}
        />
      ) : null}
      {lasso.length > 1 ? (
        <svg className="visits-lasso" aria-hidden="true">
          <polygon points={lasso.map((p) => `${p.x},${p.y}`).join(' ')} />
        </svg>
      ) : null}
      <p className="visits-map-hint">Click a customer to add it · Shift-drag a box or Alt-drag a lasso to add many</p>
    </div>
  )
}

/** Even-odd ray casting in screen pixels. */
function pointInPolygon(x: number, y: number, ring: readonly { x: number; y: number }[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]
    const b = ring[j]
    if (!a || !b) continue
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside
  }
  return inside
}
