import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useMemo, useState } from 'react'
import {
  type DayPlan,
  getGoogleMapsLinks,
  isApiError,
  type OptimizeDayRequest,
  optimizeVisitDay,
  type PlannedStop,
  retimeVisitDay,
  type SavedDayPlan,
  saveDayPlan,
  type User,
  type VisitPlace,
  type VisitSuggestion,
  visitPlanFileUrl,
} from '../../api'
import { Banner } from '../../ui/banner'
import { Button, IconButton } from '../../ui/button'
import { EmptyState } from '../../ui/empty-state'
import { Field } from '../../ui/field'
import { CarIcon, CloseIcon, PinIcon } from '../../ui/icons'
import { Pill } from '../../ui/pill'
import { CenteredSpinner } from '../../ui/spinner'
import { CheckInDialog } from './check-in-dialog'
import { DayTimeline } from './day-timeline'
import { VisitReportTable } from './report-table'
import { clock, formatDistanceKm, formatDuration, localIsoDate, minutesOf, mondayOf, unscheduledReasons } from './time'
import { useSavedDayPlan, useVisitReps, useVisitSuggestions, visitKeys } from './use-visits'
import type { CandidatePoint } from './visit-layers'
import { VisitsMap } from './visits-map'
import { WeekPanel } from './week-panel'

type Tab = 'day' | 'week' | 'report'
type StartKind = 'home' | 'current' | 'office'

type StopDraft = {
  customerId: number
  name: string
  tier: string
  defaultDurationMin: number
  durationMin: string
  windowFrom: string
  windowTo: string
}

function draftFromSuggestion(s: VisitSuggestion): StopDraft {
  return {
    customerId: s.customerId,
    name: s.name,
    tier: s.tier,
    defaultDurationMin: s.defaultDurationMin,
    durationMin: '',
    windowFrom: '',
    windowTo: '',
  }
}

function windowError(stop: StopDraft): string | null {
  const from = minutesOf(stop.windowFrom)
  const to = minutesOf(stop.windowTo)
  if ((from === null) !== (to === null)) return 'Give both opening and closing time'
  if (from !== null && to !== null && to < from) return 'Closes before it opens'
  return null
}

function tierLabel(tier: string): string {
  return tier === 'prospect' ? 'Prospect' : tier === 'none' ? '—' : `Tier ${tier}`
}

function browserPosition(): Promise<{ lng: number; lat: number }> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) {
      reject(new Error('This browser cannot report its position; start from home or an office.'))
      return
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lng: p.coords.longitude, lat: p.coords.latitude }),
      () => reject(new Error('Your position is not available; start from home or an office.')),
      { timeout: 8000, maximumAge: 60_000 },
    )
  })
}

/** "41.88, -87.63" as a point, or null when it is not one. */
function parseLatLng(text: string): { lng: number; lat: number } | null {
  const [lat, lng] = text.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part.trim())))
  if (lat === undefined || lng === undefined || !Number.isFinite(lat) || !Number.isFinite(lng)) return null
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return null
  return { lng, lat }
}

