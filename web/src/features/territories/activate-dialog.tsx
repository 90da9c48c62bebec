import type { TerritoryDraftDetail } from '../../api'
import { formatCount } from '../../lib/format'
import { useEscape } from '../../lib/use-escape'
import { Button } from '../../ui/button'
import { readBalanceRun } from './territory-balance'

type ActivateDialogProps = {
  detail: TerritoryDraftDetail
  pending: boolean
  onConfirm: () => void
  onCancel: () => void
}

/** Activation moves customers between reps: say how many before it happens. */
export function ActivateDialog({ detail, pending, onConfirm, onCancel }: ActivateDialogProps) {
  useEscape(onCancel, !pending, true)
  const restoring = detail.draft.status === 'archived'
  const changing = readBalanceRun(detail.balance).customersChangingOwner
  const unassigned = detail.territories.filter((t) => t.repId === null).length
  return (
    <div className="dialog-backdrop">
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="activate-title"
        aria-describedby="activate-body"
        data-testid="activate-dialog"
      >
        <h2 id="activate-title" className="dialog-title">
          {restoring ? 'Restore' : 'Activate'} “{detail.draft.name}”?
        </h2>
        <div id="activate-body" className="dialog-body">
          <p>
            {changing === null
              ? 'Customers will be reassigned to the rep of the territory they fall in.'
              : `${formatCount(changing)} customer${changing === 1 ? '' : 's'} will change owner (as of when this plan was balanced).`}{' '}
            The current active alignment is archived and can be restored later; ownership history is kept.
          </p>
          {unassigned > 0 ? (
            <p className="dialog-warning">
              {unassigned} territor{unassigned === 1 ? 'y has' : 'ies have'} no rep: their customers will have no owner.
            </p>
          ) : null}
        </div>
        <div className="dialog-actions">
          <Button variant="secondary" onClick={onCancel} disabled={pending} autoFocus>
            Cancel
          </Button>
          <Button variant="primary" onClick={onConfirm} loading={pending} data-testid="activate-confirm">
            {restoring ? 'Restore alignment' : 'Activate plan'}
          </Button>
        </div>
      </div>
    </div>
  )
}
