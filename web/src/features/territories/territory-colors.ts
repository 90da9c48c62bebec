// A categorical palette for territories: distinct hues at similar lightness, readable under labels.
export type Rgb = [number, number, number]

export const territoryPalette: Rgb[] = [
  [47, 91, 234],
  [13, 148, 136],
  [234, 128, 26],
  [168, 72, 200],
  [220, 56, 92],
  [92, 160, 40],
  [0, 150, 199],
  [196, 146, 8],
  [112, 96, 224],
  [214, 92, 52],
  [40, 120, 96],
  [180, 84, 150],
]

/** Colour of the territory at `position` (0-based); the palette repeats for very large k. */
export function territoryColor(position: number): Rgb {
  return (
    territoryPalette[((position % territoryPalette.length) + territoryPalette.length) % territoryPalette.length] ?? [
      120, 120, 120,
    ]
  )
}

export function rgbCss([r, g, b]: Rgb, alpha = 1): string {
  return alpha === 1 ? `rgb(${r} ${g} ${b})` : `rgb(${r} ${g} ${b} / ${Math.round(alpha * 100)}%)`
}
