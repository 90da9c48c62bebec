import 'maplibre-gl/dist/maplibre-gl.css'
import type { LayersList, PickingInfo } from '@deck.gl/core'
import { MapLibreOverlay } from '@deck.gl/maplibre'
import { Map as MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl'
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url'
import { useEffect, useRef, useState } from 'react'
import { CenteredSpinner } from '../ui/spinner'
import { buildOfflineStyle } from './basemap'
import { initialCenter, initialZoom, type MapViewport, readViewport } from './viewport'

// MapLibre resolves its worker next to its own module; bundled, that file is not there.
setWorkerUrl(maplibreWorkerUrl)

declare global {
  interface Window {
    /**
     * Hook for browser tests: `__meridian.map.project([lng, lat])`, `.jumpTo(...)`, `.loaded()`; the
     * territories view adds `territoryUnitCentroid(unitId)`, a point inside a unit of the open plan.
     */
    __meridian?: { map: MapLibreMap; territoryUnitCentroid?: (unitId: string) => [number, number] | null }
  }
}

export type MapContextMenuEvent = {
  lngLat: [number, number]
  point: { x: number; y: number }
}

type MapViewProps = {
  /** External style URL from /api/config, or null for the offline basemap. */
  styleUrl: string | null
  layers: LayersList
  /** The settled view (after `moveend`): bbox and zoom for data requests. */
  onViewChange: (viewport: MapViewport) => void
  /** The zoom right now, on every `move` and `zoomend` (also mid-animation), for layer choice and legend. */
  onZoomChange?: (zoom: number) => void
  onContextMenu: (event: MapContextMenuEvent) => void
  onMapReady: (map: MapLibreMap | null) => void
  /** Fired by deck.gl when the pointer moves over a pickable object (or off one). */
  onHover?: (info: PickingInfo) => void
  onClick?: (info: PickingInfo) => void
  onError?: (message: string) => void
  /** Accessible name of the map region. */
  label?: string
}

/**
 * Owns the MapLibre map and the ONE deck.gl overlay (interleaved, so deck layers share the map's
 * WebGL context and depth). Features hand in layers built by pure factories.
 *
 * The overlay is MapLibreOverlay from @deck.gl/maplibre, not MapboxOverlay: MapLibre 6 removed the
 * private `map.transform` that @deck.gl/mapbox reads every frame (visgl/deck.gl#10501).
 */
export function MapView({
  styleUrl,
  layers,
  onViewChange,
  onZoomChange,
  onContextMenu,
  onMapReady,
  onHover,
  onClick,
  onError,
  label = 'Customer map. Right-click for customers near a point.',
}: MapViewProps) {
  const containerRef = useRef<HTMLElement>(null)
  const overlayRef = useRef<MapLibreOverlay | null>(null)
  const [loaded, setLoaded] = useState(false)

  // Callbacks change identity every render; the map is created once, so read them through a ref.
  const callbacks = useRef({ onViewChange, onZoomChange, onContextMenu, onMapReady, onHover, onClick, onError })
  useEffect(() => {
    callbacks.current = { onViewChange, onZoomChange, onContextMenu, onMapReady, onHover, onClick, onError }
  })

  useEffect(() => {
    const container = containerRef.current
    if (!container) return

    const map = new MapLibreMap({
      container,
      style: styleUrl ?? buildOfflineStyle(),
      center: initialCenter,
      zoom: initialZoom,
      minZoom: 2,
      maxZoom: 18,
      attributionControl: styleUrl ? { compact: true } : false,
      dragRotate: false,
      pitchWithRotate: false,
      canvasContextAttributes: { antialias: true },
    })
    map.touchZoomRotate.disableRotation()
    map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right')
    map.addControl(new ScaleControl({ unit: 'imperial' }), 'bottom-right')

    const overlay = new MapLibreOverlay({
      interleaved: true,
      layers: [],
      onHover: (info) => callbacks.current.onHover?.(info),
      onClick: (info, event) => {
        // A right-click opens the context menu; it must not also select what is under it.
        if (event.rightButton || event.middleButton) return
        callbacks.current.onClick?.(info)
      },
    })
    map.addControl(overlay)
    overlayRef.current = overlay
    window.__meridian = { map }

    const emitView = () => callbacks.current.onViewChange(readViewport(map))
    const emitZoom = () => callbacks.current.onZoomChange?.(map.getZoom())
    map.on('load', () => {
      setLoaded(true)
      emitZoom()
      emitView()
      callbacks.current.onMapReady(map)
    })
    map.on('move', emitZoom)
    map.on('zoomend', emitZoom)
    map.on('moveend', emitView)
    map.on('contextmenu', (event) => {
      event.preventDefault()
      callbacks.current.onContextMenu({
        lngLat: [event.lngLat.lng, event.lngLat.lat],
        point: { x: event.point.x, y: event.point.y },
      })
    })
    map.on('error', (event) => {
      const message = event.error instanceof Error ? event.error.message : 'The map failed to load some data.'
      callbacks.current.onError?.(message)
    })

    return () => {
      callbacks.current.onMapReady(null)
      overlayRef.current = null
      if (window.__meridian?.map === map) window.__meridian = undefined
      map.remove()
    }
  }, [styleUrl])

  useEffect(() => {
    overlayRef.current?.setProps({ layers })
  }, [layers])

  return (
    <div className="map-root">
      <section ref={containerRef} className="map-container" data-testid="map" aria-label={label} />
      {loaded ? null : (
        <div className="map-loading">
          <CenteredSpinner label="Loading map" />
        </div>
      )}
    </div>
  )
}
