/**
 * Seeds demo data into DATABASE_URL (or the embedded database):
 *   node --import tsx api/src/seed/cli.ts --customers 1000000 [--seed 42]
 * Migrates and loads geodata first; refuses to seed a database that already has customers.
 */
import { parseArgs } from 'node:util'
import { prepareDatabase } from '../bootstrap.ts'
import { connect } from '../db/connect.ts'
import { readConfig } from '../env.ts'
import { hasCustomers } from './seed.ts'

const { values } = parseArgs({
  options: { customers: { type: 'string', default: '20000' }, seed: { type: 'string', default: '42' } },
})
const customers = Number(values.customers)
const seed = Number(values.seed)
if (!Number.isInteger(customers) || customers < 1 || !Number.isInteger(seed)) {
  console.error('usage: --customers <positive integer> [--seed <integer>]')
  process.exit(2)
}
const config = readConfig()
const db = await connect(config)
try {
  if (await hasCustomers(db)) {
    console.error('this database already has customers; seed a fresh one')
    process.exitCode = 1
  } else {
    const started = Date.now()
    await prepareDatabase(db, { seedCustomers: customers, seed, log: (m) => console.log(`[seed] ${m}`) })
    const seconds = (Date.now() - started) / 1000
    console.log(
      `[seed] ${customers.toLocaleString('en-US')} customers in ${seconds.toFixed(1)} s (${Math.round(customers / seconds).toLocaleString('en-US')}/s)`,
    )
  }
} finally {
  await db.close()
}
