type SpinnerProps = {
  size?: 'sm' | 'md' | 'lg'
  /** Accessible label; pass null when a surrounding element already announces the busy state. */
  label?: string | null
}

export function Spinner({ size = 'md', label = 'Loading' }: SpinnerProps) {
  const className = `spinner spinner-${size}`
  if (!label) return <span className={className} aria-hidden="true" />
  return <span className={className} role="status" aria-label={label} />
}

export function CenteredSpinner({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="centered-spinner">
      <Spinner size="lg" label={label} />
      <span className="centered-spinner-text">{label}…</span>
    </div>
  )
}
