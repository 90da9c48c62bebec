import { useState } from 'react'
import type { Territory, TerritoryPatch } from '../../api'
import { formatCentsCompact, formatCount, formatCountCompact } from '../../lib/format'
import { CheckIcon, CrosshairIcon } from '../../ui/icons'
import { useCustomerFacets } from '../customers/use-customer-facets'
import { deviationTone, formatDeviation, metric } from './territory-balance'
import { rgbCss, territoryColor } from './territory-colors'

type TerritoryTableProps = {
  territories: Territory[]
  tolerancePct: number
  editable: boolean
  targetId: number | null
  onSelectTarget: (territoryId: number | null) => void
  onPatch: (territoryId: number, patch: TerritoryPatch) => void
}

/** Per-territory metrics, live after every edit, with inline rename, rep and lock. */
export function TerritoryTable(props: TerritoryTableProps) {
  const { territories, tolerancePct, editable, targetId, onSelectTarget } = props
  const facets = useCustomerFacets()
  const reps = facets.data?.owners ?? []
  return (
    <div className="territory-table-wrap">
      <table className="territory-table" data-testid="territory-table">
        <thead>
          <tr>
            <th scope="col">Territory · rep</th>
            <th scope="col">
              <span className="visually-hidden">Edit</span>
            </th>
            <th scope="col" className="num">
              Customers
            </th>
            <th scope="col" className="num">
              Active
            </th>
            <th scope="col" className="num">
              <abbr title="Revenue, last 12 months">Rev. 12m</abbr>
            </th>
            <th scope="col" className="num">
              <abbr title="Open prospects">Prospects</abbr>
            </th>
            <th scope="col" className="num">
              <abbr title="Population">Pop.</abbr>
            </th>
            <th scope="col" className="num">
              Area km²
            </th>
            <th scope="col" className="num">
              <abbr title="Visit workload, hours per month">Hours/mo</abbr>
            </th>
            <th scope="col" className="num">
              Deviation
            </th>
            <th scope="col">Shape</th>
          </tr>
        </thead>
        <tbody>
          {territories.map((territory, position) => {
            const m = territory.metrics
            const tone = deviationTone(m.deviationPct, tolerancePct)
            const isTarget = territory.id === targetId
            return (
              <tr
                key={territory.id}
                className={isTarget ? 'is-target' : undefined}
                data-testid="territory-row"
                data-territory-id={territory.id}
              >
                <td>
                  <span className="territory-name-cell">
                    <span
                      className="territory-swatch"
                      style={{ background: rgbCss(territoryColor(position)) }}
                      aria-hidden="true"
                    />
                    <TerritoryName
                      name={territory.name}
                      editable={editable}
                      onRename={(name) => props.onPatch(territory.id, { name })}
                    />
                  </span>
                  <span className="territory-rep-line">
                    {editable ? (
                      <select
                        className="select select-sm territory-rep"
                        aria-label={`Rep for ${territory.name}`}
                        value={territory.repId ?? ''}
                        onChange={(e) =>
                          props.onPatch(territory.id, { repId: e.target.value ? Number(e.target.value) : null })
                        }
                        data-testid="territory-rep"
                      >
                        <option value="">Unassigned</option>
                        {territory.repId !== null && !reps.some((r) => r.id === territory.repId) ? (
                          <option value={territory.repId}>{territory.repName ?? `Rep #${territory.repId}`}</option>
                        ) : null}
                        {reps.map((rep) => (
                          <option key={rep.id} value={rep.id}>
                            {rep.name}
                          </option>
                        ))}
                      </select>
                    ) : (
                      (territory.repName ?? <span className="muted">Unassigned</span>)
                    )}
                  </span>
                </td>
                <td>
                  <span className="territory-actions">
                    {editable ? (
                      <>
                        <button
                          type="button"
                          className={`chip-btn${isTarget ? ' is-on' : ''}`}
                          aria-pressed={isTarget}
                          onClick={() => onSelectTarget(isTarget ? null : territory.id)}
                          title="Clicked units move into the target territory"
                          data-testid="territory-select-target"
                        >
                          {isTarget ? <CheckIcon size={12} /> : <CrosshairIcon size={12} />}
                          {isTarget ? 'Target' : 'Set target'}
                        </button>
                        <button
                          type="button"
                          className={`chip-btn${territory.locked ? ' is-locked' : ''}`}
                          aria-pressed={territory.locked}
                          onClick={() => props.onPatch(territory.id, { locked: !territory.locked })}
                          title={
                            territory.locked
                              ? 'Locked: its units cannot be moved in or out. Click to unlock.'
                              : 'Lock this territory against edits'
                          }
                          data-testid="territory-lock"
                        >
                          {territory.locked ? 'Locked' : 'Lock'}
                        </button>
                      </>
                    ) : territory.locked ? (
                      <span className="chip-btn is-locked">Locked</span>
                    ) : null}
                  </span>
                </td>
                <td className="num" data-testid="territory-metric-customers">
                  {formatCount(metric(m, 'customers'))}
                </td>
                <td className="num">{formatCount(metric(m, 'activeCustomers'))}</td>
                <td className="num">{formatCentsCompact(metric(m, 'revenue12mCents'))}</td>
                <td className="num">{formatCount(metric(m, 'openProspects'))}</td>
                <td className="num">{formatCountCompact(metric(m, 'population'))}</td>
                <td className="num">{formatCountCompact(Math.round(metric(m, 'areaKm2')))}</td>
                <td className="num">{metric(m, 'workloadHours').toFixed(1)}</td>
                <td className="num">
                  <span className={`deviation deviation-${tone}`} data-testid="territory-deviation">
                    {formatDeviation(m.deviationPct)}
                  </span>
                </td>
                <td>
                  <span
                    className={`shape-badge${m.contiguous ? '' : ' is-broken'}`}
                    title={m.contiguous ? 'One connected area' : 'Split into separate pieces'}
                  >
                    {m.contiguous ? 'Contiguous' : 'Islands'}
                  </span>
                  <span className="territory-sub" title="Polsby–Popper style compactness, 0–1">
                    {formatCount(metric(m, 'units'))} units · compact {m.compactness.toFixed(2)}
                  </span>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

function TerritoryName({
  name,
  editable,
  onRename,
}: {
  name: string
  editable: boolean
  onRename: (name: string) => void
}) {
  const [editing, setEditing] = useState(false)
  const [value, setValue] = useState(name)
  if (!editable) return <span className="territory-name">{name}</span>
  if (!editing) {
    return (
      <button
        type="button"
        className="territory-name territory-name-edit"
        onClick={() => {
          setValue(name)
          setEditing(true)
        }}
        title="Rename"
      >
        {name}
      </button>
    )
  }
  const commit = () => {
    setEditing(false)
    const next = value.trim()
    if (next && next !== name) onRename(next)
  }
  return (
    <input
      className="input territory-name-input"
      aria-label="Territory name"
      value={value}
      maxLength={120}
      // biome-ignore lint/a11y/noAutofocus: the user just asked to rename this territory
      autoFocus
      onChange={(e) => setValue(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit()
        if (e.key === 'Escape') {
          e.stopPropagation()
          setEditing(false)
        }
      }}
    />
  )
}
