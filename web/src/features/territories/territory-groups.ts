// No imports on purpose: the unit tests load this module under Node's resolution rules.

/** The part of a territory that grouping reads. */
type Groupable = { regionName: string | null; districtName: string | null; metrics: object }

function metric(metrics: object, key: string): number {
  const value: unknown = (metrics as Record<string, unknown>)[key]
  return typeof value === 'number' ? value : 0
}

export type Subtotal = {
  territories: number
  customers: number
  activeCustomers: number
  revenue12mCents: number
  openProspects: number
  population: number
  areaKm2: number
  workloadHours: number
}

/** A territory with its index in the alignment (its map colour follows that index). */
export type PlacedTerritory<T> = { territory: T; position: number }
export type DistrictGroup<T> = { district: string | null; territories: PlacedTerritory<T>[]; subtotal: Subtotal }
export type RegionGroup<T> = { region: string | null; districts: DistrictGroup<T>[]; subtotal: Subtotal }

function subtotalOf<T extends Groupable>(territories: readonly PlacedTerritory<T>[]): Subtotal {
  const sum = (key: Exclude<keyof Subtotal, 'territories'>) =>
    territories.reduce((a, { territory }) => a + metric(territory.metrics, key), 0)
  return {
    territories: territories.length,
    customers: sum('customers'),
    activeCustomers: sum('activeCustomers'),
    revenue12mCents: sum('revenue12mCents'),
    openProspects: sum('openProspects'),
    population: sum('population'),
    areaKm2: sum('areaKm2'),
    workloadHours: Math.round(sum('workloadHours') * 10) / 10,
  }
}

/** True when any territory names a region or district: only then is the table grouped. */
export function hasHierarchy(territories: readonly Groupable[]): boolean {
  return territories.some((t) => t.regionName || t.districtName)
}

/**
 * Region → district → territory, groups in the order their first territory appears; territories without a region
 * or district gather under a null group, listed last.
 */
export function groupTerritories<T extends Groupable>(territories: readonly T[]): RegionGroup<T>[] {
  const regions = new Map<string | null, Map<string | null, PlacedTerritory<T>[]>>()
  territories.forEach((territory, position) => {
    const region = territory.regionName || null
    const district = territory.districtName || null
    let districts = regions.get(region)
    if (!districts) {
      districts = new Map()
      regions.set(region, districts)
    }
    const list = districts.get(district)
    if (list) list.push({ territory, position })
    else districts.set(district, [{ territory, position }])
  })
  const lastWhenNull = <T extends { key: string | null }>(a: T, b: T) => Number(a.key === null) - Number(b.key === null)
  return [...regions.entries()]
    .map(([key, districts]) => ({ key, districts }))
    .sort(lastWhenNull)
    .map(({ key, districts }) => {
      const groups = [...districts.entries()]
        .map(([district, placed]) => ({ key: district, placed }))
        .sort(lastWhenNull)
        .map(({ key: district, placed }) => ({ district, territories: placed, subtotal: subtotalOf(placed) }))
      return { region: key, districts: groups, subtotal: subtotalOf(groups.flatMap((g) => g.territories)) }
    })
}

/** Distinct region and district names of a plan, for suggestions while typing. */
export function hierarchyNames(territories: readonly Groupable[]): { regions: string[]; districts: string[] } {
  const distinct = (values: (string | null)[]) =>
    [...new Set(values.filter((v): v is string => Boolean(v)))].sort((a, b) => a.localeCompare(b))
  return {
    regions: distinct(territories.map((t) => t.regionName)),
    districts: distinct(territories.map((t) => t.districtName)),
  }
}
