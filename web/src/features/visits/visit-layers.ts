import { PathLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers'
import type { DayPlan } from '../../api'
import { deckLayerIds } from '../../map/layer-ids'
import { clock } from './time'

export type CandidatePoint = { customerId: number; name: string; lng: number; lat: number; selected: boolean }

const brand: [number, number, number] = [47, 91, 234]

/** Customers one may pick: grey when free, brand-blue when chosen for the day. */
export function visitCandidatesLayer(points: CandidatePoint[], revision: string) {
  return new ScatterplotLayer<CandidatePoint>({
    id: deckLayerIds.visitsCandidates,
    data: points,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 120],
    radiusUnits: 'pixels',
    getRadius: (p) => (p.selected ? 7 : 5),
    getPosition: (p) => [p.lng, p.lat],
    getFillColor: (p) => (p.selected ? [...brand, 255] : [102, 112, 133, 200]),
    getLineColor: [255, 255, 255, 255],
    lineWidthUnits: 'pixels',
    getLineWidth: 1.5,
    stroked: true,
    updateTriggers: { getRadius: revision, getFillColor: revision },
  })
}

type RouteLabel = { position: [number, number]; number: string; eta: string; late: boolean }

/** The planned route in visiting order: the drive as a line, numbered stops and their arrival times. */
export function visitRouteLayers(plan: DayPlan) {
  const path: [number, number][] = [
    [plan.start.lng, plan.start.lat],
    ...plan.stops.map((s): [number, number] => [s.lng, s.lat]),
    [plan.end.lng, plan.end.lat],
  ]
  const labels: RouteLabel[] = plan.stops.map((s, i) => ({
    position: [s.lng, s.lat],
    number: String(i + 1),
    eta: clock(s.arrivalMin),
    late: s.late,
  }))
  const ends = [
    { position: [plan.start.lng, plan.start.lat] as [number, number], label: 'Start' },
    ...(plan.end.lng !== plan.start.lng || plan.end.lat !== plan.start.lat
      ? [{ position: [plan.end.lng, plan.end.lat] as [number, number], label: 'End' }]
      : []),
  ]
  return [
    new PathLayer<{ path: [number, number][] }>({
      id: deckLayerIds.visitsRouteCasing,
      data: [{ path }],
      getPath: (d) => d.path,
      getColor: [255, 255, 255, 230],
      getWidth: 8,
      widthUnits: 'pixels',
      jointRounded: true,
      capRounded: true,
    }),
    new PathLayer<{ path: [number, number][] }>({
      id: deckLayerIds.visitsRoute,
      data: [{ path }],
      getPath: (d) => d.path,
      getColor: [...brand, 220],
      getWidth: 4.5,
      widthUnits: 'pixels',
      jointRounded: true,
      capRounded: true,
    }),
    new ScatterplotLayer<{ position: [number, number]; label: string }>({
      id: deckLayerIds.visitsEnds,
      data: ends,
      getPosition: (d) => d.position,
      radiusUnits: 'pixels',
      getRadius: 8,
      getFillColor: [16, 24, 40, 255],
      getLineColor: [255, 255, 255, 255],
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
    }),
    new ScatterplotLayer<RouteLabel>({
      id: deckLayerIds.visitsStops,
      data: labels,
      getPosition: (d) => d.position,
      radiusUnits: 'pixels',
      getRadius: 11,
      getFillColor: (d) => (d.late ? [196, 50, 10, 255] : [...brand, 255]),
      getLineColor: [255, 255, 255, 255],
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
    }),
    new TextLayer<RouteLabel>({
      id: deckLayerIds.visitsStopNumbers,
      data: labels,
      getPosition: (d) => d.position,
      getText: (d) => d.number,
      getSize: 12,
      getColor: [255, 255, 255, 255],
      fontFamily: 'Inter, system-ui, sans-serif',
      fontWeight: 700,
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'center',
    }),
    new TextLayer<RouteLabel>({
      id: deckLayerIds.visitsEtas,
      data: labels,
      getPosition: (d) => d.position,
      getText: (d) => d.eta,
      getSize: 12,
      getColor: [16, 24, 40, 255],
      fontFamily: 'Inter, system-ui, sans-serif',
      fontWeight: 600,
      getPixelOffset: [16, 0],
      getTextAnchor: 'start',
      getAlignmentBaseline: 'center',
      background: true,
      getBackgroundColor: [255, 255, 255, 230],
      backgroundPadding: [4, 2],
    }),
  ]
}
