import { useState } from 'react'
import type { User } from '../../api'
import { humanize } from '../../lib/format'
import { Button } from '../../ui/button'
import { LogoutIcon } from '../../ui/icons'
import { ApiTokensDialog } from '../exports/api-tokens-dialog'
import { useLogout } from './use-session'

function initials(name: string): string {
  const parts = name.trim().split(/\s+/)
  const first = parts[0]?.charAt(0) ?? ''
  const last = parts.length > 1 ? (parts[parts.length - 1]?.charAt(0) ?? '') : ''
  return (first + last).toUpperCase() || '?'
}

export function UserMenu({ user }: { user: User }) {
  const logoutMutation = useLogout()
  const [tokensOpen, setTokensOpen] = useState(false)
  return (
    <div className="user-menu" data-testid="user-menu">
      <span className="visually-hidden">Signed in as</span>
      <span className="avatar" aria-hidden="true">
        {initials(user.name)}
      </span>
      <span className="user-menu-text">
        <span className="user-menu-name">{user.name}</span>
        <span className="user-menu-role">{humanize(user.role)}</span>
      </span>
      <Button size="sm" variant="ghost" onClick={() => setTokensOpen(true)} data-testid="api-tokens-open">
        API tokens
      </Button>
      {tokensOpen ? <ApiTokensDialog onClose={() => setTokensOpen(false)} /> : null}
      <Button
        size="sm"
        variant="ghost"
        icon={<LogoutIcon size={14} />}
        onClick={() => logoutMutation.mutate()}
        loading={logoutMutation.isPending}
        data-testid="logout"
      >
        Sign out
      </Button>
    </div>
  )
}
