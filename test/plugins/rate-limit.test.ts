import t from 'tap'
import type { StsLike } from '../../src/aws/assume-role.js'
import { startTokeninfo } from '../../dev/peers/tokeninfo.js'
import { build, testConfig } from '../helpers/build.js'

const tokeninfo = await startTokeninfo()
t.teardown(() => tokeninfo.stop())
for (const name of ['a', 'b', 'c', 'd']) tokeninfo.add(`tok-${name}`, { uid: `robot-${name}` })
const sts: StsLike = { send: async () => { throw new Error('STS must not be called') } }
// robots without a team: authenticated, then refused 403 by policy; STS is never reached
const config = testConfig({ TOKENINFO_URL: tokeninfo.url, RATE_LIMIT_PER_MINUTE: '3' })
const url = '/get_key/S3MintReadOnly'
const as = (token: string, ip: string) => ({ url, remoteAddress: ip, headers: { authorization: `Bearer ${token}` } })

t.test('authenticated callers are counted by uid', async (t) => {
  const { app } = await build(t, config, { sts })
  for (let i = 1; i <= 3; i++) t.equal((await app.inject(as('tok-a', '10.0.0.1'))).statusCode, 403, `robot-a request ${i} is served`)
  const limited = await app.inject(as('tok-a', '10.0.0.1'))
  t.equal(limited.statusCode, 429, 'the 4th in the minute is refused')
  t.match(limited.headers['content-type'], /^application\/problem\+json/)
  t.match(limited.json(), { status: 429, code: 'RO2KEY_RATE_LIMITED', detail: /More than 3 requests a minute/ })
  const retryAfter = Number(limited.headers['retry-after'])
  t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter} s`)
  t.equal(limited.headers['x-ratelimit-limit'], '3')
  t.equal((await app.inject(as('tok-b', '10.0.0.1'))).statusCode, 403, 'another robot behind the same IP has its own budget')
  for (let i = 1; i <= 3; i++) t.equal((await app.inject(as('tok-c', '10.0.0.9'))).statusCode, 403, `authenticated requests do not use the IP budget (${i})`)
  t.equal((await app.inject(as('tok-d', '10.0.0.9'))).statusCode, 403, 'so a 4th robot from that IP is still served')
})

t.test('before authentication callers are counted by client IP, and a blocked IP never reaches the token service', async (t) => {
  const { app } = await build(t, config, { sts })
  for (let i = 1; i <= 3; i++) t.equal((await app.inject(as(`tok-bad-${i}`, '10.0.0.2'))).statusCode, 401, `bad token ${i}`)
  const calls = tokeninfo.calls
  const blocked = await app.inject(as('tok-bad-4', '10.0.0.2'))
  t.equal(blocked.statusCode, 429)
  t.match(blocked.json(), { code: 'RO2KEY_RATE_LIMITED' })
  t.equal((await app.inject(as('tok-c', '10.0.0.2'))).statusCode, 429, 'even a valid token from that IP waits')
  t.equal(tokeninfo.calls, calls, 'the token service was not called for blocked requests')
  t.equal((await app.inject(as('tok-c', '10.0.0.3'))).statusCode, 403, 'other IPs are unaffected')
  for (const probe of ['/health', '/ready', '/metrics']) {
    t.equal((await app.inject({ url: probe, remoteAddress: '10.0.0.2' })).statusCode, 200, `${probe} is never rate limited`)
  }
})

t.test('issue 20: only refused tokens count against the IP; a neighbour\'s junk never blocks a valid token', async (t) => {
  const { app } = await build(t, config, { sts })
  for (let i = 1; i <= 10; i++) t.equal((await app.inject({ url: '/nope', remoteAddress: '10.0.0.4' })).statusCode, 404)
  t.equal((await app.inject({ url: '/openapi.json', remoteAddress: '10.0.0.4' })).statusCode, 200, 'no 429 for 404s')
  t.equal((await app.inject({ url, remoteAddress: '10.0.0.4' })).statusCode, 401, 'a missing token is a token attempt')
  t.equal((await app.inject(as('tok-a', '10.0.0.4'))).statusCode, 403, 'a valid token behind that IP is served')
})

t.test('RATE_LIMIT_PER_MINUTE=0 turns it off', async (t) => {
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, RATE_LIMIT_PER_MINUTE: '0' }), { sts })
  for (let i = 1; i <= 5; i++) t.equal((await app.inject(as(`tok-bad-${i}`, '10.0.0.5'))).statusCode, 401)
})
