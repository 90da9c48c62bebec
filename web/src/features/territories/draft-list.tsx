import type { TerritoryDraftStatus, TerritoryDraftSummary } from '../../api'
import { formatCount, formatDate } from '../../lib/format'
import { EmptyState } from '../../ui/empty-state'
import { Pill, type PillTone } from '../../ui/pill'
import { SkeletonRows } from '../../ui/skeleton'

const statusTone: Record<TerritoryDraftStatus, PillTone> = { draft: 'neutral', active: 'success', archived: 'muted' }
const statusLabel: Record<TerritoryDraftStatus, string> = { draft: 'Draft', active: 'Active', archived: 'Archived' }

export function DraftStatusPill({ status }: { status: TerritoryDraftStatus }) {
  return <Pill tone={statusTone[status]}>{statusLabel[status]}</Pill>
}

type DraftListProps = {
  drafts: TerritoryDraftSummary[] | undefined
  loading: boolean
  selectedId: number | null
  onSelect: (id: number) => void
}

export function DraftList({ drafts, loading, selectedId, onSelect }: DraftListProps) {
  if (loading) return <SkeletonRows count={3} />
  if (!drafts || drafts.length === 0) {
    return (
      <EmptyState title="No plans yet">Balance a first plan above; it appears here as a draft you can edit.</EmptyState>
    )
  }
  return (
    <ul className="draft-list" aria-label="Territory plans">
      {drafts.map((draft) => (
        <li key={draft.id}>
          <button
            type="button"
            className={`draft-item${draft.id === selectedId ? ' is-selected' : ''}${draft.status === 'active' ? ' is-active' : ''}`}
            onClick={() => onSelect(draft.id)}
            aria-current={draft.id === selectedId ? 'true' : undefined}
            data-testid="draft-item"
            data-draft-id={draft.id}
            data-status={draft.status}
          >
            <span className="draft-item-main">
              <span className="draft-item-name">{draft.name}</span>
              <span className="draft-item-meta">
                {formatCount(draft.territories)} territories · {formatCount(draft.units)}{' '}
                {draft.unitKind === 'county' ? 'counties' : `H3 r${draft.h3Res ?? '?'} cells`} · v{draft.version}
              </span>
              <span className="draft-item-meta">
                {draft.status === 'active' && draft.activatedAt
                  ? `Active since ${formatDate(draft.activatedAt)}`
                  : `Created ${formatDate(draft.createdAt)}`}
              </span>
            </span>
            <DraftStatusPill status={draft.status} />
          </button>
        </li>
      ))}
    </ul>
  )
}
