import { AppError } from '../errors.ts'
import type { DrawnPolygonInput } from './schema.ts'

type Position = readonly number[]
type Ring = readonly Position[]

/**
 * Checks a hand-drawn polygon before PostGIS sees it: coordinates within ±180/±90, no edge across the
 * antimeridian (a planar polygon cannot say which way round it goes), and rings closed (closing one is a repair).
 */
export function preparePolygon(geometry: DrawnPolygonInput['geometry']): { geojson: string; closedRings: number } {
  const polygons: Ring[][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  let closedRings = 0
  const closed = polygons.map((polygon) =>
    polygon.map((ring) => {
      for (let i = 0; i < ring.length; i++) {
        const [lng = 0, lat = 0] = ring[i] ?? []
        if (lng < -180 || lng > 180 || lat < -90 || lat > 90) {
          throw new AppError(400, 'invalid_coordinates', 'Polygon coordinates must be [lng, lat] within ±180 and ±90.')
        }
        const [nextLng = lng] = ring[(i + 1) % ring.length] ?? []
        if (Math.abs(nextLng - lng) > 180) {
          throw new AppError(
            400,
            'crosses_antimeridian',
            'The polygon crosses the antimeridian; split it into two polygons, one each side.',
          )
        }
      }
      const first = ring[0]
      const last = ring[ring.length - 1]
      if (first && last && (first[0] !== last[0] || first[1] !== last[1])) {
        closedRings++
        return [...ring, first]
      }
      return ring
    }),
  )
  return { geojson: JSON.stringify({ type: 'MultiPolygon', coordinates: closed }), closedRings }
}
