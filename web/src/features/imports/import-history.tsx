import type { ImportHistoryItem } from '../../api'
import { EmptyState } from '../../ui/empty-state'
import { Pill, type PillTone } from '../../ui/pill'
import { SkeletonRows } from '../../ui/skeleton'
import { useImportHistory } from './use-imports'

const statusTone: Record<string, PillTone> = {
  done: 'success',
  failed: 'churned',
  interrupted: 'churned',
  uploaded: 'muted',
  queued: 'prospect',
  validating: 'prospect',
  running: 'prospect',
}
const statusLabel: Record<string, string> = {
  done: 'Done',
  failed: 'Failed',
  interrupted: 'Interrupted',
  uploaded: 'Not started',
  queued: 'Queued',
  validating: 'Checking',
  running: 'Running',
}

function when(value: string): string {
  return new Date(value).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' })
}

/** Earlier imports, newest first; a click opens one (its progress, counts and rejected rows). */
export function ImportHistory({ currentId, onOpen }: { currentId: number | null; onOpen: (id: number) => void }) {
  const history = useImportHistory()
  return (
    <aside className="import-history" aria-label="Import history">
      <header className="section-header">
        <h3 className="section-title">History</h3>
      </header>
      {history.isPending ? (
        <SkeletonRows count={4} />
      ) : history.isError ? (
        <p className="muted">Could not load earlier imports.</p>
      ) : history.data.length === 0 ? (
        <EmptyState title="No imports yet">Files you import appear here with what they changed.</EmptyState>
      ) : (
        <ul className="import-history-list" data-testid="import-history">
          {history.data.map((job: ImportHistoryItem) => (
            <li key={job.id}>
              <button
                type="button"
                className={`import-history-item${job.id === currentId ? ' is-current' : ''}`}
                onClick={() => onOpen(job.id)}
              >
                <span className="import-history-top">
                  <span className="import-history-name">{job.fileName}</span>
                  <Pill tone={statusTone[job.status] ?? 'neutral'}>{statusLabel[job.status] ?? job.status}</Pill>
                </span>
                <span className="import-history-meta">
                  {job.entity ?? 'not mapped yet'} · {job.totalRows.toLocaleString('en-US')} rows ·{' '}
                  {when(job.createdAt)} · {job.userName}
                </span>
                {job.finished ? (
                  <span className="import-history-meta">
                    {job.insertedRows} new · {job.updatedRows} updated · {job.unchangedRows} unchanged ·{' '}
                    {job.rejectedRows} rejected
                  </span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  )
}
