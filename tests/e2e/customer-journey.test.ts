import type { Page } from 'playwright-core'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppInBrowser, screenshotPath, startAppInBrowser } from '../support/browser.ts'
import type { RunningServer } from '../support/server.ts'

let app: AppInBrowser
let server: RunningServer
let page: Page

type Customer = { id: number; name: string; lng: number; lat: number }

declare global {
  interface Window {
    __meridian?: {
      map: {
        project: (p: [number, number]) => { x: number; y: number }
        jumpTo: (o: object) => void
        loaded: () => boolean
        getZoom: () => number
      }
    }
  }
}

beforeAll(async () => {
  app = await startAppInBrowser(1500)
  ;({ server, page } = app)
}, 200_000)

afterAll(async () => {
  await app?.close()
})

/** Share of the map's pixels that are not the dominant (background) colour, and how many colours there are. */
async function mapPixelStats(): Promise<{ colours: number; nonBackground: number }> {
  const png = PNG.sync.read(await page.getByTestId('map').screenshot())
  const counts = new Map<number, number>()
  for (let i = 0; i < png.data.length; i += 4) {
    const key = ((png.data[i] ?? 0) << 16) | ((png.data[i + 1] ?? 0) << 8) | (png.data[i + 2] ?? 0)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const total = png.data.length / 4
  const dominant = Math.max(...counts.values())
  return { colours: counts.size, nonBackground: 1 - dominant / total }
}

async function clickCustomerOnMap(customer: Customer): Promise<void> {
  await page.evaluate(({ lng, lat }) => window.__meridian?.map.jumpTo({ center: [lng, lat], zoom: 15 }), customer)
  const box = await page.getByTestId('map').boundingBox()
  if (!box) throw new Error('map has no box')
  // Tiles load asynchronously: click until the panel shows this customer.
  for (let attempt = 0; attempt < 30; attempt++) {
    await page.waitForTimeout(500)
    const point = await page.evaluate(({ lng, lat }) => window.__meridian?.map.project([lng, lat]), customer)
    if (!point) continue
    await page.mouse.click(box.x + point.x, box.y + point.y)
    const name = page.getByTestId('customer-name')
    if ((await name.count()) > 0 && (await name.textContent())?.trim() === customer.name) return
  }
  throw new Error(`could not open ${customer.name} by clicking the map`)
}

describe('a manager works with a customer in the browser', () => {
  let customer: Customer
  const subject = `Site visit ${Date.now()}`

  it('logs in and sees a rendered map with a legend', async () => {
    await page.goto(server.url)
    await page.getByTestId('login-email').fill('manager@meridian.test')
    await page.getByTestId('login-password').fill('wrong')
    await page.getByTestId('login-submit').click()
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/not correct|do not match/i)
    await page.getByTestId('login-password').fill('demo')
    await page.getByTestId('login-submit').click()
    await page.getByTestId('map').waitFor()
    await page.getByTestId('legend').waitFor()
    // The basemap draws first; the density hexagons arrive with their own request. Wait for both
    // (many colours and a fifth of the map covered), not for whichever happens to come first.
    await expect
      .poll(
        async () => {
          const stats = await mapPixelStats()
          return stats.colours > 20 && stats.nonBackground > 0.2
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe(true)
    await page.screenshot({ path: screenshotPath('01-map-density.png') })
  })

  it('clicks a customer on the map and reads its contact history', async () => {
    const res = await page.request.get(`${server.url}/api/customers?status=active&limit=1`)
    expect(res.status()).toBe(200)
    const first = (await res.json()).items[0] as Customer
    customer = first
    await clickCustomerOnMap(customer)
    await page.getByTestId('customer-panel').waitFor()
    const detail = await (await page.request.get(`${server.url}/api/customers/${customer.id}`)).json()
    await expect.poll(() => page.getByTestId('timeline-item').count()).toBe(detail.interactions.length)
    const firstItem = await page.getByTestId('timeline-item').first().textContent()
    expect(firstItem).toContain(detail.interactions[0].subject)
    await page.screenshot({ path: screenshotPath('02-customer-panel.png') })
  })

  it('logs an interaction that stays after a reload', async () => {
    const before = await page.getByTestId('timeline-item').count()
    await page.getByTestId('interaction-channel').selectOption('visit')
    await page.getByTestId('interaction-subject').fill(subject)
    await page.getByTestId('interaction-notes').fill('Walked the floor with the plant manager.')
    await page.getByTestId('interaction-submit').click()
    await expect.poll(() => page.getByTestId('timeline-item').count()).toBe(before + 1)
    expect(await page.getByTestId('timeline-item').first().textContent()).toContain(subject)

    await page.reload()
    await page.getByTestId('map').waitFor()
    await page.getByTestId('search-input').fill(customer.name)
    const row = page.getByTestId('customer-row').filter({ hasText: customer.name }).first()
    await row.waitFor({ timeout: 20_000 })
    await row.click()
    await expect.poll(() => page.getByTestId('customer-name').textContent()).toBe(customer.name)
    await expect.poll(() => page.getByTestId('timeline-item').first().textContent()).toContain(subject)
    await page.getByTestId('timeline').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('03-after-reload.png') })
  })

  it('finds customers near a right-clicked point', async () => {
    await page.keyboard.press('Escape')
    const box = await page.getByTestId('map').boundingBox()
    if (!box) throw new Error('map has no box')
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2, { button: 'right' })
    await page.getByTestId('nearby-menu-item').click()
    await expect.poll(() => page.getByTestId('customer-row').count(), { timeout: 15_000 }).toBeGreaterThan(0)
    expect(await page.getByTestId('customer-list').textContent()).toMatch(/km/)
  })
})
