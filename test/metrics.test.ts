import t from 'tap'
import { buildMetricsServer } from '../src/metrics/plugin.js'
import { testConfig } from './helpers/build.js'
import { withPeers } from './helpers/peers.js'

const { tokeninfo, build } = await withPeers(t, { roles: ['S3MintReadOnly'], tokens: { 'tok-metrics-secret': { uid: 'stups_mint-sync' } } })
const config = testConfig({ TOKENINFO_URL: tokeninfo.url })
const headers = { authorization: 'Bearer tok-metrics-secret' }

/** The value of one sample line, e.g. sample(text, 'x_total{a="b"}'). */
function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('/metrics: requests, credentials, upstream latency, cache lookups; nothing secret in labels', async (t) => {
  const { app } = await build(t, config)
  const issued = await app.inject({ url: '/get_key/S3MintReadOnly', headers })
  t.equal(issued.statusCode, 200)
  const secret = issued.json().SecretAccessKey as string
  t.equal((await app.inject({ url: '/get_key/BillingReports', headers })).statusCode, 403)
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly', headers: { authorization: 'Bearer tok-unknown-secret' } })).statusCode, 401)
  t.equal((await app.inject({ url: '/no/such/route?access_token=tok-in-url' })).statusCode, 404)
  const again = await app.inject({ url: '/get_key/S3MintReadOnly', headers })
  t.equal(again.json().AccessKeyId, issued.json().AccessKeyId, 'served from the credential cache')

  const res = await app.inject({ url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const text = res.body
  t.equal(sample(text, 'ro2key_http_requests_total{method="GET",route="/get_key/:role_name",status="200"}'), 2)
  t.equal(sample(text, 'ro2key_http_requests_total{method="GET",route="/get_key/:role_name",status="403"}'), 1)
  t.equal(sample(text, 'ro2key_http_requests_total{method="GET",route="/get_key/:role_name",status="401"}'), 1)
  t.equal(sample(text, 'ro2key_http_requests_total{method="GET",route="unmatched",status="404"}'), 1, 'unknown URLs share one label')
  t.equal(sample(text, 'ro2key_credentials_issued_total{role="S3MintReadOnly",team="mint"}'), 2, 'every serving counts, cached or not')
  t.equal(sample(text, 'ro2key_upstream_duration_seconds_count{upstream="tokeninfo",outcome="ok"}'), 1, 'the second request used the token cache')
  t.equal(sample(text, 'ro2key_upstream_duration_seconds_count{upstream="tokeninfo",outcome="rejected"}'), 1)
  t.equal(sample(text, 'ro2key_upstream_duration_seconds_count{upstream="sts",outcome="ok"}'), 1)
  t.equal(sample(text, 'ro2key_cache_lookups_total{cache="token",result="hit"}'), 2)
  t.equal(sample(text, 'ro2key_cache_lookups_total{cache="token",result="miss"}'), 2)
  t.equal(sample(text, 'ro2key_cache_lookups_total{cache="credentials",result="hit"}'), 1)
  t.equal(sample(text, 'ro2key_cache_lookups_total{cache="credentials",result="miss"}'), 1)
  t.match(text, /process_cpu_user_seconds_total/, 'process metrics too')
  for (const leak of ['tok-metrics-secret', 'tok-unknown-secret', 'tok-in-url', 'stups_mint-sync', secret, 'no/such/route']) {
    t.notOk(text.includes(leak), `no ${leak.slice(0, 12)}… in the metrics`)
  }
})

t.test('upstream outcomes: timeout and error are told apart', async (t) => {
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, TOKENINFO_TIMEOUT_MS: '200', TOKEN_CACHE_TTL: '0' }))
  t.teardown(() => { tokeninfo.mode = 'ok' })
  tokeninfo.mode = 'hang'
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly', headers })).statusCode, 503)
  tokeninfo.mode = 'error500'
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly', headers })).statusCode, 502)
  const text = (await app.inject({ url: '/metrics' })).body
  t.equal(sample(text, 'ro2key_upstream_duration_seconds_count{upstream="tokeninfo",outcome="timeout"}'), 1)
  t.equal(sample(text, 'ro2key_upstream_duration_seconds_count{upstream="tokeninfo",outcome="error"}'), 1)
})

t.test('METRICS_PORT: /metrics leaves the API port for a server of its own', async (t) => {
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, METRICS_PORT: '9464' }))
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 404, 'not on the API port')
  await app.inject({ url: '/health' })
  const server = await buildMetricsServer(app.metrics, app.log)
  t.teardown(() => server.close())
  const res = await server.inject({ url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.equal(sample(res.body, 'ro2key_http_requests_total{method="GET",route="/health",status="200"}'), 1)
})
