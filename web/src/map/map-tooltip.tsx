import type { ReactNode } from 'react'

/** Follows the pointer over pickable deck.gl objects; purely visual (hover info is also in lists). */
export function MapTooltip({ x, y, children }: { x: number; y: number; children: ReactNode }) {
  return (
    <div className="map-tooltip" style={{ transform: `translate(${x + 14}px, ${y + 14}px)` }} aria-hidden="true">
      {children}
    </div>
  )
}
