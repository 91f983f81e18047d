import t from 'tap'
import { instrumentedClient } from '../src/aws/instrumented-client.js'
import { createMetrics } from '../src/metrics/metrics.js'
import { build, testConfig } from './helpers/build.js'

/** The value of one sample line, e.g. sample(text, 'x_total{a="b"}'). */
function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('ro2key_problems_total counts each problem+json answer by code: rate-limit refusals among them', async (t) => {
  const { app } = await build(t, testConfig({ RATE_LIMIT_PER_MINUTE: '1' }))
  t.equal((await app.inject({ url: '/nowhere' })).statusCode, 404)
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly' })).statusCode, 401)
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly' })).statusCode, 429, 'the IP spent its one request')
  const text = (await app.inject({ url: '/metrics' })).body
  t.equal(sample(text, 'ro2key_problems_total{code="RO2KEY_NOT_FOUND",status="404"}'), 1)
  t.equal(sample(text, 'ro2key_problems_total{code="RO2KEY_RATE_LIMITED",status="429"}'), 1)
  t.equal(sample(text, 'ro2key_problems_total{code="RO2KEY_TOKEN_MISSING",status="401"}'), 1)
  t.notOk(text.includes('code="RO2KEY_OVERLOADED"'), 'nothing shed')
})

t.test('an AWS Throttling error is outcome "throttled", other failures stay "error" or "rejected"', async (t) => {
  const metrics = createMetrics()
  const failing = (err: Error) => ({ send: async (_command: unknown) => { throw err } })
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client' })
  const denied = Object.assign(new Error('not authorized'), { name: 'AccessDenied', $fault: 'client' })
  const broken = Object.assign(new Error('oops'), { name: 'InternalFailure', $fault: 'server' })
  for (const err of [throttled, denied, broken]) {
    await t.rejects(instrumentedClient(failing(err), 'sts', 1000, metrics).send({}))
  }
  const text = await metrics.registry.metrics()
  t.equal(sample(text, 'ro2key_upstream_duration_seconds_count{upstream="sts",outcome="throttled"}'), 1)
  t.equal(sample(text, 'ro2key_upstream_duration_seconds_count{upstream="sts",outcome="rejected"}'), 1)
  t.equal(sample(text, 'ro2key_upstream_duration_seconds_count{upstream="sts",outcome="error"}'), 1)
})
