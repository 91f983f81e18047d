import t from 'tap'
import { testConfig } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'

const { oidc, build } = await withPeers(t, { roles: ['S3MintReadOnly'], oidc: true })

const N = 20
const URL_MINT = '/get_key/S3MintReadOnly'
const config = testConfig({
  TOKENINFO_URL: '',
  JWT_ISSUER: oidc.issuer,
  JWT_AUDIENCE: oidc.audience,
  INTROSPECTION_URL: oidc.introspectionUrl,
  INTROSPECTION_CLIENT_ID: oidc.introspector.clientId,
  INTROSPECTION_CLIENT_SECRET: oidc.introspector.clientSecret,
  TOKEN_CACHE_TTL: '3600'
})
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

t.test(`${N} concurrent requests with one new opaque token: exactly one introspection call`, async (t) => {
  const { app, logs } = await build(t, config)
  const token = await oidc.issueToken({ format: 'opaque' })
  oidc.resetCalls()
  const answers = await Promise.all(Array.from({ length: N }, async () => await app.inject({ url: URL_MINT, headers: bearer(token) })))
  t.same(answers.map((r) => r.statusCode), Array(N).fill(200))
  t.equal(oidc.calls.introspection, 1, 'one upstream call for all of them')
  t.equal(logs.audits().length, N, 'and every request got its credentials')
  await app.inject({ url: URL_MINT, headers: bearer(token) })
  t.equal(oidc.calls.introspection, 1, 'a later request is a cache hit')
})

t.test(`${N} concurrent requests with one new JWT: one discovery, one JWKS fetch`, async (t) => {
  const { app } = await build(t, config)
  const token = await oidc.issueToken()
  oidc.resetCalls()
  const answers = await Promise.all(Array.from({ length: N }, async () => await app.inject({ url: URL_MINT, headers: bearer(token) })))
  t.same(answers.map((r) => r.statusCode), Array(N).fill(200))
  t.same(oidc.calls, { discovery: 1, jwks: 1, token: 0, introspection: 0 })
  // N different JWTs at once: still one key set, fetched already.
  const tokens = await Promise.all(Array.from({ length: 5 }, async () => await oidc.issueToken()))
  const more = await Promise.all(tokens.map(async (tok) => await app.inject({ url: URL_MINT, headers: bearer(tok) })))
  t.same(more.map((r) => r.statusCode), Array(5).fill(200))
  t.equal(oidc.calls.jwks, 1)
})

t.test('the cache never outlives the token (Principal.expiresAt), even with TOKEN_CACHE_TTL=3600', async (t) => {
  const clock = { s: Date.now() / 1000 }
  const { app } = await build(t, config, { now: () => clock.s })
  const token = await oidc.issueToken({ format: 'opaque' }) // valid 3600 s
  oidc.resetCalls()
  t.equal((await app.inject({ url: URL_MINT, headers: bearer(token) })).statusCode, 200)
  clock.s += 3500
  t.equal((await app.inject({ url: URL_MINT, headers: bearer(token) })).statusCode, 200)
  t.equal(oidc.calls.introspection, 1, 'before expiry: served from the cache')
  clock.s += 200
  const late = await app.inject({ url: URL_MINT, headers: bearer(token) })
  t.equal(oidc.calls.introspection, 2, 'after expiry: asked again')
  t.equal(late.statusCode, 401)
  t.match(late.json(), { detail: 'token expired' })
})

t.test('a rejected token is remembered only briefly', async (t) => {
  const clock = { s: Date.now() / 1000 }
  const { app } = await build(t, config, { now: () => clock.s })
  oidc.resetCalls()
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: URL_MINT, headers: bearer('not-a-real-token') })).statusCode, 401)
  t.equal(oidc.calls.introspection, 1, 'repeats within seconds hit the negative cache')
  clock.s += 6
  await app.inject({ url: URL_MINT, headers: bearer('not-a-real-token') })
  t.equal(oidc.calls.introspection, 2, 'a few seconds later it is asked again')
})
