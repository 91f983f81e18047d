import t from 'tap'
import { withPeers } from './helpers/peers.js'
import { fuzzConfig, runFuzz } from '../dev/fuzz/run.js'

// 2 000 generated hostile requests against the real app, tokeninfo peer and moto.
// `npm run fuzz` runs the same generator for 10 000 or more.
const COUNT = 2000
const { tokeninfo, build } = await withPeers(t, { roles: ['S3MintReadOnly'] })
// team mint (TEST_POLICY): roles S3MintReadOnly and S3Mint*, max_duration 3600
const setup = { validToken: 'tok-fuzz-valid-4711', allowedRole: 'S3MintReadOnly', allowedPattern: /^S3Mint[A-Za-z0-9_+=,.@-]{0,58}$/, maxDurationS: 3600 }
tokeninfo.add(setup.validToken, { uid: 'stups_mint-sync' })

t.test(`${COUNT} generated requests: no 5xx, no hang, no credential without a valid token, healthy after`, async (t) => {
  const { app, logs } = await build(t, fuzzConfig(tokeninfo.url))
  const result = await runFuzz(app, setup, { seed: 20261124, count: COUNT, concurrency: 4 })
  t.comment(`fuzz: ${result.count} requests in ${result.ms} ms, slowest ${result.slowestMs} ms, by status ${JSON.stringify(result.byStatus)}, ms by status ${JSON.stringify(result.msByStatus)}`)
  t.equal(result.count, COUNT, 'every request answered')
  t.same(result.violations, [], 'no violations')
  t.ok((result.byStatus[200] ?? 0) > 0, 'some requests were entitled and got credentials')
  t.ok((result.byStatus[400] ?? 0) > 0 && (result.byStatus[401] ?? 0) > 0 && (result.byStatus[404] ?? 0) > 0, 'the generator reaches many refusals')
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'alive after')
  t.equal((await app.inject({ url: '/ready' })).statusCode, 200, 'ready after')
  const after = await app.inject({ url: '/get_key/S3MintReadOnly', headers: { authorization: `Bearer ${setup.validToken}` } })
  t.equal(after.statusCode, 200, 'still hands out credentials')
  t.notOk(logs.text.includes(setup.validToken), 'the token never reached the log')
})
