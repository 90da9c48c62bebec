import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoUsers } from '../../api/src/seed/seed.ts'
import { type AppInBrowser, screenshotPath, startAppInBrowser } from '../support/browser.ts'
import type { RunningServer } from '../support/server.ts'

let app: AppInBrowser
let server: RunningServer
let page: Page

/** What the web app puts on `window` for tests (see web/src/map/map-view.tsx). */
type TestHooks = {
  __meridian?: {
    map: { project: (p: [number, number]) => { x: number; y: number }; jumpTo: (o: object) => void }
    territoryUnitCentroid?: (unitId: string) => [number, number] | null
  }
}

type DraftDetail = {
  draft: { id: number; version: number }
  territories: {
    id: number
    name: string
    repName: string | null
    regionName: string | null
    districtName: string | null
    drawnArea: { type: 'MultiPolygon'; coordinates: [number, number][][][] } | null
    unitIds: string[]
    metrics: { customers: number }
  }[]
}

beforeAll(async () => {
  app = await startAppInBrowser(1500)
  ;({ server, page } = app)
}, 200_000)

afterAll(async () => {
  await app?.close()
})

async function getDraft(id: number): Promise<DraftDetail> {
  const res = await page.request.get(`${server.url}/api/territories/drafts/${id}`)
  expect(res.status()).toBe(200)
  return (await res.json()) as DraftDetail
}

/** The customers metric as the table shows it, e.g. "1,234" → 1234. */
async function customersShown(territoryId: number): Promise<number> {
  const cell = page.locator(
    `[data-testid="territory-row"][data-territory-id="${territoryId}"] [data-testid="territory-metric-customers"]`,
  )
  const text = (await cell.textContent()) ?? ''
  return Number(text.replace(/[^0-9]/g, ''))
}

/** Where the web app would draw a unit's label: a point inside it (null until county shapes are in). */
function unitCentroid(unitId: string): Promise<[number, number] | null> {
  return page.evaluate((id) => (window as unknown as TestHooks).__meridian?.territoryUnitCentroid?.(id) ?? null, unitId)
}

/** Centres the map on a unit at zoom 8 and returns the unit's point in page coordinates. */
async function centreOnUnit(unitId: string): Promise<{ x: number; y: number }> {
  const centroid = await unitCentroid(unitId)
  if (!centroid) throw new Error(`no centroid for unit ${unitId}`)
  await page.evaluate(
    (center) => (window as unknown as TestHooks).__meridian?.map.jumpTo({ center, zoom: 8 }),
    centroid,
  )
  await page.waitForTimeout(800)
  const box = await page.getByTestId('map').boundingBox()
  const point = await page.evaluate((c) => (window as unknown as TestHooks).__meridian?.map.project(c), centroid)
  if (!box || !point) throw new Error('map not ready')
  return { x: box.x + point.x, y: box.y + point.y }
}

/** Centres the map on a unit of the open plan and clicks it, as a user would. */
async function clickUnit(unitId: string): Promise<void> {
  const { x, y } = await centreOnUnit(unitId)
  await page.mouse.click(x, y)
}

