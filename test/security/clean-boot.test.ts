import t from 'tap'
import { buildMetricsServer } from '../../src/metrics/plugin.js'
import { build, testConfig } from '../helpers/build.js'

// Issue 20, item 8: a clean start prints only ro2key's own lines: no glue warning about a
// problem+json parser, no FSTDEP023 from the METRICS_PORT server.
t.test('booting the app logs no warning', async (t) => {
  const { logs } = await build(t, testConfig())
  t.notMatch(logs.text, /ContentTypeParser/)
  t.notMatch(logs.text, /"level":40/)
})

t.test('the METRICS_PORT server emits no deprecation warning', async (t) => {
  const warnings: string[] = []
  const onWarning = (w: Error & { code?: string }): void => { warnings.push(`${w.code ?? ''} ${w.message}`) }
  process.on('warning', onWarning)
  t.teardown(() => { process.off('warning', onWarning) })
  const { app } = await build(t, testConfig({ METRICS_PORT: '9090' }))
  const server = await buildMetricsServer(app.metrics, app.log)
  t.teardown(() => server.close())
  await new Promise((resolve) => setImmediate(resolve))
  t.same(warnings.filter((w) => w.includes('FSTDEP')), [])
  t.equal((await server.inject({ url: '/metrics' })).statusCode, 200)
})
