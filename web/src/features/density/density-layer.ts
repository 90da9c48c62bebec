import { H3HexagonLayer } from '@deck.gl/geo-layers'
import type { DensityCell } from '../../api'
import { deckLayerIds } from '../../map/layer-ids'
import { type DensityScale, densityColor } from './density-scale'

type DensityLayerOptions = {
  scale: DensityScale
  visible: boolean
  /** MapLibre layer to draw beneath (interleaved), so state borders stay readable over the hexagons. */
  beforeId?: string
}

/** H3 hexagons coloured by customer count. Pure: same inputs, same layer. */
export function densityLayer(cells: DensityCell[], options: DensityLayerOptions) {
  const { scale, visible, beforeId } = options
  return new H3HexagonLayer<DensityCell, { beforeId?: string }>({
    id: deckLayerIds.densityHexagons,
    data: cells,
    visible,
    beforeId,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 90],
    extruded: false,
    filled: true,
    stroked: true,
    opacity: 0.82,
    getHexagon: (cell) => cell.h3,
    getFillColor: (cell) => [...densityColor(scale, cell.customers), 215],
    getLineColor: [255, 255, 255, 160],
    lineWidthUnits: 'pixels',
    getLineWidth: 0.6,
    updateTriggers: {
      getFillColor: [scale.breaks.join(','), scale.max],
    },
  })
}
