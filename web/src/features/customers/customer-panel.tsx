import { type ReactNode, type RefObject, useEffect, useRef } from 'react'
import { type Consent, type ConsentChannel, type Contact, type CustomerDetail, isApiError } from '../../api'
import { formatCents, formatDate, formatSegment, humanize } from '../../lib/format'
import { useEscape } from '../../lib/use-escape'
import { Banner } from '../../ui/banner'
import { Button, IconButton } from '../../ui/button'
import { EmptyState } from '../../ui/empty-state'
import { CheckIcon, CloseIcon, EnvelopeIcon, MailIcon, PhoneIcon, UsersIcon } from '../../ui/icons'
import { Section } from '../../ui/panel'
import { Skeleton } from '../../ui/skeleton'
import { InteractionForm } from '../interactions/interaction-form'
import { Timeline } from '../interactions/timeline'
import { StatusPill } from './status-pill'
import { useCustomer } from './use-customer'

type CustomerPanelProps = {
  customerId: number
  onClose: () => void
}

export function CustomerPanel({ customerId, onClose }: CustomerPanelProps) {
  const query = useCustomer(customerId)
  const headingRef = useRef<HTMLHeadingElement>(null)
  useEscape(onClose, true)

  // Give focus back to whatever opened the panel (a list row, the map) when it closes.
  useEffect(() => {
    const opener = document.activeElement
    return () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus({ preventScroll: true })
    }
  }, [])

  const loadedId = query.data?.customer.id
  useEffect(() => {
    // Move focus into the panel when a new customer loads so keyboard users land on it.
    if (loadedId !== undefined) headingRef.current?.focus({ preventScroll: true })
  }, [loadedId])

  return (
    <aside className="customer-panel" data-testid="customer-panel" aria-label="Customer details">
      <div className="customer-panel-close">
        <IconButton label="Close customer details (Esc)" onClick={onClose}>
          <CloseIcon size={16} />
        </IconButton>
      </div>
      {query.isPending ? (
        <PanelSkeleton />
      ) : query.isError ? (
        <div className="panel-body">
          <Banner
            action={
              <Button size="sm" onClick={() => void query.refetch()}>
                Retry
              </Button>
            }
          >
            {isApiError(query.error) && query.error.status === 404
              ? 'This customer no longer exists or you do not have access to it.'
              : `Could not load this customer. ${isApiError(query.error) ? query.error.message : ''}`}
          </Banner>
        </div>
      ) : (
        <div className="panel-scroll">
          <CustomerHeader customer={query.data.customer} headingRef={headingRef} />
          <div className="panel-body">
            <CustomerFacts customer={query.data.customer} />
            <Section title="Consent">
              <ConsentList consent={query.data.customer.consent} />
            </Section>
            <Section title="Contacts" aside={<span className="section-count">{query.data.contacts.length}</span>}>
              <ContactList contacts={query.data.contacts} />
            </Section>
            <Section title="Log interaction">
              <InteractionForm customerId={customerId} contacts={query.data.contacts} />
            </Section>
            <Section
              title="Contact history"
              aside={<span className="section-count">{query.data.interactions.length}</span>}
            >
              <Timeline interactions={query.data.interactions} contacts={query.data.contacts} />
            </Section>
          </div>
        </div>
      )}
    </aside>
  )
}

function CustomerHeader({
  customer,
  headingRef,
}: {
  customer: CustomerDetail
  headingRef: RefObject<HTMLHeadingElement | null>
}) {
  return (
    <header className="panel-header">
      <div className="panel-header-pills">
        <StatusPill status={customer.status} />
        <span className="panel-segment">{formatSegment(customer.segment)}</span>
      </div>
      <h2 className="panel-title" ref={headingRef} tabIndex={-1} data-testid="customer-name">
        {customer.name}
      </h2>
      <p className="panel-subtitle">
        {customer.industry}
        {customer.externalId ? <span className="panel-external-id"> · {customer.externalId}</span> : null}
      </p>
      <div className="panel-kpis">
        <div className="kpi">
          <span className="kpi-label">Revenue, 12 months</span>
          <span className="kpi-value">{formatCents(customer.revenue12mCents)}</span>
        </div>
        <div className="kpi">
          <span className="kpi-label">Last contact</span>
          <span className="kpi-value kpi-value-sm">{formatDate(customer.lastContactAt)}</span>
        </div>
      </div>
    </header>
  )
}

