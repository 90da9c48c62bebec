import type { DensityCell } from '../../api'

export type Rgb = [number, number, number]

/** Sequential teal → deep blue ramp; light end still reads against the pale basemap. */
const ramp: Rgb[] = [
  [204, 236, 230],
  [153, 216, 201],
  [102, 194, 164],
  [44, 162, 139],
  [21, 128, 132],
  [18, 94, 124],
  [22, 58, 102],
]

export type DensityScale = {
  /** Lower bound of each bin; bin i covers [breaks[i], breaks[i + 1]). */
  breaks: number[]
  colors: Rgb[]
  max: number
}

function niceNumber(value: number): number {
  if (value <= 10) return Math.max(1, Math.round(value))
  const magnitude = 10 ** Math.floor(Math.log10(value))
  const steps = [1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10]
  const normalized = value / magnitude
  const step = steps.find((s) => s >= normalized) ?? 10
  return step * magnitude
}

/**
 * Bins on a log scale between 1 and the largest cell, rounded to readable numbers, so both a
 * sparse rural view and a dense metro view use the whole ramp.
 */
export function buildDensityScale(cells: DensityCell[]): DensityScale {
  const max = cells.reduce((m, c) => Math.max(m, c.customers), 0)
  if (max <= 1) return { breaks: [1], colors: [ramp[2] ?? [102, 194, 164]], max }

  const binCount = Math.min(ramp.length, Math.max(2, Math.ceil(Math.log2(max)) + 1))
  const breaks: number[] = [1]
  for (let i = 1; i < binCount; i++) {
    const value = niceNumber(max ** (i / binCount))
    const last = breaks[breaks.length - 1] ?? 1
    if (value > last && value <= max) breaks.push(value)
  }
  // Spread the chosen bins across the whole ramp so a few bins still span light → dark.
  const colors = breaks.map((_, i): Rgb => {
    const index = breaks.length === 1 ? 0 : Math.round((i / (breaks.length - 1)) * (ramp.length - 1))
    return ramp[index] ?? [102, 194, 164]
  })
  return { breaks, colors, max }
}

export function densityColor(scale: DensityScale, customers: number): Rgb {
  let color = scale.colors[0] ?? [102, 194, 164]
  for (let i = 0; i < scale.breaks.length; i++) {
    const lower = scale.breaks[i]
    const binColor = scale.colors[i]
    if (lower !== undefined && binColor && customers >= lower) color = binColor
  }
  return color
}

export function rgbCss([r, g, b]: Rgb): string {
  return `rgb(${r} ${g} ${b})`
}
