import { execFile, fork, type ChildProcess } from 'node:child_process'
import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BUILD = join(ROOT, '.bench-build')
const SERVER = join(BUILD, 'bench', 'server.js')
const READY_TIMEOUT_MS = 30_000
const AUDIT = Buffer.from('"audit":')
const SETTLE_MS = 300
/** USER_HZ, 100 on Linux */
const CLOCK_TICKS = 100

/** A benchmark server in its own node process; its stdout (the log) is drained and counted. */
export interface Server {
  name: string
  url: string
  child: ChildProcess
  /** log lines and audit lines seen on its stdout so far */
  lines: number
  audits: number
  /** bytes per second the log wrote, for the report */
  logBytes: number
  /** current and peak resident set size, and the heap in use after a full GC, bytes */
  rss (): Promise<{ rss: number, maxRss: number, heapUsed: number }>
  /** write(2)-family calls so far (Linux /proc/PID/io), undefined elsewhere */
  writes (): number | undefined
  /** user + system CPU seconds so far (Linux /proc/PID/stat), undefined elsewhere */
  cpu (): number | undefined
  /** resolves once the log has been quiet for a moment, so the counts are complete */
  settle (): Promise<void>
  /** CPU profile of what happens between start and stop, written to file */
  profileStart (): Promise<void>
  profileStop (file: string): Promise<void>
  stop (): Promise<void>
}

function count (chunk: Buffer, needle: Buffer): number {
  let n = 0
  for (let i = chunk.indexOf(needle); i !== -1; i = chunk.indexOf(needle, i + needle.length)) n++
  return n
}

/** Peak RSS from /proc (Linux), or the child's own report elsewhere. */
function procPeakRss (pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1]
    return kb === undefined ? undefined : Number(kb) * 1024
  } catch { return undefined }
}

/**
 * Compiles src/ and bench/server.ts to plain JS, as production runs it (node dist/main.js):
 * a TypeScript loader in the servers would add its own CPU and ~25 MB of RSS to both sides.
 */
export async function compileServers (): Promise<void> {
  await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.bench.json', '--noCheck'], { cwd: ROOT })
  // src/api/spec.ts reads ../../openapi.yaml relative to itself.
  copyFileSync(join(ROOT, 'openapi.yaml'), join(BUILD, 'openapi.yaml'))
}

/** Starts bench/server.ts (compiled) as ro2key or baseline; resolves once it listens. */
export async function startServer (name: string, which: 'ro2key' | 'baseline', env: NodeJS.ProcessEnv, execArgv: string[] = []): Promise<Server> {
  const child = fork(SERVER, [which], {
    env,
    // --expose-gc only lets rss() measure the live heap; nothing else calls gc().
    execArgv: ['--expose-gc', ...execArgv],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc']
  })
  const server = { name, child, lines: 0, audits: 0, logBytes: 0 } as Server
  let lastData = Date.now()
  server.settle = async () => {
    while (Date.now() - lastData < SETTLE_MS) await sleep(SETTLE_MS)
  }
  let tail = Buffer.alloc(0)
  child.stdout?.on('data', (chunk: Buffer) => {
    lastData = Date.now()
    server.lines += count(chunk, Buffer.from('\n'))
    // A needle cut in two by a chunk boundary is still counted once.
    const joined = Buffer.concat([tail, chunk])
    server.audits += count(joined, AUDIT)
    tail = Buffer.from(joined.subarray(Math.max(0, joined.length - AUDIT.length + 1)))
    server.logBytes += chunk.length
  })
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not listen within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS)
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited with ${code} before listening`)) })
    child.once('message', (msg: { port: number }) => { clearTimeout(timer); resolve(msg.port) })
  })
  server.url = `http://127.0.0.1:${port}`
  server.cpu = () => {
    try {
      const fields = readFileSync(`/proc/${child.pid ?? 0}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
    } catch { return undefined }
  }
  server.writes = () => {
    try {
      const io = readFileSync(`/proc/${child.pid ?? 0}/io`, 'utf8')
      const n = /syscw:\s+(\d+)/.exec(io)?.[1]
      return n === undefined ? undefined : Number(n)
    } catch { return undefined }
  }
  /** Sends msg and waits for the first answer that carries key. */
  const ask = async <T>(msg: object, key: string): Promise<T> => await new Promise((resolve) => {
    const onMessage = (answer: Record<string, unknown>): void => {
      if (!(key in answer)) return
      child.off('message', onMessage)
      resolve(answer as T)
    }
    child.on('message', onMessage)
    child.send(msg)
  })
  server.rss = async () => {
    const msg = await ask<{ rss: number, maxRss: number, heapUsed: number }>({ type: 'rss' }, 'rss')
    return { ...msg, maxRss: procPeakRss(child.pid ?? 0) ?? msg.maxRss }
  }
  server.profileStart = async () => { await ask({ type: 'profile-start' }, 'profiling') }
  server.profileStop = async (file) => { await ask({ type: 'profile-stop', file }, 'profiled') }
  server.stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }
  return server
}
