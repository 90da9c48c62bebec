import type { PickingInfo } from '@deck.gl/core'
import type { Map as MapLibreMap } from 'maplibre-gl'
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { DraftUnitMetrics, RegionFeature, Territory } from '../../api'
import { formatCentsCompact, formatCount } from '../../lib/format'
import { setStatesData } from '../../map/basemap'
import { basemapLayerIds, deckLayerIds } from '../../map/layer-ids'
import { MapTooltip } from '../../map/map-tooltip'
import { MapView } from '../../map/map-view'
import type { MapViewport } from '../../map/viewport'
import { CenteredSpinner } from '../../ui/spinner'
import { useAppConfig } from '../config/use-config'
import { buildRegionLabels, regionLabelsLayer } from '../regions/region-labels'
import { useStates } from '../regions/use-states'
import { formatDeviation, metric } from './territory-balance'
import { rgbCss, territoryColor } from './territory-colors'
import {
  territoryCellsLayer,
  territoryCountiesLayer,
  territoryDrawLayers,
  territoryLabelsLayer,
} from './territory-layers'
import { buildTerritoryLabels, type PlanningUnit, pointInRing, type UnitKind, unitsBounds } from './territory-units'

type TerritoryMapProps = {
  territories: Territory[]
  unitKind: UnitKind
  units: Map<string, PlanningUnit>
  countyFeatures: RegionFeature[]
  /** What each unit holds, for the hover card (absent while loading). */
  unitMetrics?: Map<string, DraftUnitMetrics>
  /** Changes with every edit (the draft version), so colours refresh. */
  revision: string
  targetId: number | null
  /** The map fits the units again whenever this changes (another plan was opened). */
  fitKey: string | number | null
  onUnitClick?: (unit: PlanningUnit) => void
  /** Shift-drag rectangle, or alt-drag (or any drag in lasso mode) free-form lasso: every unit whose inside point falls in it. */
  onLasso?: (units: PlanningUnit[]) => void
  /** Plain drags draw a free-form lasso instead of panning. */
  lassoMode?: boolean
  /** Polygon drawing: clicks add vertices, double-click or Enter finishes (Esc is the caller's). */
  drawing?: boolean
  onDrawComplete?: (ring: [number, number][]) => void
  /**
   * Vertex editing of a drawn area's outer ring (open: no closing point). Drag a corner to move it, drag the
   * handle in the middle of an edge to add a corner there, double-click or right-click a corner to delete it.
   */
  editArea?: [number, number][] | null
  onEditAreaChange?: (ring: [number, number][]) => void
  onMapReady?: (map: MapLibreMap | null) => void
  onViewChange?: (viewport: MapViewport) => void
  hint?: string
  children?: ReactNode
}

type Hover = { x: number; y: number; unitId: string }

/** The middle of each edge of a closed ring (edge i runs from corner i to corner i + 1). */
function edgeMiddles(ring: readonly [number, number][]): [number, number][] {
  return ring.map((a, i) => {
    const b = ring[(i + 1) % ring.length] ?? a
    return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]
  })
}
type Rect = { x0: number; y0: number; x1: number; y1: number }

function pickedUnitId(info: PickingInfo): string | null {
  const object: unknown = info.object
  if (typeof object !== 'object' || object === null) return null
  if (info.layer?.id === deckLayerIds.territoriesCells && 'id' in object) return String(object.id)
  if (info.layer?.id === deckLayerIds.territoriesFill) {
    if ('id' in object && object.id !== undefined) return String(object.id)
    if ('properties' in object && typeof object.properties === 'object' && object.properties !== null) {
      const properties = object.properties
      if ('id' in properties) return String(properties.id)
    }
  }
  return null
}

