import { useQuery } from '@tanstack/react-query'
import { getConfig } from '../../api'

export function useAppConfig() {
  return useQuery({
    queryKey: ['config'],
    queryFn: ({ signal }) => getConfig(signal),
    staleTime: Number.POSITIVE_INFINITY,
    retry: 1,
  })
}
