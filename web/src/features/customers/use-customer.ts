import { useQuery } from '@tanstack/react-query'
import { getCustomer } from '../../api'

export function customerQueryKey(id: number) {
  return ['customer', id] as const
}

/** One customer with contacts and interaction history (newest first). */
export function useCustomer(id: number | null) {
  return useQuery({
    queryKey: customerQueryKey(id ?? -1),
    queryFn: ({ signal }) => {
      if (id === null) throw new Error('No customer selected')
      return getCustomer(id, signal)
    },
    enabled: id !== null,
    staleTime: 15_000,
  })
}
