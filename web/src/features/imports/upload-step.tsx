import { type DragEvent, useId, useRef, useState } from 'react'
import { Banner } from '../../ui/banner'
import { Button } from '../../ui/button'
import { NoteIcon } from '../../ui/icons'
import { Spinner } from '../../ui/spinner'

type UploadStepProps = {
  uploading: boolean
  error: string | null
  onFile: (file: File) => void
}

/** Step 1: drop a CSV or pick one. The file streams to the server, which checks it before anything is imported. */
export function UploadStep({ uploading, error, onFile }: UploadStepProps) {
  const inputId = useId()
  const input = useRef<HTMLInputElement>(null)
  const [dragging, setDragging] = useState(false)
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault()
    setDragging(false)
    const file = event.dataTransfer.files[0]
    if (file) onFile(file)
  }
  return (
    <div className="import-step">
      {error ? <Banner>{error}</Banner> : null}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; the button inside is the keyboard way */}
      <div
        className={`import-drop${dragging ? ' is-dragging' : ''}`}
        onDragOver={(event) => {
          event.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="import-drop"
      >
        {uploading ? (
          <>
            <Spinner label={null} />
            <p className="import-drop-title">Uploading and checking the file…</p>
          </>
        ) : (
          <>
            <NoteIcon size={28} className="import-drop-icon" />
            <p className="import-drop-title">Drop a CSV file here</p>
            <p className="import-drop-hint">
              Customers, contacts, interactions or orders. UTF-8 or Latin-1, comma, semicolon, tab or | separated, any
              size — it is streamed, never loaded whole.
            </p>
            <Button variant="primary" onClick={() => input.current?.click()}>
              Choose a file
            </Button>
          </>
        )}
        <input
          ref={input}
          id={inputId}
          type="file"
          accept=".csv,.tsv,.txt,text/csv"
          className="sr-only"
          aria-label="CSV file to import"
          data-testid="import-file-input"
          onChange={(event) => {
            const file = event.target.files?.[0]
            if (file) onFile(file)
            event.target.value = ''
          }}
        />
      </div>
    </div>
  )
}
