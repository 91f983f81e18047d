import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { build, testConfig } from '../helpers/build.js'

function blockEventLoop (ms: number): void {
  const until = Date.now() + ms
  while (Date.now() < until) { /* saturate the loop */ }
}

t.test('a saturated event loop sheds load with 503 problem+json and Retry-After; /health still answers', async (t) => {
  const base = testConfig({ MAX_EVENT_LOOP_DELAY_MS: '50' })
  const { app } = await build(t, { ...base, limits: { ...base.limits, pressureSampleMs: 200 } })
  let shed
  for (let attempt = 0; attempt < 3 && shed?.statusCode !== 503; attempt++) {
    blockEventLoop(2000)
    await sleep(10) // let the sampler see the stall
    shed = await app.inject({ url: '/get_key/S3MintReadOnly' })
  }
  t.equal(shed?.statusCode, 503)
  t.match(shed?.json(), { code: 'RO2KEY_OVERLOADED' })
  t.equal(shed?.headers['retry-after'], '5')
  t.match(shed?.headers['content-type'], /^application\/problem\+json/)
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'liveness is not shed')
  const deadline = Date.now() + 5000
  let after
  do {
    await sleep(100)
    after = await app.inject({ url: '/get_key/S3MintReadOnly' })
  } while (after.statusCode === 503 && Date.now() < deadline)
  t.equal(after.statusCode, 401, 'served again once the loop is free')
})
