import type { Contact, Interaction } from '../../api'
import { formatDateTime, formatOutcome } from '../../lib/format'
import { EmptyState } from '../../ui/empty-state'
import { ArrowDownLeftIcon, ArrowUpRightIcon, NoteIcon } from '../../ui/icons'
import { ChannelIcon, channelLabel } from './channel'

type TimelineProps = {
  interactions: Interaction[]
  contacts: Contact[]
}

export function Timeline({ interactions, contacts }: TimelineProps) {
  if (interactions.length === 0) {
    return (
      <EmptyState icon={<NoteIcon size={20} />} title="No contact history yet">
        Log the first call, email or visit below.
      </EmptyState>
    )
  }
  const contactName = (id: number | null) => {
    const contact = id === null ? undefined : contacts.find((c) => c.id === id)
    return contact ? `${contact.firstName} ${contact.lastName}` : null
  }
  // The API returns newest first; sort anyway so a freshly logged item can never land mid-list.
  const sorted = [...interactions].sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt))

  return (
    <ol className="timeline" data-testid="timeline" aria-label="Contact history, newest first">
      {sorted.map((item) => {
        const person = contactName(item.contactId)
        return (
          <li key={item.id} className="timeline-item" data-testid="timeline-item">
            <span className={`timeline-icon channel-${item.channel}`} aria-hidden="true">
              <ChannelIcon channel={item.channel} />
            </span>
            <div className="timeline-content">
              <div className="timeline-meta">
                <span className="timeline-channel">{channelLabel(item.channel)}</span>
                <span className="timeline-direction">
                  {item.direction === 'inbound' ? <ArrowDownLeftIcon size={12} /> : <ArrowUpRightIcon size={12} />}
                  {item.direction === 'inbound' ? 'Inbound' : 'Outbound'}
                </span>
                <time className="timeline-date" dateTime={item.occurredAt}>
                  {formatDateTime(item.occurredAt)}
                </time>
              </div>
              <p className="timeline-subject">{item.subject}</p>
              {item.notes ? <p className="timeline-notes">{item.notes}</p> : null}
              <div className="timeline-footer">
                {item.outcome ? <span className="timeline-outcome">Outcome: {formatOutcome(item.outcome)}</span> : null}
                <span className="timeline-by">
                  {item.userName ? `by ${item.userName}` : 'by system'}
                  {person ? ` · with ${person}` : ''}
                </span>
              </div>
            </div>
          </li>
        )
      })}
    </ol>
  )
}
