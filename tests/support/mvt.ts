import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'

export type DecodedPoint = { id: number; status: string; name: string; revenue: number; lng: number; lat: number }

/** Decodes the `customers` layer of a tile back to lng/lat points. */
export function decodeCustomerTile(bytes: ArrayBuffer, z: number, x: number, y: number): DecodedPoint[] {
  if (bytes.byteLength === 0) return []
  const tile = new VectorTile(new PbfReader(new Uint8Array(bytes)))
  const layer = tile.layers.customers
  if (!layer) throw new Error(`no customers layer; layers: ${Object.keys(tile.layers).join(',')}`)
  const points: DecodedPoint[] = []
  for (let i = 0; i < layer.length; i++) {
    const feature = layer.feature(i)
    const geojson = feature.toGeoJSON(x, y, z)
    if (geojson.geometry.type !== 'Point') throw new Error(`unexpected ${geojson.geometry.type}`)
    const [lng, lat] = geojson.geometry.coordinates as [number, number]
    const p = feature.properties
    points.push({
      id: Number(p.id),
      status: String(p.status),
      name: String(p.name),
      revenue: Number(p.revenue),
      lng,
      lat,
    })
  }
  return points
}

export function lngLatToTile(lng: number, lat: number, z: number): [number, number] {
  const n = 2 ** z
  const x = Math.floor(((lng + 180) / 360) * n)
  const latRad = (lat * Math.PI) / 180
  const y = Math.floor(((1 - Math.log(Math.tan(latRad) + 1 / Math.cos(latRad)) / Math.PI) / 2) * n)
  return [x, y]
}
