// npm run fleet [-- --seconds N] [--keep]: three ro2key replicas behind HAProxy on loopback (dev/fleet), and the
// figures of docs/operations.md: requests per second through HAProxy to the fleet vs to one replica, and STS
// AssumeRole calls per distinct principal across the fleet. --keep leaves it all running until Ctrl-C.
import { parseArgs } from 'node:util'
import { assumeRoleCalls } from '../dev/peers/moto-calls.js'
import { ROBOTS, startFleet, token } from '../dev/fleet/fleet.js'
import { startLoad, type FleetLoadResult } from '../dev/fleet/load.js'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, keep: { type: 'boolean' } } })
const seconds = Number(values.seconds)
const PATH = '/get_key/S3MintReadOnly'

async function measure (url: string): Promise<FleetLoadResult> {
  return await startLoad({
    url, path: PATH, tokens: ROBOTS.map(token), connections: 20, amount: 1_000_000, maxSeconds: seconds
  }).done
}

const line = (name: string, r: FleetLoadResult): string =>
  `${name.padEnd(28)} ${String(Math.round(r.rps)).padStart(6)} rps  p50 ${r.p50} ms  p99 ${r.p99} ms  ` +
  `${r.requests} requests, ${r.non2xx + r.errors + r.timeouts} failed`

const fleet = await startFleet({ sweepInterval: 60 })
const stop = async (): Promise<void> => { await fleet.stop(); process.exit(0) }
process.on('SIGINT', () => { void stop() })
process.on('SIGTERM', () => { void stop() })
try {
  console.log(`fleet: ${fleet.replicas.map((r) => `${r.name} ${r.url}`).join(', ')}; HAProxy ${fleet.haproxy.url}`)
  await measure(fleet.haproxy.url) // warm-up: every replica's caches
  const one = await measure(fleet.haproxy.oneUrl)
  const all = await measure(fleet.haproxy.url)
  const direct = await measure(fleet.replicas[0]?.url ?? '')
  console.log(line('HAProxy -> one replica', one))
  console.log(line('HAProxy -> three replicas', all))
  console.log(line('one replica, no HAProxy', direct))
  console.log(`fleet / one replica: ${(all.rps / one.rps).toFixed(2)} (${ROBOTS.length} principals, 20 connections, ` +
    `${seconds} s each)`)
  const calls = await Promise.all(ROBOTS.map((robot) => assumeRoleCalls(fleet.moto, robot)))
  console.log(`STS AssumeRole calls per principal across the fleet: ${calls.join(', ')} ` +
    `(${fleet.replicas.length} replicas, each with its own credential cache)`)
  if (values.keep === true) {
    console.log(`\ntry:  curl -sS -H 'Authorization: Bearer ${token('robot-0')}' ${fleet.haproxy.url}${PATH}`)
    console.log(`      HAProxy config ${fleet.haproxy.configFile}; Ctrl-C stops it all`)
    await new Promise(() => {})
  }
} finally {
  if (values.keep !== true) await fleet.stop()
}
