import { lngLatToTile } from '../support/mvt.ts'

/**
 * The fixed request set of `npm run bench`. Everything is derived from these places and zooms,
 * so two runs (and two backends) measure exactly the same URLs.
 */
export const benchPlaces = [
  { name: 'New York', lng: -73.9857, lat: 40.7484 },
  { name: 'Chicago', lng: -87.6298, lat: 41.8781 },
  { name: 'Dallas', lng: -96.797, lat: 32.7767 },
  { name: 'Denver', lng: -104.9903, lat: 39.7392 },
  { name: 'rural Kansas', lng: -100.48, lat: 38.92 },
  { name: 'Seattle', lng: -122.3321, lat: 47.6062 },
] as const

export const tileZooms = [4, 6, 8, 10, 12, 14] as const

/** A desktop map: MapLibre draws 512 px per tile, so zoom z shows 1440 / (512 · 2^z) of the world's width. */
const viewportPx = { width: 1440, height: 900 }

export type GroupKind = 'baseline' | 'tile' | 'density' | 'list' | 'nearby'

export type RequestGroup = {
  name: string
  kind: GroupKind
  /** p95 target in ms from the issue, when there is one. */
  targetMs: number | null
  /** Distinct URLs; they are requested round-robin until `samples` timings exist. */
  paths: string[]
  samples: number
}

export const targets: Record<GroupKind, number | null> = {
  baseline: null,
  tile: 50,
  density: 100,
  list: null,
  nearby: 10,
}

function mercatorY(lat: number): number {
  const rad = (lat * Math.PI) / 180
  return Math.log(Math.tan(Math.PI / 4 + rad / 2))
}

function latFromMercatorY(y: number): number {
  return ((2 * Math.atan(Math.exp(y)) - Math.PI / 2) * 180) / Math.PI
}

/** The `west,south,east,north` a map of `viewportPx` centred on lng/lat at zoom z would send. */
export function viewportBbox(lng: number, lat: number, z: number): [number, number, number, number] {
  const worldPx = 512 * 2 ** z
  const halfWidthDeg = (viewportPx.width / worldPx) * 180
  const halfHeightMerc = (viewportPx.height / worldPx) * Math.PI
  const centre = mercatorY(lat)
  return [
    Math.max(-180, lng - halfWidthDeg),
    Math.max(-85, latFromMercatorY(centre - halfHeightMerc)),
    Math.min(180, lng + halfWidthDeg),
    Math.min(85, latFromMercatorY(centre + halfHeightMerc)),
  ]
}

function formatBbox(bbox: [number, number, number, number]): string {
  return bbox.map((n) => n.toFixed(5)).join(',')
}

export function tilePath(z: number, x: number, y: number): string {
  return `/api/tiles/customers/${z}/${x}/${y}.mvt`
}

export function buildRequestGroups(): RequestGroup[] {
  // The floor under every number below: HTTP, Hono and the per-request session lookup, no feature query.
  const groups: RequestGroup[] = [
    {
      name: 'baseline /api/config',
      kind: 'baseline',
      targetMs: targets.baseline,
      paths: ['/api/config'],
      samples: 120,
    },
  ]
  for (const z of tileZooms) {
    const paths = new Set(
      benchPlaces.map((place) => {
        const [x, y] = lngLatToTile(place.lng, place.lat, z)
        return tilePath(z, x, y)
      }),
    )
    groups.push({ name: `tile z${z}`, kind: 'tile', targetMs: targets.tile, paths: [...paths], samples: 60 })
  }
  for (const z of [4, 8]) {
    groups.push({
      name: `density z${z}`,
      kind: 'density',
      targetMs: targets.density,
      paths: benchPlaces.map((p) => `/api/density?z=${z}&bbox=${formatBbox(viewportBbox(p.lng, p.lat, z))}`),
      samples: 60,
    })
  }
  for (const z of [4, 8, 12]) {
    groups.push({
      name: `list bbox z${z}`,
      kind: 'list',
      targetMs: targets.list,
      paths: benchPlaces.map((p) => `/api/customers?bbox=${formatBbox(viewportBbox(p.lng, p.lat, z))}&limit=100`),
      samples: 90,
    })
  }
  groups.push({
    name: 'nearby 10 (50 km)',
    kind: 'nearby',
    targetMs: targets.nearby,
    paths: benchPlaces.map(
      (p) => `/api/customers/nearby?lng=${p.lng.toFixed(6)}&lat=${p.lat.toFixed(6)}&radiusKm=50&limit=10`,
    ),
    samples: 120,
  })
  return groups
}
