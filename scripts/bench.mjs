// `npm run bench`: install if needed, then load the demo dataset into PostGIS (1M customers) and
// PGlite (100k) and time the map's requests. Arguments go to tests/bench/run.ts, e.g.
// `npm run bench -- --customers 20000 --pglite-customers 5000`; `-- --help` lists them.
import path from 'node:path'
import { ensureInstalled, root, run } from './lib.mjs'

ensureInstalled()
run(process.execPath, ['--import', 'tsx', path.join(root, 'tests', 'bench', 'run.ts'), ...process.argv.slice(2)])
