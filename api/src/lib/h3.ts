import { latLngToCell } from 'h3-js'

/** H3 resolutions precomputed on every customer (see customer.h3_r*). */
export const customerH3Resolutions = [3, 5, 7, 9] as const

/** H3 indexes exceed 2^53, so they travel as decimal strings and are cast to bigint in SQL. */
export function h3Decimal(lng: number, lat: number, resolution: number): string {
  return BigInt(`0x${latLngToCell(lat, lng, resolution)}`).toString()
}

export function customerH3Cells(lng: number, lat: number): { h3R3: string; h3R5: string; h3R7: string; h3R9: string } {
  return {
    h3R3: h3Decimal(lng, lat, 3),
    h3R5: h3Decimal(lng, lat, 5),
    h3R7: h3Decimal(lng, lat, 7),
    h3R9: h3Decimal(lng, lat, 9),
  }
}
