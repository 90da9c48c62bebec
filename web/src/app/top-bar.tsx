import type { Role, User } from '../api'
import { UserMenu } from '../features/auth/user-menu'
import { LogoMark } from '../ui/icons'

type View = 'customers' | 'territories' | 'visits' | 'import'

/** Managers and admins plan territories; everyone else sees the territory they are assigned. */
export function canPlanTerritories(role: Role): boolean {
  return role === 'admin' || role === 'manager'
}

type TopBarProps = {
  user: User
  view: View
  onNavigate: (view: View) => void
}

export function TopBar({ user, view, onNavigate }: TopBarProps) {
  const territoriesLabel = user.role === 'rep' ? 'My territory' : 'Territories'
  const items: { id: View; label: string; testId: string }[] = [
    { id: 'customers', label: 'Customers', testId: 'nav-customers' },
    { id: 'territories', label: territoriesLabel, testId: 'nav-territories' },
  ]
  // Marketers do not plan field visits.
  if (user.role !== 'marketer') items.push({ id: 'visits', label: 'Visits', testId: 'nav-visits' })
  // Marketers read customers; everyone else imports (reps their own customers only).
  if (user.role !== 'marketer') items.push({ id: 'import', label: 'Import', testId: 'nav-import' })
  return (
    <header className="top-bar">
      <div className="brand">
        <LogoMark size={26} />
        <span className="brand-name">Meridian</span>
        <span className="brand-divider" aria-hidden="true" />
        <nav className="top-nav" aria-label="Main">
          {items.map((item) => (
            <button
              key={item.id}
              type="button"
              className={`top-nav-item${view === item.id ? ' is-current' : ''}`}
              aria-current={view === item.id ? 'page' : undefined}
              onClick={() => onNavigate(item.id)}
              data-testid={item.testId}
            >
              {item.label}
            </button>
          ))}
        </nav>
      </div>
      <UserMenu user={user} />
    </header>
  )
}
