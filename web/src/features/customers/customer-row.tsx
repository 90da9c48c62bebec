import type { CustomerSummary } from '../../api'
import { formatCentsCompact, formatKm } from '../../lib/format'
import { StatusPill } from './status-pill'

type CustomerRowProps = {
  customer: CustomerSummary
  selected: boolean
  distanceKm?: number
  onSelect: (customer: CustomerSummary) => void
}

export function CustomerRow({ customer, selected, distanceKm, onSelect }: CustomerRowProps) {
  const place = [customer.city, customer.state].filter(Boolean).join(', ')
  return (
    <li className="customer-row-item">
      <button
        type="button"
        className={`customer-row${selected ? ' is-selected' : ''}`}
        onClick={() => onSelect(customer)}
        aria-current={selected ? 'true' : undefined}
        data-testid="customer-row"
        data-customer-id={customer.id}
      >
        <span className="customer-row-main">
          <span className="customer-row-name">{customer.name}</span>
          <span className="customer-row-meta">
            {place || 'No address'}
            {distanceKm !== undefined ? <span className="customer-row-distance"> · {formatKm(distanceKm)}</span> : null}
          </span>
        </span>
        <span className="customer-row-side">
          <StatusPill status={customer.status} />
          <span className="customer-row-revenue" title="Revenue, last 12 months">
            {formatCentsCompact(customer.revenue12mCents)}
          </span>
        </span>
      </button>
    </li>
  )
}
