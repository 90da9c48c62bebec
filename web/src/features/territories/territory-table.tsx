import { Fragment, useState } from 'react'
import type { Territory, TerritoryPatch } from '../../api'
import { formatCentsCompact, formatCount, formatCountCompact } from '../../lib/format'
import { CheckIcon, CrosshairIcon } from '../../ui/icons'
import { useCustomerFacets } from '../customers/use-customer-facets'
import { deviationTone, formatDeviation, metric } from './territory-balance'
import { rgbCss, territoryColor } from './territory-colors'
import { groupTerritories, hasHierarchy, hierarchyNames, type Subtotal } from './territory-groups'

type TerritoryTableProps = {
  territories: Territory[]
  tolerancePct: number
  editable: boolean
  targetId: number | null
  onSelectTarget: (territoryId: number | null) => void
  onPatch: (territoryId: number, patch: TerritoryPatch) => void
}

/**
 * Per-territory metrics, live after every edit, with inline rename, rep, region, district and lock; grouped by
 * region and district with subtotals once any territory has one.
 */
export function TerritoryTable(props: TerritoryTableProps) {
  const { territories, tolerancePct, editable, targetId, onSelectTarget } = props
  const facets = useCustomerFacets()
  const reps = facets.data?.owners ?? []
  const grouped = hasHierarchy(territories)
  const names = hierarchyNames(territories)
  const renderRow = (territory: Territory, position: number) => {
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
            <InlineText
              value={territory.name}
              label="Territory name"
              editable={editable}
              required
              className="territory-name"
              onCommit={(name) => {
                if (name) props.onPatch(territory.id, { name })
              }}
            />
          </span>
          <span className="territory-rep-line">
            {editable ? (
              <select
                className="select select-sm territory-rep"
                aria-label={`Rep for ${territory.name}`}
                value={territory.repId ?? ''}
                onChange={(e) => props.onPatch(territory.id, { repId: e.target.value ? Number(e.target.value) : null })}
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
          {editable || territory.regionName || territory.districtName ? (
            <span className="territory-rep-line territory-hierarchy-line">
              <InlineText
                value={territory.regionName}
                label={`Region of ${territory.name}`}
                placeholder="+ Region"
                editable={editable}
                suggestions={names.regions}
                listId="territory-region-names"
                onCommit={(regionName) => props.onPatch(territory.id, { regionName })}
                testId="territory-region"
              />
              <span aria-hidden="true">›</span>
              <InlineText
                value={territory.districtName}
                label={`District of ${territory.name}`}
                placeholder="+ District"
                editable={editable}
                suggestions={names.districts}
                listId="territory-district-names"
                onCommit={(districtName) => props.onPatch(territory.id, { districtName })}
                testId="territory-district"
              />
            </span>
          ) : null}
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
  }
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
          {grouped
            ? groupTerritories(territories).map((region) => (
                <Fragment key={`r:${region.region ?? ''}`}>
                  <SubtotalRow level="region" name={region.region} subtotal={region.subtotal} />
                  {region.districts.map((district) => (
                    <Fragment key={`d:${region.region ?? ''}:${district.district ?? ''}`}>
                      <SubtotalRow level="district" name={district.district} subtotal={district.subtotal} />
                      {district.territories.map(({ territory, position }) => renderRow(territory, position))}
                    </Fragment>
                  ))}
                </Fragment>
              ))
            : territories.map((territory, position) => renderRow(territory, position))}
        </tbody>
      </table>
    </div>
  )
}

/** One row per region or district, with the sums of its territories. */
function SubtotalRow({
  level,
  name,
  subtotal,
}: {
  level: 'region' | 'district'
  name: string | null
  subtotal: Subtotal
}) {
  const label = name ?? (level === 'region' ? 'No region' : 'No district')
  return (
    <tr className={`territory-group territory-group-${level}`} data-testid={`territory-${level}-row`} data-name={label}>
      <th scope="rowgroup" colSpan={2}>
        <span className={name ? undefined : 'muted'}>{label}</span>
        <span className="territory-group-count">
          {subtotal.territories} territor{subtotal.territories === 1 ? 'y' : 'ies'}
        </span>
      </th>
      <td className="num" data-testid={`territory-${level}-customers`}>
        {formatCount(subtotal.customers)}
      </td>
      <td className="num">{formatCount(subtotal.activeCustomers)}</td>
      <td className="num">{formatCentsCompact(subtotal.revenue12mCents)}</td>
      <td className="num">{formatCount(subtotal.openProspects)}</td>
      <td className="num">{formatCountCompact(subtotal.population)}</td>
      <td className="num">{formatCountCompact(Math.round(subtotal.areaKm2))}</td>
      <td className="num">{subtotal.workloadHours.toFixed(1)}</td>
      <td colSpan={2} />
    </tr>
  )
}

/** Click to edit, Enter or blur to save, Escape to cancel; an optional field saves an empty value as null. */
function InlineText({
  value,
  label,
  placeholder,
  editable,
  required = false,
  className,
  suggestions,
  listId,
  testId,
  onCommit,
}: {
  value: string | null
  label: string
  placeholder?: string
  editable: boolean
  required?: boolean
  className?: string
  suggestions?: string[]
  listId?: string
  testId?: string
  onCommit: (value: string | null) => void
}) {
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState(value ?? '')
  const shown = value ?? placeholder ?? ''
  if (!editable) return <span className={className ?? 'territory-sub'}>{value}</span>
  if (!editing) {
    return (
      <button
        type="button"
        className={`${className ?? 'territory-hierarchy'} territory-name-edit${value ? '' : ' is-empty'}`}
        onClick={() => {
          setDraft(value ?? '')
          setEditing(true)
        }}
        title={value ? `${label}: click to edit` : label}
        aria-label={value ? `${label}: ${value}` : label}
        data-testid={testId}
      >
        {shown}
      </button>
    )
  }
  const commit = () => {
    setEditing(false)
    const next = draft.trim()
    if (required && !next) return
    if (next !== (value ?? '')) onCommit(next || null)
  }
  return (
    <>
      <input
        className={`input ${className ? 'territory-name-input' : 'territory-hierarchy-input'}`}
        aria-label={label}
        value={draft}
        maxLength={120}
        list={suggestions && listId ? listId : undefined}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this field
        autoFocus
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit()
          if (e.key === 'Escape') {
            e.stopPropagation()
            setEditing(false)
          }
        }}
        data-testid={testId ? `${testId}-input` : undefined}
      />
      {suggestions && listId ? (
        <datalist id={listId}>
          {suggestions.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      ) : null}
    </>
  )
}
