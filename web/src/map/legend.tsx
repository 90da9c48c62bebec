export type LegendItem = {
  color: string
  label: string
  /** Draw as a hexagon (density) or a dot (points). */
  shape: 'hex' | 'dot'
}

type LegendProps = {
  title: string
  subtitle?: string
  items: LegendItem[]
  loading?: boolean
  emptyText?: string
}

export function Legend({ title, subtitle, items, loading, emptyText = 'No customers in view' }: LegendProps) {
  return (
    <section className="legend" data-testid="legend" aria-label={`Legend: ${title}`}>
      <header className="legend-header">
        <h2 className="legend-title">{title}</h2>
        {loading ? <span className="legend-loading" role="status" aria-label="Updating" /> : null}
      </header>
      {subtitle ? <p className="legend-subtitle">{subtitle}</p> : null}
      {items.length === 0 ? (
        <p className="legend-empty">{emptyText}</p>
      ) : (
        <ul className="legend-items">
          {items.map((item) => (
            <li key={item.label} className="legend-item">
              <span className={`legend-swatch legend-swatch-${item.shape}`} style={{ background: item.color }} />
              <span className="legend-label">{item.label}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
