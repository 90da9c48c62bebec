import { H3HexagonLayer } from '@deck.gl/geo-layers'
import { GeoJsonLayer, PathLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers'
import type { RegionFeature } from '../../api'
import { deckLayerIds } from '../../map/layer-ids'
import { territoryColor } from './territory-colors'
import type { PlanningUnit, TerritoryLabel } from './territory-units'

type FillOptions = {
  /** Territory that clicks move units into; its units are drawn stronger. */
  targetId: number | null
  /** Changes whenever any unit changes territory, so deck.gl recomputes colours. */
  revision: string
  beforeId?: string
}

function fillAlpha(unit: PlanningUnit | undefined, targetId: number | null): number {
  if (!unit) return 0
  if (targetId === null) return 150
  return unit.territoryId === targetId ? 200 : 110
}

/** County units filled by territory colour (deck GeoJsonLayer so clicks and hovers pick the county). */
export function territoryCountiesLayer(
  features: RegionFeature[],
  units: Map<string, PlanningUnit>,
  { targetId, revision, beforeId }: FillOptions,
) {
  const unitOf = (feature: { id?: string | number; properties: RegionFeature['properties'] }) =>
    units.get(String(feature.id ?? feature.properties.id))
  return new GeoJsonLayer<RegionFeature['properties'], { beforeId?: string }>({
    id: deckLayerIds.territoriesFill,
    data: features,
    beforeId,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 90],
    stroked: true,
    filled: true,
    getFillColor: (f) => {
      const unit = unitOf(f)
      return [...territoryColor(unit?.position ?? 0), fillAlpha(unit, targetId)]
    },
    getLineColor: (f) => {
      const unit = unitOf(f)
      return unit && unit.territoryId === targetId ? [16, 24, 40, 200] : [255, 255, 255, 200]
    },
    getLineWidth: (f) => (unitOf(f)?.territoryId === targetId ? 1.6 : 0.8),
    lineWidthUnits: 'pixels',
    updateTriggers: {
      getFillColor: [revision, targetId],
      getLineColor: [revision, targetId],
      getLineWidth: [revision, targetId],
    },
  })
}

/** H3 units filled by territory colour. */
export function territoryCellsLayer(units: PlanningUnit[], { targetId, revision, beforeId }: FillOptions) {
  return new H3HexagonLayer<PlanningUnit, { beforeId?: string }>({
    id: deckLayerIds.territoriesCells,
    data: units,
    beforeId,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 90],
    extruded: false,
    stroked: true,
    highPrecision: 'auto',
    getHexagon: (d) => d.id,
    getFillColor: (d) => [...territoryColor(d.position), fillAlpha(d, targetId)],
    getLineColor: (d) => (d.territoryId === targetId ? [16, 24, 40, 200] : [255, 255, 255, 180]),
    getLineWidth: 1,
    lineWidthUnits: 'pixels',
    updateTriggers: { getFillColor: [revision, targetId], getLineColor: [revision, targetId] },
  })
}

/** Territory name and rep at each territory's label point (deck.gl text: the offline style has no glyphs). */
export function territoryLabelsLayer(labels: TerritoryLabel[], { visible }: { visible: boolean }) {
  return new TextLayer<TerritoryLabel>({
    id: deckLayerIds.territoriesLabels,
    data: labels,
    visible,
    getPosition: (d) => d.position,
    getText: (d) => d.text,
    getSize: 13,
    sizeUnits: 'pixels',
    lineHeight: 1.25,
    getColor: [16, 24, 40, 235],
    fontFamily: 'Inter, system-ui, sans-serif',
    fontWeight: 600,
    fontSettings: { sdf: true, fontSize: 64, buffer: 6 },
    outlineWidth: 4,
    outlineColor: [255, 255, 255, 235],
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    characterSet: 'auto',
    pickable: false,
  })
}

type DrawHandle = { position: [number, number]; middle: boolean }

/**
 * The polygon or lasso being drawn or edited: its outline (closed back to the first vertex), its vertices and,
 * when editing, a smaller handle in the middle of each edge.
 */
export function territoryDrawLayers(
  path: [number, number][],
  { closed, vertices, middles = [] }: { closed: boolean; vertices: boolean; middles?: [number, number][] },
) {
  const handles: DrawHandle[] = vertices
    ? [
        ...middles.map((position) => ({ position, middle: true })),
        ...path.map((position) => ({ position, middle: false })),
      ]
    : []
  const first = path[0]
  const outline = closed && first && path.length > 2 ? [...path, first] : path
  return [
    new PathLayer<[number, number][]>({
      id: deckLayerIds.territoriesDraw,
      data: outline.length > 1 ? [outline] : [],
      getPath: (d) => d,
      getColor: [47, 91, 234, 230],
      getWidth: 2,
      widthUnits: 'pixels',
      pickable: false,
    }),
    new ScatterplotLayer<DrawHandle>({
      id: deckLayerIds.territoriesDrawVertices,
      data: handles,
      getPosition: (d) => d.position,
      getRadius: (d) => (d.middle ? 3 : 5),
      radiusUnits: 'pixels',
      getFillColor: (d) => (d.middle ? [47, 91, 234, 160] : [255, 255, 255, 255]),
      getLineColor: [47, 91, 234, 255],
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      pickable: false,
    }),
  ]
}
