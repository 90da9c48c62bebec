import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './schema.ts'

export type DbKind = 'pglite' | 'postgres'

/**
 * The one database handle every feature receives. `kysely` runs single statements on both
 * backends; `exec` runs a multi-statement SQL script (migrations), which PGlite's `query()` cannot.
 */
export type Db = {
  kind: DbKind
  kysely: Kysely<Database>
  exec: (script: string) => Promise<void>
  close: () => Promise<void>
  /** PGlite only: a snapshot of the whole database, to clone a migrated state in tests. */
  dumpDataDir?: () => Promise<Blob>
}

/** bigint (count, sum, ids) and numeric as JS numbers: every id, count and sum we handle fits in 2^53. */
export function parseBigintAsNumber(value: string): number {
  return Number(value)
}
pg.types.setTypeParser(20, parseBigintAsNumber)
pg.types.setTypeParser(1700, parseBigintAsNumber)

export async function connectPostgres(url: string): Promise<Db> {
  // JIT compilation costs more than it saves on these short, index-driven queries (seconds on misestimated KNN).
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.PG_POOL_MAX || 10), options: '-c jit=off' })
  // An idle connection the server closes (restart, failover, admin) must not take the process down.
  pool.on('error', (error) => console.error('[db] idle connection lost:', error.message))
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return {
    kind: 'postgres',
    kysely,
    exec: async (script) => {
      await pool.query(script)
    },
    close: () => kysely.destroy(),
  }
}

export async function connectPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const client = await PGlite.create(dataDir, {
    extensions: { postgis },
    loadDataDir,
    parsers: { 20: parseBigintAsNumber, 1700: parseBigintAsNumber },
  })
  const kysely = new Kysely<Database>({ dialect: new PGliteDialect({ pglite: client }) })
  return {
    kind: 'pglite',
    kysely,
    exec: async (script) => {
      await client.exec(script)
    },
    close: async () => {
      await kysely.destroy()
      if (!client.closed) await client.close()
    },
    dumpDataDir: async () => {
      const dump = await client.dumpDataDir('none')
      return dump
    },
  }
}

export async function connect(config: { databaseUrl: string | null; dataDir: string }): Promise<Db> {
  return config.databaseUrl ? connectPostgres(config.databaseUrl) : connectPglite(config.dataDir)
}
