import type { MapViewState } from '@deck.gl/core'
import { Fragment, useId, useState } from 'react'
import type { Territory, TerritoryDraftDetail, TerritoryDraftSummary } from '../../api'
import { formatCentsCompact, formatCount } from '../../lib/format'
import { useEscape } from '../../lib/use-escape'
import { Button } from '../../ui/button'
import { CloseIcon } from '../../ui/icons'
import { Spinner } from '../../ui/spinner'
import { CompareMap } from './compare-map'
import { DraftStatusPill } from './draft-list'
import {
  describeMeasure,
  describeUnits,
  deviationTone,
  formatDeviation,
  metric,
  readBalanceRun,
} from './territory-balance'
import { rgbCss, territoryColor } from './territory-colors'
import { groupTerritories, hasHierarchy, type Subtotal } from './territory-groups'
import { useTerritoryDraft } from './use-territories'

type SharedView = { viewState: MapViewState | null; onViewStateChange: (viewState: MapViewState) => void }

type ComparePanelProps = {
  drafts: TerritoryDraftSummary[]
  initial: [number | null, number | null]
  onClose: () => void
  onActivate: (detail: TerritoryDraftDetail) => void
}

/** Two plans side by side: balance summary and per-territory metrics, with activate/restore on each. */
export function ComparePanel({ drafts, initial, onClose, onActivate }: ComparePanelProps) {
  const [left, setLeft] = useState<number | null>(initial[0])
  const [right, setRight] = useState<number | null>(initial[1])
  // One view for both maps: pan or zoom either and the other follows.
  const [viewState, setViewState] = useState<MapViewState | null>(null)
  const view = { viewState, onViewStateChange: setViewState }
  useEscape(onClose, true, true)
  return (
    <section className="compare-panel" aria-label="Compare plans" data-testid="territory-compare">
      <header className="compare-header">
        <h2 className="compare-title">Compare plans</h2>
        <button type="button" className="icon-btn" aria-label="Close comparison" onClick={onClose}>
          <CloseIcon size={16} />
        </button>
      </header>
      <div className="compare-columns">
        <CompareColumn
          drafts={drafts}
          draftId={left}
          onPick={setLeft}
          onActivate={onActivate}
          label="Plan A"
          view={view}
        />
        <CompareColumn
          drafts={drafts}
          draftId={right}
          onPick={setRight}
          onActivate={onActivate}
          label="Plan B"
          view={view}
        />
      </div>
    </section>
  )
}

function CompareColumn({
  drafts,
  draftId,
  onPick,
  onActivate,
  label,
  view,
}: {
  drafts: TerritoryDraftSummary[]
  draftId: number | null
  onPick: (id: number | null) => void
  onActivate: (detail: TerritoryDraftDetail) => void
  label: string
  view: SharedView
}) {
  const id = useId()
  const query = useTerritoryDraft(draftId)
  const detail = query.data
  return (
    <div className="compare-column">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className="select"
        value={draftId ?? ''}
        onChange={(e) => onPick(e.target.value ? Number(e.target.value) : null)}
        data-testid="compare-pick"
      >
        <option value="">Choose a plan…</option>
        {drafts.map((d) => (
          <option key={d.id} value={d.id}>
            #{d.id} {d.name} ({d.status})
          </option>
        ))}
      </select>
      {draftId === null ? null : query.isPending ? (
        <div className="compare-loading">
          <Spinner label="Loading plan" />
        </div>
      ) : !detail ? (
        <p className="muted">Could not load this plan.</p>
      ) : (
        <>
          <CompareMap
            detail={detail}
            viewState={view.viewState}
            onViewStateChange={view.onViewStateChange}
            label={`${label}: map of ${detail.draft.name}`}
          />
          <CompareDetail detail={detail} onActivate={onActivate} />
        </>
      )}
    </div>
  )
}

