import { useId } from 'react'
import { type Bbox, type CustomerFilters, type CustomerSummary, isApiError } from '../../api'
import { formatCount } from '../../lib/format'
import { Banner } from '../../ui/banner'
import { Button } from '../../ui/button'
import { EmptyState } from '../../ui/empty-state'
import { ArrowLeftIcon, CloseIcon, CrosshairIcon, PinIcon, SearchIcon } from '../../ui/icons'
import { SkeletonRows } from '../../ui/skeleton'
import { Spinner } from '../../ui/spinner'
import { ExportMenu } from '../exports/export-menu'
import { CustomerFiltersBar } from './customer-filters'
import { CustomerRow } from './customer-row'
import { useCustomersInView } from './use-customers-in-view'
import { nearbyRadiusKm, useNearbyCustomers } from './use-nearby-customers'

function errorText(error: unknown): string {
  return isApiError(error) ? error.message : 'Something went wrong.'
}

type CustomerSidebarProps = {
  /** Raw filters as typed (the search box updates on every key). */
  filters: CustomerFilters
  /** Debounced filters, the ones actually sent to the API. */
  appliedFilters: CustomerFilters
  onFiltersChange: (filters: CustomerFilters) => void
  showOwnerFilter: boolean
  bbox: Bbox | null
  selectedId: number | null
  onSelect: (customer: CustomerSummary) => void
  nearbyPoint: [number, number] | null
  onClearNearby: () => void
}

export function CustomerSidebar(props: CustomerSidebarProps) {
  const { filters, onFiltersChange, showOwnerFilter, nearbyPoint } = props
  const id = useId()

  return (
    <aside className="sidebar" aria-label="Customers">
      <div className="sidebar-controls">
        <div className="search">
          <label htmlFor={`${id}-q`} className="visually-hidden">
            Search customers
          </label>
          <SearchIcon size={16} className="search-icon" />
          <input
            id={`${id}-q`}
            className="input search-input"
            type="search"
            placeholder="Search name, city, ZIP…"
            autoComplete="off"
            value={filters.q}
            onChange={(e) => onFiltersChange({ ...filters, q: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && filters.q) {
                e.stopPropagation()
                e.preventDefault()
                onFiltersChange({ ...filters, q: '' })
              }
            }}
            data-testid="search-input"
          />
          {filters.q ? (
            <button
              type="button"
              className="search-clear"
              aria-label="Clear search"
              onClick={() => onFiltersChange({ ...filters, q: '' })}
            >
              <CloseIcon size={14} />
            </button>
          ) : null}
        </div>
        <CustomerFiltersBar filters={filters} onChange={onFiltersChange} showOwner={showOwnerFilter} />
      </div>
      {nearbyPoint ? <NearbyResults {...props} nearbyPoint={nearbyPoint} /> : <InViewResults {...props} />}
    </aside>
  )
}

function InViewResults({ appliedFilters, bbox, selectedId, onSelect }: CustomerSidebarProps) {
  const query = useCustomersInView({ bbox, filters: appliedFilters })
  const items = query.data?.pages.flatMap((page) => page.items) ?? []
  const filtered = Object.values(appliedFilters).some((v) => v.trim() !== '')

  return (
    <section className="results" aria-label="Customers in view">
      <header className="results-header">
        <h2 className="results-title">In this view</h2>
        <span className="results-count" aria-live="polite">
          {query.isFetching && !query.isFetchingNextPage ? (
            <Spinner size="sm" label="Updating results" />
          ) : query.isSuccess ? (
            `${formatCount(items.length)}${query.hasNextPage ? '+' : ''} ${items.length === 1 ? 'customer' : 'customers'}`
          ) : null}
        </span>
        <ExportMenu filters={appliedFilters} bbox={bbox} />
      </header>

      {query.isError && items.length === 0 ? (
        <div className="results-body">
          <Banner
            action={
              <Button size="sm" onClick={() => void query.refetch()}>
                Retry
              </Button>
            }
          >
            Could not load customers. {errorText(query.error)}
          </Banner>
        </div>
      ) : query.isPending ? (
        <SkeletonRows />
      ) : items.length === 0 ? (
        <EmptyState icon={<PinIcon size={22} />} title="No customers in this view">
          {filtered ? 'Try a different search or clear the filters.' : 'Zoom out or pan the map to find customers.'}
        </EmptyState>
      ) : (
        <div className="results-scroll">
          <ul className="customer-list" data-testid="customer-list" aria-label="Customers in view">
            {items.map((customer) => (
              <CustomerRow
                key={customer.id}
                customer={customer}
                selected={customer.id === selectedId}
                onSelect={onSelect}
              />
            ))}
          </ul>
          {query.isFetchNextPageError ? (
            <p className="results-inline-error" role="alert">
              Could not load more. {errorText(query.error)}
            </p>
          ) : null}
          {query.hasNextPage ? (
            <div className="results-more">
              <Button
                size="sm"
                onClick={() => void query.fetchNextPage()}
                loading={query.isFetchingNextPage}
                className="btn-block"
              >
                Load more
              </Button>
            </div>
          ) : null}
        </div>
      )}
    </section>
  )
}

function NearbyResults({
  nearbyPoint,
  selectedId,
  onSelect,
  onClearNearby,
}: CustomerSidebarProps & { nearbyPoint: [number, number] }) {
  const query = useNearbyCustomers(nearbyPoint)
  const items = query.data?.items ?? []

  return (
    <section className="results" aria-label="Customers near the chosen point">
      <header className="results-header">
        <button type="button" className="link-btn back-btn" onClick={onClearNearby}>
          <ArrowLeftIcon size={14} /> Back to view
        </button>
      </header>
      <div className="nearby-summary">
        <CrosshairIcon size={16} />
        <span>
          Within {nearbyRadiusKm} km of {nearbyPoint[1].toFixed(3)}, {nearbyPoint[0].toFixed(3)}
        </span>
      </div>
      {query.isError ? (
        <div className="results-body">
          <Banner
            action={
              <Button size="sm" onClick={() => void query.refetch()}>
                Retry
              </Button>
            }
          >
            Could not find nearby customers. {errorText(query.error)}
          </Banner>
        </div>
      ) : query.isPending ? (
        <SkeletonRows count={4} />
      ) : items.length === 0 ? (
        <EmptyState icon={<CrosshairIcon size={22} />} title="No customers nearby">
          Nobody within {nearbyRadiusKm} km of this point.
        </EmptyState>
      ) : (
        <div className="results-scroll">
          <ul className="customer-list" data-testid="customer-list" aria-label="Nearby customers">
            {items.map((customer) => (
              <CustomerRow
                key={customer.id}
                customer={customer}
                distanceKm={customer.distanceKm}
                selected={customer.id === selectedId}
                onSelect={onSelect}
              />
            ))}
          </ul>
        </div>
      )}
    </section>
  )
}
