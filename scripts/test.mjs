// `npm test`: install if needed, build the web app (the browser tests use it), run every test.
// Extra arguments go to vitest, e.g. `npm test -- tests/api`.
import path from 'node:path'
import { ensureInstalled, ensureWebBuilt, root, run } from './lib.mjs'

ensureInstalled()
const args = process.argv.slice(2)
const wantsE2e = args.length === 0 || args.some((arg) => arg.includes('e2e'))
if (wantsE2e) ensureWebBuilt()
run(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args])
