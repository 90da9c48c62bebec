import { type DragEvent, Fragment, useState } from 'react'
import type { DayPlan, PlannedStop } from '../../api'
import { Button, IconButton } from '../../ui/button'
import { CheckIcon } from '../../ui/icons'
import { clock, formatDistanceKm, formatDuration } from './time'

type DayTimelineProps = {
  plan: DayPlan
  /** Customers checked in today. */
  checkedIn: Map<number, boolean | null>
  busy: boolean
  onReorder: (order: number[]) => void
  onCheckIn: (stop: PlannedStop) => void
}

type Block = { kind: 'drive' | 'wait' | 'visit' | 'lunch'; from: number; to: number }

/** Drive, wait, visit and lunch blocks of the day in time order, for the proportional bar. */
function dayBlocks(plan: DayPlan): Block[] {
  const blocks: Block[] = []
  let time = plan.departureMin
  plan.stops.forEach((stop, i) => {
    const lunchHere = plan.lunchBreak && plan.lunchBreak.afterVisits === i ? plan.lunchBreak : null
    if (lunchHere && lunchHere.startMin <= time + 0.5) {
      blocks.push({ kind: 'lunch', from: lunchHere.startMin, to: lunchHere.endMin })
      time = lunchHere.endMin
    }
    blocks.push({ kind: 'drive', from: time, to: stop.arrivalMin })
    if (lunchHere && lunchHere.startMin > time + 0.5)
      blocks.push({ kind: 'lunch', from: lunchHere.startMin, to: lunchHere.endMin })
    if (stop.waitMin > 0.5) blocks.push({ kind: 'wait', from: stop.startMin - stop.waitMin, to: stop.startMin })
    blocks.push({ kind: 'visit', from: stop.startMin, to: stop.startMin + stop.durationMin })
    time = stop.departureMin
  })
  const last = plan.lunchBreak && plan.lunchBreak.afterVisits === plan.stops.length ? plan.lunchBreak : null
  if (last && last.startMin <= time + 0.5) blocks.push({ kind: 'lunch', from: last.startMin, to: last.endMin })
  blocks.push({ kind: 'drive', from: Math.max(time, last?.endMin ?? time), to: plan.endMin })
  return blocks.filter((b) => b.to - b.from > 0.25)
}

function move<T>(items: T[], from: number, to: number): T[] {
  const next = [...items]
  const [item] = next.splice(from, 1)
  if (item !== undefined) next.splice(to, 0, item)
  return next
}

/**
 * The day as a timeline: a proportional bar (drive, wait, visit, lunch), then every stop with arrival, visit and
 * the drive before it. Rows drag to reorder; the arrow buttons do the same from the keyboard.
 */
