import { useMutation, useQueryClient } from '@tanstack/react-query'
import { createInteraction, type NewInteraction } from '../../api'
import { customerQueryKey } from '../customers/use-customer'

/** Posts an interaction, then refetches the customer's timeline and the lists (last contact changes). */
export function useLogInteraction(customerId: number) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: NewInteraction) => createInteraction(customerId, input),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: customerQueryKey(customerId) }),
        queryClient.invalidateQueries({ queryKey: ['customers', 'in-view'] }),
      ])
    },
  })
}
