import { useId, useState } from 'react'
import { checkInVisit, isApiError, type PlannedStop } from '../../api'
import { useEscape } from '../../lib/use-escape'
import { Banner } from '../../ui/banner'
import { Button } from '../../ui/button'
import { Field } from '../../ui/field'

const outcomes = ['Met the buyer', 'Order taken', 'Follow-up needed', 'Nobody available', 'Not interested']

type CheckInDialogProps = {
  stop: PlannedStop
  date: string
  onDone: (withinRadius: boolean | null) => void
  onCancel: () => void
}

/** Where the browser says the device is, or null (no geolocation, refused, or too slow). */
function devicePosition(): Promise<{ lng: number; lat: number; accuracyM: number } | null> {
  if (!('geolocation' in navigator)) return Promise.resolve(null)
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (p) =>
        resolve({ lng: p.coords.longitude, lat: p.coords.latitude, accuracyM: Math.min(p.coords.accuracy, 100_000) }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: 8000, maximumAge: 60_000 },
    )
  })
}

/**
 * Records the visit. The device position goes to the server once, which keeps only whether it was within 200 m
 * of the customer.
 */
export function CheckInDialog({ stop, date, onDone, onCancel }: CheckInDialogProps) {
  const id = useId()
  const [outcome, setOutcome] = useState(outcomes[0] ?? '')
  const [notes, setNotes] = useState('')
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEscape(onCancel, !pending, true)

  const submit = async () => {
    setPending(true)
    setError(null)
    try {
      const position = await devicePosition()
      const result = await checkInVisit({
        customerId: stop.customerId,
        date,
        outcome,
        notes: notes.trim() || null,
        position,
      })
      onDone(result.checkIn.withinRadius)
    } catch (e) {
      setError(isApiError(e) ? e.message : 'Could not record the visit.')
      setPending(false)
    }
  }

  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        data-testid="check-in-dialog"
        onSubmit={(event) => {
          event.preventDefault()
          void submit()
        }}
      >
        <h2 id={`${id}-title`} className="dialog-title">
          Check in at {stop.name}
        </h2>
        <div className="dialog-body">
          <Field label="Outcome" htmlFor={`${id}-outcome`}>
            <select
              id={`${id}-outcome`}
              className="select"
              value={outcome}
              onChange={(e) => setOutcome(e.target.value)}
              data-testid="check-in-outcome"
            >
              {outcomes.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          </Field>
          <Field label="Notes" htmlFor={`${id}-notes`}>
            <textarea
              id={`${id}-notes`}
              className="input visits-textarea"
              rows={4}
              value={notes}
              onChange={(e) => setNotes(e.target.value)}
              data-testid="check-in-notes"
            />
          </Field>
          <p className="muted">
            Your device’s position is checked once against the customer’s address; only “within 200 m” or not is kept.
          </p>
          {error ? <Banner>{error}</Banner> : null}
        </div>
        <div className="dialog-actions">
          <Button onClick={onCancel} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={pending} data-testid="check-in-submit">
            Record visit
          </Button>
        </div>
      </form>
    </div>
  )
}
