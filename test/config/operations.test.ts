import t from 'tap'
import { ConfigError } from '../../src/config/index.js'
import { testConfig } from '../helpers/build.js'

t.test('defaults', async (t) => {
  const { limits } = testConfig({ MAX_EVENT_LOOP_DELAY_MS: '' })
  t.same(limits, {
    stsTimeoutMs: 5000,
    rateLimitPerMinute: 600,
    maxEventLoopDelayMs: 1000,
    pressureSampleMs: 1000,
    requestTimeoutMs: 10000,
    metricsPort: undefined,
    shutdownDelayMs: 0,
    trustProxy: false
  })
})

t.test('every variable is read', async (t) => {
  const { limits } = testConfig({
    STS_TIMEOUT_MS: '2500',
    RATE_LIMIT_PER_MINUTE: '0',
    MAX_EVENT_LOOP_DELAY_MS: '200',
    REQUEST_TIMEOUT_MS: '3000',
    METRICS_PORT: '9464',
    SHUTDOWN_DELAY_MS: '1500',
    TRUST_PROXY: '10.0.0.0/8,127.0.0.1'
  })
  t.match(limits, { stsTimeoutMs: 2500, rateLimitPerMinute: 0, maxEventLoopDelayMs: 200, requestTimeoutMs: 3000, metricsPort: 9464, shutdownDelayMs: 1500, trustProxy: '10.0.0.0/8,127.0.0.1' })
  t.equal(testConfig({ TRUST_PROXY: 'true' }).limits.trustProxy, true)
})

t.test('bad values are all named at once', async (t) => {
  const err = t.throws(() => testConfig({ STS_TIMEOUT_MS: '5s', RATE_LIMIT_PER_MINUTE: '-1', METRICS_PORT: '70000', SHUTDOWN_DELAY_MS: '60000', REQUEST_TIMEOUT_MS: '10' })) as ConfigError
  t.type(err, ConfigError)
  for (const name of ['STS_TIMEOUT_MS', 'RATE_LIMIT_PER_MINUTE', 'METRICS_PORT', 'SHUTDOWN_DELAY_MS', 'REQUEST_TIMEOUT_MS']) {
    t.match(err.message, new RegExp(`${name} must be an integer`), name)
  }
})
