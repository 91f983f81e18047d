import { spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '../peers/free-port.js'

/** Health-check timing: a replica is out after FALL failed checks of /ready, back after RISE good ones. */
export const CHECK = { interMs: 200, fall: 2, rise: 2 }
const READY_TIMEOUT_MS = 20_000

export interface Backend { name: string, port: number }

export interface HAProxy {
  /** the front door: every replica, round robin, health-checked on /ready */
  url: string
  /** the same, with replica `a` only (the one-replica figure) */
  oneUrl: string
  /** every replica again, but HAProxy never retries: what a client sees of a replica dying */
  noRetryUrl: string
  /** the generated haproxy.cfg */
  configFile: string
  /** server name -> UP, DOWN, MAINT … as HAProxy sees it now (its stats CSV) */
  status (): Promise<Record<string, string>>
  /** resolves once HAProxy reports `server` in `state` (polls the stats every 50 ms) */
  waitFor (server: string, state: 'UP' | 'DOWN', timeoutMs?: number): Promise<number>
  stop (): Promise<void>
}

export function assertHAProxyInstalled (): void {
  if (spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).error) {
    throw new Error('haproxy is not on PATH: apt-get install -y haproxy (.ci/run installs it)')
  }
}

/**
 * HAProxy in front of the replicas. A GET whose connection fails or closes without an answer
 * (a replica going away under it) is retried on another server; other methods never are.
 */
export function haproxyConfig (ports: { port: number, onePort: number, noRetryPort: number, statsPort: number },
  backends: Backend[]): string {
  const { port, onePort, noRetryPort, statsPort } = ports
  const servers = (list: Backend[]) => list.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`).join('\n')
  return `global
  maxconn 4096
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 5s
  # a check every 200 ms, but a slow /ready (a saturated machine) is not a failed one (default: inter)
  timeout check 2s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout
  option httpchk GET /ready
  http-check expect status 200
  default-server inter ${CHECK.interMs} fastinter ${CHECK.interMs} downinter ${CHECK.interMs} fall ${CHECK.fall} rise ${CHECK.rise}
frontend fleet
  bind 127.0.0.1:${port}
  default_backend ro2key
frontend one
  bind 127.0.0.1:${onePort}
  default_backend ro2key_one
  http-request disable-l7-retry unless METH_GET
frontend noretry
  bind 127.0.0.1:${noRetryPort}
  default_backend ro2key_noretry
frontend stats
  bind 127.0.0.1:${statsPort}
  stats enable
  stats uri /stats
backend ro2key
  balance roundrobin
  http-request disable-l7-retry unless METH_GET
${servers(backends)}
backend ro2key_one
  http-request disable-l7-retry unless METH_GET
${servers(backends.slice(0, 1))}
backend ro2key_noretry
  balance roundrobin
  retry-on none
  retries 0
${servers(backends)}
`
}

/** Writes haproxy.cfg into `dir` and runs `haproxy -db -f` on it; resolves once its stats answer. */
export async function startHAProxy (dir: string, backends: Backend[]): Promise<HAProxy> {
  assertHAProxyInstalled()
  const ports = { port: await freePort(), onePort: await freePort(), noRetryPort: await freePort(), statsPort: await freePort() }
  const configFile = join(dir, 'haproxy.cfg')
  writeFileSync(configFile, haproxyConfig(ports, backends))
  const check = spawnSync('haproxy', ['-c', '-f', configFile], { encoding: 'utf8' })
  if (check.status !== 0) throw new Error(`haproxy -c refused ${configFile}: ${check.stderr}`)
  const child = spawn('haproxy', ['-db', '-f', configFile], { stdio: 'ignore' })
  // however the test ends, HAProxy does not outlive it
  const killOnExit = (): void => { child.kill('SIGKILL') }
  process.once('exit', killOnExit)
  child.once('exit', () => process.off('exit', killOnExit))
  const statsUrl = `http://127.0.0.1:${ports.statsPort}/stats;csv`
  const status = async (): Promise<Record<string, string>> => {
    const csv = await (await fetch(statsUrl)).text()
    const rows = csv.split('\n').map((line) => line.split(','))
    const out: Record<string, string> = {}
    for (const row of rows) {
      if (row[0] === 'ro2key' && row[1] !== 'FRONTEND' && row[1] !== 'BACKEND') out[row[1] ?? ''] = row[17] ?? ''
    }
    return out
  }
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}`)
    try { await status(); break } catch {}
    if (Date.now() > deadline) throw new Error('haproxy stats did not answer')
    await sleep(50)
  }
  return {
    url: `http://127.0.0.1:${ports.port}`,
    oneUrl: `http://127.0.0.1:${ports.onePort}`,
    noRetryUrl: `http://127.0.0.1:${ports.noRetryPort}`,
    configFile,
    status,
    async waitFor (server, state, timeoutMs = READY_TIMEOUT_MS) {
      const started = Date.now()
      while (Date.now() - started < timeoutMs) {
        if ((await status())[server] === state) return Date.now() - started
        await sleep(50)
      }
      throw new Error(`haproxy did not report ${server} ${state} within ${timeoutMs} ms`)
    },
    async stop () {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}
