import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { prepareDatabase } from '../../api/src/bootstrap.ts'
import { connectPglite, connectPostgres } from '../../api/src/db/connect.ts'
import { testSeedCustomers } from './constants.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres: name of a migrated + seeded template database; pglite: path of a data-dir dump. */
    dbTemplate: { kind: 'postgres'; url: string; template: string } | { kind: 'pglite'; dumpFile: string }
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/** Migrate and seed once per run; every test file clones this state (TEMPLATE database or PGlite dump). */
export default async function setup(project: TestProject) {
  const started = Date.now()
  const url = process.env.DATABASE_URL
  if (url) {
    const template = `meridian_tpl_${Date.now()}_${randomBytes(3).toString('hex')}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${template}`)
    const db = await connectPostgres(withDatabase(url, template))
    await prepareDatabase(db, { seedCustomers: testSeedCustomers, seed: 7 })
    await db.close()
    console.log(`[tests] PostGIS template ${template} ready in ${Date.now() - started} ms`)
    project.provide('dbTemplate', { kind: 'postgres', url, template })
    return async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)
      await admin.end()
    }
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'meridian-test-'))
  const db = await connectPglite(undefined)
  await prepareDatabase(db, { seedCustomers: testSeedCustomers, seed: 7 })
  const dump = await db.dumpDataDir?.()
  if (!dump) throw new Error('PGlite dump failed')
  const dumpFile = path.join(dir, 'template.tar')
  await writeFile(dumpFile, Buffer.from(await dump.arrayBuffer()))
  await db.close()
  console.log(`[tests] PGlite template ready in ${Date.now() - started} ms`)
  project.provide('dbTemplate', { kind: 'pglite', dumpFile })
  return async () => {
    await rm(dir, { recursive: true, force: true })
  }
}
