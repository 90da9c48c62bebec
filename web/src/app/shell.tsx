import type { PickingInfo } from '@deck.gl/core'
import { cellToLatLng } from 'h3-js'
import type { Map as MapLibreMap } from 'maplibre-gl'
import { useCallback, useEffect, useMemo, useState } from 'react'
import {
  type CustomerFilters,
  type CustomerSummary,
  customerTilesUrl,
  type DensityCell,
  emptyFilters,
  type User,
} from '../api'
import { canFilterByOwner } from '../features/auth/use-session'
import { useAppConfig } from '../features/config/use-config'
import { CustomerPanel } from '../features/customers/customer-panel'
import { CustomerSidebar } from '../features/customers/customer-sidebar'
import {
  type CustomerTileProperties,
  customersLayer,
  nearbyOriginLayers,
  selectionLayer,
} from '../features/customers/customers-layer'
import { statusColors, statusLabels, statusOrder } from '../features/customers/status-colors'
import { useCustomer } from '../features/customers/use-customer'
import { nearbyRadiusKm } from '../features/customers/use-nearby-customers'
import { densityLayer } from '../features/density/density-layer'
import { buildDensityScale, rgbCss } from '../features/density/density-scale'
import { useDensity } from '../features/density/use-density'
import { ImportsView } from '../features/imports/imports-view'
import { buildRegionLabels, regionLabelsLayer } from '../features/regions/region-labels'
import { useStates } from '../features/regions/use-states'
import { MyTerritoryView } from '../features/territories/my-territory-view'
import { TerritoriesView } from '../features/territories/territories-view'
import { VisitsView } from '../features/visits/visits-view'
import { formatCentsCompact, formatCount, formatDollarsCompact } from '../lib/format'
import { useDebouncedValue } from '../lib/use-debounced-value'
import { setStatesData } from '../map/basemap'
import { ContextMenu } from '../map/context-menu'
import { basemapLayerIds, deckLayerIds, pointsMinZoom } from '../map/layer-ids'
import { Legend, type LegendItem } from '../map/legend'
import { MapTooltip } from '../map/map-tooltip'
import { type MapContextMenuEvent, MapView } from '../map/map-view'
import { initialZoom, type MapViewport } from '../map/viewport'
import { Banner } from '../ui/banner'
import { Button } from '../ui/button'
import { CrosshairIcon, SearchIcon } from '../ui/icons'
import { CenteredSpinner } from '../ui/spinner'
import { canPlanTerritories, TopBar } from './top-bar'

type Hover =
  | { kind: 'density'; x: number; y: number; cell: DensityCell }
  | { kind: 'customer'; x: number; y: number; customer: Partial<CustomerTileProperties> }

type MenuState = MapContextMenuEvent | null

type Selection = { id: number; position: [number, number] | null }

function tileProperties(object: unknown): Partial<CustomerTileProperties> | null {
  if (typeof object !== 'object' || object === null || !('properties' in object)) return null
  const properties = object.properties
  return typeof properties === 'object' && properties !== null ? (properties as Partial<CustomerTileProperties>) : null
}

function isDensityCell(object: unknown): object is DensityCell {
  return typeof object === 'object' && object !== null && 'h3' in object && 'customers' in object
}

type AppView = 'customers' | 'territories' | 'visits' | 'import'

