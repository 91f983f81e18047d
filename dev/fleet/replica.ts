import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
// generous: on a saturated shared machine a boot took 45 s
const READY_TIMEOUT_MS = 120_000
const POLL_MS = 100

/** Newest modification time under `dir` (ms), 0 when it does not exist. */
function newest (dir: string): number {
  try {
    return Math.max(0, ...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => statSync(join(dir, f)).mtimeMs))
  } catch { return 0 }
}

/**
 * `node dist/main.js` when the build is newer than every file in src/ (CI builds before it tests; a
 * restart then takes a second, not the several of compiling), else `node --import tsx src/main.ts`.
 */
export function replicaCommand (): string[] {
  const built = newest(join(ROOT, 'dist'))
  return built > 0 && built >= newest(join(ROOT, 'src')) ? ['dist/main.js'] : ['--import', 'tsx', 'src/main.ts']
}

/** Every replica process still running: killed when this process exits, however the test ends. */
const LIVE = new Set<ChildProcess>()
process.once('exit', () => { for (const child of LIVE) child.kill('SIGKILL') })

/** One log line a replica wrote on stdout (pino JSON), tagged with the replica's name. */
export interface LogLine { replica: string, line: Record<string, any> }

/** One ro2key process, run as production runs it: one node process (see replicaCommand). */
export interface Replica {
  name: string
  port: number
  url: string
  /** the process now, undefined between stop and start */
  readonly child: ChildProcess | undefined
  /** starts the process (again) and resolves once /ready answers 200 */
  start (): Promise<void>
  /** SIGTERM and wait for exit; resolves to the exit code */
  stop (): Promise<number | null>
  /** SIGKILL and wait for exit */
  kill (): Promise<void>
  /** the environment each start uses: edit it to change the next start */
  env: Record<string, string>
}

/**
 * Spawns ro2key (replicaCommand) with `env` (nothing inherited but PATH and HOME).
 * Every stdout line goes to `logs` (parsed), stderr to `errors`, across restarts.
 */
export function createReplica (name: string, port: number, env: Record<string, string>, logs: LogLine[],
  errors: string[] = []): Replica {
  let child: ChildProcess | undefined
  const url = `http://127.0.0.1:${port}`
  const replica: Replica = {
    name,
    port,
    url,
    env,
    get child () { return child },
    async start () {
      const proc = spawn(process.execPath, replicaCommand(), {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...replica.env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe']
      })
      child = proc
      LIVE.add(proc)
      proc.once('exit', () => LIVE.delete(proc))
      createInterface({ input: proc.stdout }).on('line', (text) => {
        try { logs.push({ replica: name, line: JSON.parse(text) }) } catch { errors.push(`${name} stdout: ${text}`) }
      })
      createInterface({ input: proc.stderr }).on('line', (text) => { errors.push(`${name}: ${text}`) })
      await waitReady(url, proc, name)
    },
    async stop () {
      const proc = child
      if (proc === undefined) return null
      child = undefined
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode
      const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
      proc.kill('SIGTERM')
      return await exited
    },
    async kill () {
      const proc = child
      if (proc === undefined) return
      child = undefined
      if (proc.exitCode !== null || proc.signalCode !== null) return
      const exited = new Promise((resolve) => proc.once('exit', resolve))
      proc.kill('SIGKILL')
      await exited
    }
  }
  return replica
}

async function waitReady (url: string, proc: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`replica ${name} exited with ${proc.exitCode} while starting`)
    try {
      const res = await fetch(`${url}/ready`)
      await res.arrayBuffer()
      if (res.ok) return
    } catch {}
    await sleep(POLL_MS)
  }
  throw new Error(`replica ${name} was not ready on ${url} within ${READY_TIMEOUT_MS} ms`)
}
