import t from 'tap'
import { createDynamoStore } from '../../src/store/dynamo-store.js'
import type { GrantItem } from '../../src/grants/grant.js'
import { bearer, grantPeers, testClock } from '../helpers/grants.js'

const peers = await grantPeers(t, 'ro2key-grant-resilience')
const { config, members } = peers

t.test('two sweepers racing: one removal, one end', async (t) => {
  const clock = testClock()
  const a = await peers.build(t, config, { now: clock.now })
  const b = await peers.build(t, config, { now: clock.now })
  const res = await a.app.inject({ method: 'POST', url: '/grants', headers: bearer('alice'), payload: { group: 'mint-operators', duration: 10 } })
  t.equal(res.statusCode, 201)
  clock.advance(11)
  const [ra, rb] = await Promise.all([a.app.sweeper?.run(), b.app.sweeper?.run()])
  t.equal((ra?.ended ?? 0) + (rb?.ended ?? 0), 1, 'one sweeper ended it')
  const removals = [...a.logs.audits(), ...b.logs.audits()].filter((x) => x.event === 'group-removed')
  t.equal(removals.length, 1, 'one IAM removal')
  t.same(await members(), [])
})

t.test('a crash between the IAM change and the store write is reconciled from the store', async (t) => {
  const clock = testClock()
  const { app, logs } = await peers.build(t, config, { now: clock.now })
  const store = createDynamoStore(peers.dynamodb, 'ro2key-grant-resilience')
  const res = await app.inject({ method: 'POST', url: '/grants', headers: bearer('alice'), payload: { group: 'mint-operators', duration: 10 } })
  const key = { pk: 'grant', sk: res.json().id }
  clock.advance(11)
  // what a sweeper leaves when it dies after claiming: status expiring, membership still there
  const claimed = await store.transition<GrantItem>(key, { status: ['active'] }, { status: 'expiring', claimed_at: Math.floor(clock.now()) })
  t.ok(claimed)
  t.match(await app.sweeper?.run(), { ended: 0 }, 'a fresh claim is left to its owner')
  t.same(await members(), ['alice'])
  clock.advance(61)
  t.match(await app.sweeper?.run(), { ended: 1 }, 'a stale claim is taken over')
  t.same(await members(), [])
  t.ok(logs.audits().some((x) => x.event === 'expired' && x.grant === res.json().id))
})

t.test('a crash after the IAM removal but before the store write: the next sweep finishes', async (t) => {
  const clock = testClock()
  const { app, logs } = await peers.build(t, config, { now: clock.now })
  const store = createDynamoStore(peers.dynamodb, 'ro2key-grant-resilience')
  const res = await app.inject({ method: 'POST', url: '/grants', headers: bearer('alice'), payload: { group: 'mint-operators', duration: 10 } })
  clock.advance(11)
  await store.transition<GrantItem>({ pk: 'grant', sk: res.json().id }, { status: ['active'] }, { status: 'expiring', claimed_at: 1 })
  await peers.removeMember('alice')
  t.match(await app.sweeper?.run(), { ended: 1, failed: 0 }, 'IAM says already gone: done')
  t.ok(logs.audits().some((x) => x.event === 'expired' && x.grant === res.json().id))
})

t.test('DynamoDB down: standing roles still 200, grant endpoints 503 with Retry-After', async (t) => {
  const dead = peers.moto.dynamodbClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 })
  t.teardown(() => dead.destroy())
  const { app, logs } = await peers.build(t, { ...config, store: { table: 'x-down', create: false, sweepInterval: 0 } }, { dynamodb: dead })
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer('alice') })).statusCode, 200)
  for (const req of [
    { method: 'POST' as const, url: '/grants', payload: { group: 'mint-operators' } },
    { method: 'GET' as const, url: '/grants' },
    { method: 'GET' as const, url: '/get_key/S3MintAdmin' }
  ]) {
    const res = await app.inject({ ...req, headers: bearer('alice') })
    t.equal(res.statusCode, 503, `${req.method} ${req.url}`)
    t.equal(res.headers['retry-after'], '5')
    t.equal(res.json().code, 'RO2KEY_STORE_UNAVAILABLE')
  }
  const roles = await app.inject({ url: '/roles', headers: bearer('alice') })
  t.equal(roles.statusCode, 200, '/roles answers without the store')
  t.equal(await app.sweeper?.run(), undefined, 'a failed sweep is logged, not thrown')
  t.notOk(logs.text.includes('moto-instance-secret'))
})

t.test('riboseinc /membership', async (t) => {
  const { app } = await peers.build(t, config)
  const joined = await app.inject({ method: 'POST', url: '/membership', headers: bearer('alice') })
  t.equal(joined.statusCode, 200)
  t.same(joined.json(), { action: 'AUTHORIZE', success: true })
  t.same(await members(), ['alice'])
  const left = await app.inject({ method: 'DELETE', url: '/membership', headers: bearer('alice') })
  t.same(left.json(), { action: 'REVOKE', success: true })
  t.same(await members(), [])
  const refused = await app.inject({ method: 'POST', url: '/membership', headers: bearer('carol') })
  t.equal(refused.statusCode, 403)
  t.match(refused.headers['content-type'], /^application\/problem\+json/)
  t.match(refused.json(), { action: 'AUTHORIZE', success: false, code: 'RO2KEY_GRANT_NOT_ELIGIBLE' })
  const pendingOnly = await app.inject({ method: 'POST', url: '/membership', headers: bearer('bob') })
  t.equal(pendingOnly.statusCode, 403, 'groups that need approval are not joined by /membership')
})

t.test('stateless without STORE_TABLE: grant routes 404, policy with eligible refused at boot', async (t) => {
  const { testConfig } = await import('../helpers/build.js')
  const { ConfigError } = await import('../../src/config/index.js')
  const { app } = await peers.build(t, testConfig({ TOKENINFO_URL: peers.tokeninfo.url }))
  const res = await app.inject({ url: '/grants', headers: bearer('alice') })
  t.equal(res.statusCode, 404)
  const { GRANTS_POLICY } = await import('../helpers/grants.js')
  t.throws(() => testConfig({ POLICY: GRANTS_POLICY }), ConfigError)
  t.throws(() => testConfig({ POLICY: GRANTS_POLICY }), /STORE_TABLE/)
})

t.test('node dist/main.js sweep: one sweep, exit code by outcome', async (t) => {
  const { runSweepCommand } = await import('../../src/grants/sweep-command.js')
  const { testConfig } = await import('../helpers/build.js')
  const clock = testClock()
  const { app } = await peers.build(t, config, { now: clock.now })
  await app.inject({ method: 'POST', url: '/grants', headers: bearer('alice'), payload: { group: 'mint-operators', duration: 5 } })
  clock.advance(6)
  const out: string[] = []
  const write = process.stdout.write
  process.stdout.write = ((chunk: string) => { out.push(String(chunk)); return true }) as typeof process.stdout.write
  let code: number
  try {
    code = await runSweepCommand(config, { dynamodb: peers.dynamodb, iam: peers.iam, sts: peers.sts, now: clock.now })
  } finally {
    process.stdout.write = write
  }
  t.equal(code, 0)
  t.match(out.join(''), /"ended":1/)
  t.same(await members(), [])
  t.equal(await runSweepCommand(testConfig()), 2, 'no STORE_TABLE')
})