function viewFromHash(): AppView {
  if (window.location.hash === '#visits') return 'visits'
  // #import or #import/<job id>: the import view keeps its job in the hash.
  if (/^#import(\/|$)/.test(window.location.hash)) return 'import'
  return window.location.hash === '#territories' ? 'territories' : 'customers'
}

/** The signed-in app: top bar plus one view. The URL hash keeps the view across reloads. */
export function Shell({ user }: { user: User }) {
  const [view, setView] = useState<AppView>(viewFromHash)
  useEffect(() => {
    const onHashChange = () => setView(viewFromHash())
    window.addEventListener('hashchange', onHashChange)
    return () => window.removeEventListener('hashchange', onHashChange)
  }, [])
  // Choosing Import in the top bar starts a fresh import even when one is open (#import/<id>).
  const [importVisit, setImportVisit] = useState(0)
  const navigate = useCallback((next: AppView) => {
    setView(next)
    if (next === 'import') setImportVisit((n) => n + 1)
    window.history.replaceState(null, '', next === 'customers' ? window.location.pathname : `#${next}`)
  }, [])
  return (
    <div className="app">
      <TopBar user={user} view={view} onNavigate={navigate} />
      {view === 'import' && user.role !== 'marketer' ? (
        <ImportsView key={importVisit} ownOnly={user.role === 'rep'} />
      ) : view === 'visits' && user.role !== 'marketer' ? (
        <VisitsView user={user} />
      ) : view === 'territories' ? (
        canPlanTerritories(user.role) ? (
          <TerritoriesView />
        ) : (
          <MyTerritoryView ownOnly={user.role === 'rep'} />
        )
      ) : (
        <CustomersWorkspace user={user} />
      )}
    </div>
  )
}

function CustomersWorkspace({ user }: { user: User }) {
  const config = useAppConfig()
  const styleUrl = config.data?.basemapStyleUrl ?? null
  const offlineBasemap = styleUrl === null

  const [map, setMap] = useState<MapLibreMap | null>(null)
  const [rawViewport, setViewport] = useState<MapViewport | null>(null)
  // Data requests follow the settled, debounced view; what is drawn and the legend follow the map's
  // zoom right now (integer, so a fly-to re-renders only when a level is crossed). Otherwise a fly-to
  // from the country view to a customer keeps showing the country's hexagons and legend.
  const viewport = useDebouncedValue(rawViewport, 250)
  const [zoomLevel, setZoomLevel] = useState(Math.floor(initialZoom))
  const showPoints = zoomLevel >= pointsMinZoom
  const viewportZoomLevel = Math.floor(viewport?.zoom ?? initialZoom)

  const [filters, setFilters] = useState<CustomerFilters>(emptyFilters)
  const debouncedQ = useDebouncedValue(filters.q, 300)
  const appliedFilters = useMemo<CustomerFilters>(
    () => ({
      q: debouncedQ.trim(),
      status: filters.status,
      segment: filters.segment,
      industry: filters.industry,
      owner: filters.owner,
    }),
    [debouncedQ, filters.status, filters.segment, filters.industry, filters.owner],
  )

  const [selection, setSelection] = useState<Selection | null>(null)
  const [nearbyPoint, setNearbyPoint] = useState<[number, number] | null>(null)
  const [menu, setMenu] = useState<MenuState>(null)
  const [hover, setHover] = useState<Hover | null>(null)
  // The tile URL that last failed; a new URL (other filters) gets a fresh chance.
  const [failedTileUrl, setFailedTileUrl] = useState<string | null>(null)
  const [mapError, setMapError] = useState<string | null>(null)

  // --- server state feeding the map ---------------------------------------------------------
  const density = useDensity({
    bbox: viewport?.bbox ?? null,
    z: viewportZoomLevel,
    filters: appliedFilters,
    // Both: no density while points show, and none for a stale zoomed-in bbox while flying out.
    enabled: !showPoints && viewportZoomLevel < pointsMinZoom,
  })
  const states = useStates(offlineBasemap && config.isSuccess)
  const selectedDetail = useCustomer(selection?.id ?? null)

  useEffect(() => {
    if (map && states.data) setStatesData(map, states.data)
  }, [map, states.data])

  const cells = density.data?.cells
  const densityScale = useMemo(() => buildDensityScale(cells ?? []), [cells])
  const regionLabels = useMemo(() => (states.data ? buildRegionLabels(states.data) : []), [states.data])
  const tileUrl = useMemo(() => customerTilesUrl(appliedFilters), [appliedFilters])
  const onTileError = useCallback(() => setFailedTileUrl(tileUrl), [tileUrl])
  const tileError = failedTileUrl === tileUrl

  const selectedId = selection?.id ?? null
  const detail = selectedDetail.data?.customer
  const selectedPosition: [number, number] | null =
    detail && detail.id === selectedId ? [detail.lng, detail.lat] : (selection?.position ?? null)

  const layers = useMemo(
    () => [
      densityLayer(cells ?? [], {
        scale: densityScale,
        visible: !showPoints,
        beforeId: offlineBasemap ? basemapLayerIds.countiesLine : undefined,
      }),
      regionLabelsLayer(regionLabels, { zoom: zoomLevel, visible: offlineBasemap && zoomLevel < 8 }),
      ...nearbyOriginLayers(nearbyPoint, nearbyRadiusKm),
      customersLayer({ tileUrl, selectedId, visible: showPoints, onTileError }),
      selectionLayer(selectedPosition),
    ],
    [
      cells,
      densityScale,
      showPoints,
      regionLabels,
      zoomLevel,
      offlineBasemap,
      nearbyPoint,
      tileUrl,
      selectedId,
      onTileError,
      selectedPosition,
    ],
  )

  // --- interactions ---------------------------------------------------------------------------
  const selectCustomer = useCallback(
    (customer: CustomerSummary) => {
      setSelection({ id: customer.id, position: [customer.lng, customer.lat] })
      if (map) {
        map.flyTo({ center: [customer.lng, customer.lat], zoom: Math.max(map.getZoom(), 11), essential: true })
      }
    },
    [map],
  )

  const onHover = useCallback(
    (info: PickingInfo) => {
      const layerId = info.layer?.id
      let next: Hover | null = null
      if (info.picked && layerId === deckLayerIds.densityHexagons && isDensityCell(info.object)) {
        next = { kind: 'density', x: info.x, y: info.y, cell: info.object }
      } else if (info.picked && layerId === deckLayerIds.customersPoints) {
        const properties = tileProperties(info.object)
        if (properties) next = { kind: 'customer', x: info.x, y: info.y, customer: properties }
      }
      setHover(next)
      if (map) map.getCanvas().style.cursor = next ? 'pointer' : ''
    },
    [map],
  )

  const onClick = useCallback(
    (info: PickingInfo) => {
      const layerId = info.layer?.id
      if (layerId === deckLayerIds.customersPoints) {
        const id = tileProperties(info.object)?.id
        if (typeof id === 'number') {
          const coordinate = info.coordinate
          const position: [number, number] | null =
            coordinate && typeof coordinate[0] === 'number' && typeof coordinate[1] === 'number'
              ? [coordinate[0], coordinate[1]]
              : null
          setSelection({ id, position })
        }
      } else if (layerId === deckLayerIds.densityHexagons && isDensityCell(info.object) && map) {
        // Clicking a hexagon zooms into it: the quickest way from "where" to "who".
        const [lat, lng] = cellToLatLng(info.object.h3)
        map.flyTo({ center: [lng, lat], zoom: Math.min(map.getZoom() + 2, pointsMinZoom), essential: true })
      }
    },
    [map],
  )

  // Nearby results ignore filters (the endpoint takes none), so searching returns to the view list.
  const changeFilters = useCallback((next: CustomerFilters) => {
    setFilters(next)
    setNearbyPoint(null)
  }, [])
  const closeMenu = useCallback(() => setMenu(null), [])
  const closePanel = useCallback(() => setSelection(null), [])
  const onViewChange = useCallback((next: MapViewport) => setViewport(next), [])
  const onZoomChange = useCallback((next: number) => setZoomLevel(Math.floor(next)), [])
  const onContextMenu = useCallback((event: MapContextMenuEvent) => setMenu(event), [])
  const onMapError = useCallback((message: string) => setMapError(message), [])

  // --- legend ---------------------------------------------------------------------------------
  const legendItems: LegendItem[] = showPoints
    ? statusOrder.map((status) => ({ color: rgbCss(statusColors[status]), label: statusLabels[status], shape: 'dot' }))
    : densityScale.breaks.map((lower, i) => {
        const next = densityScale.breaks[i + 1]
        const upper = next === undefined ? densityScale.max : next - 1
        const label = upper > lower ? `${formatCount(lower)}–${formatCount(upper)}` : formatCount(lower)
        return { color: rgbCss(densityScale.colors[i] ?? [0, 0, 0]), label, shape: 'hex' }
      })
  const densityEmpty = !showPoints && (cells?.length ?? 0) === 0

  return (
    <div className="workspace">
      <CustomerSidebar
        filters={filters}
        appliedFilters={appliedFilters}
        onFiltersChange={changeFilters}
        showOwnerFilter={canFilterByOwner(user.role)}
        bbox={viewport?.bbox ?? null}
        selectedId={selectedId}
        onSelect={selectCustomer}
        nearbyPoint={nearbyPoint}
        onClearNearby={() => setNearbyPoint(null)}
      />
      {/* Before the map in the DOM (it floats over it, absolutely positioned) so Tab runs
            filters → list → panel → map. */}
      {selection ? <CustomerPanel key={selection.id} customerId={selection.id} onClose={closePanel} /> : null}
      <main className="map-area" aria-label="Map">
        {config.isPending ? (
          <div className="map-loading">
            <CenteredSpinner label="Loading map" />
          </div>
        ) : (
          <MapView
            styleUrl={styleUrl}
            layers={layers}
            onViewChange={onViewChange}
            onZoomChange={onZoomChange}
            onContextMenu={onContextMenu}
            onMapReady={setMap}
            onHover={onHover}
            onClick={onClick}
            onError={onMapError}
          />
        )}

        <div className="map-banners">
          {tileError && showPoints ? (
            <Banner onDismiss={() => setFailedTileUrl(null)}>
              Some customer tiles failed to load. Pan or zoom to retry.
            </Banner>
          ) : null}
          {density.isError && !showPoints ? (
            <Banner
              action={
                <Button size="sm" onClick={() => void density.refetch()}>
                  Retry
                </Button>
              }
            >
              Could not load customer density for this view.
            </Banner>
          ) : null}
          {mapError ? <Banner onDismiss={() => setMapError(null)}>Map data problem: {mapError}</Banner> : null}
        </div>

        {hover ? (
          <MapTooltip x={hover.x} y={hover.y}>
            {hover.kind === 'density' ? (
              <>
                <strong>
                  {formatCount(hover.cell.customers)} {hover.cell.customers === 1 ? 'customer' : 'customers'}
                </strong>
                <span>{formatCentsCompact(hover.cell.revenueCents)} revenue (12m)</span>
                <span className="map-tooltip-hint">Click to zoom in</span>
              </>
            ) : (
              <>
                <strong>{hover.customer.name ?? 'Customer'}</strong>
                <span>
                  {hover.customer.status
                    ? `${hover.customer.status.charAt(0).toUpperCase()}${hover.customer.status.slice(1)}`
                    : ''}
                  {typeof hover.customer.revenue === 'number'
                    ? ` · ${formatDollarsCompact(hover.customer.revenue)}`
                    : ''}
                </span>
              </>
            )}
          </MapTooltip>
        ) : null}

        {menu ? (
          <ContextMenu
            x={menu.point.x}
            y={menu.point.y}
            title={`${menu.lngLat[1].toFixed(4)}, ${menu.lngLat[0].toFixed(4)}`}
            onClose={closeMenu}
            items={[
              {
                label: 'Customers near here',
                icon: <CrosshairIcon size={14} />,
                testId: 'nearby-menu-item',
                onSelect: () => setNearbyPoint(menu.lngLat),
              },
              {
                label: 'Zoom in here',
                icon: <SearchIcon size={14} />,
                onSelect: () => map?.flyTo({ center: menu.lngLat, zoom: Math.min((map?.getZoom() ?? 4) + 3, 16) }),
              },
            ]}
          />
        ) : null}

        <div className="legend-dock">
          <Legend
            title={showPoints ? 'Customer status' : 'Customers per area'}
            subtitle={
              showPoints
                ? 'Individual customers'
                : densityEmpty
                  ? undefined
                  : `${density.data ? `H3 resolution ${density.data.resolution} · ` : ''}zoom in for points`
            }
            items={densityEmpty ? [] : legendItems}
            emptyText={
              density.isPending ? 'Loading…' : density.isError ? 'Density unavailable' : 'No customers in view'
            }
            loading={!showPoints && density.isFetching}
          />
        </div>
      </main>
    </div>
  )
}
