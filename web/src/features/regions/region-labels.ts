import { TextLayer } from '@deck.gl/layers'
import type { Position, RegionCollection, RegionGeometry } from '../../api'
import { deckLayerIds } from '../../map/layer-ids'

export type RegionLabel = {
  position: [number, number]
  name: string
  code: string
}

type Ring = Position[]

/** Signed planar area and centroid of a ring (shoelace); good enough for placing a label. */
function ringCentroid(ring: Ring): { area: number; x: number; y: number } {
  let area = 0
  let cx = 0
  let cy = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j]
    const b = ring[i]
    if (!a || !b) continue
    const cross = a[0] * b[1] - b[0] * a[1]
    area += cross
    cx += (a[0] + b[0]) * cross
    cy += (a[1] + b[1]) * cross
  }
  area /= 2
  if (area === 0) return { area: 0, x: ring[0]?.[0] ?? 0, y: ring[0]?.[1] ?? 0 }
  return { area, x: cx / (6 * area), y: cy / (6 * area) }
}

/** Centroid of the largest outer ring, so Michigan's label sits on the mitten, not in the lake. */
export function labelPosition(geometry: RegionGeometry): [number, number] | null {
  const outerRings: Ring[] =
    geometry.type === 'Polygon'
      ? geometry.coordinates.slice(0, 1)
      : geometry.coordinates.flatMap((polygon) => polygon.slice(0, 1))
  let best: { area: number; x: number; y: number } | null = null
  for (const ring of outerRings) {
    const c = ringCentroid(ring)
    if (!best || Math.abs(c.area) > Math.abs(best.area)) best = c
  }
  return best ? [best.x, best.y] : null
}

export function buildRegionLabels(collection: RegionCollection): RegionLabel[] {
  const labels: RegionLabel[] = []
  for (const feature of collection.features) {
    if (!feature.geometry) continue
    const position = labelPosition(feature.geometry)
    if (!position) continue
    labels.push({ position, name: feature.properties.name, code: feature.properties.stateCode })
  }
  return labels
}

/** State labels drawn by deck.gl (the offline style has no glyphs). Abbreviations when zoomed out. */
export function regionLabelsLayer(labels: RegionLabel[], options: { zoom: number; visible: boolean }) {
  const useNames = options.zoom >= 5
  return new TextLayer<RegionLabel>({
    id: deckLayerIds.regionsLabels,
    data: labels,
    visible: options.visible,
    getPosition: (d) => d.position,
    getText: (d) => (useNames ? d.name : d.code || d.name),
    getSize: useNames ? 13 : 11,
    sizeUnits: 'pixels',
    getColor: [82, 92, 110, 210],
    fontFamily: 'Inter, system-ui, sans-serif',
    fontWeight: 600,
    fontSettings: { sdf: true, fontSize: 64, buffer: 6 },
    outlineWidth: 3,
    outlineColor: [248, 248, 246, 230],
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    characterSet: 'auto',
    pickable: false,
    updateTriggers: { getText: useNames },
  })
}
