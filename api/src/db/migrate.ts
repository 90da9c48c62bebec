import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { sql } from 'kysely'
import { rootDir } from '../env.ts'
import type { Db } from './connect.ts'

export const migrationsDir = path.join(rootDir, 'sql', 'migrations')

/**
 * Applies every not-yet-applied file of sql/migrations in name order, one implicit transaction per file (a multi-statement simple query is atomic on both backends),
 * and records it in schema_migration. Running it again applies nothing.
 */
export async function migrate(db: Db): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`)
  const applied = new Set(
    (await db.kysely.selectFrom('schema_migration').select('name').execute()).map((row) => row.name),
  )
  const files = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql')).sort()
  const newlyApplied: string[] = []
  for (const name of files) {
    if (applied.has(name)) continue
    const script = await readFile(path.join(migrationsDir, name), 'utf8')
    const escapedName = name.replaceAll("'", "''")
    await db.exec(`${script}\n;INSERT INTO schema_migration (name) VALUES ('${escapedName}');`)
    newlyApplied.push(name)
  }
  return newlyApplied
}

export async function appliedMigrations(db: Db): Promise<string[]> {
  const result = await sql<{ name: string }>`SELECT name FROM schema_migration ORDER BY name`.execute(db.kysely)
  return result.rows.map((row) => row.name)
}
