import type { TerritoryDraftDetail } from '../../api'
import { formatCount } from '../../lib/format'
import { describeMeasure, describeUnits, readBalanceRun } from './territory-balance'

const noteTitles: Record<string, string> = {
  unit_heavier_than_target: 'Unit heavier than the target',
  island: 'Island',
  disconnected_scope: 'Disconnected area',
  tolerance_not_reached: 'Tolerance not reached',
}

/** Score, worst deviation and the run's own notes, stated plainly (a plan that missed is shown as missed). */
export function BalanceSummary({ detail }: { detail: TerritoryDraftDetail }) {
  const { balance, draft } = detail
  const run = readBalanceRun(balance)
  const withinTolerance = balance.maxDeviationPct <= run.tolerancePct + 1e-9
  const notes = balance.notes ?? []
  return (
    <div className="balance-summary" data-testid="balance-summary">
      <dl className="balance-kpis">
        <div className="kpi">
          <dt className="kpi-label">Balance score</dt>
          <dd className="kpi-value" data-testid="balance-score">
            {balance.balanceScore}
            <span className="kpi-unit">/100</span>
          </dd>
        </div>
        <div className="kpi">
          <dt className="kpi-label">Max deviation</dt>
          <dd
            className={`kpi-value deviation-text-${withinTolerance ? 'ok' : 'bad'}`}
            data-testid="balance-max-deviation"
          >
            {balance.maxDeviationPct.toFixed(1)}%
            <span className="kpi-unit">±{run.tolerancePct.toFixed(1)}% allowed</span>
          </dd>
        </div>
        <div className="kpi">
          <dt className="kpi-label">Contiguity</dt>
          <dd className="kpi-value kpi-value-sm">
            {balance.allContiguous
              ? 'All connected'
              : `${balance.contiguous.filter((c) => !c).length} split territor${balance.contiguous.filter((c) => !c).length === 1 ? 'y' : 'ies'}`}
          </dd>
        </div>
        <div className="kpi">
          <dt className="kpi-label">Customers changing owner</dt>
          <dd className="kpi-value kpi-value-sm">
            {run.customersChangingOwner === null ? '—' : formatCount(run.customersChangingOwner)}
            <span className="kpi-unit">when balanced</span>
          </dd>
        </div>
      </dl>
      <p className="balance-meta">
        {describeUnits(draft.units)} · balanced on {describeMeasure(draft.measure)}
        {run.runtimeMs !== null
          ? ` · run took ${run.runtimeMs < 1000 ? `${run.runtimeMs} ms` : `${(run.runtimeMs / 1000).toFixed(1)} s`}`
          : ''}
        {run.unitsChanged ? ` · ${formatCount(run.unitsChanged)} refinement moves` : ''}
        {run.reachedTolerance === false ? ' · the run did not reach the tolerance' : ''}
      </p>
      {notes.length > 0 && draft.version > 1 ? (
        <p className="balance-notes-caption">From the balance run, before the manual edits since:</p>
      ) : null}
      {notes.length > 0 ? (
        <ul className="balance-notes" aria-label="Notes from the balance run" data-testid="balance-notes">
          {notes.map((note, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: notes are static for a run
            <li key={i} className={`balance-note balance-note-${note.code}`}>
              <strong>{noteTitles[note.code] ?? note.code}</strong> {note.message}
              {note.unitIds && note.unitIds.length > 0 ? (
                <span className="balance-note-units">
                  {' '}
                  ({note.unitIds.slice(0, 6).join(', ')}
                  {note.unitIds.length > 6 ? ` +${note.unitIds.length - 6}` : ''})
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}
