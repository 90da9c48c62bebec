import { useId } from 'react'
import type { CustomerFilters } from '../../api'
import { formatSegment, humanize } from '../../lib/format'
import { useCustomerFacets } from './use-customer-facets'

type CustomerFiltersBarProps = {
  filters: CustomerFilters
  onChange: (filters: CustomerFilters) => void
  showOwner: boolean
}

type SelectProps = {
  id: string
  label: string
  allLabel: string
  value: string
  options: { value: string; label: string }[]
  disabled: boolean
  onChange: (value: string) => void
}

function FilterSelect({ id, label, allLabel, value, options, disabled, onChange }: SelectProps) {
  return (
    <div className="filter">
      <label className="filter-label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className={`select select-sm${value ? ' has-value' : ''}`}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{allLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  )
}

export function CustomerFiltersBar({ filters, onChange, showOwner }: CustomerFiltersBarProps) {
  const id = useId()
  const facets = useCustomerFacets()
  const data = facets.data
  const disabled = !data
  const toOptions = (values: string[] | undefined) => (values ?? []).map((v) => ({ value: v, label: humanize(v) }))
  const active = filters.status || filters.segment || filters.industry || filters.owner

  return (
    <fieldset className="filters" aria-label="Filters">
      <FilterSelect
        id={`${id}-status`}
        label="Status"
        allLabel="All statuses"
        value={filters.status}
        options={toOptions(data?.statuses)}
        disabled={disabled}
        onChange={(value) => onChange({ ...filters, status: data?.statuses.find((s) => s === value) ?? '' })}
      />
      <FilterSelect
        id={`${id}-segment`}
        label="Segment"
        allLabel="All segments"
        value={filters.segment}
        options={(data?.segments ?? []).map((v) => ({ value: v, label: formatSegment(v) }))}
        disabled={disabled}
        onChange={(value) => onChange({ ...filters, segment: data?.segments.find((s) => s === value) ?? '' })}
      />
      <FilterSelect
        id={`${id}-industry`}
        label="Industry"
        allLabel="All industries"
        value={filters.industry}
        options={(data?.industries ?? []).map((v) => ({ value: v, label: v }))}
        disabled={disabled}
        onChange={(industry) => onChange({ ...filters, industry })}
      />
      {showOwner ? (
        <FilterSelect
          id={`${id}-owner`}
          label="Owner"
          allLabel="All owners"
          value={filters.owner}
          options={(data?.owners ?? []).map((o) => ({ value: String(o.id), label: o.name }))}
          disabled={disabled}
          onChange={(owner) => onChange({ ...filters, owner })}
        />
      ) : null}
      <div className="filters-footer">
        {facets.isError ? <span className="filters-note">Filters unavailable</span> : <span />}
        {active ? (
          <button
            type="button"
            className="link-btn"
            onClick={() => onChange({ ...filters, status: '', segment: '', industry: '', owner: '' })}
          >
            Clear filters
          </button>
        ) : null}
      </div>
    </fieldset>
  )
}
