import { MVTLayer } from '@deck.gl/geo-layers'
import { ScatterplotLayer } from '@deck.gl/layers'
import mvtWorkerPath from '@loaders.gl/mvt/mvt-worker.js?url'
import { deckLayerIds, pointsMinZoom } from '../../map/layer-ids'
import { statusColor } from './status-colors'

/** Properties of a feature in the `customers` layer of /api/tiles/customers/{z}/{x}/{y}.mvt. */
export type CustomerTileProperties = {
  id: number
  status: string
  name: string
  revenue: number
}

type TileFeature = { properties?: Partial<CustomerTileProperties> | null }

function featureId(feature: TileFeature): number | null {
  const id = feature.properties?.id
  return typeof id === 'number' ? id : null
}

// loaders.gl fetches its MVT worker from unpkg.com by default; Meridian runs offline, so ship our own.
const mvtWorkerUrl = new URL(mvtWorkerPath, window.location.origin).href

const selectedFill: [number, number, number, number] = [17, 24, 39, 255]

/** Customer points from vector tiles, coloured by status; the selected customer is drawn larger and dark. */
export function customersLayer(options: {
  tileUrl: string
  selectedId: number | null
  visible: boolean
  onTileError?: (error: unknown) => void
}) {
  const { tileUrl, selectedId, visible, onTileError } = options
  return new MVTLayer<CustomerTileProperties>({
    id: deckLayerIds.customersPoints,
    data: tileUrl,
    visible,
    minZoom: pointsMinZoom,
    maxZoom: 14,
    uniqueIdProperty: 'id',
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 110],
    loadOptions: {
      core: { fetch: { credentials: 'same-origin' } },
      mvt: { workerUrl: mvtWorkerUrl },
    },
    pointType: 'circle',
    pointRadiusUnits: 'pixels',
    getPointRadius: (f: TileFeature) => (featureId(f) === selectedId ? 9 : 5.5),
    pointRadiusMinPixels: 3,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: (f: TileFeature) => (featureId(f) === selectedId ? 3 : 1.2),
    getLineColor: [255, 255, 255, 240],
    getFillColor: (f: TileFeature) =>
      featureId(f) === selectedId ? selectedFill : [...statusColor(f.properties?.status), 235],
    updateTriggers: {
      getPointRadius: selectedId,
      getLineWidth: selectedId,
      getFillColor: selectedId,
    },
    onTileError: (error: unknown) => onTileError?.(error),
  })
}

/** A halo around the selected customer, visible at every zoom (density views have no points). */
export function selectionLayer(position: [number, number] | null) {
  return new ScatterplotLayer<{ position: [number, number] }>({
    id: deckLayerIds.customersSelection,
    data: position ? [{ position }] : [],
    getPosition: (d) => d.position,
    radiusUnits: 'pixels',
    getRadius: 14,
    stroked: true,
    filled: true,
    getFillColor: [47, 91, 234, 40],
    getLineColor: [47, 91, 234, 230],
    lineWidthUnits: 'pixels',
    getLineWidth: 2.5,
    pickable: false,
  })
}

/** Marks where "Customers near here" was asked: the search radius and a pin at its centre. */
export function nearbyOriginLayers(position: [number, number] | null, radiusKm: number) {
  const data = position ? [{ position }] : []
  return [
    new ScatterplotLayer<{ position: [number, number] }>({
      id: deckLayerIds.nearbyArea,
      data,
      getPosition: (d) => d.position,
      radiusUnits: 'meters',
      getRadius: radiusKm * 1000,
      stroked: true,
      filled: true,
      getFillColor: [47, 91, 234, 18],
      getLineColor: [47, 91, 234, 160],
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      pickable: false,
      updateTriggers: { getRadius: radiusKm },
    }),
    new ScatterplotLayer<{ position: [number, number] }>({
      id: deckLayerIds.nearbyOrigin,
      data,
      getPosition: (d) => d.position,
      radiusUnits: 'pixels',
      getRadius: 5,
      stroked: true,
      getFillColor: [47, 91, 234, 255],
      getLineColor: [255, 255, 255, 255],
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      pickable: false,
    }),
  ]
}
