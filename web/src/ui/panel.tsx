import type { ReactNode } from 'react'

/** A titled section inside a side panel. */
export function Section({ title, aside, children }: { title: string; aside?: ReactNode; children: ReactNode }) {
  return (
    <section className="section" aria-label={title}>
      <header className="section-header">
        <h3 className="section-title">{title}</h3>
        {aside}
      </header>
      {children}
    </section>
  )
}
