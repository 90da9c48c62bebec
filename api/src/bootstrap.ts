import type { Db } from './db/connect.ts'
import { migrate } from './db/migrate.ts'
import { ensureRegionTopology, geodataBuilt, geodataLoaded, loadGeodata } from './geodata/load.ts'
import { hasCustomers, hasUsers, insertAdmin, seedDemo, seedState } from './seed/seed.ts'

export type PrepareOptions = {
  seedCustomers: number
  /** With no demo data, the first admin comes from MERIDIAN_ADMIN_EMAIL / MERIDIAN_ADMIN_PASSWORD. */
  admin?: { email: string; password: string } | null
  seed?: number
  log?: (message: string) => void
}

/** Migrate, then on an empty database load geodata and the demo dataset. Idempotent. */
export async function prepareDatabase(db: Db, options: PrepareOptions): Promise<void> {
  const log = options.log ?? (() => {})
  const applied = await migrate(db)
  if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`)
  // Built files are needed on an empty database and by databases made before a dataset was added.
  if (!geodataBuilt()) {
    const { buildGeodata } = await import('../../geodata/build.ts')
    log('building geodata from npm packages…')
    await buildGeodata()
  }
  if (!(await geodataLoaded(db))) {
    log('loading geodata (states, counties, ZIPs, places)…')
    await loadGeodata(db)
  }
  await ensureRegionTopology(db)
  if (options.admin && !(await hasUsers(db))) {
    await insertAdmin(db, options.admin.email, options.admin.password)
    log(`created admin ${options.admin.email}`)
  }
  if ((await seedState(db)) === 'started') {
    throw new Error(
      'An earlier first start was interrupted while loading the demo data. Start from an empty database: delete the data directory (MERIDIAN_DATA_DIR, default .data/pglite) or recreate the DATABASE_URL database.',
    )
  }
  if (options.seedCustomers > 0 && !(await hasCustomers(db))) {
    log(`seeding ${options.seedCustomers.toLocaleString('en-US')} demo customers…`)
    let lastPercent = -1
    await seedDemo(db, {
      customers: options.seedCustomers,
      seed: options.seed,
      onProgress: (done, total) => {
        const percent = Math.floor((done / total) * 10) * 10
        if (percent !== lastPercent) {
          lastPercent = percent
          log(`  ${percent}% (${done.toLocaleString('en-US')} customers)`)
        }
      },
    })
  }
}
