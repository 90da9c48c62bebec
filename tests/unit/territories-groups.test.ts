import { describe, expect, it } from 'vitest'
import { groupTerritories, hasHierarchy, hierarchyNames } from '../../web/src/features/territories/territory-groups.ts'

function territory(id: number, regionName: string | null, districtName: string | null, customers: number) {
  return {
    id,
    position: id,
    name: `T${id}`,
    repId: null,
    repName: null,
    repEmail: null,
    regionName,
    districtName,
    locked: false,
    unitIds: [],
    metrics: {
      units: 1,
      customers,
      activeCustomers: customers,
      revenue12mCents: customers * 100,
      openProspects: 0,
      population: 10,
      areaKm2: 5,
      workloadHours: 1.25,
      deviationPct: 0,
      deviationPctBy: {},
      contiguous: true,
      compactness: 0.5,
    },
  }
}

describe('groupTerritories', () => {
  const plan = [
    territory(0, 'West', 'Coast', 10),
    territory(1, null, null, 7),
    territory(2, 'East', 'Metro', 5),
    territory(3, 'West', 'Mountain', 3),
    territory(4, 'West', 'Coast', 2),
  ]

  it('groups region → district in order of first appearance, unnamed last, with sums per group', () => {
    const groups = groupTerritories(plan)
    expect(groups.map((g) => g.region)).toEqual(['West', 'East', null])
    const west = groups[0]
    expect(west?.districts.map((d) => [d.district, d.territories.map((t) => t.position)])).toEqual([
      ['Coast', [0, 4]],
      ['Mountain', [3]],
    ])
    expect(west?.subtotal).toMatchObject({ territories: 3, customers: 15, revenue12mCents: 1500, workloadHours: 3.8 })
    expect(west?.districts[0]?.subtotal.customers).toBe(12)
    // Every territory is in exactly one group, and the group sums add up to the plan.
    expect(groups.reduce((a, g) => a + g.subtotal.customers, 0)).toBe(27)
  })

  it('only groups when some territory has a region or district, and lists their names for suggestions', () => {
    expect(hasHierarchy(plan)).toBe(true)
    expect(hasHierarchy([territory(0, null, null, 1), territory(1, '', null, 1)])).toBe(false)
    expect(hierarchyNames(plan)).toEqual({ regions: ['East', 'West'], districts: ['Coast', 'Metro', 'Mountain'] })
  })
})
