// Every map source and layer id, MapLibre and deck.gl alike, in one place: `<feature>-<kind>`.

export const sourceIds = {
  regionsStates: 'regions-states',
  regionsCounties: 'regions-counties',
} as const

/** MapLibre style layers of the offline basemap, bottom to top. */
export const basemapLayerIds = {
  background: 'basemap-background',
  statesFill: 'regions-states-fill',
  countiesLine: 'regions-counties-line',
  statesLine: 'regions-states-line',
} as const

/** deck.gl layers rendered through the single interleaved MapLibreOverlay. */
export const deckLayerIds = {
  densityHexagons: 'density-hexagons',
  customersPoints: 'customers-points',
  customersSelection: 'customers-selection',
  nearbyArea: 'nearby-area',
  nearbyOrigin: 'nearby-origin',
  regionsLabels: 'regions-labels',
  territoriesFill: 'territories-fill',
  territoriesCells: 'territories-cells',
  territoriesLabels: 'territories-labels',
  territoriesDraw: 'territories-draw',
  territoriesDrawVertices: 'territories-draw-vertices',
  visitsCandidates: 'visits-candidates',
  visitsRouteCasing: 'visits-route-casing',
  visitsRoute: 'visits-route',
  visitsEnds: 'visits-ends',
  visitsStops: 'visits-stops',
  visitsStopNumbers: 'visits-stop-numbers',
  visitsEtas: 'visits-etas',
} as const

/** Zoom at which the map switches from H3 density to individual customer points. */
export const pointsMinZoom = 9
