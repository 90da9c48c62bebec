import { type FormEvent, useId, useMemo, useState } from 'react'
import {
  type BalanceMeasureName,
  type BalanceRequest,
  type Bbox,
  isApiError,
  type TerritoryDraftDetail,
} from '../../api'
import { Button } from '../../ui/button'
import { Field } from '../../ui/field'
import { AlertIcon } from '../../ui/icons'
import { useBalanceTerritories, useStateList } from './use-territories'

const measureOptions: { value: BalanceMeasureName; label: string }[] = [
  { value: 'customers', label: 'Customers' },
  { value: 'revenue', label: 'Revenue (12 months)' },
  { value: 'workload', label: 'Workload (visit hours)' },
  { value: 'potential', label: 'Potential (population)' },
]

const unitOptions = [
  { value: 'county', label: 'Counties' },
  { value: 'h3:3', label: 'H3 hexagons · res 3 (≈12,000 km²)' },
  { value: 'h3:4', label: 'H3 hexagons · res 4 (≈1,800 km²)' },
  { value: 'h3:5', label: 'H3 hexagons · res 5 (≈250 km²)' },
  { value: 'h3:6', label: 'H3 hexagons · res 6 (≈36 km²)' },
  { value: 'h3:7', label: 'H3 hexagons · res 7 (≈5 km²)' },
  { value: 'h3:8', label: 'H3 hexagons · res 8 (≈0.7 km²)' },
] as const

type UnitValue = (typeof unitOptions)[number]['value']
type MeasureChoice = BalanceMeasureName | 'mix'

function isUnitValue(value: string): value is UnitValue {
  return unitOptions.some((option) => option.value === value)
}

function isMeasureName(value: string): value is BalanceMeasureName {
  return measureOptions.some((option) => option.value === value)
}

type PlanFormProps = {
  /** The map's current view, for "current map view" scope. */
  currentBbox: Bbox | null
  onCreated: (detail: TerritoryDraftDetail) => void
}

