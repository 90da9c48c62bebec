import type { TerritoryDraftDetail } from '../../api'
import { formatCount } from '../../lib/format'
import { useEscape } from '../../lib/use-escape'
import { Button } from '../../ui/button'
import { Spinner } from '../../ui/spinner'
import { useActivationPreview } from './use-territories'

type ActivateDialogProps = {
  detail: TerritoryDraftDetail
  pending: boolean
  onConfirm: () => void
  onCancel: () => void
}

function plural(n: number, one: string, many: string) {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}

/** Activation moves customers between reps: say how many, counted live on today's customers, before it happens. */
export function ActivateDialog({ detail, pending, onConfirm, onCancel }: ActivateDialogProps) {
  useEscape(onCancel, !pending, true)
  const restoring = detail.draft.status === 'archived'
  const preview = useActivationPreview(detail.draft.id, detail.draft.version)
  const changing = preview.data?.territories.filter((t) => t.changingOwner > 0) ?? []
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
          {preview.isPending ? (
            <p className="activation-preview-loading">
              <Spinner size="sm" label={null} /> Counting the customers who would change owner…
            </p>
          ) : preview.isError ? (
            <p className="dialog-warning">
              Could not count the customers who would change owner ({preview.error.message}). Customers will be
              reassigned to the rep of the territory they fall in.
            </p>
          ) : (
            <>
              <p data-testid="activation-preview-total">
                <strong>{plural(preview.data.customersChangingOwner, 'customer', 'customers')}</strong> will change
                owner right now.
              </p>
              {changing.length > 0 ? (
                <table className="activation-preview-table" data-testid="activation-preview">
                  <thead>
                    <tr>
                      <th scope="col">Territory</th>
                      <th scope="col">New owner</th>
                      <th scope="col" className="num">
                        Changing
                      </th>
                      <th scope="col" className="num">
                        Customers
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {changing.map((t) => (
                      <tr key={t.territoryId}>
                        <th scope="row">{t.name}</th>
                        <td className={t.repName ? undefined : 'activation-preview-vacant'}>{t.repName ?? 'Vacant'}</td>
                        <td className="num">{formatCount(t.changingOwner)}</td>
                        <td className="num">{formatCount(t.customers)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
              {preview.data.customersLeftWithoutOwner > 0 ? (
                <p className="dialog-warning">
                  {plural(preview.data.customersLeftWithoutOwner, 'customer', 'customers')} in vacant territories will
                  have no owner.
                </p>
              ) : null}
            </>
          )}
          <p>The current active alignment is archived and can be restored later; ownership history is kept.</p>
        </div>
        <div className="dialog-actions">
          <Button variant="secondary" onClick={onCancel} disabled={pending} autoFocus>
            Cancel
          </Button>
          <Button
            variant="primary"
            onClick={onConfirm}
            loading={pending}
            disabled={preview.isPending}
            data-testid="activate-confirm"
          >
            {restoring ? 'Restore alignment' : 'Activate plan'}
          </Button>
        </div>
      </div>
    </div>
  )
}
