// Shared by start/test/bench: make sure pnpm, dependencies and the web build exist.
// Plain JavaScript so it runs before anything is installed.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const pnpmVersion = '10.34.8'

function works(command, args) {
  try {
    execFileSync(command, [...args, '--version'], {
      stdio: 'ignore',
      env: { ...process.env, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' },
    })
    return true
  } catch {
    return false
  }
}

let pnpmCommand
/** pnpm from PATH, else through corepack, else through npx. */
export function pnpm() {
  if (pnpmCommand) return pnpmCommand
  if (works('pnpm', [])) pnpmCommand = ['pnpm', []]
  else if (works('corepack', ['pnpm'])) pnpmCommand = ['corepack', ['pnpm']]
  else pnpmCommand = ['npx', ['-y', `pnpm@${pnpmVersion}`]]
  return pnpmCommand
}

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    cwd: root,
    ...options,
    env: { ...process.env, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0', ...options.env },
  })
  if (result.status !== 0) {
    console.error(`[meridian] failed: ${command} ${args.join(' ')}`)
    process.exit(result.status ?? 1)
  }
}

export function runPnpm(args, options) {
  const [command, prefix] = pnpm()
  run(command, [...prefix, ...args], options)
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs
  } catch {
    return 0
  }
}

function newestIn(dir) {
  let newest = 0
  if (!existsSync(dir)) return 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestIn(full) : mtime(full))
  }
  return newest
}

export function ensureInstalled() {
  const marker = path.join(root, 'node_modules', '.modules.yaml')
  const lock = path.join(root, 'pnpm-lock.yaml')
  const packages = ['package.json', 'api/package.json', 'web/package.json', 'geodata/package.json'].map((p) =>
    path.join(root, p),
  )
  const stale =
    !existsSync(marker) ||
    [lock, ...packages].some((file) => mtime(file) > mtime(marker)) ||
    ['api', 'web', 'geodata'].some((dir) => !existsSync(path.join(root, dir, 'node_modules')))
  if (!stale) return
  console.log('[meridian] installing dependencies with pnpm…')
  runPnpm(['install', '--frozen-lockfile'])
}

export function ensureWebBuilt() {
  const built = mtime(path.join(root, 'web', 'dist', 'index.html'))
  const sources = Math.max(
    newestIn(path.join(root, 'web', 'src')),
    mtime(path.join(root, 'web', 'index.html')),
    mtime(path.join(root, 'web', 'vite.config.ts')),
    mtime(path.join(root, 'web', 'package.json')),
  )
  if (built > 0 && built >= sources) return
  console.log('[meridian] building the web app…')
  runPnpm(['--filter', '@meridian/web', 'build'])
}
