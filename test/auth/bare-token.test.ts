import type { FastifyRequest } from 'fastify'
import t from 'tap'
import { loadSpec } from '../../src/api/spec.js'
import { createAuthenticate } from '../../src/auth/authenticate.js'
import { bearerToken, isBareToken } from '../../src/auth/bearer.js'
import type { TokenVerifier } from '../../src/auth/token-verifier.js'
import type { StsLike } from '../../src/aws/assume-role.js'
import { build, testConfig } from '../helpers/build.js'
import { startTokeninfo } from '../../dev/peers/tokeninfo.js'

// AWS SDKs copy AWS_CONTAINER_AUTHORIZATION_TOKEN (or the token file's content) verbatim into
// the Authorization header, so a user who stores the raw token sends `Authorization: <token>`.

t.test('isBareToken: one RFC 6750 b64token and nothing else', async (t) => {
  const rows = [
    { desc: 'opaque token', header: 'tok-mint', bare: true },
    { desc: 'JWT', header: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', bare: true },
    { desc: 'base64 padding', header: 'YWJj+/d==', bare: true },
    { desc: 'with Bearer prefix', header: 'Bearer tok-mint', bare: false },
    { desc: 'Basic credentials', header: 'Basic dXNlcjpwYXNz', bare: false },
    { desc: 'the word Bearer alone', header: 'Bearer', bare: false },
    { desc: 'the word bearer in lower case', header: 'bearer', bare: false },
    { desc: 'quote', header: 'a"b', bare: false },
    { desc: 'empty', header: '', bare: false },
    { desc: 'over-long', header: 'a'.repeat(16385), bare: false }
  ]
  for (const row of rows) t.equal(isBareToken(row.header), row.bare, row.desc)
})

t.test('bearerToken: the bare form only when the route accepts it', async (t) => {
  t.equal(bearerToken('tok-mint', true), 'tok-mint')
  t.equal(bearerToken('Bearer tok-mint', true), 'tok-mint', 'the Bearer form still works')
  t.throws(() => bearerToken('tok-mint'), { code: 'RO2KEY_TOKEN_MISSING' }, 'refused by default')
  t.throws(() => bearerToken('Basic dXNlcjpwYXNz', true), { code: 'RO2KEY_TOKEN_MISSING' })
  t.throws(() => bearerToken('Bearer', true), { code: 'RO2KEY_TOKEN_MISSING' })
})

t.test('the security handler reads the route\'s acceptBareToken config', async (t) => {
  const seen: string[] = []
  const verifier: TokenVerifier = { verify: async (token) => { seen.push(token); return { source: 'tokeninfo', uid: 'u', realm: undefined, scopes: [], teams: [], expiresAt: undefined } } }
  const authenticate = createAuthenticate(verifier, [])
  const request = (config: Record<string, unknown>) => ({ headers: { authorization: 'tok-mint' }, routeOptions: { config } }) as unknown as FastifyRequest
  await t.rejects(authenticate(request({})), { code: 'RO2KEY_TOKEN_MISSING' }, 'a route without it refuses the bare token')
  await authenticate(request({ acceptBareToken: true }))
  t.same(seen, ['tok-mint'])
})

t.test('in the spec only getKey and getKeyInAccount (container credentials) accept the bare token', async (t) => {
  const spec = loadSpec()
  const accepting: string[] = []
  for (const item of Object.values(spec.paths as Record<string, Record<string, any>>)) {
    for (const op of Object.values(item)) if (op?.['x-fastify-config']?.acceptBareToken === true) accepting.push(op.operationId)
  }
  t.same(accepting, ['getKey', 'getKeyInAccount'])
})

t.test('GET /get_key with Authorization: <token>', async (t) => {
  const tokeninfo = await startTokeninfo()
  t.teardown(() => tokeninfo.stop())
  tokeninfo.add('tok-mint', { uid: 'stups_mint-sync' })
  let stsCalls = 0
  const sts: StsLike = { send: async () => { stsCalls++; throw Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }) } }
  const { app, logs } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url }), { sts })
  const url = '/get_key/S3MintReadOnly'

  const ok = await app.inject({ url, headers: { authorization: 'tok-mint' } })
  t.equal(stsCalls, 1, 'a valid bare token is authenticated and reaches STS')
  t.equal(ok.json().code, 'RO2KEY_AWS_ACCESS_DENIED', 'STS seam answered')

  const cases = [
    { desc: 'unknown bare token', authorization: 'tok-unknown', code: 'RO2KEY_TOKEN_INVALID' },
    { desc: 'two words, not Bearer', authorization: 'Token tok-mint', code: 'RO2KEY_TOKEN_MISSING' },
    { desc: 'bare token with a quote', authorization: 'tok"mint', code: 'RO2KEY_TOKEN_MISSING' }
  ]
  for (const c of cases) {
    const res = await app.inject({ url, headers: { authorization: c.authorization } })
    t.equal(res.statusCode, 401, c.desc)
    t.equal(res.json().code, c.code, c.desc)
    t.match(res.headers['www-authenticate'], /^Bearer realm="ro2key"/, `${c.desc}: challenge`)
  }
  t.equal(stsCalls, 1, 'no refused request reached STS')
  t.notOk(logs.text.includes('tok-mint'), 'the bare token is not logged')
})