/** Starts a balance run. The run takes a few seconds; the button shows it and the form stays put. */
export function PlanForm({ currentBbox, onCreated }: PlanFormProps) {
  const id = useId()
  const statesQuery = useStateList()
  const balance = useBalanceTerritories()

  const [name, setName] = useState('')
  const [units, setUnits] = useState<UnitValue>('county')
  const [scopeKind, setScopeKind] = useState<'states' | 'view'>('states')
  const [states, setStates] = useState<string[]>([])
  const [k, setK] = useState('4')
  const [measure, setMeasure] = useState<MeasureChoice>('customers')
  const [mixA, setMixA] = useState<BalanceMeasureName>('customers')
  const [mixB, setMixB] = useState<BalanceMeasureName>('revenue')
  const [share, setShare] = useState(60)
  const [tolerance, setTolerance] = useState('5')
  const [formError, setFormError] = useState<string | null>(null)

  const stateOptions = useMemo(
    () =>
      (statesQuery.data?.features ?? [])
        .map((f) => ({ code: f.properties.stateCode, name: f.properties.name }))
        .filter((s) => s.code)
        .sort((a, b) => a.name.localeCompare(b.name)),
    [statesQuery.data],
  )

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setFormError(null)
    const kValue = Number(k)
    const toleranceValue = Number(tolerance) / 100
    if (!Number.isInteger(kValue) || kValue < 1 || kValue > 500) {
      setFormError('Number of territories must be a whole number between 1 and 500.')
      return
    }
    if (!Number.isFinite(toleranceValue) || toleranceValue < 0.005 || toleranceValue > 0.5) {
      setFormError('Tolerance must be between 0.5% and 50%.')
      return
    }
    if (scopeKind === 'states' && states.length === 0) {
      setFormError('Pick at least one state, or divide the current map view.')
      return
    }
    if (scopeKind === 'view' && !currentBbox) {
      setFormError('The map is still loading; try again in a moment.')
      return
    }
    if (measure === 'mix' && mixA === mixB) {
      setFormError('A mix needs two different measures.')
      return
    }
    const request: BalanceRequest = {
      name: name.trim() || undefined,
      units,
      scope: scopeKind === 'states' ? { states } : { bbox: currentBbox ?? undefined },
      k: kValue,
      measure: measure === 'mix' ? { mix: [mixA, mixB], share: share / 100 } : measure,
      tolerance: toleranceValue,
    }
    balance.mutate(request, {
      onSuccess: (detail) => {
        setName('')
        onCreated(detail)
      },
    })
  }

  const apiError = balance.error
  return (
    <form className="plan-form" onSubmit={submit} data-testid="territory-form" aria-busy={balance.isPending} noValidate>
      <Field label="Plan name" htmlFor={`${id}-name`} hint="Optional — a name is generated from the settings.">
        <input
          id={`${id}-name`}
          className="input"
          value={name}
          maxLength={120}
          placeholder="e.g. Northeast FY27"
          onChange={(e) => setName(e.target.value)}
        />
      </Field>

      <Field label="Building blocks" htmlFor={`${id}-units`}>
        <select
          id={`${id}-units`}
          className="select"
          value={units}
          onChange={(e) => isUnitValue(e.target.value) && setUnits(e.target.value)}
          data-testid="territory-units"
        >
          {unitOptions.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </Field>

      <fieldset className="plan-fieldset">
        <legend className="field-label">Area to divide</legend>
        <div className="segmented">
          {(
            [
              ['states', 'States'],
              ['view', 'Current map view'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className={`segmented-item${scopeKind === value ? ' is-on' : ''}`}>
              <input
                type="radio"
                className="visually-hidden"
                name={`${id}-scope`}
                value={value}
                checked={scopeKind === value}
                onChange={() => setScopeKind(value)}
                data-testid={`territory-scope-${value}`}
              />
              {label}
            </label>
          ))}
        </div>
        {scopeKind === 'states' ? (
          <>
            <label className="visually-hidden" htmlFor={`${id}-states`}>
              States
            </label>
            <select
              id={`${id}-states`}
              className="select select-multi"
              multiple
              size={6}
              value={states}
              onChange={(e) => setStates([...e.target.selectedOptions].map((o) => o.value))}
              data-testid="territory-states"
            >
              {stateOptions.map((s) => (
                <option key={s.code} value={s.code}>
                  {s.name} ({s.code})
                </option>
              ))}
            </select>
            <p className="field-hint">
              {states.length === 0
                ? 'Ctrl/⌘-click to pick several states.'
                : `${states.length} selected: ${states.join(', ')}`}
            </p>
          </>
        ) : (
          <p className="field-hint">
            {currentBbox
              ? `Everything inside the map view (${currentBbox.map((n) => n.toFixed(1)).join(', ')}).`
              : 'Waiting for the map…'}
          </p>
        )}
      </fieldset>

      <div className="form-row">
        <Field label="Territories" htmlFor={`${id}-k`}>
          <input
            id={`${id}-k`}
            className="input"
            type="number"
            min={1}
            max={500}
            step={1}
            value={k}
            onChange={(e) => setK(e.target.value)}
            data-testid="territory-k"
          />
        </Field>
        <Field label="Tolerance ±%" htmlFor={`${id}-tolerance`}>
          <input
            id={`${id}-tolerance`}
            className="input"
            type="number"
            min={0.5}
            max={50}
            step={0.5}
            value={tolerance}
            onChange={(e) => setTolerance(e.target.value)}
            data-testid="territory-tolerance"
          />
        </Field>
      </div>

      <Field label="Balance on" htmlFor={`${id}-measure`}>
        <select
          id={`${id}-measure`}
          className="select"
          value={measure}
          onChange={(e) => {
            const value = e.target.value
            if (value === 'mix' || isMeasureName(value)) setMeasure(value)
          }}
          data-testid="territory-measure"
        >
          {measureOptions.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
          <option value="mix">A mix of two…</option>
        </select>
      </Field>

      {measure === 'mix' ? (
        <div className="plan-mix">
          <div className="form-row">
            <select
              className="select select-sm"
              aria-label="First measure"
              value={mixA}
              onChange={(e) => isMeasureName(e.target.value) && setMixA(e.target.value)}
            >
              {measureOptions.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
            <select
              className="select select-sm"
              aria-label="Second measure"
              value={mixB}
              onChange={(e) => isMeasureName(e.target.value) && setMixB(e.target.value)}
            >
              {measureOptions.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <label className="plan-share" htmlFor={`${id}-share`}>
            <span>{share}%</span>
            <input
              id={`${id}-share`}
              type="range"
              min={0}
              max={100}
              step={5}
              value={share}
              onChange={(e) => setShare(Number(e.target.value))}
              aria-valuetext={`${share}% first measure, ${100 - share}% second`}
            />
            <span>{100 - share}%</span>
          </label>
        </div>
      ) : null}

      {formError || apiError ? (
        <div className="form-error" role="alert">
          <AlertIcon size={16} />
          <span>{formError ?? (isApiError(apiError) ? apiError.message : 'The balance run failed.')}</span>
        </div>
      ) : null}

      <Button
        type="submit"
        variant="primary"
        className="btn-block"
        loading={balance.isPending}
        data-testid="territory-run"
      >
        {balance.isPending ? 'Balancing territories…' : 'Balance territories'}
      </Button>
    </form>
  )
}
