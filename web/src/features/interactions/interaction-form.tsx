import { type FormEvent, useEffect, useId, useState } from 'react'
import {
  type Contact,
  type InteractionChannel,
  type InteractionDirection,
  isApiError,
  type NewInteraction,
} from '../../api'
import { toDateTimeLocalValue } from '../../lib/format'
import { Button } from '../../ui/button'
import { Field } from '../../ui/field'
import { AlertIcon, CheckIcon } from '../../ui/icons'
import { channelLabels, channels } from './channel'
import { useLogInteraction } from './use-log-interaction'

/** Turns `details` of a validation error (zod-style issues) into readable lines, if it has any. */
function detailMessages(details: unknown): string[] {
  if (!Array.isArray(details)) return []
  return details.flatMap((issue: unknown) => {
    if (typeof issue !== 'object' || issue === null || !('message' in issue)) return []
    const message = String(issue.message)
    const path = 'path' in issue && Array.isArray(issue.path) ? issue.path.join('.') : ''
    return [path ? `${path}: ${message}` : message]
  })
}

type InteractionFormProps = {
  customerId: number
  contacts: Contact[]
}

export function InteractionForm({ customerId, contacts }: InteractionFormProps) {
  const id = useId()
  const mutation = useLogInteraction(customerId)
  const [channel, setChannel] = useState<InteractionChannel>('call')
  const [direction, setDirection] = useState<InteractionDirection>('outbound')
  const [subject, setSubject] = useState('')
  const [notes, setNotes] = useState('')
  const [outcome, setOutcome] = useState('')
  const [contactId, setContactId] = useState('')
  const [occurredAt, setOccurredAt] = useState(() => toDateTimeLocalValue(new Date()))
  const [subjectError, setSubjectError] = useState<string | null>(null)
  const [justLogged, setJustLogged] = useState(false)

  useEffect(() => {
    if (!justLogged) return
    const timer = window.setTimeout(() => setJustLogged(false), 3000)
    return () => window.clearTimeout(timer)
  }, [justLogged])

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (subject.trim() === '') {
      setSubjectError('Subject is required.')
      return
    }
    setSubjectError(null)
    const when = occurredAt ? new Date(occurredAt) : new Date()
    const input: NewInteraction = {
      channel,
      direction,
      subject: subject.trim(),
      occurredAt: Number.isNaN(when.getTime()) ? new Date().toISOString() : when.toISOString(),
    }
    if (notes.trim()) input.notes = notes.trim()
    if (outcome.trim()) input.outcome = outcome.trim()
    if (contactId) input.contactId = Number(contactId)

    mutation.mutate(input, {
      onSuccess: () => {
        setSubject('')
        setNotes('')
        setOutcome('')
        setOccurredAt(toDateTimeLocalValue(new Date()))
        setJustLogged(true)
      },
    })
  }

  const serverError = mutation.isError ? mutation.error : null
  const serverDetails = isApiError(serverError) ? detailMessages(serverError.details) : []

  return (
    <form
      className="interaction-form"
      onSubmit={onSubmit}
      aria-label="Log interaction"
      data-testid="interaction-form"
      noValidate
    >
      <div className="form-row">
        <Field label="Channel" htmlFor={`${id}-channel`}>
          <select
            id={`${id}-channel`}
            className="select"
            value={channel}
            onChange={(e) => setChannel(channels.find((c) => c === e.target.value) ?? 'call')}
            data-testid="interaction-channel"
          >
            {channels.map((c) => (
              <option key={c} value={c}>
                {channelLabels[c]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Direction" htmlFor={`${id}-direction`}>
          <select
            id={`${id}-direction`}
            className="select"
            value={direction}
            onChange={(e) => setDirection(e.target.value === 'inbound' ? 'inbound' : 'outbound')}
          >
            <option value="outbound">Outbound</option>
            <option value="inbound">Inbound</option>
          </select>
        </Field>
      </div>

      <Field label="Subject" htmlFor={`${id}-subject`} error={subjectError}>
        <input
          id={`${id}-subject`}
          className="input"
          type="text"
          value={subject}
          maxLength={200}
          aria-required="true"
          aria-invalid={subjectError ? true : undefined}
          aria-describedby={subjectError ? `${id}-subject-error` : undefined}
          placeholder="e.g. Quarterly check-in"
          onChange={(e) => {
            setSubject(e.target.value)
            if (subjectError) setSubjectError(null)
          }}
          data-testid="interaction-subject"
        />
      </Field>

      <Field label="Notes" htmlFor={`${id}-notes`}>
        <textarea
          id={`${id}-notes`}
          className="input textarea"
          rows={3}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          onKeyDown={(e) => {
            // Enter adds a line in notes; Ctrl/Cmd+Enter submits like everywhere else.
            if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) e.currentTarget.form?.requestSubmit()
          }}
          data-testid="interaction-notes"
        />
      </Field>

      <div className="form-row">
        <Field label="Outcome" htmlFor={`${id}-outcome`}>
          <input
            id={`${id}-outcome`}
            className="input"
            type="text"
            value={outcome}
            placeholder="Optional"
            onChange={(e) => setOutcome(e.target.value)}
          />
        </Field>
        <Field label="When" htmlFor={`${id}-when`}>
          <input
            id={`${id}-when`}
            className="input"
            type="datetime-local"
            value={occurredAt}
            onChange={(e) => setOccurredAt(e.target.value)}
          />
        </Field>
      </div>

      {contacts.length > 0 ? (
        <Field label="Contact" htmlFor={`${id}-contact`}>
          <select
            id={`${id}-contact`}
            className="select"
            value={contactId}
            onChange={(e) => setContactId(e.target.value)}
          >
            <option value="">No specific contact</option>
            {contacts.map((c) => (
              <option key={c.id} value={String(c.id)}>
                {c.firstName} {c.lastName}
                {c.title ? ` — ${c.title}` : ''}
              </option>
            ))}
          </select>
        </Field>
      ) : null}

      {serverError ? (
        <div className="form-error" role="alert">
          <AlertIcon size={16} />
          <div>
            <p>{isApiError(serverError) ? serverError.message : 'Could not save the interaction.'}</p>
            {serverDetails.length > 0 ? (
              <ul className="form-error-details">
                {serverDetails.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            ) : null}
          </div>
        </div>
      ) : null}

      <div className="form-actions">
        {justLogged ? (
          <span className="form-success" role="status">
            <CheckIcon size={14} /> Logged
          </span>
        ) : (
          <span />
        )}
        <Button type="submit" variant="primary" loading={mutation.isPending} data-testid="interaction-submit">
          Log interaction
        </Button>
      </div>
    </form>
  )
}
