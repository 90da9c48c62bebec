import type { CustomerStatus } from '../../api'
import type { PillTone } from '../../ui/pill'

type Rgb = [number, number, number]

/** One palette for map points, legend swatches and list pills (CSS mirrors it as --status-*). */
export const statusColors: Record<CustomerStatus, Rgb> = {
  active: [13, 148, 136],
  prospect: [59, 111, 224],
  churned: [148, 156, 168],
}

export const statusLabels: Record<CustomerStatus, string> = {
  active: 'Active',
  prospect: 'Prospect',
  churned: 'Churned',
}

export const statusOrder: CustomerStatus[] = ['active', 'prospect', 'churned']

export function isCustomerStatus(value: unknown): value is CustomerStatus {
  return value === 'active' || value === 'prospect' || value === 'churned'
}

export function statusColor(status: unknown): Rgb {
  return isCustomerStatus(status) ? statusColors[status] : [120, 128, 140]
}

export function statusTone(status: string): PillTone {
  return isCustomerStatus(status) ? status : 'neutral'
}
