import { useState } from 'react'
import { isApiError, planVisitWeek, type VisitPlace, type WeekPlan } from '../../api'
import { Banner } from '../../ui/banner'
import { Button } from '../../ui/button'
import { EmptyState } from '../../ui/empty-state'
import { CalendarIcon } from '../../ui/icons'
import { clock, formatDistanceKm, unscheduledReasons, weekdayLabel } from './time'

type WeekPanelProps = {
  repId: number | undefined
  weekStart: string
  start: VisitPlace
  dayStartMin: number
  dayEndMin: number
  lunchBreak: { durationMin: number; window: [number, number] } | undefined
  /** The day's chosen customers, or (when none) the top suggestions. */
  customerIds: number[]
}

/** Spreads the customers over the working days; each day is a route. */
export function WeekPanel(props: WeekPanelProps) {
  const [week, setWeek] = useState<WeekPlan | null>(null)
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const plan = async () => {
    setPending(true)
    setError(null)
    try {
      setWeek(
        await planVisitWeek({
          repId: props.repId,
          weekStart: props.weekStart,
          days: 5,
          start: props.start,
          dayStartMin: props.dayStartMin,
          dayEndMin: props.dayEndMin,
          lunchBreak: props.lunchBreak,
          stops: props.customerIds.map((customerId) => ({ customerId })),
        }),
      )
    } catch (e) {
      setError(isApiError(e) ? e.message : 'Could not plan the week.')
    } finally {
      setPending(false)
    }
  }

  return (
    <div className="visits-week" data-testid="visits-week">
      <div className="visits-week-head">
        <p className="muted">
          Week of {weekdayLabel(props.weekStart)}: {props.customerIds.length} customers over Monday–Friday, each on a
          day it is due by its tier.
        </p>
        <Button
          variant="primary"
          onClick={plan}
          loading={pending}
          disabled={props.customerIds.length === 0}
          data-testid="plan-week"
        >
          Plan week
        </Button>
      </div>
      {error ? <Banner>{error}</Banner> : null}
      {!week ? (
        <EmptyState icon={<CalendarIcon size={22} />} title="No week planned yet">
          Choose customers for the day (or use the suggestions) and plan the week.
        </EmptyState>
      ) : (
        <>
          <div className="week-days">
            {week.days.map((day) => (
              <section key={day.date} className="week-day" data-testid="week-day">
                <h3 className="week-day-title">{weekdayLabel(day.date)}</h3>
                {day.stops.length === 0 ? (
                  <p className="muted">No visits</p>
                ) : (
                  <>
                    <ol className="week-day-stops">
                      {day.stops.map((s) => (
                        <li key={s.customerId}>
                          <span className="timeline-time">{clock(s.arrivalMin)}</span> {s.name}
                        </li>
                      ))}
                    </ol>
                    <p className="muted">
                      {formatDistanceKm(day.totalDistanceM)} · back {clock(day.endMin)}
                    </p>
                  </>
                )}
              </section>
            ))}
          </div>
          {week.unscheduled.length > 0 ? (
            <section className="visits-unscheduled">
              <h3 className="section-title">Not this week</h3>
              <ul>
                {week.unscheduled.map((u) => (
                  <li key={u.customerId}>
                    <strong>{u.name}</strong> — {unscheduledReasons[u.reason] ?? u.reason}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      )}
    </div>
  )
}
