import { createServer, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import tap from 'tap'
import type { FastifyInstance } from 'fastify'
import { startMoto } from '../dev/peers/moto.js'
import { startTokeninfo } from '../dev/peers/tokeninfo.js'
import { testConfig } from './helpers/build.js'
import { withPeers } from './helpers/peers.js'

// Fault injection against real peers with the default timeouts (tokeninfo 3 s, STS 5 s):
// every fault must end in 502/503 with Retry-After, within 5 s (plus slack for a busy
// machine), and the service must serve again once the peer is back, without a restart.
const BOUND_MS = 5000 + 1500
const worst = { ms: 0, fault: '' }

const { moto, tokeninfo, build, stsClient } = await withPeers(tap, { roles: ['S3MintReadOnly'], tokens: { 'tok-mint': { uid: 'stups_mint-sync' } } })
const motoPort = Number(new URL(moto.url).port)
// the token and credential caches off: every request must reach the faulty peer
const config = testConfig({ TOKENINFO_URL: tokeninfo.url, TOKEN_CACHE_TTL: '0', CREDENTIAL_CACHE_MAX_AGE: '0' })
const url = '/get_key/S3MintReadOnly'
const headers = { authorization: 'Bearer tok-mint' }

/** One request; asserts the upstream-failure contract when `status` is 5xx, records the time. */
async function expectStatus (t: Pick<typeof tap, 'equal' | 'ok' | 'match' | 'notOk'>, app: FastifyInstance, fault: string, status: number): Promise<number> {
  const started = performance.now()
  const res = await app.inject({ url, headers })
  const ms = Math.round(performance.now() - started)
  t.equal(res.statusCode, status, `${fault}: ${status} after ${ms} ms`)
  if (status >= 500) {
    t.ok(Number(res.headers['retry-after']) > 0, `${fault}: Retry-After`)
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${fault}: problem+json`)
    t.notOk('AccessKeyId' in res.json(), `${fault}: no credential`)
    t.ok(ms < BOUND_MS, `${fault}: answered in ${ms} ms (< ${BOUND_MS})`)
    if (ms > worst.ms) Object.assign(worst, { ms, fault })
  }
  return ms
}

tap.test('tokeninfo faults, one after another on the same app, then recovery', async (t) => {
  const { app, logs } = await build(t, config)
  t.teardown(() => { tokeninfo.mode = 'ok' })
  tokeninfo.mode = 'slow'
  tokeninfo.delayMs = 300
  await expectStatus(t, app, 'tokeninfo slow (300 ms, within its timeout)', 200)
  const cases = [
    { mode: 'error500', status: 502 },
    { mode: 'garbage', status: 502 },
    { mode: 'throttle', status: 503 },
    { mode: 'hang', status: 503 }
  ] as const
  for (const c of cases) {
    tokeninfo.mode = c.mode
    const ms = await expectStatus(t, app, `tokeninfo ${c.mode}`, c.status)
    if (c.mode === 'hang') t.ok(ms >= 2900, `hang waits for the 3 s timeout (${ms} ms)`)
  }
  const before = tokeninfo.calls
  tokeninfo.mode = 'reset-once'
  await expectStatus(t, app, 'tokeninfo resets the connection once', 200)
  t.equal(tokeninfo.calls - before, 2, 'the GET was retried once after the reset')
  tokeninfo.mode = 'ok'
  await expectStatus(t, app, 'tokeninfo back', 200)
  t.notOk(logs.text.includes('tok-mint'), 'the token is never logged')
})

tap.test('tokeninfo down (nothing listening) -> 503 fast', async (t) => {
  const down = await startTokeninfo()
  await down.stop()
  const { app } = await build(t, testConfig({ TOKENINFO_URL: down.url, TOKEN_CACHE_TTL: '0' }))
  const ms = await expectStatus(t, app, 'tokeninfo down', 503)
  t.ok(ms < 1000, `connection refused is answered at once (${ms} ms)`)
})

tap.test('STS accepts the connection but never answers -> 503 within STS_TIMEOUT_MS, retries included', async (t) => {
  const sockets = new Set<Socket>()
  const blackHole = createServer((socket) => { sockets.add(socket) })
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { for (const s of sockets) s.destroy(); blackHole.close() })
  const endpoint = `http://127.0.0.1:${(blackHole.address() as { port: number }).port}`
  const { app, logs } = await build(t, config, { sts: stsClient(t, { endpoint }) })
  const ms = await expectStatus(t, app, 'STS black hole', 503)
  t.ok(ms >= 4900, `waited for the 5 s deadline (${ms} ms)`)
  t.match(logs.text, /STS (AbortError|TimeoutError)/, 'the timeout is in the log')
})

tap.test('moto_server killed mid-run and restarted: 503 while down, served again without a restart', async (t) => {
  const { app } = await build(t, config)
  await expectStatus(t, app, 'moto up', 200)
  await moto.stop()
  await expectStatus(t, app, 'moto killed', 503)
  const restarted = await startMoto({}, motoPort)
  t.teardown(() => restarted.stop())
  await restarted.createRole('S3MintReadOnly')
  await expectStatus(t, app, 'moto restarted', 200)
})

// The README's bound: every fault is answered within the timeout of the call that failed, the
// worst case being STS that accepts the connection and never answers (STS_TIMEOUT_MS, 5 s).
tap.test('worst response time under faults: the STS deadline, within the bound', async (t) => {
  t.comment(`worst response time under faults: ${worst.ms} ms (${worst.fault})`)
  t.equal(worst.fault, 'STS black hole', 'no fault takes longer than STS never answering')
  t.ok(worst.ms >= 4900 && worst.ms < BOUND_MS, `worst ${worst.ms} ms: the 5 s STS deadline, under ${BOUND_MS} ms`)
})
