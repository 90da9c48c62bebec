import { Deck, type MapViewState, WebMercatorViewport } from '@deck.gl/core'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { TerritoryDraftDetail } from '../../api'
import { territoryCellsLayer, territoryCountiesLayer } from './territory-layers'
import { buildPlanningUnits, countyId, unitKindOf, unitsBounds } from './territory-units'
import { useCounties } from './use-territories'

type CompareMapProps = {
  detail: TerritoryDraftDetail
  /** Shared by both columns so the two plans pan and zoom together. */
  viewState: MapViewState | null
  onViewStateChange: (viewState: MapViewState) => void
  label: string
}

const width = 320
const height = 200

/**
 * A small map of one plan's territories for the comparison: a bare deck.gl canvas (no basemap, no MapLibre),
 * so two of them sit side by side without touching the main map or its test hook.
 */
export function CompareMap({ detail, viewState, onViewStateChange, label }: CompareMapProps) {
  const parentRef = useRef<HTMLDivElement>(null)
  const deckRef = useRef<Deck | null>(null)
  const [ready, setReady] = useState(false)
  const counties = useCounties(true)
  const unitKind = unitKindOf(detail.draft.units)
  const units = useMemo(
    () => buildPlanningUnits(detail.territories, unitKind, counties.data),
    [detail.territories, unitKind, counties.data],
  )
  const countyFeatures = useMemo(
    () => (unitKind === 'county' && counties.data ? counties.data.features.filter((f) => units.has(countyId(f))) : []),
    [unitKind, counties.data, units],
  )
  const fitted = useMemo(() => {
    const bounds = unitsBounds(units.values())
    if (!bounds) return null
    const { longitude, latitude, zoom } = new WebMercatorViewport({ width, height }).fitBounds(
      [
        [bounds[0], bounds[1]],
        [bounds[2], bounds[3]],
      ],
      { padding: 12 },
    )
    return { longitude, latitude, zoom }
  }, [units])

  const changeRef = useRef(onViewStateChange)
  useEffect(() => {
    changeRef.current = onViewStateChange
  })

  useEffect(() => {
    const parent = parentRef.current
    if (!parent) return
    const deck = new Deck({
      parent,
      width: '100%',
      height: '100%',
      controller: { doubleClickZoom: false },
      initialViewState: { longitude: -96, latitude: 38, zoom: 2.5 },
      onViewStateChange: ({ viewState: next }) => {
        changeRef.current(next as MapViewState)
      },
      layers: [],
    })
    deckRef.current = deck
    setReady(true)
    return () => {
      deckRef.current = null
      deck.finalize()
    }
  }, [])

  // The first plan to load decides where both maps look.
  useEffect(() => {
    if (!viewState && fitted) changeRef.current(fitted)
  }, [viewState, fitted])

  useEffect(() => {
    const deck = deckRef.current
    if (!deck || !ready) return
    const revision = `${detail.draft.id}:${detail.draft.version}`
    deck.setProps({
      viewState: viewState ?? fitted ?? { longitude: -96, latitude: 38, zoom: 2.5 },
      layers: [
        unitKind === 'county'
          ? territoryCountiesLayer(countyFeatures, units, { targetId: null, revision })
          : territoryCellsLayer([...units.values()], { targetId: null, revision }),
      ],
    })
  }, [ready, viewState, fitted, unitKind, countyFeatures, units, detail.draft.id, detail.draft.version])

  return <div ref={parentRef} className="compare-map" role="img" aria-label={label} data-testid="compare-map" />
}
