import { useMemo } from 'react'
import { isApiError } from '../../api'
import { formatCentsCompact, formatCount, formatCountCompact, formatDate } from '../../lib/format'
import { Banner } from '../../ui/banner'
import { EmptyState } from '../../ui/empty-state'
import { PinIcon } from '../../ui/icons'
import { CenteredSpinner } from '../../ui/spinner'
import { metric } from './territory-balance'
import { rgbCss, territoryColor } from './territory-colors'
import { TerritoryMap } from './territory-map'
import { buildPlanningUnits, countyId, unitKindOf } from './territory-units'
import { useActiveTerritories, useCounties } from './use-territories'

/**
 * Read-only view of the active alignment: a rep sees the territories assigned to them (the API filters),
 * other non-planning roles see all of them.
 */
export function MyTerritoryView({ ownOnly }: { ownOnly: boolean }) {
  const title = ownOnly ? 'My territory' : 'Active territories'
  const active = useActiveTerritories()
  const counties = useCounties(true)
  const detail = active.data ?? null
  const territories = detail?.territories
  const unitKind = detail ? unitKindOf(detail.draft.units) : 'county'
  const units = useMemo(
    () => buildPlanningUnits(territories ?? [], unitKind, counties.data),
    [territories, unitKind, counties.data],
  )
  const countyFeatures = useMemo(
    () => (unitKind === 'county' && counties.data ? counties.data.features.filter((f) => units.has(countyId(f))) : []),
    [unitKind, counties.data, units],
  )

  return (
    <div className="workspace">
      <aside className="sidebar territory-sidebar" aria-label={title}>
        <div className="territory-sidebar-scroll">
          <header className="results-header">
            <h2 className="results-title">{title}</h2>
          </header>
          <div className="my-territory" data-testid="my-territory">
            {active.isPending ? (
              <CenteredSpinner label="Loading your territory" />
            ) : active.isError ? (
              <Banner>Could not load your territory. {isApiError(active.error) ? active.error.message : ''}</Banner>
            ) : !detail || detail.territories.length === 0 ? (
              <EmptyState
                icon={<PinIcon size={22} />}
                title={ownOnly ? 'No territory assigned' : 'No active territories'}
              >
                {detail && ownOnly
                  ? 'The active alignment does not assign you a territory yet. Ask your manager.'
                  : 'No territory alignment is active yet.'}
              </EmptyState>
            ) : (
              <>
                <p className="muted">
                  From “{detail.draft.name}”
                  {detail.draft.activatedAt ? `, active since ${formatDate(detail.draft.activatedAt)}` : ''}.
                </p>
                {detail.territories.map((t, i) => (
                  <section
                    key={t.id}
                    className="my-territory-card"
                    data-testid="territory-row"
                    data-territory-id={t.id}
                  >
                    <h3 className="my-territory-name">
                      <span
                        className="territory-swatch"
                        style={{ background: rgbCss(territoryColor(i)) }}
                        aria-hidden="true"
                      />
                      {t.name}
                    </h3>
                    {t.regionName || t.districtName ? (
                      <p className="muted">{[t.regionName, t.districtName].filter(Boolean).join(' · ')}</p>
                    ) : null}
                    <dl className="panel-kpis">
                      <div className="kpi">
                        <dt className="kpi-label">Customers</dt>
                        <dd className="kpi-value" data-testid="territory-metric-customers">
                          {formatCount(metric(t.metrics, 'customers'))}
                        </dd>
                      </div>
                      <div className="kpi">
                        <dt className="kpi-label">Active</dt>
                        <dd className="kpi-value">{formatCount(metric(t.metrics, 'activeCustomers'))}</dd>
                      </div>
                      <div className="kpi">
                        <dt className="kpi-label">Revenue 12m</dt>
                        <dd className="kpi-value">{formatCentsCompact(metric(t.metrics, 'revenue12mCents'))}</dd>
                      </div>
                      <div className="kpi">
                        <dt className="kpi-label">Open prospects</dt>
                        <dd className="kpi-value">{formatCount(metric(t.metrics, 'openProspects'))}</dd>
                      </div>
                      <div className="kpi">
                        <dt className="kpi-label">Workload</dt>
                        <dd className="kpi-value">
                          {metric(t.metrics, 'workloadHours').toFixed(0)}
                          <span className="kpi-unit"> h/mo</span>
                        </dd>
                      </div>
                      <div className="kpi">
                        <dt className="kpi-label">Population</dt>
                        <dd className="kpi-value">{formatCountCompact(metric(t.metrics, 'population'))}</dd>
                      </div>
                    </dl>
                    <p className="muted">
                      {formatCount(metric(t.metrics, 'units'))} {unitKind === 'county' ? 'counties' : 'cells'} ·{' '}
                      {formatCountCompact(Math.round(metric(t.metrics, 'areaKm2')))} km²
                    </p>
                  </section>
                ))}
              </>
            )}
          </div>
        </div>
      </aside>
      <div className="territory-main">
        <main className="map-area" aria-label={`${title} map`}>
          <TerritoryMap
            territories={territories ?? []}
            unitKind={unitKind}
            units={units}
            countyFeatures={countyFeatures}
            revision={detail ? `${detail.draft.id}:${detail.draft.version}` : ''}
            targetId={null}
            fitKey={detail && units.size > 0 ? detail.draft.id : null}
          />
        </main>
      </div>
    </div>
  )
}
