import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query'
import { type Bbox, type CustomerFilters, listCustomers } from '../../api'

export const customerPageSize = 50

/** Customers inside the map view, 50 per page, "Load more" following nextCursor. */
export function useCustomersInView(params: { bbox: Bbox | null; filters: CustomerFilters }) {
  const { bbox, filters } = params
  return useInfiniteQuery({
    queryKey: ['customers', 'in-view', bbox, filters],
    queryFn: ({ pageParam, signal }) => {
      if (!bbox) throw new Error('No viewport yet')
      return listCustomers({ bbox, filters, limit: customerPageSize, cursor: pageParam }, signal)
    },
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
    enabled: bbox !== null,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  })
}
