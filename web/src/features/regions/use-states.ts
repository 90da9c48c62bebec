import { useQuery } from '@tanstack/react-query'
import { getRegions } from '../../api'

/** State polygons: filled into the offline basemap and used for label positions. */
export function useStates(enabled: boolean) {
  return useQuery({
    queryKey: ['regions', 'state'],
    queryFn: ({ signal }) => getRegions('state', signal),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
  })
}