export function DayTimeline({ plan, checkedIn, busy, onReorder, onCheckIn }: DayTimelineProps) {
  const [dragFrom, setDragFrom] = useState<number | null>(null)
  const [dropAt, setDropAt] = useState<number | null>(null)
  const order = plan.stops.map((s) => s.customerId)
  const span = Math.max(1, plan.endMin - plan.departureMin)
  const blocks = dayBlocks(plan)

  const onDrop = (event: DragEvent, index: number) => {
    event.preventDefault()
    const from = dragFrom ?? Number(event.dataTransfer.getData('text/plain'))
    setDragFrom(null)
    setDropAt(null)
    if (Number.isInteger(from) && from !== index) onReorder(move(order, from, index))
  }

  return (
    <div className="visits-timeline" data-testid="visit-timeline">
      <div className="day-bar" role="img" aria-label={`Day from ${clock(plan.departureMin)} to ${clock(plan.endMin)}`}>
        {blocks.map((b) => (
          <span
            key={`${b.kind}-${b.from}`}
            className={`day-bar-block day-bar-${b.kind}`}
            style={{
              left: `${((b.from - plan.departureMin) / span) * 100}%`,
              width: `${((b.to - b.from) / span) * 100}%`,
            }}
            title={`${b.kind} ${clock(b.from)}–${clock(b.to)}`}
          />
        ))}
      </div>
      <div className="day-bar-scale">
        <span>{clock(plan.departureMin)}</span>
        <span className="day-bar-legend">
          <i className="day-bar-drive" /> Drive <i className="day-bar-wait" /> Wait <i className="day-bar-visit" />{' '}
          Visit <i className="day-bar-lunch" /> Lunch
        </span>
        <span>{clock(plan.endMin)}</span>
      </div>

      <ol className="timeline-stops" aria-label="Stops in visiting order" aria-busy={busy || undefined}>
        <li className="timeline-endpoint">
          <span className="timeline-dot timeline-dot-end" aria-hidden="true" />
          <span className="timeline-time">{clock(plan.departureMin)}</span>
          <span>Leave {plan.start.label}</span>
        </li>
        {plan.stops.map((stop, i) => {
          const leg = plan.legs[i]
          const lunchBefore = plan.lunchBreak && plan.lunchBreak.afterVisits === i ? plan.lunchBreak : null
          const done = checkedIn.get(stop.customerId)
          return (
            <Fragment key={stop.customerId}>
              {lunchBefore ? (
                <li className="timeline-lunch" data-testid="timeline-lunch">
                  Lunch {clock(lunchBefore.startMin)}–{clock(lunchBefore.endMin)}
                </li>
              ) : null}
              <li className="timeline-leg">
                Drive {formatDuration(leg?.durationMin ?? 0)} · {formatDistanceKm(leg?.distanceM ?? 0)}
                {stop.waitMin > 0.5 ? ` · wait ${formatDuration(stop.waitMin)}` : ''}
              </li>
              <li
                className={`timeline-stop${dropAt === i ? ' is-drop-target' : ''}${stop.late ? ' is-late' : ''}`}
                draggable={!busy}
                onDragStart={(event) => {
                  setDragFrom(i)
                  event.dataTransfer.setData('text/plain', String(i))
                  event.dataTransfer.effectAllowed = 'move'
                }}
                onDragOver={(event) => {
                  event.preventDefault()
                  setDropAt(i)
                }}
                onDragLeave={() => setDropAt((at) => (at === i ? null : at))}
                onDrop={(event) => onDrop(event, i)}
                onDragEnd={() => {
                  setDragFrom(null)
                  setDropAt(null)
                }}
                data-testid="timeline-stop"
                data-customer-id={stop.customerId}
              >
                <span className="timeline-number" aria-hidden="true">
                  {i + 1}
                </span>
                <div className="timeline-stop-main">
                  <p className="timeline-stop-name">{stop.name}</p>
                  <p className="timeline-stop-times">
                    <span data-testid="stop-eta">Arrive {clock(stop.arrivalMin)}</span> · visit {clock(stop.startMin)}–
                    {clock(stop.startMin + stop.durationMin)}
                    {stop.window ? ` · open ${clock(stop.window[0])}–${clock(stop.window[1])}` : ''}
                  </p>
                  {stop.late ? <p className="timeline-warning">Arrives after its opening hours</p> : null}
                  {done !== undefined ? (
                    <p className="timeline-done">
                      <CheckIcon size={12} /> Visited
                      {done === true ? ' · on site' : done === false ? ' · away from the site' : ''}
                    </p>
                  ) : null}
                </div>
                <div className="timeline-stop-actions">
                  <IconButton
                    label={`Move ${stop.name} earlier`}
                    disabled={busy || i === 0}
                    onClick={() => onReorder(move(order, i, i - 1))}
                  >
                    ↑
                  </IconButton>
                  <IconButton
                    label={`Move ${stop.name} later`}
                    disabled={busy || i === plan.stops.length - 1}
                    onClick={() => onReorder(move(order, i, i + 1))}
                  >
                    ↓
                  </IconButton>
                  <Button size="sm" variant="ghost" onClick={() => onCheckIn(stop)} data-testid="check-in-button">
                    Check in
                  </Button>
                </div>
              </li>
            </Fragment>
          )
        })}
        {plan.lunchBreak &&
        plan.lunchBreak.afterVisits === plan.stops.length &&
        plan.lunchBreak.endMin <= plan.endMin ? (
          <li className="timeline-lunch">
            Lunch {clock(plan.lunchBreak.startMin)}–{clock(plan.lunchBreak.endMin)}
          </li>
        ) : null}
        <li className="timeline-leg">
          Drive {formatDuration(plan.legs.at(-1)?.durationMin ?? 0)} ·{' '}
          {formatDistanceKm(plan.legs.at(-1)?.distanceM ?? 0)}
        </li>
        <li className="timeline-endpoint">
          <span className="timeline-dot timeline-dot-end" aria-hidden="true" />
          <span className="timeline-time">{clock(plan.endMin)}</span>
          <span>Arrive {plan.end.label}</span>
        </li>
        {plan.lunchBreak && plan.lunchBreak.startMin >= plan.endMin ? (
          <li className="timeline-lunch">
            Lunch {clock(plan.lunchBreak.startMin)}–{clock(plan.lunchBreak.endMin)} after the round
          </li>
        ) : null}
      </ol>
    </div>
  )
}
