import type { GeoJSONSource, Map as MapLibreMap, StyleSpecification } from 'maplibre-gl'
import { type RegionCollection, regionsUrl } from '../api'
import { basemapLayerIds, sourceIds } from './layer-ids'

export const basemapColors = {
  background: '#dfe5ec',
  stateFill: '#f8f8f6',
  stateLine: '#a9b3c1',
  countyLine: '#d3d8df',
}

/**
 * The offline basemap: our own state and county polygons, nothing else. No glyphs, sprites or
 * remote tiles, so the style references no URL but our API (state labels come from deck.gl).
 */
export function buildOfflineStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'Meridian offline',
    sources: {
      // States arrive through the API client (the labels need them in JS too) via setStatesData.
      [sourceIds.regionsStates]: {
        type: 'geojson',
        data: { type: 'FeatureCollection', features: [] },
        tolerance: 0.5,
      },
      [sourceIds.regionsCounties]: {
        type: 'geojson',
        data: regionsUrl('county'),
        tolerance: 0.6,
      },
    },
    layers: [
      {
        id: basemapLayerIds.background,
        type: 'background',
        paint: { 'background-color': basemapColors.background },
      },
      {
        id: basemapLayerIds.statesFill,
        type: 'fill',
        source: sourceIds.regionsStates,
        paint: { 'fill-color': basemapColors.stateFill, 'fill-antialias': false },
      },
      {
        id: basemapLayerIds.countiesLine,
        type: 'line',
        source: sourceIds.regionsCounties,
        minzoom: 5,
        paint: {
          'line-color': basemapColors.countyLine,
          'line-width': ['interpolate', ['linear'], ['zoom'], 5, 0.4, 9, 1, 12, 1.4],
          'line-opacity': ['interpolate', ['linear'], ['zoom'], 5, 0, 6, 1],
        },
      },
      {
        id: basemapLayerIds.statesLine,
        type: 'line',
        source: sourceIds.regionsStates,
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': basemapColors.stateLine,
          'line-width': ['interpolate', ['linear'], ['zoom'], 3, 0.7, 8, 1.6, 12, 2.4],
        },
      },
    ],
  }
}

/** Fills the offline style's state source; a no-op on an external style without it. */
export function setStatesData(map: MapLibreMap, states: RegionCollection): void {
  const source = map.getSource<GeoJSONSource>(sourceIds.regionsStates)
  if (source) void source.setData(states)
}
