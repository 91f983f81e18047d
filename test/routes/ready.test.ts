import t from 'tap'
import type { Readiness } from '../../src/plugins/readiness.js'
import { createGetReady } from '../../src/routes/ready.js'
import { build } from '../helpers/build.js'

t.test('/ready: 200 once booted; 503 with Retry-After while draining, /health and routes still served', async (t) => {
  const { app } = await build(t)
  const ready = await app.inject({ url: '/ready' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready' })
  app.readiness.drain()
  const draining = await app.inject({ url: '/ready' })
  t.equal(draining.statusCode, 503)
  t.match(draining.json(), { code: 'RO2KEY_NOT_READY', detail: 'shutting down' })
  t.equal(draining.headers['retry-after'], '5')
  t.equal(draining.headers.connection, 'close', 'keep-alive clients are told to go elsewhere')
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'still alive')
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly' })).statusCode, 401, 'requests are still served until close')
})

t.test('/ready before boot completes is 503 "starting"', async (t) => {
  const starting: Readiness = { state: 'starting', drain () {} }
  await t.rejects(createGetReady(starting)(), { code: 'RO2KEY_NOT_READY', statusCode: 503, detail: 'starting' })
})
