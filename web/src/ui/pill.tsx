import type { ReactNode } from 'react'

export type PillTone = 'active' | 'prospect' | 'churned' | 'neutral' | 'success' | 'muted'

export function Pill({ tone = 'neutral', children }: { tone?: PillTone; children: ReactNode }) {
  return <span className={`pill pill-${tone}`}>{children}</span>
}
