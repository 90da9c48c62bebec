import type { ImportJob } from '../../api'
import { importErrorsUrl } from '../../api'
import { Banner } from '../../ui/banner'
import { Button } from '../../ui/button'
import { CheckIcon } from '../../ui/icons'

const precisionLabels: Record<string, string> = {
  rooftop: 'from coordinates',
  zip: 'by ZIP centroid',
  city: 'by city centroid',
}

/** Step 3: the import's progress from server-sent events, then what happened and the rejected rows. */
export function ProgressStep({ job, streamError, onNew }: { job: ImportJob; streamError: boolean; onNew: () => void }) {
  const total = Math.max(job.totalRows, job.processedRows, 1)
  const percent = job.status === 'done' ? 100 : Math.min(99, Math.floor((job.processedRows / total) * 100))
  const running = !job.finished
  const geocoded = Object.entries(job.geocoded as Record<string, number>).filter(([, n]) => n > 0)
  return (
    <div className="import-step">
      <div className="import-progress-head">
        <div>
          <p className="import-progress-title" data-testid="import-status">
            {job.status === 'done'
              ? 'Import finished'
              : job.status === 'failed'
                ? 'Import failed'
                : job.status === 'interrupted'
                  ? 'Import interrupted'
                  : job.status === 'validating'
                    ? 'Checking every row…'
                    : 'Importing…'}
          </p>
          <p className="muted">{job.fileName}</p>
        </div>
        <span className="import-percent" data-testid="import-percent">
          {percent} %
        </span>
      </div>
      <div
        className={`import-bar${job.status === 'failed' ? ' is-failed' : job.status === 'done' ? ' is-done' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-label="Import progress"
        data-testid="import-progress"
      >
        <div className="import-bar-fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="muted import-progress-rows">
        {job.processedRows.toLocaleString('en-US')} of {job.totalRows.toLocaleString('en-US')} rows read
      </p>
      {streamError && running ? (
        <Banner tone="info">Lost the live connection; reconnecting. The import carries on on the server.</Banner>
      ) : null}
      {job.status === 'interrupted' ? (
        <Banner>
          The server stopped during this import. Everything up to line {job.committedLine.toLocaleString('en-US')} is
          saved; upload the same file again to finish — rows already imported are left unchanged.
        </Banner>
      ) : null}
      {job.status === 'failed' && job.message ? <Banner>{job.message}</Banner> : null}

      <dl className="import-counts" data-testid="import-counts">
        <div className="import-count is-new">
          <dt>New</dt>
          <dd>{job.insertedRows.toLocaleString('en-US')}</dd>
        </div>
        <div className="import-count">
          <dt>Updated</dt>
          <dd>{job.updatedRows.toLocaleString('en-US')}</dd>
        </div>
        <div className="import-count">
          <dt>Unchanged</dt>
          <dd>{job.unchangedRows.toLocaleString('en-US')}</dd>
        </div>
        <div className={`import-count${job.rejectedRows > 0 ? ' is-rejected' : ''}`}>
          <dt>Rejected</dt>
          <dd>{job.rejectedRows.toLocaleString('en-US')}</dd>
        </div>
      </dl>
      {geocoded.length > 0 ? (
        <p className="import-geocoded muted">
          Placed on the map{' '}
          {geocoded
            .map(([precision, n]) => `${n.toLocaleString('en-US')} ${precisionLabels[precision] ?? precision}`)
            .join(', ')}
          .
        </p>
      ) : null}
      {!running ? (
        <footer className="import-actions">
          {job.status === 'done' ? (
            <span className="import-done">
              <CheckIcon size={16} /> {job.message}
            </span>
          ) : (
            <span />
          )}
          <span className="import-actions-note" />
          {job.rejectedRows > 0 ? (
            <a
              className="btn btn-secondary btn-md"
              href={importErrorsUrl(job.id)}
              download
              data-testid="import-errors-link"
            >
              Download rejected rows
            </a>
          ) : null}
          <Button variant="primary" onClick={onNew}>
            Import another file
          </Button>
        </footer>
      ) : null}
    </div>
  )
}
