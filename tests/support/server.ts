import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { rootDir } from '../../api/src/env.ts'

export type RunningServer = {
  url: string
  stop: () => Promise<void>
  output: () => string
  /** SIGKILL, as a crash or `kill -9` would; resolves when the process is gone. */
  crash?: () => Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/**
 * The real server (api/src/server.ts, as `npm start` runs it) in its own process on a free port, with `env`
 * added to (or, when undefined, removed from) this process's environment; resolves once /api/health answers.
 */
export async function spawnServer(
  env: Record<string, string | undefined>,
  readyTimeoutMs: number,
): Promise<RunningServer> {
  const port = await freePort()
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1' }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key]
    else childEnv[key] = value
  }
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(rootDir, 'api', 'src', 'server.ts')],
    {
      cwd: rootDir,
      env: childEnv,
    },
  )
  let log = ''
  child.stdout?.on('data', (chunk) => {
    log += chunk
  })
  child.stderr?.on('data', (chunk) => {
    log += chunk
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${log}`)
    try {
      if ((await fetch(`${url}/api/health`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server not ready in time:\n${log}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return {
    url,
    output: () => log,
    crash: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
    },
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
}

/** The server on a fresh embedded database in a temp dir, seeded with `seedCustomers` demo customers. */
export async function startServer(seedCustomers: number): Promise<RunningServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'meridian-e2e-'))
  const server = await spawnServer(
    { MERIDIAN_DATA_DIR: dataDir, MERIDIAN_SEED_CUSTOMERS: String(seedCustomers), DATABASE_URL: undefined },
    170_000,
  )
  return {
    ...server,
    stop: async () => {
      await server.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
