import t from 'tap'
import type { StsLike } from '../../src/aws/assume-role.js'
import { startTokeninfo } from '../../dev/peers/tokeninfo.js'
import { build, testConfig } from '../helpers/build.js'

const tokeninfo = await startTokeninfo()
t.teardown(() => tokeninfo.stop())
tokeninfo.add('tok-mint', { uid: 'stups_mint-sync', scope: ['uid'] })
tokeninfo.add('tok-scoped', { uid: 'stups_mint-sync', scope: 'uid ro2key' })
tokeninfo.add('tok-expired', { uid: 'stups_mint-sync', expiresIn: -10 })
tokeninfo.add('tok-no-uid', { uid: '' })

/** STS that must never be reached in these tests: every case here is refused before it. */
let stsCalls = 0
const sts: StsLike = { send: async () => { stsCalls++; throw new Error('STS must not be called') } }
const config = testConfig({ TOKENINFO_URL: tokeninfo.url, TOKENINFO_TIMEOUT_MS: '300' })
const url = '/get_key/S3MintReadOnly'

t.test('Authorization header forms', async (t) => {
  const { app } = await build(t, config, { sts })
  const cases = [
    { desc: 'no header', headers: {}, status: 401, code: 'RO2KEY_TOKEN_MISSING', challenge: /^Bearer realm="ro2key"$/ },
    { desc: 'empty header', headers: { authorization: '' }, status: 401, code: 'RO2KEY_TOKEN_MISSING', challenge: /^Bearer realm="ro2key"$/ },
    { desc: 'Basic scheme', headers: { authorization: 'Basic dXNlcjpwYXNz' }, status: 401, code: 'RO2KEY_TOKEN_MISSING', challenge: /error="invalid_request"/ },
    { desc: 'Bearer without token', headers: { authorization: 'Bearer' }, status: 401, code: 'RO2KEY_TOKEN_MISSING', challenge: /error="invalid_request"/ },
    { desc: 'token with characters outside RFC 6750', headers: { authorization: 'Bearer a"b' }, status: 401, code: 'RO2KEY_TOKEN_INVALID', challenge: /error="invalid_token", error_description="malformed token"/ },
    { desc: 'two tokens', headers: { authorization: 'Bearer a b' }, status: 401, code: 'RO2KEY_TOKEN_MISSING' },
    { desc: 'over-long token', headers: { authorization: 'Bearer ' + 'a'.repeat(16385) }, status: 401, code: 'RO2KEY_TOKEN_INVALID' },
    { desc: 'unknown token', headers: { authorization: 'Bearer tok-unknown' }, status: 401, code: 'RO2KEY_TOKEN_INVALID', challenge: /error="invalid_token"/ },
    { desc: 'expired token', headers: { authorization: 'Bearer tok-expired' }, status: 401, code: 'RO2KEY_TOKEN_INVALID' },
    { desc: 'tokeninfo without uid', headers: { authorization: 'Bearer tok-no-uid' }, status: 401, code: 'RO2KEY_TOKEN_INVALID', detail: 'token has no uid' }
  ]
  for (const c of cases) {
    const res = await app.inject({ url, headers: c.headers })
    t.equal(res.statusCode, c.status, c.desc)
    t.match(res.json(), { code: c.code, ...(c.detail ? { detail: c.detail } : {}) }, c.desc)
    t.match(res.headers['www-authenticate'], c.challenge ?? /^Bearer /, `${c.desc}: RFC 6750 challenge`)
  }
  t.equal(stsCalls, 0, 'no refused request reached STS')
})

t.test('the scheme name is case-insensitive', async (t) => {
  const { app } = await build(t, config, { sts })
  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
    const before = stsCalls
    const res = await app.inject({ url, headers: { authorization: `${scheme} tok-mint` } })
    t.not(res.statusCode, 401, scheme)
    t.equal(stsCalls, before + 1, `${scheme}: authenticated, so it reached STS`)
  }
})

t.test('OAUTH2_SCOPE: one of the scopes suffices, none -> 403 insufficient_scope', async (t) => {
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, OAUTH2_SCOPE: 'ro2key,cloud' }), { sts })
  const refused = await app.inject({ url, headers: { authorization: 'Bearer tok-mint' } })
  t.equal(refused.statusCode, 403)
  t.match(refused.json(), { code: 'RO2KEY_INSUFFICIENT_SCOPE', detail: /ro2key cloud/ })
  t.match(refused.headers['www-authenticate'], /error="insufficient_scope".*scope="ro2key cloud"/)
  const before = stsCalls
  const allowed = await app.inject({ url, headers: { authorization: 'Bearer tok-scoped' } })
  t.not(allowed.statusCode, 403, 'space-separated scope string accepted')
  t.equal(stsCalls, before + 1, 'scoped token reached STS')
})

t.test('token service trouble is 502/503 with Retry-After, never 401 or 500', async (t) => {
  const { app } = await build(t, config, { sts })
  t.teardown(() => { tokeninfo.mode = 'ok' })
  const cases = [
    { mode: 'error500', status: 502 },
    { mode: 'notfound', status: 502 },
    { mode: 'garbage', status: 502 },
    { mode: 'array', status: 502 },
    { mode: 'throttle', status: 503 },
    { mode: 'hang', status: 503, detail: /timed out/ }
  ] as const
  for (const c of cases) {
    tokeninfo.mode = c.mode
    const started = Date.now()
    const res = await app.inject({ url, headers: { authorization: 'Bearer tok-mint' } })
    t.equal(res.statusCode, c.status, c.mode)
    t.equal(res.headers['retry-after'], '5', `${c.mode}: Retry-After`)
    t.match(res.json(), { status: c.status, ...('detail' in c ? { detail: c.detail } : {}) }, c.mode)
    t.ok(Date.now() - started < 2000, `${c.mode}: answered within the timeout`)
  }
  tokeninfo.mode = 'ok'
  const recovered = await app.inject({ url, headers: { authorization: 'Bearer tok-unknown' } })
  t.equal(recovered.statusCode, 401, 'back to normal once the token service is')
})

t.test('token service unreachable -> 503', async (t) => {
  const { app, logs } = await build(t, testConfig({ TOKENINFO_URL: 'http://127.0.0.1:9/oauth2/tokeninfo' }), { sts })
  const res = await app.inject({ url, headers: { authorization: 'Bearer tok-secret-123' } })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { code: 'RO2KEY_UPSTREAM_UNAVAILABLE', detail: /could not be reached/ })
  t.match(logs.text, /token service could not be reached: ECONNREFUSED/)
  t.notOk(logs.text.includes('tok-secret-123'), 'token not in the log')
})
