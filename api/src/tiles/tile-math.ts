/** Web Mercator tile bounds in EPSG:3857 metres: [minX, minY, maxX, maxY]. */
export const webMercatorHalfWorld = 20037508.342789244

export function tileBounds3857(z: number, x: number, y: number): [number, number, number, number] {
  const size = (2 * webMercatorHalfWorld) / 2 ** z
  const minX = -webMercatorHalfWorld + x * size
  const maxY = webMercatorHalfWorld - y * size
  return [minX, maxY - size, minX + size, maxY]
}

export function isValidTile(z: number, x: number, y: number): boolean {
  const n = 2 ** z
  return (
    Number.isInteger(z) &&
    z >= 0 &&
    z <= 22 &&
    Number.isInteger(x) &&
    Number.isInteger(y) &&
    x >= 0 &&
    y >= 0 &&
    x < n &&
    y < n
  )
}
