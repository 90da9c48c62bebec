import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppInBrowser, screenshotPath, startAppInBrowser } from '../support/browser.ts'

let app: AppInBrowser
let page: Page

beforeAll(async () => {
  app = await startAppInBrowser(300)
  page = app.page
}, 200_000)

afterAll(async () => {
  await app?.close()
})

// 12,000 bakeries around a few ZIPs (three batches, so the bar moves), plus one row with a ZIP that does not exist.
const zips = ['60601', '60614', '60657', '10001', '02134', '94103']
function bakeriesCsv(): string {
  const lines = ['Account ID,Company,Kind,Postal Code,City,State']
  for (let i = 1; i <= 12_000; i++) {
    lines.push(`BAKE-${String(i).padStart(5, '0')},Lakefront Bakery ${i},Food & Beverage,${zips[i % zips.length]},,`)
  }
  lines.push('BAKE-99999,Nowhere Bakery,Food & Beverage,00000,,')
  return `${lines.join('\r\n')}\r\n`
}

async function signIn(email: string) {
  await page.goto(app.server.url)
  await page.getByTestId('login-email').fill(email)
  await page.getByTestId('login-password').fill('demo')
  await page.getByTestId('login-submit').click()
  await page.getByTestId('map').waitFor()
}

function percentShown(): Promise<number> {
  return page
    .getByTestId('import-percent')
    .textContent({ timeout: 2000 })
    .then((text) => Number((text ?? '').replace(/[^0-9]/g, '')))
    .catch(() => -1)
}

describe('importing customers from the browser', () => {
  it('uploads a CSV, maps its columns, follows the progress bar across a reload and finds the customers on the map', async () => {
    await page.setViewportSize({ width: 1440, height: 900 })
    await signIn('manager@meridian.test')
    await page.getByTestId('nav-import').click()
    await page.getByTestId('imports-view').waitFor()
    await page.getByTestId('import-drop').waitFor()
    await page.screenshot({ path: screenshotPath('import-1-upload.png') })

    await page.getByTestId('import-file-input').setInputFiles({
      name: 'bakeries.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(bakeriesCsv()),
    })
    await page.getByTestId('import-preview').waitFor()
    expect(await page.getByTestId('import-file-name').textContent()).toBe('bakeries.csv')
    expect(await page.getByTestId('import-row-count').textContent()).toBe('12,001')
    // The header suggested these; "Kind" matched nothing, so the user maps it to Industry.
    expect(await page.getByTestId('import-map-externalId').inputValue()).toBe('Account ID')
    expect(await page.getByTestId('import-map-name').inputValue()).toBe('Company')
    expect(await page.getByTestId('import-map-zip').inputValue()).toBe('Postal Code')
    expect(await page.getByTestId('import-map-industry').inputValue()).toBe('')
    await page.getByTestId('import-map-industry').selectOption('Kind')
    expect(await page.getByTestId('import-preview').locator('tbody tr').count()).toBe(20)
    expect(await page.getByTestId('import-preview').textContent()).toContain('Lakefront Bakery 3')
    await page.screenshot({ path: screenshotPath('import-2-mapping.png'), fullPage: true })

    await page.getByTestId('import-start').click()
    await page.getByTestId('import-progress').waitFor()
    expect(page.url()).toMatch(/#import\/\d+$/)
    // A reload in the middle comes back to the same import and keeps following it.
    const jobId = Number(page.url().split('/').at(-1))
    const jobState = async () => (await page.request.get(`${app.server.url}/api/imports/${jobId}`)).text()
    await expect
      .poll(percentShown, { timeout: 120_000, message: 'no progress shown' })
      .toBeGreaterThan(0)
      .catch(async (error: Error) => {
        throw new Error(`${error.message}; job: ${await jobState()}`)
      })
    const seenBeforeReload = await percentShown()
    await page.screenshot({ path: screenshotPath('import-3-progress.png') })
    await page.reload({ waitUntil: 'domcontentloaded', timeout: 90_000 })
    await page.getByTestId('import-progress').waitFor()
    expect(await percentShown()).toBeGreaterThanOrEqual(Math.min(seenBeforeReload, 99))
    await expect.poll(percentShown, { timeout: 120_000 }).toBe(100)
    await expect.poll(() => page.getByTestId('import-status').textContent()).toBe('Import finished')
    const counts = (await page.getByTestId('import-counts').innerText()).replace(/\s+/g, ' ')
    expect(counts).toContain('NEW 12,000')
    expect(counts).toContain('REJECTED 1')
    const errorsLink = page.getByTestId('import-errors-link')
    const href = await errorsLink.getAttribute('href')
    const errors = await page.request.get(`${app.server.url}${href}`)
    expect(await errors.text()).toMatch(/^line,field,code,reason,row\r\n12002,zip,location_not_found,unknown ZIP 00000/)
    expect(await page.getByTestId('import-history').textContent()).toContain('bakeries.csv')
    await page.screenshot({ path: screenshotPath('import-4-done.png') })

    // Import in the top bar starts over, even with this import open.
    await page.getByTestId('nav-import').click()
    await page.getByTestId('import-drop').waitFor()
    expect(new URL(page.url()).hash).toBe('#import')

    // The new customers are on the map: search one, open it, the map centres on it, the panel says how it was placed.
    await page.getByTestId('nav-customers').click()
    await page.getByTestId('map').waitFor()
    await page.getByTestId('search-input').fill('Lakefront Bakery 7')
    const row = page
      .getByTestId('customer-row')
      .filter({ hasText: /Lakefront Bakery 7(?!\d)/ })
      .first()
    await row.waitFor({ timeout: 15_000 })
    await row.click()
    await expect.poll(() => page.getByTestId('customer-name').textContent()).toBe('Lakefront Bakery 7')
    expect(await page.getByTestId('geocode-precision').textContent()).toBe('Approximate: ZIP code centre')
    await page.waitForTimeout(2500)
    await page.screenshot({ path: screenshotPath('import-5-on-map.png') })
  }, 300_000)
})
