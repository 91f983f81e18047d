import { spawn } from 'node:child_process'
import { openSync, closeSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { BUILD, logFile } from './children.js'

/** What `npm start` runs (node dist/main.js), from the bench's own compile of src/. */
export const RO2KEY_MAIN = join(BUILD, 'src', 'main.js')
/** bench/plain-server.ts: bare Fastify with `logger: true` and GET /ready. */
export const PLAIN_MAIN = join(BUILD, 'bench', 'plain-server.js')
const POLL_MS = 5
const GIVE_UP_MS = 30_000
/** RSS is read this long after the first 200 on /ready. */
const SETTLE_MS = 1000

export interface Boot {
  /** spawn to the first 200 on /ready, ms */
  readyMs: number
  /** resident set size SETTLE_MS after that, bytes */
  rss: number
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const address = s.address()
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    }).on('error', reject)
  })
}

async function status (port: number): Promise<number> {
  return await new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/ready', agent: false }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', () => resolve(0))
    req.end()
  })
}

function vmRss (pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Number(kb ?? NaN) * 1024
}

/** Spawns `node main`, polls /ready until 200, reads RSS a second later, stops it. */
export async function boot (name: string, main: string, env: NodeJS.ProcessEnv): Promise<Boot> {
  const port = await freePort()
  const out = openSync(logFile(name), 'w')
  const began = performance.now()
  const child = spawn(process.execPath, [main], { env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', out, 'inherit'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    let readyMs = NaN
    while (Number.isNaN(readyMs)) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready`)
      if (performance.now() - began > GIVE_UP_MS) throw new Error(`${name} not ready within ${GIVE_UP_MS} ms`)
      if (await status(port) === 200) readyMs = performance.now() - began
      else await sleep(POLL_MS)
    }
    await sleep(SETTLE_MS)
    return { readyMs, rss: vmRss(child.pid ?? 0) }
  } finally {
    child.kill('SIGTERM')
    await exited
    closeSync(out)
  }
}
