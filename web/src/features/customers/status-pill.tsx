import { humanize } from '../../lib/format'
import { Pill } from '../../ui/pill'
import { isCustomerStatus, statusLabels, statusTone } from './status-colors'

export function StatusPill({ status }: { status: string }) {
  return <Pill tone={statusTone(status)}>{isCustomerStatus(status) ? statusLabels[status] : humanize(status)}</Pill>
}
