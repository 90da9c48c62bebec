import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppInBrowser, screenshotPath, startAppInBrowser } from '../support/browser.ts'
import type { RunningServer } from '../support/server.ts'

let app: AppInBrowser
let server: RunningServer
let page: Page

beforeAll(async () => {
  app = await startAppInBrowser(400)
  ;({ server, page } = app)
}, 200_000)

afterAll(async () => {
  await app?.close()
})

/** Every customer id the signed-in user can list, through the API with the page's cookie. */
async function visibleCustomerIds(): Promise<Set<number>> {
  const ids = new Set<number>()
  let cursor: string | null = null
  do {
    const res = await page.request.get(`${server.url}/api/customers?limit=500${cursor ? `&cursor=${cursor}` : ''}`)
    const body = (await res.json()) as { items: { id: number }[]; nextCursor: string | null }
    for (const item of body.items) ids.add(item.id)
    cursor = body.nextCursor
  } while (cursor)
  return ids
}

describe('data out from the UI', () => {
  it('a rep exports their own customers as CSV from the sidebar', async () => {
    await page.goto(server.url)
    await page.getByTestId('login-email').fill('rep1@meridian.test')
    await page.getByTestId('login-password').fill('demo')
    await page.getByTestId('login-submit').click()
    await page.getByTestId('customer-list').waitFor({ timeout: 30_000 })

    await page.getByTestId('export-menu').locator('summary').click()
    await expect.poll(() => page.getByTestId('export-csv').isVisible()).toBe(true)
    await page.screenshot({ path: screenshotPath('export-menu.png') })
    // Everything the filters match, not only the map view.
    await page.getByTestId('export-in-view').uncheck()
    const href = await page.getByTestId('export-csv').getAttribute('href')
    expect(href).toMatch(/^\/api\/exports\/customers\?format=csv$/)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()])
    expect(download.suggestedFilename()).toMatch(/^meridian-customers-\d{4}-\d{2}-\d{2}\.csv$/)
    const file = await download.path()
    const lines = (await readFile(file, 'utf8')).split('\r\n').filter(Boolean)
    expect(lines[0]?.startsWith('id,external_id,name,')).toBe(true)
    const exported = new Set(lines.slice(1).map((line) => Number(line.split(',')[0])))
    const visible = await visibleCustomerIds()
    expect(visible.size).toBeGreaterThan(0)
    expect(exported).toEqual(visible)
    await expect.poll(() => page.getByTestId('export-csv').isVisible()).toBe(false)
  })

  it('creates an API token that is shown once, works for GIS, and stops working when revoked', async () => {
    await page.getByTestId('api-tokens-open').click()
    const dialog = page.getByTestId('api-tokens-dialog')
    await dialog.waitFor()
    await expect.poll(() => dialog.textContent()).toContain('No tokens yet.')
    await page.getByTestId('api-token-name').fill('QGIS on my laptop')
    await page.getByTestId('api-token-create').click()
    const secret = (await page.getByTestId('api-token-secret').textContent({ timeout: 15_000 })) ?? ''
    expect(secret).toMatch(/^mrd_[A-Za-z0-9_-]{43}$/)
    await expect.poll(() => page.getByTestId('api-token-list').textContent()).toContain('QGIS on my laptop')
    await page.screenshot({ path: screenshotPath('api-tokens.png') })

    const withToken = () =>
      fetch(`${server.url}/api/ogc/collections/customers/items?limit=1`, {
        headers: { authorization: `Bearer ${secret}` },
      })
    const ok = await withToken()
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { numberMatched: number }).numberMatched).toBe((await visibleCustomerIds()).size)

    await page.getByRole('button', { name: 'Revoke QGIS on my laptop' }).click()
    await expect.poll(() => dialog.textContent()).toContain('No tokens yet.')
    expect((await withToken()).status).toBe(401)
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
  })
})

describe('API reference', () => {
  it('renders the OpenAPI document offline at /api/docs', async () => {
    const external: string[] = []
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) external.push(request.url())
    })
    await page.goto(`${server.url}/api/docs`)
    await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 30_000 })
    await expect.poll(() => page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(50)
    const tags = await page.locator('.swagger-ui .opblock-tag').allTextContents()
    for (const tag of ['exports', 'ogc', 'customers', 'territories']) {
      expect(tags.some((t) => t.toLowerCase().startsWith(tag))).toBe(true)
    }
    await page.screenshot({ path: screenshotPath('api-docs.png') })
    expect(external).toEqual([])
  })
})
