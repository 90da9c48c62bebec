import { useId, useRef, useState } from 'react'
import { type Bbox, type CustomerFilters, type ExportFormat, type ExportResource, exportUrl } from '../../api'
import { useEscape } from '../../lib/use-escape'

const resources: { value: Exclude<ExportResource, 'territories'>; label: string }[] = [
  { value: 'customers', label: 'Customers' },
  { value: 'contacts', label: 'Contacts' },
  { value: 'interactions', label: 'Contact history' },
]

const formats: { value: ExportFormat; label: string; hint: string }[] = [
  { value: 'csv', label: 'CSV', hint: 'Excel, Sheets' },
  { value: 'geojson', label: 'GeoJSON', hint: 'QGIS, ArcGIS' },
]

type ExportMenuProps = {
  /** The filters the list shows (debounced), so the file holds what the user sees. */
  filters: CustomerFilters
  bbox: Bbox | null
}

/**
 * "Export" in the customer sidebar: customers, contacts or contact history of the customers matching the current
 * filters, in this map view or everywhere, as CSV or GeoJSON. Downloads are plain links (the server streams).
 */
export function ExportMenu({ filters, bbox }: ExportMenuProps) {
  const id = useId()
  const [open, setOpen] = useState(false)
  const [resource, setResource] = useState<Exclude<ExportResource, 'territories'>>('customers')
  const [inView, setInView] = useState(true)
  const details = useRef<HTMLDetailsElement>(null)
  useEscape(() => setOpen(false), open, true)
  const filtered = Object.values(filters).some((v) => v.trim() !== '')

  return (
    <details
      ref={details}
      className="export-menu"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      data-testid="export-menu"
    >
      <summary className="btn btn-secondary btn-sm" aria-haspopup="true">
        <DownloadIcon /> Export
      </summary>
      <div className="export-popover">
        <p id={`${id}-title`} className="export-title">
          Export {filtered ? 'filtered ' : ''}customer data
        </p>
        <fieldset className="export-fieldset">
          <legend className="visually-hidden">What to export</legend>
          {resources.map((r) => (
            <label key={r.value} className="export-option">
              <input
                type="radio"
                name={`${id}-resource`}
                value={r.value}
                checked={resource === r.value}
                onChange={() => setResource(r.value)}
              />
              {r.label}
            </label>
          ))}
        </fieldset>
        <label className="export-option export-scope">
          <input
            type="checkbox"
            checked={inView && bbox !== null}
            disabled={bbox === null}
            onChange={(e) => setInView(e.target.checked)}
            data-testid="export-in-view"
          />
          Only the current map view
        </label>
        <div className="export-formats">
          {formats.map((f) => (
            <a
              key={f.value}
              className="btn btn-secondary btn-sm export-format"
              href={exportUrl(resource, f.value, { filters, bbox: inView ? bbox : null })}
              download
              onClick={() => setOpen(false)}
              data-testid={`export-${f.value}`}
            >
              <span>{f.label}</span>
              <span className="export-format-hint">{f.hint}</span>
            </a>
          ))}
        </div>
        <p className="export-note">Every export is recorded in the audit log.</p>
      </div>
    </details>
  )
}

function DownloadIcon() {
  return (
    <svg
      width="14"
      height="14"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      <path d="M12 4v11m0 0-4-4m4 4 4-4M5 19h14" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  )
}
