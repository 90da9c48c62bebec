import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { getSession, login, logout, type Role, type User } from '../../api'

export const sessionQueryKey = ['session'] as const

/** The signed-in user; `data` is null when the server says 401. */
export function useSession() {
  return useQuery({
    queryKey: sessionQueryKey,
    queryFn: ({ signal }) => getSession(signal),
    staleTime: Number.POSITIVE_INFINITY,
    retry: 1,
  })
}

export function useLogin() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { email: string; password: string }) => login(input.email, input.password),
    onSuccess: (user: User) => {
      queryClient.setQueryData(sessionQueryKey, user)
    },
  })
}

export function useLogout() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      // Whatever the server said: show the login page, then forget everything the previous user could see.
      queryClient.setQueryData(sessionQueryKey, null)
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] })
    },
  })
}

/** Roles that may look across owners (reps only ever see their own book). */
export function canFilterByOwner(role: Role): boolean {
  return role === 'admin' || role === 'manager' || role === 'marketer'
}
