import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import pg from 'pg'
import { inject } from 'vitest'
import { connectPglite, connectPostgres, type Db } from '../../api/src/db/connect.ts'

/** A fresh database for one test file, cloned from the migrated and seeded template. */
export async function createTestDb(): Promise<Db> {
  const template = inject('dbTemplate')
  if (template.kind === 'pglite') {
    const dump = await readFile(template.dumpFile)
    return connectPglite(undefined, new Blob([dump]))
  }
  const name = `meridian_test_${Date.now()}_${randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: template.url })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template.template}`)
  } finally {
    await admin.end()
  }
  const parsed = new URL(template.url)
  parsed.pathname = `/${name}`
  const db = await connectPostgres(parsed.toString())
  const close = db.close
  return {
    ...db,
    close: async () => {
      await close()
      // Plain DROP, retried while the pool's last sockets close: WITH (FORCE) would kill a closing connection and
      // surface its FATAL message as an unhandled error.
      const cleanup = new pg.Client({ connectionString: template.url })
      await cleanup.connect()
      try {
        for (let attempt = 0; ; attempt++) {
          try {
            await cleanup.query(`DROP DATABASE IF EXISTS ${name}`)
            break
          } catch (error) {
            if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error
            await new Promise((resolve) => setTimeout(resolve, 100))
          }
        }
      } finally {
        await cleanup.end()
      }
    },
  }
}