/** Field visits: who to visit, the day's route and timeline, the week, and (managers) planned versus done. */
export function VisitsView({ user }: { user: User }) {
  const id = useId()
  const queryClient = useQueryClient()
  const planner = user.role === 'admin' || user.role === 'manager'
  const reps = useVisitReps()
  const [chosenRep, setChosenRep] = useState<number | null>(null)
  const repId = planner ? (chosenRep ?? reps.data?.[0]?.id) : undefined
  const [date, setDate] = useState(localIsoDate())
  const [tab, setTab] = useState<Tab>('day')

  const [startKind, setStartKind] = useState<StartKind>('home')
  const [office, setOffice] = useState('')
  const [dayStart, setDayStart] = useState('08:00')
  const [dayEnd, setDayEnd] = useState('18:00')
  const [lunch, setLunch] = useState(true)
  const [stops, setStops] = useState<StopDraft[]>([])
  const [plan, setPlan] = useState<DayPlan | null>(null)
  const [version, setVersion] = useState(0)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [links, setLinks] = useState<string[] | null>(null)
  const [checkingIn, setCheckingIn] = useState<PlannedStop | null>(null)
  const [checkedIn, setCheckedIn] = useState<Map<number, boolean | null>>(new Map())

  const ready = !planner || repId !== undefined
  // Suggestions are "within reach of the start": the home base, the office typed in, or the device's position.
  const [devicePosition, setDevicePosition] = useState<{ lng: number; lat: number } | null>(null)
  useEffect(() => {
    if (startKind !== 'current') return
    browserPosition()
      .then(setDevicePosition)
      .catch((e: Error) => setError(e.message))
  }, [startKind])
  const officePoint = parseLatLng(office)
  const origin = startKind === 'office' ? officePoint : startKind === 'current' ? devicePosition : null
  const suggestions = useVisitSuggestions(repId, date, origin, ready)
  const saved = useSavedDayPlan(repId, date, ready)

  // A saved plan for this rep and day replaces the draft once, when it arrives.
  const loadKey = `${repId ?? 'me'}:${date}`
  const [loadedKey, setLoadedKey] = useState('')
  useEffect(() => {
    if (saved.isPending || loadedKey === loadKey) return
    setLoadedKey(loadKey)
    applySaved(saved.data ?? null)
  })

  function applySaved(data: SavedDayPlan | null) {
    setLinks(null)
    setError(null)
    if (!data) {
      setStops([])
      setPlan(null)
      setVersion(0)
      setCheckedIn(new Map())
      return
    }
    const request = data.request
    setStops(
      request.stops.map((s) => {
        const planned = data.plan.stops.find((p) => p.customerId === s.customerId)
        const unscheduled = data.plan.unscheduled.find((u) => u.customerId === s.customerId)
        return {
          customerId: s.customerId,
          name: planned?.name ?? unscheduled?.name ?? `Customer ${s.customerId}`,
          tier: planned?.tier ?? '',
          defaultDurationMin: planned?.durationMin ?? 30,
          durationMin: s.durationMin === undefined ? '' : String(s.durationMin),
          windowFrom: s.window ? clock(s.window[0]) : '',
          windowTo: s.window ? clock(s.window[1]) : '',
        }
      }),
    )
    setDayStart(clock(request.dayStartMin))
    setDayEnd(clock(request.dayEndMin))
    setLunch(Boolean(request.lunchBreak))
    setStartKind(request.start.kind)
    if (request.start.kind === 'office') setOffice(`${request.start.lat}, ${request.start.lng}`)
    setPlan(data.plan.stops.length > 0 ? data.plan : null)
    setVersion(data.version)
    setCheckedIn(new Map(data.checkIns.map((c) => [c.customerId, c.withinRadius])))
  }

  const selected = useMemo(() => new Set(stops.map((s) => s.customerId)), [stops])
  const candidates = useMemo<CandidatePoint[]>(
    () =>
      (suggestions.data?.items ?? []).map((s) => ({
        customerId: s.customerId,
        name: s.name,
        lng: s.lng,
        lat: s.lat,
        selected: selected.has(s.customerId),
      })),
    [suggestions.data, selected],
  )
  const suggestionById = useMemo(
    () => new Map((suggestions.data?.items ?? []).map((s) => [s.customerId, s])),
    [suggestions.data],
  )

  const addStops = (ids: number[]) => {
    setStops((current) => {
      const have = new Set(current.map((s) => s.customerId))
      const added = ids
        .filter((cid) => !have.has(cid))
        .map((cid) => suggestionById.get(cid))
        .filter((s): s is VisitSuggestion => s !== undefined)
        .map(draftFromSuggestion)
      return [...current, ...added]
    })
  }
  const toggleStop = (customerId: number) => {
    if (selected.has(customerId)) setStops((current) => current.filter((s) => s.customerId !== customerId))
    else addStops([customerId])
  }
  const updateStop = (customerId: number, patch: Partial<StopDraft>) =>
    setStops((current) => current.map((s) => (s.customerId === customerId ? { ...s, ...patch } : s)))

  const settingsError = (() => {
    const a = minutesOf(dayStart)
    const b = minutesOf(dayEnd)
    if (a === null || b === null) return 'Set when the day starts and ends'
    if (b < a) return 'The day ends before it starts'
    return null
  })()
  const invalidStop = stops.some((s) => windowError(s) !== null)

  async function place(): Promise<VisitPlace> {
    if (startKind === 'home') return { kind: 'home' }
    if (startKind === 'current') return { kind: 'current', ...(await browserPosition()) }
    if (!officePoint) throw new Error('Give the office as “latitude, longitude”.')
    return { kind: 'office', ...officePoint, label: 'Office' }
  }

  async function request(): Promise<OptimizeDayRequest> {
    return {
      repId,
      date,
      start: await place(),
      dayStartMin: minutesOf(dayStart) ?? 480,
      dayEndMin: minutesOf(dayEnd) ?? 1080,
      lunchBreak: lunch ? { durationMin: 30, window: [12 * 60, 14 * 60] } : undefined,
      stops: stops.map((s) => {
        const from = minutesOf(s.windowFrom)
        const to = minutesOf(s.windowTo)
        const duration = s.durationMin.trim() === '' ? undefined : Number(s.durationMin)
        return {
          customerId: s.customerId,
          durationMin: duration !== undefined && Number.isFinite(duration) ? duration : undefined,
          window: from !== null && to !== null ? ([from, to] as [number, number]) : undefined,
        }
      }),
    }
  }

  /** Saves the order shown (the server re-times it) so exports, check-ins and the report see it. */
  async function persist(body: OptimizeDayRequest, order: number[]) {
    try {
      const result = await saveDayPlan({ ...body, order, expectedVersion: version })
      setVersion(result.version)
      setPlan(result.plan)
      queryClient.setQueryData(visitKeys.plan(repId, date), result)
    } catch (e) {
      if (isApiError(e) && e.code === 'version_conflict') {
        setError(`${e.message}`)
      } else {
        setError(isApiError(e) ? e.message : 'Could not save the plan.')
      }
    }
  }

  async function run(task: () => Promise<void>) {
    setBusy(true)
    setError(null)
    setLinks(null)
    try {
      await task()
    } catch (e) {
      setError(isApiError(e) || e instanceof Error ? e.message : 'Something went wrong.')
    } finally {
      setBusy(false)
    }
  }

  const optimise = () =>
    run(async () => {
      const body = await request()
      const result = await optimizeVisitDay(body)
      setPlan(result)
      await persist(
        body,
        result.stops.map((s) => s.customerId),
      )
    })

  const reorder = (order: number[]) =>
    run(async () => {
      const body = await request()
      // Re-time at once for the screen, then keep it.
      const result = await retimeVisitDay({ ...body, order })
      setPlan(result)
      await persist(body, order)
    })

  const openGoogle = () =>
    run(async () => {
      const found = await getGoogleMapsLinks(date, repId)
      setLinks(found)
      if (found.length === 1 && found[0]) window.open(found[0], '_blank', 'noopener')
    })

  const reload = async () => {
    const fresh = await saved.refetch()
    applySaved(fresh.data ?? null)
  }

  const inPlan = new Set([
    ...(plan?.stops.map((s) => s.customerId) ?? []),
    ...(plan?.unscheduled.map((u) => u.customerId) ?? []),
  ])
  const pendingStops = plan ? stops.filter((s) => !inPlan.has(s.customerId)).length : 0
  const weekStart = mondayOf(date)
  const lunchBreak = lunch ? { durationMin: 30, window: [720, 840] as [number, number] } : undefined

  return (
    <div className="workspace visits-workspace" data-testid="visits-view">
      <aside className="sidebar visits-sidebar" aria-label="Plan visits">
        <div className="visits-sidebar-scroll">
          <header className="results-header">
            <h2 className="results-title">Field visits</h2>
          </header>
          <div className="visits-controls">
            {planner ? (
              <Field label="Rep" htmlFor={`${id}-rep`}>
                <select
                  id={`${id}-rep`}
                  className="select"
                  value={repId ?? ''}
                  onChange={(e) => setChosenRep(Number(e.target.value))}
                  data-testid="visits-rep"
                >
                  {(reps.data ?? []).map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name}
                      {r.homeLabel ? ` · ${r.homeLabel}` : ''}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
            <Field label="Day" htmlFor={`${id}-date`}>
              <input
                id={`${id}-date`}
                className="input"
                type="date"
                value={date}
                onChange={(e) => e.target.value && setDate(e.target.value)}
                data-testid="visits-date"
              />
            </Field>
            <div className="segmented visits-tabs" role="tablist" aria-label="Visits views">
              {(['day', 'week', ...(planner ? ['report'] : [])] as Tab[]).map((t) => (
                <button
                  key={t}
                  type="button"
                  role="tab"
                  aria-selected={tab === t}
                  className={`segmented-item${tab === t ? ' is-on' : ''}`}
                  onClick={() => setTab(t)}
                  data-testid={`visits-tab-${t}`}
                >
                  {t === 'day' ? 'Day' : t === 'week' ? 'Week' : 'Planned vs done'}
                </button>
              ))}
            </div>
          </div>

          {tab === 'report' ? (
            <p className="muted visits-report-note">
              Planned stops come from saved day plans; done visits from check-ins. “Of planned” counts check-ins at a
              stop of that day’s plan, “on site” those within 200 m of the customer.
            </p>
          ) : (
            <>
              <section className="visits-section" aria-label="Day settings">
                <h3 className="section-title">The day</h3>
                <div className="visits-grid">
                  <Field label="Start and end" htmlFor={`${id}-start`}>
                    <select
                      id={`${id}-start`}
                      className="select"
                      value={startKind}
                      onChange={(e) => setStartKind(e.target.value as StartKind)}
                      data-testid="visits-start"
                    >
                      <option value="home">Home base</option>
                      <option value="office">Office</option>
                      <option value="current">Current position</option>
                    </select>
                  </Field>
                  {startKind === 'office' ? (
                    <div className="visits-span">
                      <Field label="Office (lat, lng)" htmlFor={`${id}-office`}>
                        <input
                          id={`${id}-office`}
                          className="input"
                          value={office}
                          placeholder="41.88, -87.63"
                          onChange={(e) => setOffice(e.target.value)}
                          data-testid="visits-office"
                        />
                      </Field>
                    </div>
                  ) : null}
                  <Field label="Day starts" htmlFor={`${id}-day-start`}>
                    <input
                      id={`${id}-day-start`}
                      className="input"
                      type="time"
                      value={dayStart}
                      onChange={(e) => setDayStart(e.target.value)}
                    />
                  </Field>
                  <Field label="Day ends" htmlFor={`${id}-day-end`} error={settingsError}>
                    <input
                      id={`${id}-day-end`}
                      className="input"
                      type="time"
                      value={dayEnd}
                      onChange={(e) => setDayEnd(e.target.value)}
                    />
                  </Field>
                </div>
                <label className="checkbox">
                  <input type="checkbox" checked={lunch} onChange={(e) => setLunch(e.target.checked)} /> Lunch break, 30
                  min between 12:00 and 14:00
                </label>
              </section>

              {tab === 'week' ? (
                <WeekPanel
                  repId={repId}
                  weekStart={weekStart}
                  start={{ kind: 'home' }}
                  dayStartMin={minutesOf(dayStart) ?? 480}
                  dayEndMin={minutesOf(dayEnd) ?? 1080}
                  lunchBreak={lunchBreak}
                  customerIds={
                    stops.length > 0
                      ? stops.map((s) => s.customerId)
                      : (suggestions.data?.items ?? []).slice(0, 15).map((s) => s.customerId)
                  }
                />
              ) : (
                <>
                  <section className="visits-section" aria-label="Stops">
                    <div className="section-header">
                      <h3 className="section-title">Stops ({stops.length})</h3>
                      {stops.length > 0 ? (
                        <Button size="sm" variant="ghost" onClick={() => setStops([])}>
                          Clear
                        </Button>
                      ) : null}
                    </div>
                    {stops.length === 0 ? (
                      <p className="muted">Add customers from the suggestions below or by clicking them on the map.</p>
                    ) : (
                      <ul className="visits-stops" data-testid="visit-stops">
                        {stops.map((s) => {
                          const problem = windowError(s)
                          return (
                            <li key={s.customerId} className="visits-stop" data-testid="visit-stop">
                              <div className="visits-stop-head">
                                <span className="visits-stop-name">{s.name}</span>
                                {s.tier ? <Pill tone="muted">{tierLabel(s.tier)}</Pill> : null}
                                <IconButton label={`Remove ${s.name}`} onClick={() => toggleStop(s.customerId)}>
                                  <CloseIcon size={14} />
                                </IconButton>
                              </div>
                              <div className="visits-stop-fields">
                                <label>
                                  <span className="sr-only">Visit minutes for {s.name}</span>
                                  <input
                                    className="input input-sm"
                                    type="number"
                                    min={0}
                                    max={720}
                                    placeholder={`${s.defaultDurationMin} min`}
                                    value={s.durationMin}
                                    onChange={(e) => updateStop(s.customerId, { durationMin: e.target.value })}
                                    title="Visit length in minutes (default from the tier)"
                                  />
                                </label>
                                <label>
                                  <span className="sr-only">Opens</span>
                                  <input
                                    className="input input-sm"
                                    type="time"
                                    value={s.windowFrom}
                                    onChange={(e) => updateStop(s.customerId, { windowFrom: e.target.value })}
                                    title="Opens"
                                  />
                                </label>
                                <span aria-hidden="true">–</span>
                                <label>
                                  <span className="sr-only">Closes</span>
                                  <input
                                    className="input input-sm"
                                    type="time"
                                    value={s.windowTo}
                                    onChange={(e) => updateStop(s.customerId, { windowTo: e.target.value })}
                                    title="Closes"
                                  />
                                </label>
                              </div>
                              {problem ? <p className="field-error">{problem}</p> : null}
                            </li>
                          )
                        })}
                      </ul>
                    )}
                    <Button
                      variant="primary"
                      icon={<CarIcon size={16} />}
                      onClick={optimise}
                      loading={busy}
                      disabled={stops.length === 0 || settingsError !== null || invalidStop}
                      data-testid="optimise"
                    >
                      Optimise route
                    </Button>
                  </section>

                  <section className="visits-section" aria-label="Suggestions">
                    <h3 className="section-title">Who to visit</h3>
                    {suggestions.isPending ? (
                      <CenteredSpinner label="Ranking customers" />
                    ) : suggestions.isError ? (
                      <Banner>
                        {isApiError(suggestions.error) ? suggestions.error.message : 'Could not load suggestions.'}
                      </Banner>
                    ) : suggestions.data.items.length === 0 ? (
                      <EmptyState icon={<PinIcon size={22} />} title="No customers in reach">
                        None of {planner ? 'this rep’s' : 'your'} customers lies within {suggestions.data.radiusKm} km
                        of {suggestions.data.origin.label}.
                      </EmptyState>
                    ) : (
                      <ol className="visits-suggestions" data-testid="visit-suggestions">
                        {suggestions.data.items.slice(0, 12).map((s) => (
                          <li key={s.customerId} className="visits-suggestion" data-testid="visit-suggestion">
                            <div className="visits-suggestion-head">
                              <span className="visits-score" title="Priority score">
                                {s.score}
                              </span>
                              <span className="visits-stop-name">{s.name}</span>
                              <Pill tone={s.status === 'prospect' ? 'prospect' : 'active'}>{tierLabel(s.tier)}</Pill>
                              <Button
                                size="sm"
                                variant={selected.has(s.customerId) ? 'ghost' : 'secondary'}
                                onClick={() => toggleStop(s.customerId)}
                                aria-pressed={selected.has(s.customerId)}
                                data-testid="suggestion-toggle"
                              >
                                {selected.has(s.customerId) ? 'Added' : 'Add'}
                              </Button>
                            </div>
                            <ul className="visits-reasons">
                              {s.reasons.map((r) => (
                                <li key={r.code}>
                                  <span className={`visits-points${r.points < 0 ? ' is-negative' : ''}`}>
                                    {r.points > 0 ? `+${r.points}` : r.points}
                                  </span>{' '}
                                  {r.label}
                                </li>
                              ))}
                            </ul>
                          </li>
                        ))}
                      </ol>
                    )}
                  </section>
                </>
              )}
            </>
          )}
        </div>
      </aside>

      {tab === 'report' ? (
        <main className="visits-report-main" aria-label="Planned versus done">
          <VisitReportTable />
        </main>
      ) : null}
      <main className="map-area visits-map-area" aria-label="Visit map" hidden={tab === 'report'}>
        <VisitsMap
          candidates={candidates}
          plan={tab === 'day' ? plan : null}
          revision={[...selected].join(',')}
          onToggle={toggleStop}
          onBoxSelect={addStops}
          fitKey={loadKey}
        />
      </main>

      {tab === 'day' ? (
        <aside className="visits-plan-panel" aria-label="Day plan">
          <header className="results-header">
            <h2 className="results-title">Day plan</h2>
            {version > 0 ? <span className="muted">Saved · v{version}</span> : null}
          </header>
          <div className="visits-plan-scroll">
            {error ? (
              <Banner
                action={
                  error.includes('reload') ? (
                    <Button size="sm" onClick={reload}>
                      Reload
                    </Button>
                  ) : undefined
                }
                onDismiss={() => setError(null)}
              >
                {error}
              </Banner>
            ) : null}
            {saved.isPending ? (
              <CenteredSpinner label="Loading the day" />
            ) : !plan ? (
              <EmptyState icon={<CarIcon size={22} />} title="No route yet">
                Pick stops and press Optimise route: the order, arrival times and the day’s timeline appear here.
              </EmptyState>
            ) : (
              <>
                <dl className="panel-kpis visits-kpis" data-testid="visit-totals">
                  <div className="kpi">
                    <dt className="kpi-label">Stops</dt>
                    <dd className="kpi-value kpi-value-sm">{plan.stops.length}</dd>
                  </div>
                  <div className="kpi">
                    <dt className="kpi-label">Distance</dt>
                    <dd className="kpi-value kpi-value-sm">{formatDistanceKm(plan.totalDistanceM)}</dd>
                  </div>
                  <div className="kpi">
                    <dt className="kpi-label">Driving</dt>
                    <dd className="kpi-value kpi-value-sm">{formatDuration(plan.drivingMin)}</dd>
                  </div>
                  <div className="kpi">
                    <dt className="kpi-label">Back at</dt>
                    <dd className="kpi-value kpi-value-sm">{clock(plan.endMin)}</dd>
                  </div>
                </dl>
                {pendingStops > 0 ? (
                  <Banner tone="info">
                    {pendingStops === 1 ? '1 new stop is' : `${pendingStops} new stops are`} not in the route yet.
                    Optimise the route to include {pendingStops === 1 ? 'it' : 'them'}.
                  </Banner>
                ) : null}
                {!plan.feasible ? (
                  <Banner>
                    This order breaks{' '}
                    {plan.violations.length === 1 ? 'a promise' : `${plan.violations.length} promises`}:{' '}
                    {plan.violations
                      .map((v) =>
                        v.reason === 'late'
                          ? 'a late arrival'
                          : v.reason === 'day_end'
                            ? 'the day end'
                            : 'the lunch break',
                      )
                      .join(', ')}
                    . Optimise again to fix it.
                  </Banner>
                ) : null}
                <DayTimeline
                  plan={plan}
                  checkedIn={checkedIn}
                  busy={busy}
                  onReorder={reorder}
                  onCheckIn={setCheckingIn}
                />
                {plan.unscheduled.length > 0 ? (
                  <section className="visits-unscheduled" data-testid="visit-unscheduled">
                    <h3 className="section-title">Could not fit</h3>
                    <ul>
                      {plan.unscheduled.map((u) => (
                        <li key={u.customerId}>
                          <strong>{u.name}</strong> — {unscheduledReasons[u.reason] ?? u.reason}
                        </li>
                      ))}
                    </ul>
                  </section>
                ) : null}
                <section className="visits-section visits-exports" aria-label="Take it along">
                  <h3 className="section-title">Take it along</h3>
                  <div className="visits-export-buttons">
                    <Button size="sm" onClick={openGoogle} disabled={version === 0 || busy} data-testid="export-google">
                      Google Maps
                    </Button>
                    <a
                      className="btn btn-secondary btn-sm"
                      href={visitPlanFileUrl(date, 'gpx', repId)}
                      download
                      aria-disabled={version === 0}
                      data-testid="export-gpx"
                    >
                      GPX
                    </a>
                    <a
                      className="btn btn-secondary btn-sm"
                      href={visitPlanFileUrl(date, 'ics', repId)}
                      download
                      aria-disabled={version === 0}
                      data-testid="export-ics"
                    >
                      Calendar (ICS)
                    </a>
                  </div>
                  {links && links.length > 1 ? (
                    <ol className="visits-links">
                      {links.map((link, i) => (
                        <li key={link}>
                          <a href={link} target="_blank" rel="noreferrer">
                            Directions part {i + 1} of {links.length}
                          </a>
                        </li>
                      ))}
                    </ol>
                  ) : null}
                </section>
              </>
            )}
          </div>
        </aside>
      ) : null}

      {checkingIn ? (
        <CheckInDialog
          stop={checkingIn}
          date={date}
          onCancel={() => setCheckingIn(null)}
          onDone={(within) => {
            setCheckedIn((current) => new Map(current).set(checkingIn.customerId, within))
            setCheckingIn(null)
            void queryClient.invalidateQueries({ queryKey: ['customer', checkingIn.customerId] })
          }}
        />
      ) : null}
    </div>
  )
}
