import { isApiError } from '../api'
import { LoginPage } from '../features/auth/login-page'
import { useSession } from '../features/auth/use-session'
import { Banner } from '../ui/banner'
import { Button } from '../ui/button'
import { CenteredSpinner } from '../ui/spinner'
import { Shell } from './shell'

/** GET /api/auth/me decides: no session → login page; a user → the app. */
export function AuthGate() {
  const session = useSession()

  if (session.isPending) {
    return (
      <div className="full-page">
        <CenteredSpinner label="Starting Meridian" />
      </div>
    )
  }
  if (session.isError) {
    return (
      <div className="full-page">
        <div className="full-page-card">
          <Banner
            action={
              <Button size="sm" onClick={() => void session.refetch()}>
                Retry
              </Button>
            }
          >
            Meridian is unavailable right now.{' '}
            {isApiError(session.error) ? session.error.message : 'Please try again in a moment.'}
          </Banner>
        </div>
      </div>
    )
  }
  if (!session.data) return <LoginPage />
  return <Shell key={session.data.id} user={session.data} />
}