function CompareDetail({
  detail,
  onActivate,
}: {
  detail: TerritoryDraftDetail
  onActivate: (detail: TerritoryDraftDetail) => void
}) {
  const run = readBalanceRun(detail.balance)
  const rows: [string, string][] = [
    ['Building blocks', describeUnits(detail.draft.units)],
    ['Balanced on', describeMeasure(detail.draft.measure)],
    ['Territories', formatCount(detail.territories.length)],
    ['Balance score', `${detail.balance.balanceScore}/100`],
    ['Max deviation', `${detail.balance.maxDeviationPct.toFixed(1)}% (±${run.tolerancePct.toFixed(1)}% allowed)`],
    ['Contiguity', detail.balance.allContiguous ? 'All connected' : 'Some territories split'],
    ['Customers changing owner', run.customersChangingOwner === null ? '—' : formatCount(run.customersChangingOwner)],
    ['Version', `v${detail.draft.version}`],
  ]
  return (
    <>
      <div className="compare-status">
        <DraftStatusPill status={detail.draft.status} />
        {detail.draft.status !== 'active' ? (
          <Button size="sm" variant="secondary" onClick={() => onActivate(detail)}>
            {detail.draft.status === 'archived' ? 'Restore' : 'Activate'}
          </Button>
        ) : null}
      </div>
      <dl className="compare-facts">
        {rows.map(([k, v]) => (
          <div key={k} className="compare-fact">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <table className="territory-table compare-table">
        <thead>
          <tr>
            <th scope="col">Territory</th>
            <th scope="col" className="num">
              Customers
            </th>
            <th scope="col" className="num">
              Revenue
            </th>
            <th scope="col" className="num">
              Dev.
            </th>
          </tr>
        </thead>
        <tbody>
          {hasHierarchy(detail.territories)
            ? groupTerritories(detail.territories).map((region) => (
                <Fragment key={`r:${region.region ?? ''}`}>
                  <CompareSubtotal level="region" name={region.region} subtotal={region.subtotal} />
                  {region.districts.map((district) => (
                    <Fragment key={`d:${region.region ?? ''}:${district.district ?? ''}`}>
                      <CompareSubtotal level="district" name={district.district} subtotal={district.subtotal} />
                      {district.territories.map(({ territory, position }) => (
                        <CompareRow
                          key={territory.id}
                          t={territory}
                          position={position}
                          tolerancePct={run.tolerancePct}
                        />
                      ))}
                    </Fragment>
                  ))}
                </Fragment>
              ))
            : detail.territories.map((t, position) => (
                <CompareRow key={t.id} t={t} position={position} tolerancePct={run.tolerancePct} />
              ))}
        </tbody>
      </table>
    </>
  )
}

function CompareRow({ t, position, tolerancePct }: { t: Territory; position: number; tolerancePct: number }) {
  return (
    <tr data-testid="compare-territory-row">
      <td>
        <span className="territory-name-cell">
          <span
            className="territory-swatch"
            style={{ background: rgbCss(territoryColor(position)) }}
            aria-hidden="true"
          />
          <span className="territory-name">{t.name}</span>
        </span>
        <span className="territory-sub">{t.repName ?? 'Unassigned'}</span>
      </td>
      <td className="num">{formatCount(metric(t.metrics, 'customers'))}</td>
      <td className="num">{formatCentsCompact(metric(t.metrics, 'revenue12mCents'))}</td>
      <td className="num">
        <span className={`deviation deviation-${deviationTone(t.metrics.deviationPct, tolerancePct)}`}>
          {formatDeviation(t.metrics.deviationPct)}
        </span>
      </td>
    </tr>
  )
}

function CompareSubtotal({
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
    <tr className={`territory-group territory-group-${level}`} data-testid={`compare-${level}-row`} data-name={label}>
      <th scope="rowgroup">
        <span className={name ? undefined : 'muted'}>{label}</span>
        <span className="territory-group-count">{subtotal.territories}</span>
      </th>
      <td className="num">{formatCount(subtotal.customers)}</td>
      <td className="num">{formatCentsCompact(subtotal.revenue12mCents)}</td>
      <td />
    </tr>
  )
}
