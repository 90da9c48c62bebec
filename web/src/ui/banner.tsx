import type { ReactNode } from 'react'
import { AlertIcon, CloseIcon } from './icons'

type BannerProps = {
  tone?: 'error' | 'info'
  children: ReactNode
  action?: ReactNode
  onDismiss?: () => void
}

export function Banner({ tone = 'error', children, action, onDismiss }: BannerProps) {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <AlertIcon size={16} className="banner-icon" />
      <div className="banner-body">{children}</div>
      {action}
      {onDismiss ? (
        <button type="button" className="banner-dismiss" onClick={onDismiss} aria-label="Dismiss">
          <CloseIcon size={14} />
        </button>
      ) : null}
    </div>
  )
}
