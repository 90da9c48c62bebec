import { useQuery } from '@tanstack/react-query'
import { getCustomerFacets } from '../../api'

export function useCustomerFacets() {
  return useQuery({
    queryKey: ['customers', 'facets'],
    queryFn: ({ signal }) => getCustomerFacets(signal),
    staleTime: 5 * 60_000,
  })
}
