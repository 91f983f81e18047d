import t from 'tap'
import { cachingVerifier, NEGATIVE_TTL_SECONDS, tokenKey } from '../../src/auth/token-cache.js'
import type { TokenVerifier } from '../../src/auth/token-verifier.js'
import { AppError } from '../../src/errors.js'
import type { Principal } from '../../src/auth/principal.js'
import type { StsLike } from '../../src/aws/assume-role.js'
import { startTokeninfo } from '../../dev/peers/tokeninfo.js'
import { build, testConfig } from '../helpers/build.js'

const principal = (uid: string, expiresAt?: number): Principal => ({ source: 'tokeninfo', uid, realm: '/services', scopes: [], teams: ['mint'], expiresAt })

/** An inner verifier whose answers and call count the test controls (the wrapper is the unit here). */
function scripted (answer: (token: string) => Promise<Principal>) {
  const calls: string[] = []
  const verifier: TokenVerifier = { verify: async (token) => { calls.push(token); return await answer(token) } }
  return { verifier, calls }
}

t.test('a verified principal is reused until the TTL, then verified again', async (t) => {
  let now = 1000
  const inner = scripted(async (tok) => principal(tok))
  const v = cachingVerifier(inner.verifier, { ttlSeconds: 60, maxEntries: 10, now: () => now })
  t.equal((await v.verify('a')).uid, 'a')
  now += 59
  t.equal((await v.verify('a')).uid, 'a')
  t.equal(inner.calls.length, 1, 'second call within the TTL is a hit')
  now += 2
  await v.verify('a')
  t.equal(inner.calls.length, 2, 'after the TTL the token is verified again')
})

t.test('the token expiry bounds the cache lifetime when it is earlier than the TTL', async (t) => {
  let now = 1000
  const inner = scripted(async (tok) => principal(tok, 1010))
  const v = cachingVerifier(inner.verifier, { ttlSeconds: 60, maxEntries: 10, now: () => now })
  await v.verify('a')
  now = 1009
  await v.verify('a')
  t.equal(inner.calls.length, 1)
  now = 1010
  await v.verify('a')
  t.equal(inner.calls.length, 2, 'an expired token is never served from the cache')
})

t.test('rejections are remembered only briefly, upstream failures not at all', async (t) => {
  let now = 1000
  let fail: AppError = new AppError('RO2KEY_TOKEN_INVALID', { detail: 'token not valid' })
  const inner = scripted(async () => { throw fail })
  const v = cachingVerifier(inner.verifier, { ttlSeconds: 60, maxEntries: 10, now: () => now })
  await t.rejects(v.verify('bad'), { code: 'RO2KEY_TOKEN_INVALID' })
  await t.rejects(v.verify('bad'), { code: 'RO2KEY_TOKEN_INVALID' })
  t.equal(inner.calls.length, 1, 'a repeated bad token within the negative TTL costs no upstream call')
  now += NEGATIVE_TTL_SECONDS
  await t.rejects(v.verify('bad'), { code: 'RO2KEY_TOKEN_INVALID' })
  t.equal(inner.calls.length, 2, `rejection forgotten after ${NEGATIVE_TTL_SECONDS} s`)
  fail = new AppError('RO2KEY_UPSTREAM_UNAVAILABLE')
  await t.rejects(v.verify('flaky'), { code: 'RO2KEY_UPSTREAM_UNAVAILABLE' })
  await t.rejects(v.verify('flaky'), { code: 'RO2KEY_UPSTREAM_UNAVAILABLE' })
  t.equal(inner.calls.length, 4, 'upstream trouble is retried on every request')
})

t.test('concurrent verifications of one token share one upstream call', async (t) => {
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  const inner = scripted(async (tok) => { await gate; return principal(tok) })
  const outcomes: string[] = []
  const v = cachingVerifier(inner.verifier, { ttlSeconds: 60, maxEntries: 10, now: () => 1000, onLookup: (o) => outcomes.push(o) })
  const all = Promise.all(Array.from({ length: 50 }, async () => await v.verify('same')))
  release()
  const results = await all
  t.equal(inner.calls.length, 1)
  t.ok(results.every((p) => p.uid === 'same'))
  t.same(outcomes.filter((o) => o === 'miss').length, 1)
  t.same(outcomes.filter((o) => o === 'coalesced').length, 49)
})

t.test('TTL 0 turns caching off but keeps coalescing', async (t) => {
  const inner = scripted(async (tok) => principal(tok))
  const v = cachingVerifier(inner.verifier, { ttlSeconds: 0, maxEntries: 10, now: () => 1000 })
  await Promise.all([v.verify('a'), v.verify('a')])
  t.equal(inner.calls.length, 1, 'concurrent calls coalesced')
  await v.verify('a')
  t.equal(inner.calls.length, 2, 'nothing kept afterwards')
})

t.test('bounded: the least recently used token is evicted', async (t) => {
  const inner = scripted(async (tok) => principal(tok))
  const v = cachingVerifier(inner.verifier, { ttlSeconds: 60, maxEntries: 2, now: () => 1000 })
  await v.verify('a'); await v.verify('b'); await v.verify('a'); await v.verify('c')
  t.equal(inner.calls.length, 3)
  await v.verify('a')
  t.equal(inner.calls.length, 3, 'a was used recently and stayed')
  await v.verify('b')
  t.equal(inner.calls.length, 4, 'b was evicted')
})

t.test('the key is a hash, never the token', async (t) => {
  const key = tokenKey('secret-token-value')
  t.notMatch(key, /secret/)
  t.match(key, /^[A-Za-z0-9_-]{43}$/)
})

t.test('in the app: 20 concurrent requests with one new token cost one tokeninfo call', async (t) => {
  const tokeninfo = await startTokeninfo()
  t.teardown(() => tokeninfo.stop())
  tokeninfo.add('tok-burst', { uid: 'stups_mint-sync', scope: ['uid'] })
  const sts: StsLike = { send: async () => { throw Object.assign(new Error('down'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }) } }
  const { app, logs } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url }), { sts })
  const responses = await Promise.all(Array.from({ length: 20 }, async () =>
    await app.inject({ url: '/get_key/S3MintReadOnly', headers: { authorization: 'Bearer tok-burst' } })))
  t.ok(responses.every((r) => r.statusCode === 503), 'authenticated (STS is what fails here)')
  t.equal(tokeninfo.calls, 1, 'one tokeninfo call for the burst')
  await app.inject({ url: '/get_key/S3MintReadOnly', headers: { authorization: 'Bearer tok-burst' } })
  t.equal(tokeninfo.calls, 1, 'a later request is a cache hit')
  t.notMatch(logs.text, /tok-burst/, 'the token is in no log line')
})

t.test('in the app: TOKEN_CACHE_TTL=0 verifies every request', async (t) => {
  const tokeninfo = await startTokeninfo()
  t.teardown(() => tokeninfo.stop())
  tokeninfo.add('tok-a', { uid: 'stups_mint-sync', scope: ['uid'] })
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, TOKEN_CACHE_TTL: '0' }), { sts: { send: async () => { throw new Error('x') } } })
  await app.inject({ url: '/get_key/S3MintReadOnly', headers: { authorization: 'Bearer tok-a' } })
  await app.inject({ url: '/get_key/S3MintReadOnly', headers: { authorization: 'Bearer tok-a' } })
  t.equal(tokeninfo.calls, 2)
})