// How exactly the point on the map is known (set when the customer was created or imported).
const geocodePrecisionLabels: Record<CustomerDetail['geocodePrecision'], string> = {
  rooftop: 'Exact (from coordinates)',
  zip: 'Approximate: ZIP code centre',
  city: 'Approximate: city centre',
  none: 'Not located',
}

function CustomerFacts({ customer }: { customer: CustomerDetail }) {
  const cityLine = [customer.city, [customer.state, customer.zip].filter(Boolean).join(' ')].filter(Boolean).join(', ')
  return (
    <dl className="facts">
      <div className="fact">
        <dt>Owner</dt>
        <dd>{customer.ownerName ?? <span className="muted">Unassigned</span>}</dd>
      </div>
      <div className="fact">
        <dt>Segment</dt>
        <dd>{formatSegment(customer.segment)}</dd>
      </div>
      <div className="fact">
        <dt>Industry</dt>
        <dd>{customer.industry}</dd>
      </div>
      <div className="fact fact-wide">
        <dt>Address</dt>
        <dd>
          {customer.address ? <span className="block">{customer.address}</span> : null}
          <span className="block">{cityLine || '—'}</span>
        </dd>
      </div>
      <div className="fact fact-wide">
        <dt>Map position</dt>
        <dd data-testid="geocode-precision">{geocodePrecisionLabels[customer.geocodePrecision]}</dd>
      </div>
    </dl>
  )
}

const consentChannels: { key: ConsentChannel; label: string; icon: ReactNode }[] = [
  { key: 'email', label: 'Email', icon: <MailIcon size={14} /> },
  { key: 'phone', label: 'Phone', icon: <PhoneIcon size={14} /> },
  { key: 'mail', label: 'Mail', icon: <EnvelopeIcon size={14} /> },
]

function ConsentList({ consent }: { consent: Record<ConsentChannel, Consent> }) {
  return (
    <ul className="consent-list">
      {consentChannels.map(({ key, label, icon }) => {
        const entry = consent[key]
        return (
          <li key={key} className="consent-item">
            <span className="consent-channel">
              {icon}
              {label}
            </span>
            <span className={`consent-state ${entry.granted ? 'is-granted' : 'is-denied'}`}>
              {entry.granted ? <CheckIcon size={12} /> : <CloseIcon size={12} />}
              {entry.granted ? 'Opted in' : 'No consent'}
            </span>
            <span className="consent-meta">
              {entry.at ? formatDate(entry.at) : '—'}
              {entry.source ? ` · ${humanize(entry.source)}` : ''}
            </span>
          </li>
        )
      })}
    </ul>
  )
}

function ContactList({ contacts }: { contacts: Contact[] }) {
  if (contacts.length === 0) {
    return <EmptyState icon={<UsersIcon size={20} />} title="No contacts on file" />
  }
  return (
    <ul className="contact-list">
      {contacts.map((contact) => (
        <li key={contact.id} className="contact">
          <span className="contact-avatar" aria-hidden="true">
            {contact.firstName.charAt(0)}
            {contact.lastName.charAt(0)}
          </span>
          <div className="contact-body">
            <p className="contact-name">
              {contact.firstName} {contact.lastName}
              {contact.title ? <span className="contact-title"> · {contact.title}</span> : null}
            </p>
            <p className="contact-links">
              {contact.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : null}
              {contact.phone ? <a href={`tel:${contact.phone}`}>{contact.phone}</a> : null}
              {!contact.email && !contact.phone ? <span className="muted">No contact details</span> : null}
            </p>
          </div>
        </li>
      ))}
    </ul>
  )
}

function PanelSkeleton() {
  return (
    <div className="panel-body panel-skeleton" role="status" aria-label="Loading customer">
      <Skeleton width="30%" height="18px" />
      <Skeleton width="75%" height="26px" />
      <Skeleton width="45%" height="12px" />
      <div className="panel-skeleton-block">
        <Skeleton height="56px" />
      </div>
      <Skeleton width="90%" />
      <Skeleton width="80%" />
      <Skeleton width="60%" />
    </div>
  )
}
