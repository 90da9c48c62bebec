import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { isApiError } from '../api'
import { sessionQueryKey } from '../features/auth/use-session'
import { AuthGate } from './auth-gate'

function createQueryClient(): QueryClient {
  // A 401 anywhere means the session expired: drop back to the login page.
  const onError = (error: unknown) => {
    if (isApiError(error) && error.status === 401 && error.code !== 'invalid_credentials') {
      queryClient.setQueryData(sessionQueryKey, null)
    }
  }
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: false,
        retry: (failureCount, error) => {
          if (isApiError(error) && error.status >= 400 && error.status < 500) return false
          return failureCount < 2
        },
      },
    },
  })
  return queryClient
}

const queryClient = createQueryClient()

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthGate />
    </QueryClientProvider>
  )
}
