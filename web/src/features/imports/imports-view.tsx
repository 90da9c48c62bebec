import { type ReactNode, useCallback, useEffect, useState } from 'react'
import { isApiError } from '../../api'
import { Banner } from '../../ui/banner'
import { CenteredSpinner } from '../../ui/spinner'
import { ImportHistory } from './import-history'
import { MappingStep } from './mapping-step'
import { ProgressStep } from './progress-step'
import { UploadStep } from './upload-step'
import { useImportFields, useImportJob, useImportPreview, useStartImport, useUploadImport } from './use-imports'

/** `#import/42` → 42: the open job lives in the URL so a reload returns to it. */
export function importIdFromHash(hash: string): number | null {
  const match = /^#import\/(\d{1,15})$/.exec(hash)
  return match?.[1] ? Number(match[1]) : null
}

function message(error: unknown): string | null {
  if (!error) return null
  return isApiError(error) ? error.message : 'Something went wrong. Try again.'
}

const steps = ['Upload', 'Map columns', 'Import'] as const

export function ImportsView({ ownOnly }: { ownOnly: boolean }) {
  const [jobId, setJobId] = useState<number | null>(() => importIdFromHash(window.location.hash))
  useEffect(() => {
    const onHashChange = () => setJobId(importIdFromHash(window.location.hash))
    window.addEventListener('hashchange', onHashChange)
    return () => window.removeEventListener('hashchange', onHashChange)
  }, [])
  const open = useCallback((id: number | null) => {
    setJobId(id)
    window.history.replaceState(null, '', id === null ? '#import' : `#import/${id}`)
  }, [])

  const fields = useImportFields()
  const upload = useUploadImport()
  const job = useImportJob(jobId)
  const uploaded = job.data?.status === 'uploaded'
  const preview = useImportPreview(jobId, uploaded)
  const start = useStartImport(jobId ?? 0)

  const step = jobId === null ? 0 : uploaded ? 1 : 2
  let body: ReactNode
  if (jobId === null) {
    body = (
      <UploadStep
        uploading={upload.isPending}
        error={message(upload.error)}
        onFile={(file) => upload.mutate(file, { onSuccess: (result) => open(result.job.id) })}
      />
    )
  } else if (job.isPending || (uploaded && (preview.isPending || fields.isPending))) {
    body = <CenteredSpinner label="Loading the import" />
  } else if (job.isError) {
    body = <Banner>{message(job.error)}</Banner>
  } else if (uploaded && preview.isError) {
    body = <Banner>{message(preview.error)}</Banner>
  } else if (uploaded && preview.data && fields.data) {
    body = (
      <MappingStep
        job={job.data}
        preview={preview.data.preview}
        fields={fields.data}
        starting={start.isPending}
        error={message(start.error)}
        onStart={(request) => start.mutate(request)}
        onCancel={() => open(null)}
      />
    )
  } else if (job.data) {
    body = <ProgressStep job={job.data} streamError={job.streamError} onNew={() => open(null)} />
  }

  return (
    <div className="imports-page" data-testid="imports-view">
      <main className="imports-main">
        <header className="imports-header">
          <div>
            <h2 className="imports-title">Import data</h2>
            <p className="muted">
              {ownOnly
                ? 'Add or update your own customers and their contacts, interactions and orders from a CSV file.'
                : 'Bring customers, contacts, interactions and orders in from spreadsheets or another CRM.'}{' '}
              Rows are matched to existing records, so importing the same file twice changes nothing.
            </p>
          </div>
        </header>
        <ol className="import-steps" aria-label="Steps">
          {steps.map((label, i) => (
            <li
              key={label}
              className={i === step ? 'is-current' : i < step ? 'is-done' : undefined}
              aria-current={i === step ? 'step' : undefined}
            >
              <span className="import-step-number">{i + 1}</span>
              {label}
            </li>
          ))}
        </ol>
        <div className="imports-card">{body}</div>
      </main>
      <ImportHistory currentId={jobId} onOpen={(id) => open(id)} />
    </div>
  )
}
