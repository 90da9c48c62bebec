import { useEffect, useMemo, useState } from 'react'
import type { ImportEntity, ImportFields, ImportJob, ImportPreview, StartImportRequest } from '../../api'
import { Banner } from '../../ui/banner'
import { Button } from '../../ui/button'
import { AlertIcon } from '../../ui/icons'

const entityLabels: Record<ImportEntity, string> = {
  customers: 'Customers',
  contacts: 'Contacts',
  interactions: 'Interactions',
  orders: 'Orders',
}
const matchLabels: Record<StartImportRequest['matchBy'] & string, string> = {
  external_id: 'External id',
  email: 'E-mail',
  name_zip: 'Name + ZIP',
}
const matchRulesFor: Record<ImportEntity, (keyof typeof matchLabels)[]> = {
  customers: ['external_id', 'email', 'name_zip'],
  contacts: ['external_id', 'email'],
  interactions: ['external_id'],
  orders: ['external_id'],
}

type MappingStepProps = {
  job: ImportJob
  preview: ImportPreview
  fields: ImportFields
  starting: boolean
  error: string | null
  onStart: (request: StartImportRequest) => void
  onCancel: () => void
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

const delimiterNames: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' }

/** Step 2: what the file holds, how its columns map to fields, and how to import it. */
export function MappingStep({ job, preview, fields, starting, error, onStart, onCancel }: MappingStepProps) {
  const suggestion = preview.suggestion
  const [entity, setEntity] = useState<ImportEntity>(suggestion.entity as ImportEntity)
  const [mapping, setMapping] = useState<Record<string, string>>(suggestion.mapping)
  const [matchBy, setMatchBy] = useState(suggestion.matchBy as keyof typeof matchLabels)
  const [mode, setMode] = useState<'row_by_row' | 'all_or_nothing'>('row_by_row')
  useEffect(() => {
    // Another entity: take the suggestion's columns where the field names match, and a rule that entity knows.
    if (!matchRulesFor[entity].includes(matchBy)) setMatchBy('external_id')
  }, [entity, matchBy])
  const targetFields = fields[entity]
  const missing = targetFields.filter((f) => f.required && !mapping[f.key])
  const mappedCount = targetFields.filter((f) => mapping[f.key]).length
  const problems = preview.problems
  const columnsUsed = useMemo(() => new Set(Object.values(mapping)), [mapping])
  return (
    <div className="import-step">
      <dl className="import-file-facts">
        <div>
          <dt>File</dt>
          <dd data-testid="import-file-name">{job.fileName}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(job.bytes)}</dd>
        </div>
        <div>
          <dt>Rows</dt>
          <dd data-testid="import-row-count">{job.totalRows.toLocaleString('en-US')}</dd>
        </div>
        <div>
          <dt>Read as</dt>
          <dd className="import-wrap" title={preview.encodingNote}>
            {job.encoding === 'utf-8' ? 'UTF-8' : 'Windows-1252 (Latin-1)'},{' '}
            {delimiterNames[job.delimiter] ?? job.delimiter}
            -separated{job.hasHeader ? ', header row' : ', no header'}
          </dd>
        </div>
      </dl>

      <div className="import-options">
        <label className="field">
          <span className="field-label">Import as</span>
          <select
            className="select"
            value={entity}
            onChange={(event) => setEntity(event.target.value as ImportEntity)}
            data-testid="import-entity"
          >
            {(Object.keys(entityLabels) as ImportEntity[]).map((key) => (
              <option key={key} value={key}>
                {entityLabels[key]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Match existing records by</span>
          <select
            className="select"
            value={matchBy}
            onChange={(event) => setMatchBy(event.target.value as keyof typeof matchLabels)}
            data-testid="import-match"
          >
            {matchRulesFor[entity].map((rule) => (
              <option key={rule} value={rule}>
                {matchLabels[rule]}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="field import-mode">
          <legend className="field-label">If rows are rejected</legend>
          <label className="radio">
            <input type="radio" name="mode" checked={mode === 'row_by_row'} onChange={() => setMode('row_by_row')} />
            Import the good rows, report the rest
          </label>
          <label className="radio">
            <input
              type="radio"
              name="mode"
              checked={mode === 'all_or_nothing'}
              onChange={() => setMode('all_or_nothing')}
              data-testid="import-mode-all"
            />
            Import nothing (all or nothing)
          </label>
        </fieldset>
      </div>

      <section className="import-section" aria-label="Column mapping">
        <header className="section-header">
          <h3 className="section-title">Columns</h3>
          <span className="section-count">
            {mappedCount} of {targetFields.length} fields mapped
          </span>
        </header>
        <div className="import-mapping">
          {targetFields.map((field) => {
            const id = `map-${field.key}`
            return (
              <div key={field.key} className="import-mapping-row">
                <label htmlFor={id} className="import-mapping-label">
                  {field.label}
                  {field.required ? <span className="import-required"> required</span> : null}
                </label>
                <select
                  id={id}
                  className={`select select-sm${mapping[field.key] ? ' has-value' : ''}`}
                  value={mapping[field.key] ?? ''}
                  data-testid={`import-map-${field.key}`}
                  onChange={(event) => {
                    const next = { ...mapping }
                    if (event.target.value) next[field.key] = event.target.value
                    else delete next[field.key]
                    setMapping(next)
                  }}
                >
                  <option value="">— not imported —</option>
                  {job.columns.map((column) => (
                    <option key={column} value={column}>
                      {column}
                      {columnsUsed.has(column) && mapping[field.key] !== column ? ' (used)' : ''}
                    </option>
                  ))}
                </select>
              </div>
            )
          })}
        </div>
      </section>

      {problems.length > 0 ? (
        <section className="import-section" aria-label="Problems found">
          <header className="section-header">
            <h3 className="section-title">Problems in the first rows</h3>
            <span className="section-count">{problems.length}</span>
          </header>
          <ul className="import-problems" data-testid="import-problems">
            {problems.slice(0, 12).map((problem) => (
              <li key={`${problem.line}-${problem.code}-${problem.message}`}>
                <AlertIcon size={14} />
                <span>
                  {problem.line !== null ? <strong>Line {problem.line}: </strong> : null}
                  {problem.message}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="import-section" aria-label="Preview">
        <header className="section-header">
          <h3 className="section-title">First rows</h3>
          <span className="section-count">{preview.rows.length} shown</span>
        </header>
        <div className="import-preview-scroll">
          <table className="import-preview" data-testid="import-preview">
            <thead>
              <tr>
                <th scope="col">Line</th>
                {job.columns.map((column) => (
                  <th key={column} scope="col" className={columnsUsed.has(column) ? 'is-mapped' : undefined}>
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => (
                <tr key={row.line}>
                  <td className="import-line">{row.line}</td>
                  {job.columns.map((column, i) => (
                    <td key={column}>{row.values[i] ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {error ? <Banner>{error}</Banner> : null}
      <footer className="import-actions">
        <Button variant="ghost" onClick={onCancel}>
          Choose another file
        </Button>
        <span className="import-actions-note">
          {missing.length > 0 ? `Map ${missing.map((f) => f.label).join(', ')} to continue.` : null}
        </span>
        <Button
          variant="primary"
          disabled={missing.length > 0}
          loading={starting}
          onClick={() => onStart({ entity, mapping, matchBy, mode })}
          data-testid="import-start"
        >
          Import {job.totalRows.toLocaleString('en-US')} rows
        </Button>
      </footer>
    </div>
  )
}
