import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export type AppConfig = {
  port: number
  databaseUrl: string | null
  dataDir: string
  sessionSecret: string | null
  basemapStyleUrl: string | null
  seedCustomers: number
  secureCookies: boolean
  admin: { email: string; password: string } | null
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`)
  return value
}

export function readConfig(): AppConfig {
  return {
    port: intFromEnv('PORT', 3000),
    databaseUrl: process.env.DATABASE_URL || null,
    dataDir: path.resolve(rootDir, process.env.MERIDIAN_DATA_DIR || '.data/pglite'),
    sessionSecret: process.env.SESSION_SECRET || null,
    basemapStyleUrl: process.env.MERIDIAN_BASEMAP_STYLE_URL || null,
    seedCustomers: intFromEnv('MERIDIAN_SEED_CUSTOMERS', 20000),
    secureCookies: process.env.MERIDIAN_SECURE_COOKIES === 'true',
    admin:
      process.env.MERIDIAN_ADMIN_EMAIL && process.env.MERIDIAN_ADMIN_PASSWORD
        ? { email: process.env.MERIDIAN_ADMIN_EMAIL, password: process.env.MERIDIAN_ADMIN_PASSWORD }
        : null,
  }
}
