type SkeletonProps = {
  width?: string
  height?: string
}

export function Skeleton({ width = '100%', height = '12px' }: SkeletonProps) {
  return <span className="skeleton" style={{ width, height }} aria-hidden="true" />
}

/** Placeholder rows shaped like list rows while the first page loads. */
export function SkeletonRows({ count = 6 }: { count?: number }) {
  return (
    <div className="skeleton-rows" role="status" aria-label="Loading">
      {Array.from({ length: count }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders never reorder
        <div className="skeleton-row" key={i}>
          <Skeleton width={`${55 + ((i * 17) % 35)}%`} height="14px" />
          <Skeleton width="40%" height="10px" />
        </div>
      ))}
    </div>
  )
}
