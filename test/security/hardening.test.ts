import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { ConfigError } from '../../src/config/index.js'
import { principalOfIntrospection } from '../../src/auth/introspection.js'
import { redactUrl } from '../../src/log.js'
import { testConfig } from '../helpers/build.js'
import { claims, craft, rs256 } from '../helpers/jwt.js'
import { withPeers } from '../helpers/peers.js'

// Issue 20, item 5: the smaller findings, each against the real verifier or loadConfig.
const { oidc, build } = await withPeers(t, { roles: ['S3MintReadOnly'], oidc: true })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const URL_MINT = '/get_key/S3MintReadOnly'

t.test('OAUTH2_SCOPE naming no scope is a boot error; unset or empty means no check', async (t) => {
  for (const value of [' , ', ' ', ',']) {
    t.throws(() => testConfig({ OAUTH2_SCOPE: value }), /OAUTH2_SCOPE ".*" names no scope/, JSON.stringify(value))
  }
  t.same(testConfig({ OAUTH2_SCOPE: '' }).requiredScopes, [])
  t.same(testConfig({}).requiredScopes, [])
  t.same(testConfig({ OAUTH2_SCOPE: 'uid, ro2key' }).requiredScopes, ['uid', 'ro2key'])
})

t.test('TRUST_PROXY with a bad value is a ConfigError (exit 2), not a stack trace at listen', async (t) => {
  for (const value of ['yes', '10.0.0.0/33', 'lb.example.org', '10.0.0.1, nope', '1.2.3.4/8/9']) {
    t.throws(() => testConfig({ TRUST_PROXY: value }), ConfigError, value)
  }
  for (const value of ['true', 'false', '10.0.0.0/8', '127.0.0.1, ::1/128', 'loopback,uniquelocal', '10.0.0.0/255.0.0.0']) {
    t.doesNotThrow(() => testConfig({ TRUST_PROXY: value }), value)
  }
})

t.test('tokeninfo expires_in as a string (Google): parsed; an expired token is refused, a valid one served', async (t) => {
  const answers: Record<string, unknown> = {
    expired: { uid: 'robot-x', team: 'mint', expires_in: '-5' },
    fresh: { uid: 'robot-x', team: 'mint', expires_in: '3599' },
    garbage: { uid: 'robot-x', team: 'mint', expires_in: 'soon' }
  }
  const server = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('access_token') ?? ''
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answers[token] ?? {}))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tokeninfo`
  const { app } = await build(t, testConfig({ TOKENINFO_URL: url }))
  const expired = await app.inject({ url: URL_MINT, headers: bearer('expired') })
  t.equal(expired.statusCode, 401)
  t.match(expired.json(), { detail: 'token expired' })
  t.equal((await app.inject({ url: URL_MINT, headers: bearer('expired') })).statusCode, 401, 'and not cached')
  t.equal((await app.inject({ url: URL_MINT, headers: bearer('garbage') })).statusCode, 401)
  t.equal((await app.inject({ url: URL_MINT, headers: bearer('fresh') })).statusCode, 200)
})

t.test('JWT: iat in the future beyond the leeway and a typ other than at+jwt/JWT are refused', async (t) => {
  const { app } = await build(t, testConfig({ TOKENINFO_URL: '', JWT_ISSUER: oidc.issuer, JWT_AUDIENCE: oidc.audience, JWKS_URL: oidc.jwksUrl }))
  const { kid, privateKey } = oidc.signingKey
  const now = Math.floor(Date.now() / 1000)
  const token = (header: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
    craft({ alg: 'RS256', kid, ...header }, claims(oidc.issuer, oidc.audience, extra), rs256(privateKey))
  const rows = [
    { desc: 'typ at+jwt', token: token({ typ: 'at+jwt' }), status: 200 },
    { desc: 'typ JWT', token: token({ typ: 'JWT' }), status: 200 },
    { desc: 'no typ (issuers before RFC 9068)', token: token({}), status: 200 },
    { desc: 'typ logout+jwt', token: token({ typ: 'logout+jwt' }), status: 401, detail: 'not an access token' },
    { desc: 'typ dpop+jwt', token: token({ typ: 'dpop+jwt' }), status: 401, detail: 'not an access token' },
    { desc: 'iat 10 s ahead (within leeway)', token: token({ typ: 'at+jwt' }, { iat: now + 10 }), status: 200 },
    { desc: 'iat an hour ahead', token: token({ typ: 'at+jwt' }, { iat: now + 3600, exp: now + 7200 }), status: 401, detail: 'token issued in the future' },
    { desc: 'iat not a number', token: token({ typ: 'at+jwt' }, { iat: 'now' }), status: 401 }
  ]
  for (const row of rows) {
    const res = await app.inject({ url: URL_MINT, headers: bearer(row.token) })
    t.equal(res.statusCode, row.status, row.desc)
    if (row.detail) t.match(res.json(), { detail: row.detail }, row.desc)
  }
})

t.test('introspection aud: a JSON string or array, never split on spaces', async (t) => {
  const opts = { uidClaim: undefined, teamClaim: 'team', audience: 'ro2key' }
  const doc = (aud: unknown) => ({ active: true, sub: 's', aud })
  t.throws(() => principalOfIntrospection(doc('ro2key other'), opts, 0), { code: 'RO2KEY_TOKEN_INVALID', detail: 'wrong audience' })
  t.throws(() => principalOfIntrospection(doc('other,ro2key'), opts, 0), { code: 'RO2KEY_TOKEN_INVALID', detail: 'wrong audience' })
  t.equal(principalOfIntrospection(doc('ro2key'), opts, 0).uid, 's')
  t.equal(principalOfIntrospection(doc(['other', 'ro2key']), opts, 0).uid, 's')
  t.throws(() => principalOfIntrospection(doc(['other ro2key']), opts, 0), { code: 'RO2KEY_TOKEN_INVALID', detail: 'wrong audience' })
})

t.test('log redaction: id_token, refresh_token, and percent-encoded names in URLs', async (t) => {
  t.equal(redactUrl('/x?id_token=A&refresh_token=B&ok=1'), '/x?id_token=[REDACTED]&refresh_token=[REDACTED]&ok=1')
  t.equal(redactUrl('/x?access%5Ftoken=A&%61ccess_token=B&TOKEN=C'), '/x?access%5Ftoken=[REDACTED]&%61ccess_token=[REDACTED]&TOKEN=[REDACTED]')
  t.equal(redactUrl('/x?tokenish=1&mytoken=2&bad%zz=3'), '/x?tokenish=1&mytoken=2&bad%zz=3')
  const { app, logs } = await build(t, testConfig())
  app.log.info({ id_token: 'idtok-secret', nested: { refresh_token: 'rt-secret' } }, 'x')
  await app.inject({ url: '/get_key/S3MintReadOnly?access%5Ftoken=urltok-secret' })
  for (const secret of ['idtok-secret', 'rt-secret', 'urltok-secret']) t.notOk(logs.text.includes(secret), secret)
})
