import type { Map as MapLibreMap } from 'maplibre-gl'
import { type ChangeEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import {
  type Bbox,
  exportUrl,
  isApiError,
  type TerritoryDraftDetail,
  type TerritoryPatch,
  territoryDraftGeojsonUrl,
} from '../../api'
import { formatCount, formatDateTime } from '../../lib/format'
import { useEscape } from '../../lib/use-escape'
import type { MapViewport } from '../../map/viewport'
import { Banner } from '../../ui/banner'
import { Button } from '../../ui/button'
import { EmptyState } from '../../ui/empty-state'
import { CenteredSpinner } from '../../ui/spinner'
import { ActivateDialog } from './activate-dialog'
import { BalanceSummary } from './balance-summary'
import { ComparePanel } from './compare-panel'
import { DraftList, DraftStatusPill } from './draft-list'
import { PlanForm } from './plan-form'
import { readBalanceRun } from './territory-balance'
import { rgbCss, territoryColor } from './territory-colors'
import { TerritoryMap } from './territory-map'
import { TerritoryTable } from './territory-table'
import { buildPlanningUnits, countyId, type PlanningUnit, unitKindOf } from './territory-units'
import {
  useActivateDraft,
  useCounties,
  useDraftUnits,
  useDrawPolygon,
  useImportTerritories,
  useMoveUnits,
  usePatchTerritory,
  useTerritoryDraft,
  useTerritoryDrafts,
} from './use-territories'

/** The outer ring (open, without the closing point) of a drawn area's largest part, for vertex editing. */
function outerRing(area: { coordinates: [number, number][][][] }): [number, number][] | null {
  let best: [number, number][] | null = null
  for (const polygon of area.coordinates) {
    const ring = polygon[0]
    if (ring && (!best || ring.length > best.length)) best = ring
  }
  if (!best || best.length < 4) return null
  return best.slice(0, -1).map(([lng, lat]) => [lng, lat])
}

function errorMessage(error: unknown): string {
  return isApiError(error) ? error.message : 'Something went wrong. Try again.'
}

type DrawNote = { tone: 'ok' | 'error'; text: string }

const drawErrorHints: Record<string, string> = {
  polygon_self_intersects: 'The outline crosses itself; draw it again without crossing.',
  crosses_antimeridian: 'The area crosses the 180° meridian; draw it on one side.',
  invalid_coordinates: 'Some corners are off the map; draw it again.',
  territory_locked: 'Unlock the territory before drawing its area.',
}

function drawErrorNote(cause: unknown): DrawNote {
  if (!isApiError(cause)) return { tone: 'error', text: 'The area could not be saved. Try again.' }
  const hint = drawErrorHints[cause.code]
  return { tone: 'error', text: hint ? `${cause.message} ${hint}` : cause.message }
}

/** Managers and admins: plan, edit, compare and activate territory alignments. */
export function TerritoriesView() {
  const drafts = useTerritoryDrafts()
  const [pickedId, setPickedId] = useState<number | null>(null)
  const fallbackId = drafts.data?.find((d) => d.status === 'active')?.id ?? drafts.data?.[0]?.id ?? null
  const draftId = pickedId ?? fallbackId
  const detailQuery = useTerritoryDraft(draftId)
  const unitMetrics = useDraftUnits(draftId)
  const detail = detailQuery.data
  const counties = useCounties(true)

  const [targetId, setTargetId] = useState<number | null>(null)
  const [conflict, setConflict] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [comparing, setComparing] = useState(false)
  const [confirming, setConfirming] = useState<TerritoryDraftDetail | null>(null)
  const [bbox, setBbox] = useState<Bbox | null>(null)
  const [drawing, setDrawing] = useState(false)
  const [lassoMode, setLassoMode] = useState(false)
  const [drawNote, setDrawNote] = useState<DrawNote | null>(null)
  /** The drawn area being edited vertex by vertex (outer ring, open), or null. */
  const [editRing, setEditRing] = useState<[number, number][] | null>(null)
  const mapRef = useRef<MapLibreMap | null>(null)
  const fileRef = useRef<HTMLInputElement>(null)

  const moveMutation = useMoveUnits(draftId ?? 0)
  const patchMutation = usePatchTerritory(draftId ?? 0)
  const drawMutation = useDrawPolygon(draftId ?? 0)
  const drawnVersion = useRef<number | null>(null)
  const activateMutation = useActivateDraft()
  const importMutation = useImportTerritories()

  const openDraft = useCallback((id: number) => {
    setPickedId(id)
    setTargetId(null)
    setDrawing(false)
    setEditRing(null)
    setLassoMode(false)
    setDrawNote(null)
    setConflict(null)
    setError(null)
    setNotice(null)
  }, [])

  const territories = detail?.territories
  const unitKind = detail ? unitKindOf(detail.draft.units) : 'county'
  const units = useMemo(
    () => (territories ? buildPlanningUnits(territories, unitKind, counties.data) : new Map<string, PlanningUnit>()),
    [territories, unitKind, counties.data],
  )
  const countyFeatures = useMemo(
    () => (unitKind === 'county' && counties.data ? counties.data.features.filter((f) => units.has(countyId(f))) : []),
    [unitKind, counties.data, units],
  )

  const editable = detail?.draft.status === 'draft'
  const territoryById = useMemo(() => new Map((territories ?? []).map((t) => [t.id, t])), [territories])
  const target = targetId !== null ? territoryById.get(targetId) : undefined

  const onWriteError = useCallback((cause: unknown) => {
    if (isApiError(cause) && cause.code === 'version_conflict') setConflict(cause.message)
    else setError(errorMessage(cause))
  }, [])

  const moveInto = useCallback(
    (picked: PlanningUnit[]) => {
      if (!detail || !editable || !target) return
      if (target.locked) {
        setError(`${target.name} is locked. Unlock it before moving units into it.`)
        return
      }
      const moves = picked.filter((u) => u.territoryId !== target.id && !territoryById.get(u.territoryId)?.locked)
      const skippedLocked = picked.filter((u) => territoryById.get(u.territoryId)?.locked).length
      if (moves.length === 0) {
        if (skippedLocked > 0) setError('Those units belong to a locked territory.')
        return
      }
      if (moveMutation.isPending) {
        setNotice('Still saving the previous change…')
        return
      }
      setError(null)
      moveMutation.mutate(
        { version: detail.draft.version, moves: moves.map((u) => ({ unitId: u.id, territoryId: target.id })) },
        {
          onSuccess: () =>
            setNotice(
              moves.length === 1
                ? `Moved ${moves[0]?.name ?? 'unit'} into ${target.name}.`
                : `Moved ${formatCount(moves.length)} units into ${target.name}${skippedLocked ? ` (${skippedLocked} locked skipped)` : ''}.`,
            ),
          onError: onWriteError,
        },
      )
    },
    [detail, editable, target, territoryById, moveMutation, onWriteError],
  )

  const onUnitClick = useCallback(
    (unit: PlanningUnit) => {
      if (!editable) return
      if (targetId === null) setTargetId(unit.territoryId)
      else moveInto([unit])
    },
    [editable, targetId, moveInto],
  )

  const onDrawComplete = useCallback(
    (ring: [number, number][]) => {
      setDrawing(false)
      setEditRing(null)
      if (!detail || !editable || !target) return
      if (target.locked) {
        setDrawNote({ tone: 'error', text: `${target.name} is locked. Unlock it before drawing its area.` })
        return
      }
      // One outline per version: a second finish (Enter after a double-click) must not resend a stale version.
      if (drawMutation.isPending || drawnVersion.current === detail.draft.version) return
      drawnVersion.current = detail.draft.version
      const unitsBefore = target.unitIds.length
      setDrawNote(null)
      drawMutation.mutate(
        {
          territoryId: target.id,
          version: detail.draft.version,
          geometry: { type: 'Polygon', coordinates: [ring] },
        },
        {
          onSuccess: (result) => {
            // Nothing changed, so the version stayed: the same version may draw again.
            if (result.draft.version === drawnVersion.current) drawnVersion.current = null
            const after = result.territories.find((t) => t.id === target.id)
            const gained = after ? after.unitIds.length - unitsBefore : 0
            const parts = [
              gained > 0
                ? `${formatCount(gained)} unit${gained === 1 ? '' : 's'} moved into ${target.name}.`
                : `No units moved: none had its centre inside the area outside ${target.name}.`,
              result.polygon.repaired ? `Repaired: ${result.polygon.repairs.join('; ')}.` : 'No repairs needed.',
            ]
            if (result.polygon.lockedUnitsLeft > 0) {
              parts.push(`${formatCount(result.polygon.lockedUnitsLeft)} units in locked territories left alone.`)
            }
            setDrawNote({ tone: 'ok', text: parts.join(' ') })
          },
          onError: (cause) => {
            drawnVersion.current = null
            if (isApiError(cause) && cause.code === 'version_conflict') setConflict(cause.message)
            setDrawNote(drawErrorNote(cause))
          },
        },
      )
    },
    [detail, editable, target, drawMutation],
  )

  const onPatch = useCallback(
    (territoryId: number, patch: TerritoryPatch) => {
      if (!detail) return
      setError(null)
      patchMutation.mutate({ territoryId, version: detail.draft.version, patch }, { onError: onWriteError })
    },
    [detail, patchMutation, onWriteError],
  )

  const reload = () => {
    setConflict(null)
    setError(null)
    void detailQuery.refetch()
    void drafts.refetch()
  }

  const onImportFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (!file) return
    let parsed: unknown
    try {
      parsed = JSON.parse(await file.text())
    } catch {
      setError(`${file.name} is not valid JSON.`)
      return
    }
    importMutation.mutate(parsed, {
      onSuccess: (created) => {
        openDraft(created.draft.id)
        setNotice(`Imported “${created.draft.name}” as a new draft.`)
      },
      onError: (cause) => setError(`Import failed: ${errorMessage(cause)}`),
    })
  }

  const activate = (toActivate: TerritoryDraftDetail) => {
    activateMutation.mutate(
      {
        draftId: toActivate.draft.id,
        version: toActivate.draft.status === 'draft' ? toActivate.draft.version : undefined,
      },
      {
        onSuccess: (result) => {
          setConfirming(null)
          setComparing(false)
          openDraft(result.draft.id)
          setNotice(
            `“${result.draft.name}” is now active. ${formatCount(result.activation.customersReassigned)} customers changed owner.`,
          )
        },
        onError: (cause) => {
          setConfirming(null)
          onWriteError(cause)
        },
      },
    )
  }

  useEscape(() => setTargetId(null), targetId !== null && !drawing && editRing === null)
  useEscape(() => setDrawing(false), drawing)
  useEscape(() => setEditRing(null), editRing !== null)
  // Another target, another area: stop editing the previous one.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the target changes, on purpose
  useEffect(() => setEditRing(null), [targetId])

  const targetArea = target?.drawnArea ? outerRing(target.drawnArea) : null
  const saveEditedArea = useCallback(() => {
    const first = editRing?.[0]
    if (!editRing || !first || editRing.length < 3) return
    onDrawComplete([...editRing, first])
  }, [editRing, onDrawComplete])
  // Enter saves the edited area, as it finishes a drawing.
  useEffect(() => {
    if (editRing === null) return
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || (event.target instanceof HTMLElement && event.target.closest('input, select')))
        return
      event.preventDefault()
      saveEditedArea()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [editRing, saveEditedArea])

  const onMapReady = useCallback((map: MapLibreMap | null) => {
    mapRef.current = map
  }, [])
  const onViewChange = useCallback((viewport: MapViewport) => setBbox(viewport.bbox), [])

  const others = (drafts.data ?? []).filter((d) => d.id !== draftId)
  const tolerancePct = detail ? readBalanceRun(detail.balance).tolerancePct : 5

  return (
    <div className="workspace">
      <aside className="sidebar territory-sidebar" aria-label="Territory plans">
        <div className="territory-sidebar-scroll">
          <section className="territory-section" aria-label="New plan">
            <header className="results-header">
              <h2 className="results-title">New plan</h2>
            </header>
            <PlanForm currentBbox={bbox} onCreated={(created) => openDraft(created.draft.id)} />
          </section>
          <section className="territory-section" aria-label="Plans">
            <header className="results-header">
              <h2 className="results-title">Plans</h2>
              <span className="territory-section-actions">
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => setComparing(true)}
                  disabled={(drafts.data?.length ?? 0) < 2}
                  data-testid="territory-compare-open"
                >
                  Compare
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => fileRef.current?.click()}
                  loading={importMutation.isPending}
                  data-testid="territory-import"
                >
                  Import
                </Button>
                <input
                  ref={fileRef}
                  type="file"
                  accept=".geojson,.json,application/geo+json,application/json"
                  className="visually-hidden"
                  tabIndex={-1}
                  aria-label="Import territories GeoJSON"
                  onChange={(e) => void onImportFile(e)}
                  data-testid="territory-import-file"
                />
              </span>
            </header>
            <div className="territory-drafts">
              {drafts.isError ? (
                <Banner>Could not load plans. {errorMessage(drafts.error)}</Banner>
              ) : (
                <DraftList drafts={drafts.data} loading={drafts.isPending} selectedId={draftId} onSelect={openDraft} />
              )}
            </div>
          </section>
        </div>
      </aside>

      <div className="territory-main">
        <main className="map-area" aria-label="Territory map">
          <TerritoryMap
            territories={territories ?? []}
            unitKind={unitKind}
            units={units}
            countyFeatures={countyFeatures}
            unitMetrics={unitMetrics.data}
            revision={detail ? `${detail.draft.id}:${detail.draft.version}` : ''}
            targetId={targetId}
            fitKey={detail && units.size > 0 ? detail.draft.id : null}
            onUnitClick={editable ? onUnitClick : undefined}
            onLasso={editable && target ? moveInto : undefined}
            lassoMode={lassoMode && !drawing}
            drawing={drawing && editable && target !== undefined}
            onDrawComplete={onDrawComplete}
            editArea={editable && target ? editRing : null}
            onEditAreaChange={setEditRing}
            onMapReady={onMapReady}
            onViewChange={onViewChange}
            hint={editable ? 'Click to make its territory the target' : undefined}
          >
            <div className="map-banners">
              {conflict ? (
                <div data-testid="territory-version-conflict">
                  <Banner
                    action={
                      <Button size="sm" onClick={reload} data-testid="territory-reload">
                        Reload draft
                      </Button>
                    }
                  >
                    <strong>Someone else changed this draft.</strong> {conflict}
                  </Banner>
                </div>
              ) : null}
              {error ? <Banner onDismiss={() => setError(null)}>{error}</Banner> : null}
              {detailQuery.isError ? (
                <Banner
                  action={
                    <Button size="sm" onClick={reload}>
                      Retry
                    </Button>
                  }
                >
                  Could not open this plan. {errorMessage(detailQuery.error)}
                </Banner>
              ) : null}
              {counties.isError && unitKind === 'county' ? (
                <Banner>County shapes could not be loaded, so the plan cannot be drawn.</Banner>
              ) : null}
            </div>
            {detail && editable ? (
              <div className="edit-bar" role="status" data-testid="territory-edit-bar">
                {target ? (
                  <>
                    <span
                      className="territory-swatch"
                      style={{ background: rgbCss(territoryColor(detail.territories.indexOf(target))) }}
                      aria-hidden="true"
                    />
                    {editRing ? (
                      <span>
                        Editing the area of <strong>{target.name}</strong> — drag corners, drag an edge’s middle to add
                        one, double-click to delete; Enter saves, Esc cancels
                      </span>
                    ) : drawing ? (
                      <span>
                        Drawing an area for <strong>{target.name}</strong> — click corners, double-click or Enter to
                        finish, Esc to cancel
                      </span>
                    ) : (
                      <span>
                        Moving into <strong>{target.name}</strong> — click units, shift-drag a box, or{' '}
                        {lassoMode ? 'drag' : 'alt-drag'} a lasso
                      </span>
                    )}
                    {moveMutation.isPending || patchMutation.isPending || drawMutation.isPending ? (
                      <span className="edit-bar-saving">Saving…</span>
                    ) : null}
                    {editRing ? (
                      <>
                        <button
                          type="button"
                          className="link-btn"
                          onClick={saveEditedArea}
                          disabled={drawMutation.isPending}
                          data-testid="territory-area-save"
                        >
                          Save area
                        </button>
                        <button
                          type="button"
                          className="link-btn"
                          onClick={() => setEditRing(null)}
                          data-testid="territory-area-cancel"
                        >
                          Cancel
                        </button>
                      </>
                    ) : (
                      <>
                        <button
                          type="button"
                          className="link-btn"
                          aria-pressed={drawing}
                          onClick={() => {
                            setDrawNote(null)
                            setDrawing((on) => !on)
                          }}
                          data-testid="territory-draw"
                        >
                          {drawing ? 'Cancel drawing' : targetArea ? 'Redraw area' : 'Draw area'}
                        </button>
                        {targetArea && !drawing ? (
                          <button
                            type="button"
                            className="link-btn"
                            onClick={() => {
                              setDrawNote(null)
                              setEditRing(targetArea)
                            }}
                            data-testid="territory-area-edit"
                          >
                            Edit area
                          </button>
                        ) : null}
                      </>
                    )}
                    {drawing || editRing ? null : (
                      <button
                        type="button"
                        className="link-btn"
                        aria-pressed={lassoMode}
                        onClick={() => setLassoMode((on) => !on)}
                        data-testid="territory-lasso"
                      >
                        {lassoMode ? 'Lasso on' : 'Lasso'}
                      </button>
                    )}
                    <button
                      type="button"
                      className="link-btn"
                      onClick={() => {
                        setDrawing(false)
                        setEditRing(null)
                        setTargetId(null)
                      }}
                    >
                      Done
                    </button>
                  </>
                ) : (
                  <span>Pick a target territory (table or map), then click units to move them into it.</span>
                )}
              </div>
            ) : null}
            {drawNote ? (
              <div
                className={`map-toast draw-note draw-note-${drawNote.tone}`}
                role={drawNote.tone === 'error' ? 'alert' : 'status'}
                data-testid="territory-draw-note"
              >
                {drawNote.text}
                <button type="button" className="link-btn" onClick={() => setDrawNote(null)}>
                  Dismiss
                </button>
              </div>
            ) : null}
            {notice && !conflict ? (
              <div className="map-toast" role="status">
                {notice}
                <button type="button" className="link-btn" onClick={() => setNotice(null)}>
                  Dismiss
                </button>
              </div>
            ) : null}
          </TerritoryMap>
        </main>

        <section className="territory-dock" aria-label="Territory metrics">
          {draftId === null ? (
            drafts.isPending ? null : (
              <EmptyState title="No plan open">Balance a plan on the left to see its territories here.</EmptyState>
            )
          ) : !detail ? (
            detailQuery.isPending ? (
              <div className="territory-dock-loading">
                <CenteredSpinner label="Opening plan" />
              </div>
            ) : null
          ) : (
            <>
              <header className="territory-dock-header">
                <div className="territory-dock-title">
                  <h2>{detail.draft.name}</h2>
                  <DraftStatusPill status={detail.draft.status} />
                  <span className="muted">
                    v{detail.draft.version} · created {formatDateTime(detail.draft.createdAt)}
                  </span>
                </div>
                <div className="territory-dock-actions">
                  <a
                    className="btn btn-secondary btn-sm"
                    href={territoryDraftGeojsonUrl(detail.draft.id)}
                    download
                    data-testid="territory-export"
                  >
                    Export GeoJSON
                  </a>
                  <a
                    className="btn btn-secondary btn-sm"
                    href={exportUrl('territories', 'csv', { alignment: detail.draft.id })}
                    download
                    data-testid="territory-export-csv"
                  >
                    Export CSV
                  </a>
                  {detail.draft.status !== 'active' ? (
                    <Button
                      size="sm"
                      variant="primary"
                      onClick={() => setConfirming(detail)}
                      data-testid="draft-activate"
                    >
                      {detail.draft.status === 'archived' ? 'Restore' : 'Activate'}
                    </Button>
                  ) : null}
                </div>
              </header>
              <BalanceSummary detail={detail} />
              {!editable ? (
                <p className="territory-readonly">
                  This alignment is {detail.draft.status}; it is read-only. Balance a new plan to change it.
                </p>
              ) : null}
              <TerritoryTable
                territories={detail.territories}
                tolerancePct={tolerancePct}
                editable={editable}
                targetId={targetId}
                onSelectTarget={setTargetId}
                onPatch={onPatch}
              />
            </>
          )}
        </section>
        {comparing && drafts.data ? (
          <ComparePanel
            drafts={drafts.data}
            initial={[draftId, others[0]?.id ?? null]}
            onClose={() => setComparing(false)}
            onActivate={setConfirming}
          />
        ) : null}
      </div>

      {confirming ? (
        <ActivateDialog
          detail={confirming}
          pending={activateMutation.isPending}
          onConfirm={() => activate(confirming)}
          onCancel={() => setConfirming(null)}
        />
      ) : null}
    </div>
  )
}
