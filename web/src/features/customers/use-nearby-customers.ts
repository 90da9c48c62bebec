import { useQuery } from '@tanstack/react-query'
import { listNearbyCustomers } from '../../api'

export const nearbyRadiusKm = 25
export const nearbyLimit = 20

export function useNearbyCustomers(point: [number, number] | null) {
  return useQuery({
    queryKey: ['customers', 'nearby', point],
    queryFn: ({ signal }) => {
      if (!point) throw new Error('No point')
      return listNearbyCustomers({ lng: point[0], lat: point[1], radiusKm: nearbyRadiusKm, limit: nearbyLimit }, signal)
    },
    enabled: point !== null,
    staleTime: 30_000,
  })
}
