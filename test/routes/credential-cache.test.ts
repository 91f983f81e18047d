import { IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam'
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/index.js'
import { testConfig } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'
import { assumeRoleCalls } from '../../dev/peers/moto-calls.js'
import { ARN_PREFIX, startStrictMoto } from '../../dev/peers/moto.js'

const { moto, tokeninfo, build, stsClient } = await withPeers(t, { roles: ['S3MintReadOnly'] })

const config = testConfig({ TOKENINFO_URL: tokeninfo.url })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
/** A token for a fresh robot of team mint; its uid is also its session name. */
function robot (uid: string): string {
  tokeninfo.add(`tok-${uid}`, { uid, team: 'mint' })
  return `tok-${uid}`
}

t.test('20 concurrent identical requests: one AssumeRole, 20 audit lines', async (t) => {
  const { app, logs } = await build(t, config)
  const token = robot('burst-robot')
  const responses = await Promise.all(Array.from({ length: 20 }, () =>
    app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer(token) })))
  t.ok(responses.every((r) => r.statusCode === 200), 'all 200')
  t.equal(await assumeRoleCalls(moto, 'burst-robot'), 1, 'moto saw one AssumeRole')
  const keys = new Set(responses.map((r) => r.json().AccessKeyId))
  t.equal(keys.size, 1, 'everyone got the same credentials')
  const audits = logs.audits()
  t.equal(audits.length, 20, 'one audit line per serving')
  t.equal(audits.filter((a) => a.cached === false).length, 1)
  t.equal(audits.filter((a) => a.cached === true).length, 19)
  t.same(new Set(audits.map((a) => a.reqId)), new Set(responses.map((r) => r.headers['x-request-id'])), 'each line names its own request')
  const body = responses[0]?.json()
  for (const secret of [body.SecretAccessKey, body.SessionToken, token]) t.notOk(logs.text.includes(secret), 'no secret in the log')
})

t.test('served until CREDENTIAL_CACHE_MAX_AGE, then a new AssumeRole (injected clock, moto\'s real Expiration)', async (t) => {
  const clock = { now: Date.now() / 1000 }
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, CREDENTIAL_CACHE_MAX_AGE: '120' }), { now: () => clock.now })
  const token = robot('aging-robot')
  const get = async () => (await app.inject({ url: '/get_key/S3MintReadOnly?duration=900', headers: bearer(token) })).json()
  const first = await get()
  clock.now += 119
  const second = await get()
  t.equal(second.AccessKeyId, first.AccessKeyId, 'age 119 s: cached')
  t.equal(await assumeRoleCalls(moto, 'aging-robot'), 1)
  clock.now += 1
  const third = await get()
  t.not(third.AccessKeyId, first.AccessKeyId, 'age 120 s: fetched again')
  t.equal(await assumeRoleCalls(moto, 'aging-robot'), 2)
})

t.test('a different duration is a different credential', async (t) => {
  const { app } = await build(t, config)
  const token = robot('duration-robot')
  const a = await app.inject({ url: '/get_key/S3MintReadOnly?duration=900', headers: bearer(token) })
  const b = await app.inject({ url: '/get_key/S3MintReadOnly?duration=1800', headers: bearer(token) })
  t.not(a.json().AccessKeyId, b.json().AccessKeyId)
  const lifetime = Date.parse(b.json().Expiration) - Date.now()
  t.ok(lifetime > 1700_000, 'the longer request got the longer credential')
  t.equal(await assumeRoleCalls(moto, 'duration-robot'), 2)
})

t.test('CREDENTIAL_CACHE_MAX_AGE=0: every request its own AssumeRole', async (t) => {
  const { app, logs } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, CREDENTIAL_CACHE_MAX_AGE: '0' }))
  const token = robot('uncached-robot')
  const responses = await Promise.all(Array.from({ length: 5 }, () =>
    app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer(token) })))
  t.equal(new Set(responses.map((r) => r.json().AccessKeyId)).size, 5)
  t.equal(await assumeRoleCalls(moto, 'uncached-robot'), 5)
  t.ok(logs.audits().every((a) => a.cached === false))
})

t.test('CREDENTIAL_CACHE_MAX_ENTRIES bounds the cache (LRU)', async (t) => {
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, CREDENTIAL_CACHE_MAX_ENTRIES: '2' }))
  const get = (uid: string) => app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer(robot(uid)) })
  await get('lru-a'); await get('lru-b'); await get('lru-c') // evicts lru-a
  await get('lru-c'); await get('lru-a')
  t.equal(await assumeRoleCalls(moto, 'lru-c'), 1, 'recent entry served from the cache')
  t.equal(await assumeRoleCalls(moto, 'lru-a'), 2, 'evicted entry fetched again')
})

t.test('an STS refusal is not cached: fix the trust policy and the next request works', async (t) => {
  // moto enforces SigV4, identity policies and trust policies after these 4 setup calls.
  const { moto: strict, credentials } = await startStrictMoto(t, { user: 'ro2key-instance', policyName: 'assume-and-admin', actions: ['sts:AssumeRole', 'iam:*'] })
  await strict.createRole('S3MintLater', 'arn:aws:iam::123456789012:user/someone-else')

  const { app } = await build(t, config, { sts: stsClient(t, { endpoint: strict.url, credentials }) })
  const token = robot('trust-robot')
  const refused = await app.inject({ url: '/get_key/S3MintLater', headers: bearer(token) })
  t.equal(refused.statusCode, 403)
  t.match(refused.json(), { code: 'RO2KEY_AWS_ACCESS_DENIED' })

  const iam = new IAMClient({ region: 'us-east-1', endpoint: strict.url, credentials })
  t.teardown(() => iam.destroy())
  await iam.send(new UpdateAssumeRolePolicyCommand({
    RoleName: 'S3MintLater',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/ro2key-instance' }, Action: 'sts:AssumeRole' }] })
  }))
  const granted = await app.inject({ url: '/get_key/S3MintLater', headers: bearer(token) })
  t.equal(granted.statusCode, 200, 'the refusal was not kept')
  t.equal(await assumeRoleCalls(strict, 'trust-robot'), 1)
})

t.test('config: defaults and every bad value named', async (t) => {
  const base = { ARN_PREFIX, TOKENINFO_URL: 'http://127.0.0.1:9/', POLICY: 'teams: {}' }
  const config = loadConfig(base)
  t.equal(config.credentialCacheMaxAge, 300)
  t.equal(config.credentialCacheMaxEntries, 10_000)
  t.equal(loadConfig({ ...base, CREDENTIAL_CACHE_MAX_AGE: '0' }).credentialCacheMaxAge, 0)
  const err = t.throws(() => loadConfig({ ...base, CREDENTIAL_CACHE_MAX_AGE: '-1', CREDENTIAL_CACHE_MAX_ENTRIES: '0' })) as ConfigError
  t.ok(err instanceof ConfigError)
  t.match(err.problems, [/CREDENTIAL_CACHE_MAX_AGE/, /CREDENTIAL_CACHE_MAX_ENTRIES/])
})
