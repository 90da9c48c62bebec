import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import {
  activateTerritoryDraft,
  type BalanceRequest,
  balanceTerritories,
  type DrawnPolygon,
  drawTerritoryPolygon,
  getActivationPreview,
  getActiveTerritories,
  getDraftUnits,
  getRegions,
  getTerritoryDraft,
  importTerritories,
  listTerritoryDrafts,
  moveTerritoryUnits,
  patchTerritory,
  type TerritoryDraftDetail,
  type TerritoryPatch,
  type UnitMove,
} from '../../api'

export const territoryKeys = {
  drafts: ['territories', 'drafts'] as const,
  draft: (id: number) => ['territories', 'draft', id] as const,
  units: (id: number) => ['territories', 'draft', id, 'units'] as const,
  active: ['territories', 'active'] as const,
}

export function useTerritoryDrafts(enabled = true) {
  return useQuery({
    queryKey: territoryKeys.drafts,
    queryFn: ({ signal }) => listTerritoryDrafts(signal),
    enabled,
  })
}

export function useTerritoryDraft(id: number | null) {
  return useQuery({
    queryKey: territoryKeys.draft(id ?? 0),
    queryFn: ({ signal }) => getTerritoryDraft(id ?? 0, signal),
    enabled: id !== null,
    staleTime: 30_000,
  })
}

/** Per-unit measures of a draft; they do not change when units move, so they are fetched once per draft. */
export function useDraftUnits(id: number | null) {
  return useQuery({
    queryKey: territoryKeys.units(id ?? 0),
    queryFn: ({ signal }) => getDraftUnits(id ?? 0, signal),
    enabled: id !== null,
    staleTime: Number.POSITIVE_INFINITY,
    select: (items) => new Map(items.map((u) => [u.unitId, u])),
  })
}

/** Live count of the customers an activation would move; always refetched when the dialog opens. */
export function useActivationPreview(draftId: number, version: number) {
  return useQuery({
    queryKey: ['territories', 'draft', draftId, 'activation-preview', version],
    queryFn: ({ signal }) => getActivationPreview(draftId, signal),
    staleTime: 0,
    gcTime: 0,
  })
}

export function useActiveTerritories(enabled = true) {
  return useQuery({
    queryKey: territoryKeys.active,
    queryFn: ({ signal }) => getActiveTerritories(signal),
    enabled,
  })
}

/** County polygons in JS (the basemap has them too, but only inside MapLibre's worker). */
export function useCounties(enabled: boolean) {
  return useQuery({
    queryKey: ['regions', 'county'],
    queryFn: ({ signal }) => getRegions('county', signal),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
  })
}

export function useStateList() {
  return useQuery({
    queryKey: ['regions', 'state'],
    queryFn: ({ signal }) => getRegions('state', signal),
    staleTime: Number.POSITIVE_INFINITY,
  })
}

/** Every write answers with the full detail: put it in the cache instead of refetching. */
function useStoreDetail() {
  const queryClient = useQueryClient()
  return (detail: TerritoryDraftDetail) => {
    queryClient.setQueryData(territoryKeys.draft(detail.draft.id), detail)
    void queryClient.invalidateQueries({ queryKey: territoryKeys.drafts })
  }
}

export function useBalanceTerritories() {
  const store = useStoreDetail()
  return useMutation({ mutationFn: (input: BalanceRequest) => balanceTerritories(input), onSuccess: store })
}

export function useImportTerritories() {
  const store = useStoreDetail()
  return useMutation({ mutationFn: (collection: unknown) => importTerritories(collection), onSuccess: store })
}

export function useMoveUnits(draftId: number) {
  const store = useStoreDetail()
  return useMutation({
    mutationFn: (input: { version: number; moves: UnitMove[] }) => moveTerritoryUnits(draftId, input),
    onSuccess: store,
  })
}

export function usePatchTerritory(draftId: number) {
  const store = useStoreDetail()
  return useMutation({
    mutationFn: (input: { territoryId: number; version: number; patch: TerritoryPatch }) =>
      patchTerritory(draftId, input.territoryId, { version: input.version, ...input.patch }),
    onSuccess: store,
  })
}

export function useDrawPolygon(draftId: number) {
  const store = useStoreDetail()
  return useMutation({
    mutationFn: (input: { territoryId: number; version: number; geometry: DrawnPolygon }) =>
      drawTerritoryPolygon(draftId, input.territoryId, { version: input.version, geometry: input.geometry }),
    onSuccess: (result) => {
      const { polygon: _polygon, ...detail } = result
      store(detail)
    },
  })
}

export function useActivateDraft() {
  const queryClient = useQueryClient()
  const store = useStoreDetail()
  return useMutation({
    mutationFn: (input: { draftId: number; version?: number }) => activateTerritoryDraft(input.draftId, input.version),
    onSuccess: (result) => {
      const { activation: _activation, ...detail } = result
      store(detail)
      // The previously active alignment is now archived, and customers changed owner.
      void queryClient.invalidateQueries({ queryKey: ['territories'] })
      void queryClient.invalidateQueries({ queryKey: ['customers'] })
    },
  })
}
