// `npm start`: install, build the web app, then run the API (it migrates, loads geodata and
// seeds the demo data on first run) serving API and web on one port.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { ensureInstalled, ensureWebBuilt, root } from './lib.mjs'

ensureInstalled()
ensureWebBuilt()
const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'api', 'src', 'server.ts')], {
  stdio: 'inherit',
  cwd: root,
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
