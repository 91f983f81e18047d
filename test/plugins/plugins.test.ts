import Fastify from 'fastify'
import t from 'tap'
import { rateLimitPlugin } from '../../src/plugins/rate-limit.js'
import { build } from '../helpers/build.js'

t.test('buildApp registers every cross-cutting concern as a named plugin', async (t) => {
  const { app } = await build(t)
  const names = ['authentication', 'request-id', 'log-flush', 'error-handler', 'readiness', 'metrics',
    'request-limits', 'load-shedding', 'rate-limit', 'openapi', 'routes']
  for (const name of names) t.ok(app.hasPlugin(name), name)
})

t.test('a plugin registered before what it depends on fails at boot, naming the dependency', async (t) => {
  const app = Fastify()
  await t.rejects(async () => { await app.register(rateLimitPlugin, { perMinute: 1 }) }, /error-handler/)
})
