import { mkdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { rootDir } from '../../api/src/env.ts'
import { type RunningServer, startServer } from './server.ts'

/** Debian's Chromium driven by playwright-core: no browser download, no network but localhost. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'meridian-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  return {
    context,
    close: async () => {
      await context.close()
      await rm(userDataDir, { recursive: true, force: true })
    },
  }
}

export type AppInBrowser = { server: RunningServer; page: Page; close: () => Promise<void> }

/** The real server on a fresh seeded database and a Chromium page for it: what every browser test starts with. */
export async function startAppInBrowser(seedCustomers: number): Promise<AppInBrowser> {
  const server = await startServer(seedCustomers)
  const browser = await launchBrowser()
  const page = browser.context.pages()[0] ?? (await browser.context.newPage())
  return {
    server,
    page,
    close: async () => {
      await browser.close()
      await server.stop()
    },
  }
}

const screenshotsDir = path.join(rootDir, 'tests', 'e2e', 'screenshots')

/** Where a browser test saves a screenshot (git-ignored; look at them). */
export function screenshotPath(name: string): string {
  mkdirSync(screenshotsDir, { recursive: true })
  return path.join(screenshotsDir, name)
}