/** The territory map: filled units, labels, hover tooltip, click and shift-drag editing. */
export function TerritoryMap(props: TerritoryMapProps) {
  const { territories, unitKind, units, countyFeatures, revision, targetId, fitKey } = props
  const config = useAppConfig()
  const styleUrl = config.data?.basemapStyleUrl ?? null
  const offlineBasemap = styleUrl === null
  const states = useStates(offlineBasemap && config.isSuccess)
  const [map, setMap] = useState<MapLibreMap | null>(null)
  const [zoom, setZoom] = useState(4)
  const [hover, setHover] = useState<Hover | null>(null)
  const [rect, setRect] = useState<Rect | null>(null)
  const [lassoPath, setLassoPath] = useState<[number, number][]>([])
  const [drawPath, setDrawPath] = useState<[number, number][]>([])
  const [drawCursor, setDrawCursor] = useState<[number, number] | null>(null)

  useEffect(() => {
    if (map && states.data) setStatesData(map, states.data)
  }, [map, states.data])

  // Open a plan → show all of it.
  const fitted = useRef<string | number | null>(null)
  useEffect(() => {
    if (!map || fitKey === null || fitted.current === fitKey || units.size === 0) return
    const bounds = unitsBounds(units.values())
    if (!bounds) return
    fitted.current = fitKey
    map.fitBounds(
      [
        [bounds[0], bounds[1]],
        [bounds[2], bounds[3]],
      ],
      { padding: 60, duration: 0, maxZoom: 9 },
    )
  }, [map, fitKey, units])

  // Tests (and only tests) click units by their inside point.
  useEffect(() => {
    const hook = window.__meridian
    if (!map || !hook) return
    hook.territoryUnitCentroid = (unitId) => units.get(unitId)?.centroid ?? null
    return () => {
      if (window.__meridian === hook) hook.territoryUnitCentroid = undefined
    }
  }, [map, units])

  // Shift-drag draws a rectangle instead of MapLibre's box zoom; units inside it move to the target.
  const lassoRef = useRef({ onLasso: props.onLasso, units, lassoMode: props.lassoMode ?? false })
  useEffect(() => {
    lassoRef.current = { onLasso: props.onLasso, units, lassoMode: props.lassoMode ?? false }
  })
  useEffect(() => {
    if (!map) return
    map.boxZoom.disable()
    const container = map.getContainer()
    let start: { x: number; y: number } | null = null
    // Free-form lasso: the pointer's track in lng/lat, closed back to its start on release.
    let track: [number, number][] | null = null
    // The mouseup of a lasso is followed by a click; it must not also move the unit under the pointer.
    let swallowClick = false
    const local = (event: MouseEvent) => {
      const box = container.getBoundingClientRect()
      return { x: event.clientX - box.left, y: event.clientY - box.top }
    }
    const onMove = (event: MouseEvent) => {
      if (track) {
        const p = local(event)
        const { lng, lat } = map.unproject([p.x, p.y])
        track.push([lng, lat])
        setLassoPath([...track])
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
        setLassoPath([])
        if (ring.length < 3) return
        const inside = [...lassoRef.current.units.values()].filter(({ centroid }) => pointInRing(centroid, ring))
        lassoRef.current.onLasso?.(inside)
        return
      }
      if (!start) return
      const p = local(event)
      const a = map.unproject([Math.min(start.x, p.x), Math.max(start.y, p.y)])
      const b = map.unproject([Math.max(start.x, p.x), Math.min(start.y, p.y)])
      start = null
      swallowClick = true
      setRect(null)
      const inside = [...lassoRef.current.units.values()].filter(
        ({ centroid: [lng, lat] }) => lng >= a.lng && lng <= b.lng && lat >= a.lat && lat <= b.lat,
      )
      lassoRef.current.onLasso?.(inside)
    }
    const onDown = (event: MouseEvent) => {
      if (event.button !== 0 || !lassoRef.current.onLasso) return
      const freeForm = event.altKey || (lassoRef.current.lassoMode && !event.shiftKey)
      if (!event.shiftKey && !freeForm) return
      // Capture phase on the map's own container: MapLibre's pan handler never sees this drag.
      event.stopPropagation()
      event.preventDefault()
      if (freeForm) {
        const p = local(event)
        const { lng, lat } = map.unproject([p.x, p.y])
        track = [[lng, lat]]
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

  // Polygon drawing: clicks add vertices (a drag still pans), double-click or Enter finishes.
  const drawing = props.drawing ?? false
  const drawRef = useRef(props.onDrawComplete)
  useEffect(() => {
    drawRef.current = props.onDrawComplete
  })
  useEffect(() => {
    setDrawPath([])
    setDrawCursor(null)
    if (!map || !drawing) return
    const container = map.getContainer()
    const canvas = map.getCanvas()
    let vertices: [number, number][] = []
    let down: { x: number; y: number } | null = null
    map.doubleClickZoom.disable()
    canvas.style.cursor = 'crosshair'
    const local = (event: MouseEvent) => {
      const box = container.getBoundingClientRect()
      return { x: event.clientX - box.left, y: event.clientY - box.top }
    }
    const finish = () => {
      if (vertices.length < 3) return
      const first = vertices[0]
      const ring = first ? [...vertices, first] : vertices
      vertices = []
      setDrawPath([])
      drawRef.current?.(ring)
    }
    const onDown = (event: MouseEvent) => {
      down = local(event)
    }
    const onClick = (event: MouseEvent) => {
      // Units must not move on these clicks: the polygon does the moving.
      event.stopPropagation()
      const p = local(event)
      if (down && Math.hypot(p.x - down.x, p.y - down.y) > 4) return
      const last = vertices.at(-1)
      if (last) {
        const q = map.project(last)
        // The two clicks of a double-click land on one spot: one vertex.
        if (Math.hypot(q.x - p.x, q.y - p.y) < 4) return
      }
      const { lng, lat } = map.unproject([p.x, p.y])
      vertices = [...vertices, [lng, lat]]
      setDrawPath(vertices)
    }
    const onDblClick = (event: MouseEvent) => {
      event.stopPropagation()
      event.preventDefault()
      finish()
    }
    const onMove = (event: MouseEvent) => {
      const p = local(event)
      const { lng, lat } = map.unproject([p.x, p.y])
      setDrawCursor([lng, lat])
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Enter') return
      event.preventDefault()
      finish()
    }
    container.addEventListener('mousedown', onDown, true)
    container.addEventListener('click', onClick, true)
    container.addEventListener('dblclick', onDblClick, true)
    container.addEventListener('mousemove', onMove)
    window.addEventListener('keydown', onKey)
    return () => {
      container.removeEventListener('mousedown', onDown, true)
      container.removeEventListener('click', onClick, true)
      container.removeEventListener('dblclick', onDblClick, true)
      container.removeEventListener('mousemove', onMove)
      window.removeEventListener('keydown', onKey)
      map.doubleClickZoom.enable()
      canvas.style.cursor = ''
    }
  }, [map, drawing])

  // Vertex editing: handles are hit-tested in screen pixels, so they work at any zoom.
  const editArea = props.editArea ?? null
  const editing = editArea !== null
  const editRef = useRef({ ring: editArea, onChange: props.onEditAreaChange })
  useEffect(() => {
    editRef.current = { ring: editArea, onChange: props.onEditAreaChange }
  })
  useEffect(() => {
    if (!map || !editing) return
    const container = map.getContainer()
    const canvas = map.getCanvas()
    let dragging: number | null = null
    map.doubleClickZoom.disable()
    const local = (event: MouseEvent) => {
      const box = container.getBoundingClientRect()
      return { x: event.clientX - box.left, y: event.clientY - box.top }
    }
    /** The corner (or, failing that, the edge middle) under the pointer. */
    const hit = (event: MouseEvent): { kind: 'vertex' | 'mid'; index: number } | null => {
      const ring = editRef.current.ring ?? []
      const p = local(event)
      const near = (c: [number, number], radius: number) => {
        const q = map.project(c)
        return Math.hypot(q.x - p.x, q.y - p.y) <= radius
      }
      const vertex = ring.findIndex((c) => near(c, 9))
      if (vertex >= 0) return { kind: 'vertex', index: vertex }
      const mid = edgeMiddles(ring).findIndex((c) => near(c, 8))
      return mid >= 0 ? { kind: 'mid', index: mid } : null
    }
    const change = (ring: [number, number][]) => {
      editRef.current.ring = ring
      editRef.current.onChange?.(ring)
    }
    const onDown = (event: MouseEvent) => {
      if (event.button !== 0) return
      const target = hit(event)
      if (!target) return
      event.stopPropagation()
      event.preventDefault()
      const ring = [...(editRef.current.ring ?? [])]
      if (target.kind === 'mid') {
        const middle = edgeMiddles(ring)[target.index]
        if (!middle) return
        ring.splice(target.index + 1, 0, middle)
        change(ring)
        dragging = target.index + 1
      } else {
        dragging = target.index
      }
      map.dragPan.disable()
    }
    const onMove = (event: MouseEvent) => {
      if (dragging === null) {
        canvas.style.cursor = hit(event) ? 'move' : ''
        return
      }
      const p = local(event)
      const { lng, lat } = map.unproject([p.x, p.y])
      const ring = [...(editRef.current.ring ?? [])]
      ring[dragging] = [lng, lat]
      change(ring)
    }
    const onUp = () => {
      if (dragging === null) return
      dragging = null
      map.dragPan.enable()
    }
    const remove = (event: MouseEvent) => {
      const target = hit(event)
      event.stopPropagation()
      event.preventDefault()
      const ring = editRef.current.ring ?? []
      // A polygon keeps at least three corners.
      if (!target || target.kind !== 'vertex' || ring.length <= 3) return
      change(ring.filter((_, i) => i !== target.index))
    }
    // Clicks while editing never move units.
    const swallow = (event: MouseEvent) => event.stopPropagation()
    container.addEventListener('mousedown', onDown, true)
    container.addEventListener('click', swallow, true)
    container.addEventListener('dblclick', remove, true)
    container.addEventListener('contextmenu', remove, true)
    window.addEventListener('mousemove', onMove)
    window.addEventListener('mouseup', onUp)
    return () => {
      container.removeEventListener('mousedown', onDown, true)
      container.removeEventListener('click', swallow, true)
      container.removeEventListener('dblclick', remove, true)
      container.removeEventListener('contextmenu', remove, true)
      window.removeEventListener('mousemove', onMove)
      window.removeEventListener('mouseup', onUp)
      map.dragPan.enable()
      map.doubleClickZoom.enable()
      canvas.style.cursor = ''
    }
  }, [map, editing])

  const territoryById = useMemo(() => new Map(territories.map((t) => [t.id, t])), [territories])
  const labels = useMemo(() => buildTerritoryLabels(territories, units), [territories, units])
  const regionLabels = useMemo(() => (states.data ? buildRegionLabels(states.data) : []), [states.data])
  const unitList = useMemo(() => [...units.values()], [units])
  const beforeId = offlineBasemap ? basemapLayerIds.countiesLine : undefined

  const layers = useMemo(
    () => [
      unitKind === 'county'
        ? territoryCountiesLayer(countyFeatures, units, { targetId, revision, beforeId })
        : territoryCellsLayer(unitList, { targetId, revision, beforeId }),
      regionLabelsLayer(regionLabels, { zoom: Math.floor(zoom), visible: offlineBasemap && zoom < 6 }),
      territoryLabelsLayer(labels, { visible: true }),
      ...(editArea
        ? territoryDrawLayers(editArea, { closed: true, vertices: true, middles: edgeMiddles(editArea) })
        : drawing
          ? territoryDrawLayers(drawCursor && drawPath.length > 0 ? [...drawPath, drawCursor] : drawPath, {
              closed: true,
              vertices: true,
            })
          : territoryDrawLayers(lassoPath, { closed: lassoPath.length > 2, vertices: false })),
    ],
    [
      editArea,
      drawing,
      drawPath,
      drawCursor,
      lassoPath,
      unitKind,
      countyFeatures,
      units,
      unitList,
      targetId,
      revision,
      beforeId,
      regionLabels,
      zoom,
      offlineBasemap,
      labels,
    ],
  )

  const { onUnitClick, onMapReady, onViewChange } = props
  const onHover = useCallback(
    (info: PickingInfo) => {
      const id = info.picked ? pickedUnitId(info) : null
      const unit = id ? units.get(id) : undefined
      setHover(unit && id ? { x: info.x, y: info.y, unitId: id } : null)
      if (map && !drawing) map.getCanvas().style.cursor = unit ? 'pointer' : ''
    },
    [map, units, drawing],
  )
  const onClick = useCallback(
    (info: PickingInfo) => {
      // deck.gl picks clicks from pointer events of its own: a corner of a drawn polygon is not a unit click.
      if (drawing || editing) return
      const id = pickedUnitId(info)
      const unit = id ? units.get(id) : undefined
      if (unit) onUnitClick?.(unit)
    },
    [units, onUnitClick, drawing, editing],
  )
  const ready = useCallback(
    (next: MapLibreMap | null) => {
      setMap(next)
      onMapReady?.(next)
    },
    [onMapReady],
  )
  const viewChange = useCallback((viewport: MapViewport) => onViewChange?.(viewport), [onViewChange])
  const zoomChange = useCallback((next: number) => setZoom(next), [])
  const noop = useCallback(() => {}, [])

  // Looked up on every render: after a move the same unit belongs to another territory.
  const hoveredUnit = hover ? units.get(hover.unitId) : undefined
  const hovered = hoveredUnit ? territoryById.get(hoveredUnit.territoryId) : undefined
  const hoveredMetrics = hover ? props.unitMetrics?.get(hover.unitId) : undefined
  const target = targetId !== null ? territoryById.get(targetId) : undefined

  return (
    <>
      {config.isPending ? (
        <div className="map-loading">
          <CenteredSpinner label="Loading map" />
        </div>
      ) : (
        <MapView
          styleUrl={styleUrl}
          layers={layers}
          onViewChange={viewChange}
          onZoomChange={zoomChange}
          onContextMenu={noop}
          onMapReady={ready}
          onHover={onHover}
          onClick={onClick}
          label="Territory map. Click a unit to move it into the target territory; shift-drag a box or alt-drag a lasso to move many."
        />
      )}
      {rect ? (
        <div
          className="lasso-rect"
          style={{
            left: Math.min(rect.x0, rect.x1),
            top: Math.min(rect.y0, rect.y1),
            width: Math.abs(rect.x1 - rect.x0),
            height: Math.abs(rect.y1 - rect.y0),
          }}
        />
      ) : null}
      {hover && hoveredUnit && hovered ? (
        <MapTooltip x={hover.x} y={hover.y}>
          <strong>{hoveredUnit.name}</strong>
          <span className="tooltip-territory">
            <span
              className="territory-swatch"
              style={{ background: rgbCss(territoryColor(hoveredUnit.position)) }}
              aria-hidden="true"
            />
            {hovered.name} · {hovered.repName ?? 'Unassigned'}
          </span>
          {hoveredMetrics ? (
            <span>
              This unit: {formatCount(hoveredMetrics.customers)} customers ·{' '}
              {formatCentsCompact(hoveredMetrics.revenue12mCents)} · pop. {formatCount(hoveredMetrics.population)} ·{' '}
              {hoveredMetrics.workloadHours} h/mo
            </span>
          ) : null}
          <span>
            Territory: {formatCount(metric(hovered.metrics, 'customers'))} customers ·{' '}
            {formatCentsCompact(metric(hovered.metrics, 'revenue12mCents'))} ·{' '}
            {formatDeviation(hovered.metrics.deviationPct)}
          </span>
          {editing ? (
            <span className="map-tooltip-hint">
              Drag a corner · drag an edge’s middle to add one · double-click to delete
            </span>
          ) : drawing ? (
            <span className="map-tooltip-hint">Click to add a corner · double-click or Enter to finish</span>
          ) : target && props.onUnitClick ? (
            <span className="map-tooltip-hint">
              {target.id === hovered.id ? `Already in ${target.name}` : `Click to move into ${target.name}`}
            </span>
          ) : props.hint ? (
            <span className="map-tooltip-hint">{props.hint}</span>
          ) : null}
        </MapTooltip>
      ) : null}
      {props.children}
    </>
  )
}
