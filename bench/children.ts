import { execFile, fork, type ChildProcess } from 'node:child_process'
import { closeSync, copyFileSync, fstatSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const BUILD = join(ROOT, '.bench-build')
const SERVER = join(BUILD, 'bench', 'server.js')
const READY_TIMEOUT_MS = 30_000
const AUDIT = Buffer.from('"audit":')
const SETTLE_MS = 300
/** USER_HZ, 100 on Linux */
const CLOCK_TICKS = 100

/** A benchmark server in its own node process; its stdout (the log) goes to a file, which is counted. */
export interface Server {
  name: string
  url: string
  child: ChildProcess
  /** log lines and audit lines in its log file so far */
  readonly lines: number
  readonly audits: number
  /** bytes the log wrote */
  readonly logBytes: number
  /** current and peak resident set size, and the heap in use after a full GC, bytes */
  rss (): Promise<{ rss: number, maxRss: number, heapUsed: number }>
  /** Linux: resets the peak RSS (VmHWM) so the next maxRss is the peak since now; false elsewhere */
  resetPeak (): boolean
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
  // and, as `npm run build` does, the contract as JSON beside it (src/api/write-spec-json.ts)
  await promisify(execFile)(process.execPath, [join(BUILD, 'src', 'api', 'write-spec-json.js')], { cwd: ROOT })
}

let logDir: string | undefined
/** A fresh log file for a child's stdout, as a server's stdout would go to a file (or a collector). */
export function logFile (name: string): string {
  logDir ??= mkdtempSync(join(tmpdir(), 'ro2key-bench-'))
  return join(logDir, `${name.replace(/[^a-z0-9]+/gi, '-')}-${Date.now()}.log`)
}

/** Counts the lines and audit lines appended to a log file since the last call. */
function logCounter (fd: number): () => { lines: number, audits: number, bytes: number } {
  const totals = { lines: 0, audits: 0, bytes: 0 }
  const chunk = Buffer.alloc(1 << 20)
  let tail = Buffer.alloc(0)
  return () => {
    for (let n = readSync(fd, chunk, 0, chunk.length, totals.bytes); n > 0; n = readSync(fd, chunk, 0, chunk.length, totals.bytes)) {
      const part = chunk.subarray(0, n)
      totals.bytes += n
      totals.lines += count(part, Buffer.from('\n'))
      // A needle cut in two by a chunk boundary is still counted once.
      const joined = Buffer.concat([tail, part])
      totals.audits += count(joined, AUDIT)
      tail = Buffer.from(joined.subarray(Math.max(0, joined.length - AUDIT.length + 1)))
    }
    return totals
  }
}

export type Which = 'ro2key' | 'plain' | 'baseline'

/** Starts bench/server.ts (compiled) as ro2key, plain (logger: true) or baseline; resolves once it listens. */
export async function startServer (name: string, which: Which, env: NodeJS.ProcessEnv, execArgv: string[] = []): Promise<Server> {
  const fd = openSync(logFile(name), 'w+')
  const child = fork(SERVER, [which], {
    env,
    // --expose-gc only lets rss() measure the live heap; nothing else calls gc().
    execArgv: ['--expose-gc', ...execArgv],
    stdio: ['ignore', fd, 'inherit', 'ipc']
  })
  const scan = logCounter(fd)
  const server = {
    name,
    child,
    get lines () { return scan().lines },
    get audits () { return scan().audits },
    get logBytes () { return scan().bytes }
  } as Server
  server.settle = async () => {
    // quiet once the file has not grown for a moment
    for (let size = -1; size !== fstatSync(fd).size; await sleep(SETTLE_MS)) size = fstatSync(fd).size
  }
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
  server.resetPeak = () => {
    try { writeFileSync(`/proc/${child.pid ?? 0}/clear_refs`, '5'); return true } catch { return false }
  }
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
    closeSync(fd)
  }
  return server
}

/** Removes the log files of every server started (at the end of a run). */
export function removeLogs (): void {
  if (logDir) rmSync(logDir, { recursive: true, force: true })
}
