import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppInBrowser, screenshotPath, startAppInBrowser } from '../support/browser.ts'
import type { RunningServer } from '../support/server.ts'

let app: AppInBrowser
let server: RunningServer
let page: Page

type TestHooks = {
  __meridian?: {
    map: {
      project: (p: [number, number]) => { x: number; y: number }
      loaded: () => boolean
      jumpTo: (o: { center: [number, number]; zoom: number }) => void
    }
    visitPoint?: (id: number) => [number, number] | null
  }
}
type Suggestion = { customerId: number; name: string; lng: number; lat: number }
type SavedPlan = {
  version: number
  plan: { stops: { customerId: number; name: string; arrivalMin: number; lng: number; lat: number }[] }
}

beforeAll(async () => {
  app = await startAppInBrowser(800)
  ;({ server, page } = app)
}, 200_000)

afterAll(async () => {
  await app?.close()
})

const today = () => {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

async function savedPlan(): Promise<SavedPlan | null> {
  const res = await page.request.get(`${server.url}/api/visits/plans/${today()}`)
  return res.status() === 200 ? ((await res.json()) as SavedPlan) : null
}

async function stopOrder(): Promise<number[]> {
  const ids = await page
    .getByTestId('timeline-stop')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-customer-id')))
  return ids.map(Number)
}

async function etas(): Promise<string[]> {
  return page.getByTestId('stop-eta').allTextContents()
}

describe('a rep plans and records a day of visits in the browser', () => {
  let suggestions: Suggestion[] = []

  it('opens Visits and sees whom to visit, with the reasons', async () => {
    await page.goto(server.url)
    await page.getByTestId('login-email').fill('rep1@meridian.test')
    await page.getByTestId('login-password').fill('demo')
    await page.getByTestId('login-submit').click()
    await page.getByTestId('nav-visits').click()
    await page.getByTestId('visits-view').waitFor()
    await expect.poll(() => page.getByTestId('visit-suggestion').count(), { timeout: 30_000 }).toBeGreaterThan(3)
    const res = await page.request.get(`${server.url}/api/visits/suggestions?date=${today()}&limit=100`)
    suggestions = (await res.json()).items
    const first = page.getByTestId('visit-suggestion').first()
    expect(await first.textContent()).toContain(suggestions[0]?.name)
    expect(await first.textContent()).toMatch(/\+\d+/)
    await page.waitForFunction(() => (window as unknown as TestHooks).__meridian?.map.loaded())
    await page.waitForTimeout(1000)
    await page.screenshot({ path: screenshotPath('visits-01-suggestions.png') })
  })

  it('adds stops from the suggestions and by clicking a customer on the map, then optimises', async () => {
    const toggles = page.getByTestId('suggestion-toggle')
    await toggles.nth(0).click()
    await toggles.nth(1).click()
    await expect.poll(() => page.getByTestId('visit-stop').count()).toBe(2)

    // A customer further down the list, clicked on the map.
    const target = suggestions[4] as Suggestion
    const point = await page.evaluate(
      ([lng, lat]) => (window as unknown as TestHooks).__meridian?.map.project([lng, lat]),
      [target.lng, target.lat] as [number, number],
    )
    const box = await page.getByTestId('map').boundingBox()
    if (!point || !box) throw new Error('map not ready')
    await page.mouse.click(box.x + point.x, box.y + point.y)
    await expect.poll(() => page.getByTestId('visit-stop').count()).toBe(3)
    expect(await page.getByTestId('visit-stops').textContent()).toContain(target.name)

    await page.getByTestId('optimise').click()
    await expect.poll(() => page.getByTestId('timeline-stop').count(), { timeout: 20_000 }).toBe(3)
    // Numbered in visiting order, each with an arrival time, and the plan is saved.
    const numbers = await page.locator('.timeline-number').allTextContents()
    expect(numbers).toEqual(['1', '2', '3'])
    for (const eta of await etas()) expect(eta).toMatch(/^Arrive \d\d:\d\d$/)
    await expect.poll(async () => (await savedPlan())?.version ?? 0).toBe(1)
    const saved = (await savedPlan()) as SavedPlan
    expect(await stopOrder()).toEqual(saved.plan.stops.map((s) => s.customerId))
    expect(await page.getByTestId('visit-totals').textContent()).toMatch(/km/)
    await page.waitForTimeout(1200)
    await page.screenshot({ path: screenshotPath('visits-02-route.png') })
  })

  it('re-times the day at once when a stop is dragged to another place', async () => {
    const before = await stopOrder()
    const beforeEtas = await etas()
    await page.getByTestId('timeline-stop').nth(0).dragTo(page.getByTestId('timeline-stop').nth(2))
    await expect.poll(stopOrder, { timeout: 15_000 }).not.toEqual(before)
    const after = await stopOrder()
    expect([...after].sort()).toEqual([...before].sort())
    expect(after[2]).toBe(before[0])
    await expect.poll(etas).not.toEqual(beforeEtas)
    // The dragged order is what is saved, re-timed by the server.
    await expect.poll(async () => (await savedPlan())?.version ?? 0, { timeout: 15_000 }).toBe(2)
    expect(((await savedPlan()) as SavedPlan).plan.stops.map((s) => s.customerId)).toEqual(after)
    // The keyboard way: move the last stop up.
    const beforeKeys = await stopOrder()
    await page
      .getByRole('button', { name: /earlier/ })
      .last()
      .click()
    await expect.poll(stopOrder).toEqual([beforeKeys[0], beforeKeys[2], beforeKeys[1]])
    await page.screenshot({ path: screenshotPath('visits-03-reordered.png') })
  })

  it('checks in at a stop on site and finds the visit in the customer’s contact history', async () => {
    const first = ((await savedPlan()) as SavedPlan).plan.stops[0]
    if (!first) throw new Error('no stop')
    await page.context().grantPermissions(['geolocation'], { origin: server.url })
    await page.context().setGeolocation({ longitude: first.lng, latitude: first.lat + 0.0005, accuracy: 10 })
    await page.getByTestId('check-in-button').first().click()
    await page.getByTestId('check-in-dialog').waitFor()
    await page.getByTestId('check-in-outcome').selectOption('Order taken')
    await page.getByTestId('check-in-notes').fill('Signed for the spring range.')
    await page.screenshot({ path: screenshotPath('visits-04-check-in.png') })
    await page.getByTestId('check-in-submit').click()
    await expect
      .poll(() => page.getByTestId('timeline-stop').first().textContent(), { timeout: 15_000 })
      .toContain('Visited · on site')

    await page.getByTestId('nav-customers').click()
    await page.getByTestId('search-input').fill(first.name)
    const row = page.getByTestId('customer-row').filter({ hasText: first.name }).first()
    await row.waitFor({ timeout: 20_000 })
    await row.click()
    await expect.poll(() => page.getByTestId('customer-name').textContent()).toBe(first.name)
    await expect
      .poll(() => page.getByTestId('timeline-item').first().textContent())
      .toContain('Visit: Order taken · checked in on site')
    await page.getByTestId('timeline').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('visits-05-history.png') })
  })

  it('plans the week from the chosen customers', async () => {
    await page.getByTestId('nav-visits').click()
    await page.getByTestId('visits-tab-week').click()
    await page.getByTestId('plan-week').click()
    await expect.poll(() => page.getByTestId('week-day').count(), { timeout: 20_000 }).toBe(5)
    await page.screenshot({ path: screenshotPath('visits-06-week.png') })
  })

  it('adds customers with a shift-drag box and an alt-drag lasso on the map', async () => {
    await page.getByTestId('visits-tab-day').click()
    const chosen = new Set(await stopOrder())
    const free = suggestions.filter((s) => !chosen.has(s.customerId))
    const screen = async (s: Suggestion) => {
      await page.evaluate(
        ([lng, lat]) => (window as unknown as TestHooks).__meridian?.map.jumpTo({ center: [lng, lat], zoom: 11 }),
        [s.lng, s.lat] as [number, number],
      )
      await page.waitForTimeout(500)
      const p = await page.evaluate(
        ([lng, lat]) => (window as unknown as TestHooks).__meridian?.map.project([lng, lat]),
        [s.lng, s.lat] as [number, number],
      )
      const box = await page.getByTestId('map').boundingBox()
      if (!p || !box) throw new Error('map not ready')
      return { x: box.x + p.x, y: box.y + p.y }
    }
    const before = await page.getByTestId('visit-stop').count()
    const boxed = free[0] as Suggestion
    const a = await screen(boxed)
    await page.keyboard.down('Shift')
    await page.mouse.move(a.x - 6, a.y - 6)
    await page.mouse.down()
    await page.mouse.move(a.x + 6, a.y + 6, { steps: 4 })
    await page.mouse.up()
    await page.keyboard.up('Shift')
    await expect.poll(() => page.getByTestId('visit-stops').textContent()).toContain(boxed.name)
    const afterBox = await page.getByTestId('visit-stop').count()
    expect(afterBox).toBeGreaterThan(before)

    const lassoed = free.find((s) => s.customerId !== boxed.customerId) as Suggestion
    const b = await screen(lassoed)
    await page.keyboard.down('Alt')
    await page.mouse.move(b.x - 7, b.y - 7)
    await page.mouse.down()
    for (const [dx, dy] of [
      [7, -7],
      [7, 7],
      [-7, 7],
      [-7, -6],
    ]) {
      await page.mouse.move(b.x + (dx ?? 0), b.y + (dy ?? 0), { steps: 3 })
    }
    await page.mouse.up()
    await page.keyboard.up('Alt')
    await expect.poll(() => page.getByTestId('visit-stops').textContent()).toContain(lassoed.name)
    expect(await page.getByTestId('visit-stop').count()).toBeGreaterThan(afterBox)
    await page.screenshot({ path: screenshotPath('visits-08-lasso.png') })

    // Suggestions follow the start: from an office in Miami, none of this Seattle rep's customers is in reach.
    await page.getByTestId('visits-start').selectOption('office')
    await page.getByTestId('visits-office').fill('25.77, -80.19')
    await expect.poll(() => page.getByText('No customers in reach').count(), { timeout: 15_000 }).toBe(1)
    await page.screenshot({ path: screenshotPath('visits-09-empty.png') })
    await page.getByTestId('visits-start').selectOption('home')
    await expect.poll(() => page.getByTestId('visit-suggestion').count(), { timeout: 15_000 }).toBeGreaterThan(3)
  })
})

describe('a manager', () => {
  it('sees planned versus done visits per rep', async () => {
    await page.context().clearCookies()
    await page.goto(server.url)
    await page.getByTestId('login-email').fill('manager@meridian.test')
    await page.getByTestId('login-password').fill('demo')
    await page.getByTestId('login-submit').click()
    await page.getByTestId('nav-visits').click()
    await page.getByTestId('visits-tab-report').click()
    await expect.poll(() => page.getByTestId('report-row').count(), { timeout: 20_000 }).toBeGreaterThan(0)
    const repRow = page.getByTestId('report-row').filter({ hasText: /.+/ }).first()
    expect(await repRow.textContent()).toBeTruthy()
    const text = await page.getByTestId('visits-report').textContent()
    // rep1 planned 3 stops today and checked in once.
    expect(text).toMatch(/3\s*1\s*33%\s*1/)
    await page.screenshot({ path: screenshotPath('visits-07-report.png') })
  })
})