describe('a manager plans territories in the browser', () => {
  let draftId: number
  let a: DraftDetail['territories'][number]
  let b: DraftDetail['territories'][number]

  it('balances NY, NJ, CT and PA into three territories on customers', async () => {
    await page.goto(server.url)
    await page.getByTestId('login-email').fill('manager@meridian.test')
    await page.getByTestId('login-password').fill('demo')
    await page.getByTestId('login-submit').click()
    await page.getByTestId('nav-territories').click()
    await page.getByTestId('territory-form').waitFor()

    const states = page.getByTestId('territory-states')
    await expect.poll(() => states.locator('option').count(), { timeout: 20_000 }).toBeGreaterThan(40)
    await states.selectOption(['NY', 'NJ', 'CT', 'PA'])
    await page.getByTestId('territory-k').fill('3')
    await page.getByTestId('territory-run').click()

    await expect.poll(() => page.getByTestId('territory-row').count(), { timeout: 120_000 }).toBe(3)
    const selected = page.locator('[data-testid="draft-item"][aria-current="true"]')
    draftId = Number(await selected.getAttribute('data-draft-id'))
    expect(draftId).toBeGreaterThan(0)
    expect(await selected.textContent()).toMatch(/Draft/)

    const detail = await getDraft(draftId)
    expect(detail.territories).toHaveLength(3)
    // The table shows the API's numbers, and every seeded customer in scope lands in some territory.
    for (const t of detail.territories) expect(await customersShown(t.id)).toBe(t.metrics.customers)
    expect(detail.territories.reduce((s, t) => s + t.metrics.customers, 0)).toBeGreaterThan(0)

    // The map draws the plan once county shapes are in.
    await expect.poll(() => unitCentroid(detail.territories[0]?.unitIds[0] ?? ''), { timeout: 60_000 }).not.toBeNull()
    await page.waitForTimeout(1500)
    await page.screenshot({ path: screenshotPath('territories-01-plan.png') })
    ;[a, b] = detail.territories as [DraftDetail['territories'][number], DraftDetail['territories'][number]]
  })

  it('moves a county with customers from one territory to another by clicking it on the map', async () => {
    await page
      .locator(`[data-testid="territory-row"][data-territory-id="${b.id}"]`)
      .getByTestId('territory-select-target')
      .click()
    await expect
      .poll(() => page.locator(`[data-testid="territory-row"][data-territory-id="${b.id}"]`).getAttribute('class'))
      .toContain('is-target')

    let moved: { unitId: string; deltaA: number; deltaB: number } | null = null
    for (const unitId of a.unitIds.slice(0, 12)) {
      const beforeA = await customersShown(a.id)
      const beforeB = await customersShown(b.id)
      const version = (await getDraft(draftId)).draft.version
      await clickUnit(unitId)
      // One PATCH per click: the draft's version goes up and the unit now belongs to B.
      await expect.poll(async () => (await getDraft(draftId)).draft.version, { timeout: 15_000 }).toBe(version + 1)
      const after = await getDraft(draftId)
      expect(after.territories.find((t) => t.id === b.id)?.unitIds).toContain(unitId)
      const expectedA = after.territories.find((t) => t.id === a.id)?.metrics.customers ?? -1
      await expect.poll(() => customersShown(a.id)).toBe(expectedA)
      const deltaA = (await customersShown(a.id)) - beforeA
      const deltaB = (await customersShown(b.id)) - beforeB
      if (deltaA !== 0 || deltaB !== 0) {
        moved = { unitId, deltaA, deltaB }
        break
      }
    }
    expect(moved, 'no county of territory A with customers could be moved').not.toBeNull()
    if (!moved) return
    expect(moved.deltaA).toBeLessThan(0)
    expect(moved.deltaB).toBe(-moved.deltaA)
    await page.screenshot({ path: screenshotPath('territories-02-after-move.png') })
  })

  it('moves every county inside a shift-dragged box in one edit', async () => {
    const before = await getDraft(draftId)
    const unitId = before.territories.find((t) => t.id === a.id)?.unitIds[0]
    if (!unitId) throw new Error('territory A has no units left')
    const { x, y } = await centreOnUnit(unitId)
    await page.keyboard.down('Shift')
    await page.mouse.move(x - 30, y - 30)
    await page.mouse.down()
    await page.mouse.move(x + 30, y + 30, { steps: 5 })
    expect(await page.locator('.lasso-rect').isVisible()).toBe(true)
    await page.mouse.up()
    await page.keyboard.up('Shift')
    // One PATCH for the whole box: the version goes up by exactly one and the county is in B.
    await expect
      .poll(async () => (await getDraft(draftId)).draft.version, { timeout: 15_000 })
      .toBe(before.draft.version + 1)
    const after = await getDraft(draftId)
    expect(after.territories.find((t) => t.id === b.id)?.unitIds).toContain(unitId)
    const expectedB = after.territories.find((t) => t.id === b.id)?.metrics.customers ?? -1
    await expect.poll(() => customersShown(b.id)).toBe(expectedB)
  })

  it('draws an area around a county and the county joins the target territory', async () => {
    const before = await getDraft(draftId)
    const unitId = before.territories.find((t) => t.id === a.id)?.unitIds[0]
    if (!unitId) throw new Error('territory A has no units left')
    const row = page.locator(`[data-testid="territory-row"][data-territory-id="${b.id}"]`)
    const draw = page.getByTestId('territory-draw')

    // A small square around the county's inside point; one retry if the first outline got lost.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!((await row.getAttribute('class')) ?? '').includes('is-target')) {
        await row.getByTestId('territory-select-target').click()
      }
      await expect.poll(() => row.getAttribute('class')).toContain('is-target')
      const { x, y } = await centreOnUnit(unitId)
      if ((await draw.getAttribute('aria-pressed')) !== 'true') await draw.click()
      for (const [dx, dy] of [
        [-18, -18],
        [18, -18],
        [18, 18],
        [-18, 18],
      ] as const) {
        await page.mouse.click(x + dx, y + dy)
        await page.waitForTimeout(120)
      }
      await page.keyboard.press('Enter')
      // Enter ends drawing once the outline has three corners; if clicks were lost, drawing goes on: retry.
      const sent = await expect
        .poll(() => draw.getAttribute('aria-pressed'), { timeout: 3_000 })
        .toBe('false')
        .then(() => true)
        .catch(() => false)
      if (sent) break
      await draw.click()
    }
    // The polygon write recomputes every territory's metrics: give it time.
    await expect
      .poll(async () => (await getDraft(draftId)).draft.version, { timeout: 30_000 })
      .toBe(before.draft.version + 1)
    const after = await getDraft(draftId)
    expect(after.draft.version).toBe(before.draft.version + 1)
    expect(after.territories.find((t) => t.id === b.id)?.unitIds).toContain(unitId)
    const note = page.getByTestId('territory-draw-note')
    await note.waitFor()
    expect(await note.textContent()).toMatch(/moved into|repair/i)
    const expectedB = after.territories.find((t) => t.id === b.id)?.metrics.customers ?? -1
    await expect.poll(() => customersShown(b.id)).toBe(expectedB)
    await page.screenshot({ path: screenshotPath('territories-02b-draw.png') })
  })

  it('drags a corner of the drawn area and adds one, and a county with customers joins the territory', async () => {
    const before = await getDraft(draftId)
    const mine = before.territories.find((t) => t.id === b.id)
    const ring = mine?.drawnArea?.coordinates[0]?.[0]?.slice(0, -1) ?? []
    expect(ring.length).toBeGreaterThanOrEqual(3)
    const centre: [number, number] = [
      ring.reduce((s, c) => s + c[0], 0) / ring.length,
      ring.reduce((s, c) => s + c[1], 0) / ring.length,
    ]
    // The nearest county of another territory that holds customers.
    const unitsRes = await page.request.get(`${server.url}/api/territories/drafts/${draftId}/units`)
    const withCustomers = new Set(
      ((await unitsRes.json()).items as { unitId: string; territoryId: number; customers: number }[])
        .filter((u) => u.territoryId !== b.id && u.customers > 0)
        .map((u) => u.unitId),
    )
    let goal: { unitId: string; at: [number, number]; d: number } | null = null
    for (const unitId of withCustomers) {
      const at = await unitCentroid(unitId)
      if (!at) continue
      const d = Math.hypot(at[0] - centre[0], at[1] - centre[1])
      if (d > 0.15 && (!goal || d < goal.d)) goal = { unitId, at, d }
    }
    if (!goal) throw new Error('no county with customers near the drawn area')
    const { unitId, at } = goal
    const row = page.locator(`[data-testid="territory-row"][data-territory-id="${b.id}"]`)
    if (!((await row.getAttribute('class')) ?? '').includes('is-target')) {
      await row.getByTestId('territory-select-target').click()
    }
    await page.evaluate((c) => (window as unknown as TestHooks).__meridian?.map.jumpTo({ center: c, zoom: 7.5 }), [
      (centre[0] + at[0]) / 2,
      (centre[1] + at[1]) / 2,
    ] as [number, number])
    await page.waitForTimeout(600)
    await page.getByTestId('territory-area-edit').click()
    const box = await page.getByTestId('map').boundingBox()
    if (!box) throw new Error('map not ready')
    const screen = async (c: [number, number]) => {
      const p = await page.evaluate((q) => (window as unknown as TestHooks).__meridian?.map.project(q), c)
      if (!p) throw new Error('map not ready')
      return { x: box.x + p.x, y: box.y + p.y }
    }
    const c = await screen(centre)
    const g = await screen(at)
    const corners = await Promise.all(ring.map((v) => screen(v)))
    // The corner that points most towards the county moves past it, so the county's centre falls inside.
    const dot = (p: { x: number; y: number }) => (p.x - c.x) * (g.x - c.x) + (p.y - c.y) * (g.y - c.y)
    const index = corners.reduce((best, p, i) => (dot(p) > dot(corners[best] ?? p) ? i : best), 0)
    const from = corners[index] ?? c
    const to = { x: c.x + (g.x - c.x) * 1.4, y: c.y + (g.y - c.y) * 1.4 }
    await page.mouse.move(from.x, from.y)
    await page.mouse.down()
    await page.mouse.move(to.x, to.y, { steps: 8 })
    await page.mouse.up()
    // Drag the middle of the edge after the next corner a little outwards: a new corner.
    const a2 = corners[(index + 1) % corners.length] ?? c
    const b2 = corners[(index + 2) % corners.length] ?? c
    const middle = { x: (a2.x + b2.x) / 2, y: (a2.y + b2.y) / 2 }
    await page.mouse.move(middle.x, middle.y)
    await page.mouse.down()
    await page.mouse.move(middle.x + (middle.x - c.x) * 0.3, middle.y + (middle.y - c.y) * 0.3, { steps: 4 })
    await page.mouse.up()
    await page.screenshot({ path: screenshotPath('territories-02c-edit-area.png') })
    await page.getByTestId('territory-area-save').click()

    await expect
      .poll(async () => (await getDraft(draftId)).draft.version, { timeout: 30_000 })
      .toBe(before.draft.version + 1)
    const after = await getDraft(draftId)
    const edited = after.territories.find((t) => t.id === b.id)
    expect(edited?.unitIds).toContain(unitId)
    expect(edited?.drawnArea?.coordinates[0]?.[0]?.length).toBe(ring.length + 2) // one more corner, closed
    expect(edited?.metrics.customers).toBeGreaterThan(mine?.metrics.customers ?? 0)
    await expect.poll(() => customersShown(b.id)).toBe(edited?.metrics.customers)
    await expect.poll(() => page.getByTestId('territory-area-save').count()).toBe(0)
  })

  it('shows a version conflict when someone else edited the draft, and reloads it', async () => {
    const current = await getDraft(draftId)
    // Another planner renames a territory meanwhile.
    const res = await page.request.patch(`${server.url}/api/territories/drafts/${draftId}/territories/${a.id}`, {
      data: { version: current.draft.version, name: 'Renamed elsewhere' },
    })
    expect(res.status()).toBe(200)
    const unitId = current.territories.find((t) => t.id === a.id)?.unitIds.at(-1)
    if (!unitId) throw new Error('territory A has no units left')
    const conflict = page.getByTestId('territory-version-conflict')
    // Every click sends the stale version, so a click that missed the county can simply be repeated.
    for (let attempt = 0; attempt < 3 && !(await conflict.isVisible()); attempt++) {
      await clickUnit(unitId)
      await conflict.waitFor({ timeout: 6_000 }).catch(() => undefined)
    }
    if (!(await conflict.isVisible())) {
      await page.screenshot({ path: screenshotPath('territories-03-conflict-missing.png') })
    }
    expect(await conflict.isVisible()).toBe(true)
    expect(await conflict.textContent()).toMatch(/changed/i)
    await page.screenshot({ path: screenshotPath('territories-03-conflict.png') })
    await page.getByTestId('territory-reload').click()
    await conflict.waitFor({ state: 'hidden' })
    await expect.poll(() => page.getByTestId('territory-table').textContent()).toContain('Renamed elsewhere')
  })

  it('puts a territory into a region and district inline and sees the table grouped with subtotals', async () => {
    const row = () => page.locator(`[data-testid="territory-row"][data-territory-id="${a.id}"]`)
    for (const [field, value] of [
      ['territory-region', 'Northeast'],
      ['territory-district', 'Metro'],
    ] as const) {
      const version = (await getDraft(draftId)).draft.version
      await row().getByTestId(field).click()
      await row().getByTestId(`${field}-input`).fill(value)
      await row().getByTestId(`${field}-input`).press('Enter')
      await expect.poll(async () => (await getDraft(draftId)).draft.version, { timeout: 15_000 }).toBe(version + 1)
    }
    const detail = await getDraft(draftId)
    const named = detail.territories.find((t) => t.id === a.id)
    expect([named?.regionName, named?.districtName]).toEqual(['Northeast', 'Metro'])
    // Grouped: the named region first, then the territories without one, each with its customers summed.
    const regions = page.getByTestId('territory-region-row')
    await expect.poll(() => regions.count()).toBe(2)
    expect(await regions.first().getAttribute('data-name')).toBe('Northeast')
    const subtotal = (await regions.first().getByTestId('territory-region-customers').textContent()) ?? ''
    expect(Number(subtotal.replace(/[^0-9]/g, ''))).toBe(named?.metrics.customers)
    const others = detail.territories.filter((t) => t.id !== a.id).reduce((sum, t) => sum + t.metrics.customers, 0)
    const rest = (await regions.nth(1).getByTestId('territory-region-customers').textContent()) ?? ''
    expect(Number(rest.replace(/[^0-9]/g, ''))).toBe(others)
    expect(await row().getByTestId('territory-district').textContent()).toBe('Metro')
    await page.screenshot({ path: screenshotPath('territories-03b-regions.png') })
  })

  it('activates the plan after confirming how many customers change owner', async () => {
    await page.keyboard.press('Escape')
    await page.getByTestId('draft-activate').click()
    const dialog = page.getByTestId('activate-dialog')
    await dialog.waitFor()
    // The dialog counts live, on today's customers, what the server's dry run counts.
    const preview = await (
      await page.request.get(`${server.url}/api/territories/drafts/${draftId}/activation-preview`)
    ).json()
    const total = page.getByTestId('activation-preview-total')
    await total.waitFor({ timeout: 15_000 })
    expect(Number(((await total.textContent()) ?? '').replace(/[^0-9]/g, ''))).toBe(preview.customersChangingOwner)
    expect(await total.textContent()).toMatch(/customers? will change owner/)
    const changing = (preview.territories as { changingOwner: number }[]).filter((t) => t.changingOwner > 0).length
    expect(await dialog.locator('[data-testid="activation-preview"] tbody tr').count()).toBe(changing)
    await page.screenshot({ path: screenshotPath('territories-04a-activate-dialog.png') })
    await page.getByTestId('activate-confirm').click()
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 })
    const item = page.locator(`[data-testid="draft-item"][data-draft-id="${draftId}"]`)
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 15_000 }).toBe('active')
    const active = await (await page.request.get(`${server.url}/api/territories/active`)).json()
    expect(active.active.draft.id).toBe(draftId)
    await page.screenshot({ path: screenshotPath('territories-04-active.png') })
  })
  it('balances a second plan on a customers/revenue mix and compares it with the active one', async () => {
    await page.getByTestId('territory-measure').selectOption('mix')
    await page.getByTestId('territory-run').click()
    await expect.poll(() => page.getByTestId('draft-item').count(), { timeout: 120_000 }).toBe(2)
    const selected = page.locator('[data-testid="draft-item"][aria-current="true"]')
    await expect.poll(() => selected.getAttribute('data-draft-id')).not.toBe(String(draftId))
    expect(await page.getByTestId('balance-summary').textContent()).toMatch(/60% Customers · 40% Revenue/)

    await page.getByTestId('territory-compare-open').click()
    const compare = page.getByTestId('territory-compare')
    await compare.waitFor()
    // Both plans side by side, three territories each, and the active one says so.
    await expect.poll(() => compare.getByTestId('compare-territory-row').count(), { timeout: 20_000 }).toBe(6)
    // The active plan is grouped by region and district there too.
    expect(await compare.getByTestId('compare-region-row').first().getAttribute('data-name')).toBe('Northeast')
    expect(await compare.textContent()).toMatch(/Active/)
    await page.screenshot({ path: screenshotPath('territories-05-compare.png') })
    await compare.getByRole('button', { name: 'Close comparison' }).click()
    await compare.waitFor({ state: 'hidden' })
  })

  it('exports a plan as GeoJSON and imports it back as a new draft', async () => {
    const href = await page.getByTestId('territory-export').getAttribute('href')
    expect(href).toMatch(/^\/api\/territories\/drafts\/[0-9]+\.geojson$/)
    const exported = await page.request.get(`${server.url}${href}`)
    expect(exported.status()).toBe(200)
    await page.getByTestId('territory-import-file').setInputFiles({
      name: 'plan.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(await exported.text()),
    })
    await expect.poll(() => page.getByTestId('draft-item').count(), { timeout: 30_000 }).toBe(3)
    await expect.poll(() => page.getByTestId('territory-row').count(), { timeout: 30_000 }).toBe(3)
  })

  it('shows a rep their own active territory, read-only', async () => {
    const detail = await getDraft(draftId)
    const mine = detail.territories.find((t) => t.repName !== null)
    const rep = demoUsers(60).find((u) => u.role === 'rep' && u.name === mine?.repName)
    if (!mine || !rep) throw new Error('no territory with a seeded rep')
    await page.getByTestId('logout').click()
    await page.getByTestId('login-email').fill(rep.email)
    await page.getByTestId('login-password').fill('demo')
    await page.getByTestId('login-submit').click()
    await page.getByTestId('nav-territories').click()
    await page.getByTestId('my-territory').waitFor()
    const rows = page.getByTestId('territory-row')
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(0)
    expect(await rows.first().getAttribute('data-territory-id')).toBe(String(mine.id))
    expect(await customersShown(mine.id)).toBe(mine.metrics.customers)
    // Reps plan nothing: no form, no editing.
    expect(await page.getByTestId('territory-form').count()).toBe(0)
    await page.waitForTimeout(1500)
    await page.screenshot({ path: screenshotPath('territories-06-rep.png') })
  })
})
