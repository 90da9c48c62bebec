import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { createApiToken, listApiTokens, revokeApiToken } from '../../api'

const tokensKey = ['api-tokens'] as const

/** The signed-in user's API tokens (never the secrets: those are shown once, on creation). */
export function useApiTokens(enabled: boolean) {
  return useQuery({ queryKey: tokensKey, queryFn: ({ signal }) => listApiTokens(signal), enabled })
}

export function useCreateApiToken() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: createApiToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKey }),
  })
}

export function useRevokeApiToken() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: revokeApiToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKey }),
  })
}
