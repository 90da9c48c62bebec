import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type Bbox, type CustomerFilters, getDensity } from '../../api'

/** Aggregated H3 cells for the view; keeps the previous cells on screen while panning. */
export function useDensity(params: { bbox: Bbox | null; z: number; filters: CustomerFilters; enabled: boolean }) {
  const { bbox, z, filters, enabled } = params
  return useQuery({
    queryKey: ['density', z, bbox, filters],
    queryFn: ({ signal }) => {
      if (!bbox) throw new Error('No viewport yet')
      return getDensity({ z, bbox, filters }, signal)
    },
    enabled: enabled && bbox !== null,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  })
}
