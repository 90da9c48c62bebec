// `npm run check`: lint, typecheck, then every test.
import path from 'node:path'
import { ensureInstalled, root, run } from './lib.mjs'

ensureInstalled()
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
run(bin('biome'), ['check', '.'])
run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])
run(bin('tsc'), ['-p', 'web/tsconfig.json', '--noEmit'])
run(process.execPath, [path.join(root, 'scripts', 'test.mjs')])
