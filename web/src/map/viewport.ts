import type { Map as MapLibreMap } from 'maplibre-gl'
import type { Bbox } from '../api'

export type MapViewport = {
  bbox: Bbox
  zoom: number
  center: [number, number]
}

export const initialCenter: [number, number] = [-98.5, 39.5]
export const initialZoom = 3.6

const maxLat = 85.0511

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

/** Visible bounds as a valid EPSG:4326 bbox (world copies clipped to ±180). */
export function readViewport(map: MapLibreMap): MapViewport {
  const bounds = map.getBounds()
  const west = bounds.getWest()
  const east = bounds.getEast()
  const wide = east - west >= 360
  const bbox: Bbox = [
    wide ? -180 : clamp(west, -180, 180),
    clamp(bounds.getSouth(), -maxLat, maxLat),
    wide ? 180 : clamp(east, -180, 180),
    clamp(bounds.getNorth(), -maxLat, maxLat),
  ]
  const center = map.getCenter()
  return { bbox: roundBbox(bbox), zoom: map.getZoom(), center: [center.lng, center.lat] }
}

/** Rounded so tiny sub-pixel jitter does not produce new query keys. */
function roundBbox(bbox: Bbox): Bbox {
  const r = (n: number) => Math.round(n * 1e5) / 1e5
  return [r(bbox[0]), r(bbox[1]), r(bbox[2]), r(bbox[3])]
}
