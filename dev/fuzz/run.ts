import type { FastifyInstance } from 'fastify'
import { loadConfig, type Config } from '../../src/config/index.js'
import { ARN_PREFIX } from '../peers/moto.js'
import { TEST_POLICY_DOCUMENT } from '../test-policy.js'
import { generate, prng, type FuzzSetup } from './generate.js'

export interface FuzzResult {
  count: number
  byStatus: Record<string, number>
  violations: string[]
  slowestMs: number
  /** total milliseconds spent per status, to find what is slow */
  msByStatus: Record<string, number>
  ms: number
}

const HANG_MS = 15_000

/**
 * Fuzzing is about input, not timing: upstream timeouts are raised so that a loaded machine
 * cannot turn a slow peer into a 503, and the rate limit is out of the way.
 */
export function fuzzConfig (tokeninfoUrl: string): Config {
  return loadConfig({
    ARN_PREFIX,
    TOKENINFO_URL: tokeninfoUrl,
    POLICY: JSON.stringify(TEST_POLICY_DOCUMENT),
    LOG_LEVEL: 'info',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    TOKENINFO_TIMEOUT_MS: '10000',
    STS_TIMEOUT_MS: '10000',
    RATE_LIMIT_PER_MINUTE: '0'
  })
}
/** a credential in a body: the secret as a JSON string (the OpenAPI document only names it) */
const CREDENTIAL = /"SecretAccessKey":"/

/** Sends `count` generated requests (`concurrency` at a time) and checks every answer. */
export async function runFuzz (app: FastifyInstance, setup: FuzzSetup & { maxDurationS: number }, opts: { seed: number, count: number, concurrency: number }): Promise<FuzzResult> {
  const rand = prng(opts.seed)
  const result: FuzzResult = { count: 0, byStatus: {}, violations: [], slowestMs: 0, msByStatus: {}, ms: 0 }
  const started = Date.now()
  const one = async (): Promise<void> => {
    const req = generate(rand, setup)
    const t0 = Date.now()
    let timer: NodeJS.Timeout | undefined
    const hang = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error('hang')), HANG_MS) })
    let res
    try {
      res = await Promise.race([app.inject({ method: 'GET', url: req.url, headers: req.headers }), hang])
    } catch (err) {
      result.violations.push(`${(err as Error).message}: GET ${req.url.slice(0, 120)}`)
      return
    } finally {
      clearTimeout(timer)
    }
    const ms = Date.now() - t0
    result.slowestMs = Math.max(result.slowestMs, ms)
    result.count++
    const status = res.statusCode
    result.byStatus[status] = (result.byStatus[status] ?? 0) + 1
    result.msByStatus[status] = (result.msByStatus[status] ?? 0) + ms
    const where = `${status} GET ${req.url.slice(0, 120)} (authorization ${req.headers.authorization?.length ?? 'none'} chars)`
    if (status >= 500) result.violations.push(`server error ${where}: ${res.body.slice(0, 200)}`)
    const credential = CREDENTIAL.test(res.body)
    if (credential && !req.entitled) result.violations.push(`credential without entitlement ${where}`)
    if (credential && Date.parse(res.json().Expiration) > Date.now() + setup.maxDurationS * 1000) result.violations.push(`credential beyond the team cap ${where}`)
    if (status >= 400 && !/^application\/problem\+json/.test(String(res.headers['content-type']))) result.violations.push(`not problem+json ${where}`)
    if (req.token && req.token.length >= 8 && !req.url.includes(req.token) && res.body.includes(req.token)) result.violations.push(`token reflected ${where}`)
  }
  const total = opts.count
  let sent = 0
  const workers = Array.from({ length: opts.concurrency }, async () => {
    while (sent < total) {
      sent++
      await one()
    }
  })
  await Promise.all(workers)
  result.ms = Date.now() - started
  return result
}
