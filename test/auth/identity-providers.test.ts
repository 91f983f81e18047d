import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/index.js'
import { testConfig } from '../helpers/build.js'
import { claims, craft, eddsa, es256, hs256, rogueKey, rs256, unsigned } from '../helpers/jwt.js'
import { withPeers } from '../helpers/peers.js'

const { oidc, tokeninfo, build, stsClient } = await withPeers(t, {
  roles: ['S3MintReadOnly', 'BillingReports'],
  tokens: { 'zalando-style-token': { uid: 'robot-x' } },
  oidc: true
})

const SECRET = oidc.introspector.clientSecret
const JWT_ENV = { JWT_ISSUER: oidc.issuer, JWT_AUDIENCE: oidc.audience, JWKS_URL: oidc.jwksUrl }
const INTROSPECTION_ENV = { INTROSPECTION_URL: oidc.introspectionUrl, INTROSPECTION_CLIENT_ID: oidc.introspector.clientId, INTROSPECTION_CLIENT_SECRET: SECRET }
/** Only the named verifiers: the test helper's default TOKENINFO_URL is switched off. */
const only = (env: Record<string, string>) => testConfig({ TOKENINFO_URL: '', LOG_LEVEL: 'debug', ...env })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const URL_MINT = '/get_key/S3MintReadOnly'

t.test('JWT mode: an oidc-provider access token gets working credentials', async (t) => {
  oidc.resetCalls()
  const { app, logs } = await build(t, only(JWT_ENV))
  const token = await oidc.issueToken({ clientId: 'robot-mint' })
  const res = await app.inject({ url: URL_MINT, headers: bearer(token) })
  t.equal(res.statusCode, 200)
  const body = res.json()
  const sts = stsClient(t, { credentials: { accessKeyId: body.AccessKeyId, secretAccessKey: body.SecretAccessKey, sessionToken: body.SessionToken } })
  t.match((await sts.send(new GetCallerIdentityCommand({}))).Arn, /:assumed-role\/S3MintReadOnly\/robot-mint$/)
  t.match(logs.audits(), [{ uid: 'robot-mint', teams: ['mint'], role: 'S3MintReadOnly' }])
  t.notOk(logs.text.includes(token), 'token not logged')
  t.equal(oidc.calls.introspection, 0, 'a JWT needs no introspection')

  const billing = await app.inject({ url: '/get_key/BillingReports', headers: bearer(await oidc.issueToken({ clientId: 'robot-billing' })) })
  t.equal(billing.statusCode, 200, 'team claim from the token')
  const opaque = await app.inject({ url: URL_MINT, headers: bearer(await oidc.issueToken({ format: 'opaque' })) })
  t.equal(opaque.statusCode, 401, 'JWT-only: an opaque token is refused')
  t.match(opaque.json(), { code: 'RO2KEY_TOKEN_INVALID', detail: 'malformed token' })
  t.equal(oidc.calls.jwks, 1, 'one JWKS fetch for the whole test')
})

t.test('JWT mode with OIDC discovery (no JWKS_URL)', async (t) => {
  oidc.resetCalls()
  const { app } = await build(t, only({ JWT_ISSUER: oidc.issuer, JWT_AUDIENCE: oidc.audience }))
  const res = await app.inject({ url: URL_MINT, headers: bearer(await oidc.issueToken()) })
  t.equal(res.statusCode, 200)
  t.same({ discovery: oidc.calls.discovery, jwks: oidc.calls.jwks }, { discovery: 1, jwks: 1 })
})

t.test('ES256 and EdDSA keys in the JWKS verify too', async (t) => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const ed = generateKeyPairSync('ed25519')
  oidc.extraJwks = [
    { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', use: 'sig' },
    { ...ed.publicKey.export({ format: 'jwk' }), kid: 'ed-1', alg: 'EdDSA' }
  ]
  t.teardown(() => { oidc.extraJwks = [] })
  const { app } = await build(t, only(JWT_ENV))
  const base = claims(oidc.issuer, oidc.audience)
  const rows = [
    { desc: 'ES256', token: craft({ alg: 'ES256', kid: 'ec-1' }, base, es256(ec.privateKey)), status: 200 },
    { desc: 'EdDSA', token: craft({ alg: 'EdDSA', kid: 'ed-1' }, base, eddsa(ed.privateKey)), status: 200 },
    { desc: 'ES256 signed by another EC key', token: craft({ alg: 'ES256', kid: 'ec-1' }, base, es256(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)), status: 401 },
    { desc: 'EdDSA header on the EC kid', token: craft({ alg: 'EdDSA', kid: 'ec-1' }, base, eddsa(ed.privateKey)), status: 401 }
  ]
  for (const row of rows) t.equal((await app.inject({ url: URL_MINT, headers: bearer(row.token) })).statusCode, row.status, row.desc)
})

t.test('crafted bad JWTs: each a 401 with a fixed reason and no credential', async (t) => {
  const { app, logs } = await build(t, only(JWT_ENV))
  const { kid, privateKey } = oidc.signingKey
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string
  const base = claims(oidc.issuer, oidc.audience)
  const now = Math.floor(Date.now() / 1000)
  const header = { alg: 'RS256', typ: 'at+jwt', kid }
  const control = craft(header, base, rs256(privateKey))
  const ok = await app.inject({ url: URL_MINT, headers: bearer(control) })
  t.equal(ok.statusCode, 200, 'control: a well-crafted token with the real key is accepted')

  const cases = [
    { desc: 'expired', token: craft(header, { ...base, exp: now - 120 }, rs256(privateKey)), reason: 'token expired' },
    { desc: 'not yet valid', token: craft(header, { ...base, nbf: now + 600 }, rs256(privateKey)), reason: 'token not yet valid' },
    { desc: 'no exp', token: craft(header, { ...base, exp: undefined }, rs256(privateKey)), reason: 'malformed token' },
    { desc: 'wrong aud', token: craft(header, { ...base, aud: 'https://other.example.org' }, rs256(privateKey)), reason: 'wrong audience' },
    { desc: 'wrong iss', token: craft(header, { ...base, iss: 'https://evil.example.org' }, rs256(privateKey)), reason: 'wrong issuer' },
    { desc: 'other key, same kid', token: craft(header, base, rs256(rogueKey())), reason: 'bad signature' },
    { desc: 'payload altered after signing', token: control.replace(/\.[^.]+\./, '.' + Buffer.from(JSON.stringify({ ...base, team: 'billing' })).toString('base64url') + '.'), reason: 'bad signature' },
    { desc: 'alg none', token: craft({ alg: 'none', kid }, base, unsigned()), reason: 'algorithm not allowed' },
    { desc: 'alg none, typ JWT, no kid', token: craft({ alg: 'none', typ: 'JWT' }, base, unsigned()), reason: 'algorithm not allowed' },
    { desc: 'HS256 with the public key as secret', token: craft({ ...header, alg: 'HS256' }, base, hs256(publicPem)), reason: 'algorithm not allowed' },
    { desc: 'RS256 header, HMAC signature', token: craft(header, base, hs256(publicPem)), reason: 'bad signature' },
    { desc: 'ES256 claimed for an RSA kid', token: craft({ ...header, alg: 'ES256' }, base, rs256(privateKey)), reason: 'unknown signing key' },
    { desc: 'unknown kid', token: craft({ ...header, kid: 'nobody' }, base, rs256(privateKey)), reason: 'unknown signing key' },
    { desc: 'kid not a string', token: craft({ ...header, kid: 7 }, base, rs256(privateKey)), reason: 'malformed token' },
    { desc: 'payload not JSON', token: `${control.split('.')[0]}.bm90LWpzb24.${control.split('.')[2]}`, reason: 'malformed token' }
  ]
  for (const c of cases) {
    const res = await app.inject({ url: URL_MINT, headers: bearer(c.token) })
    t.equal(res.statusCode, 401, c.desc)
    t.match(res.json(), { code: 'RO2KEY_TOKEN_INVALID', detail: c.reason }, c.desc)
    t.equal(res.headers['www-authenticate'], `Bearer realm="ro2key", error="invalid_token", error_description="${c.reason}"`, `${c.desc}: challenge`)
    t.notOk('AccessKeyId' in res.json(), `${c.desc}: no credential`)
    t.notMatch(res.body, /FAST_JWT|fast-jwt|TokenError/i, `${c.desc}: no library message`)
  }
  t.equal(logs.audits().length, 1, 'only the control token was issued credentials')
})

t.test('INTROSPECTION_AUDIENCE: an active token meant for another resource is refused', async (t) => {
  const token = await oidc.issueToken({ clientId: 'stups_mint-sync', format: 'opaque' })
  const ours = await build(t, only({ ...INTROSPECTION_ENV, INTROSPECTION_AUDIENCE: oidc.audience }))
  t.equal((await ours.app.inject({ url: URL_MINT, headers: bearer(token) })).statusCode, 200, 'aud names ro2key: accepted')
  const other = await build(t, only({ ...INTROSPECTION_ENV, INTROSPECTION_AUDIENCE: 'https://billing.example.org' }))
  const res = await other.app.inject({ url: URL_MINT, headers: bearer(token) })
  t.equal(res.statusCode, 401)
  t.match(res.json(), { code: 'RO2KEY_TOKEN_INVALID', detail: 'wrong audience' })
  t.notMatch(res.body, /AccessKeyId/)
})

t.test('introspection mode: opaque tokens; the client secret never shows', async (t) => {
  oidc.resetCalls()
  const { app, logs } = await build(t, only(INTROSPECTION_ENV))
  const token = await oidc.issueToken({ clientId: 'stups_mint-sync', format: 'opaque' })
  const res = await app.inject({ url: URL_MINT, headers: bearer(token) })
  t.equal(res.statusCode, 200, 'uid from client_id; team from the policy members list')
  t.match(logs.audits(), [{ uid: 'stups_mint-sync', teams: ['mint'] }])
  const inactive = await app.inject({ url: URL_MINT, headers: bearer('never-issued-token') })
  t.equal(inactive.statusCode, 401)
  t.match(inactive.json(), { detail: 'token inactive' })
  t.equal(oidc.calls.introspection, 2)
  const jwt = await app.inject({ url: URL_MINT, headers: bearer(await oidc.issueToken()) })
  t.equal(jwt.statusCode, 401, 'a JWT sent to introspection: oidc-provider answers unsupported_token_type, so not active')
  t.match(jwt.json(), { detail: 'token inactive' })

  const basic = Buffer.from(`${oidc.introspector.clientId}:${SECRET}`).toString('base64')
  for (const leak of [SECRET, basic, token]) {
    t.notOk(logs.text.includes(leak), 'no secret, Basic credential or token in the debug log')
    t.notOk([res.body, inactive.body, jwt.body].some((b) => b.includes(leak)), 'nor in a response')
  }
})

t.test('introspection with a wrong client secret: 502, and neither secret shows', async (t) => {
  const wrong = 'wrong-secret-that-must-not-leak'
  const { app, logs } = await build(t, only({ ...INTROSPECTION_ENV, INTROSPECTION_CLIENT_SECRET: wrong }))
  const res = await app.inject({ url: URL_MINT, headers: bearer(await oidc.issueToken({ format: 'opaque' })) })
  t.equal(res.statusCode, 502)
  t.equal(res.headers['retry-after'], '5')
  t.match(res.json(), { code: 'RO2KEY_UPSTREAM_BAD_RESPONSE', detail: /refused ro2key's client credentials/ })
  t.match(logs.text, /introspection answered 401: check INTROSPECTION_CLIENT_ID\/SECRET/)
  t.notOk(logs.text.includes(wrong) || res.body.includes(wrong))
  const err = t.throws(() => loadConfig({ INTROSPECTION_URL: 'nope', INTROSPECTION_CLIENT_SECRET: wrong })) as ConfigError
  t.notOk(err.message.includes(wrong), 'a config error never echoes the secret')
})

t.test('all three together: each token goes to its verifier', async (t) => {
  oidc.resetCalls()
  tokeninfo.calls = 0
  const { app, logs } = await build(t, only({ ...JWT_ENV, ...INTROSPECTION_ENV, TOKENINFO_URL: tokeninfo.url }))
  const jwt = await app.inject({ url: URL_MINT, headers: bearer(await oidc.issueToken({ clientId: 'robot-mint' })) })
  t.equal(jwt.statusCode, 200)
  t.same([oidc.calls.jwks, oidc.calls.introspection, tokeninfo.calls], [1, 0, 0], 'JWT: JWKS only')
  const opaque = await app.inject({ url: URL_MINT, headers: bearer(await oidc.issueToken({ clientId: 'robot-mint', format: 'opaque' })) })
  t.equal(opaque.statusCode, 200)
  t.same([oidc.calls.introspection, tokeninfo.calls], [1, 0], 'opaque: introspection, active, so tokeninfo not asked')
  const legacy = await app.inject({ url: '/get_key/BillingReports', headers: bearer('zalando-style-token') })
  t.equal(legacy.statusCode, 200, 'inactive at introspection, valid at tokeninfo')
  t.same([oidc.calls.introspection, tokeninfo.calls], [2, 1])
  const bad = await app.inject({ url: URL_MINT, headers: bearer('nobody-knows-me') })
  t.equal(bad.statusCode, 401)
  t.same(logs.audits().map((a) => a.uid), ['robot-mint', 'robot-mint', 'robot-x'])
})

t.test('introspection + tokeninfo: a JWT that only tokeninfo knows falls through', async (t) => {
  const zalandoJwt = await oidc.issueToken({ clientId: 'robot-billing' })
  tokeninfo.add(zalandoJwt, { uid: 'robot-x' })
  const { app, logs } = await build(t, only({ ...INTROSPECTION_ENV, TOKENINFO_URL: tokeninfo.url }))
  const res = await app.inject({ url: '/get_key/BillingReports', headers: bearer(zalandoJwt) })
  t.equal(res.statusCode, 200, 'no JWT verifier: the JWT went to introspection (unsupported), then tokeninfo')
  t.match(logs.audits(), [{ uid: 'robot-x' }])
})

t.test('JWKS and introspection trouble: 502/503 with Retry-After, never 401', async (t) => {
  t.teardown(() => { oidc.faults.jwks = 'ok'; oidc.faults.introspection = 'ok'; oidc.faults.discovery = 'ok' })
  const token = await oidc.issueToken()
  const opaque = await oidc.issueToken({ format: 'opaque' })
  const cases = [
    { desc: 'JWKS 500', env: JWT_ENV, fault: { jwks: 'error500' }, token, status: 502 },
    { desc: 'JWKS not JSON', env: JWT_ENV, fault: { jwks: 'garbage' }, token, status: 502 },
    { desc: 'JWKS hangs', env: JWT_ENV, fault: { jwks: 'hang' }, token, status: 503 },
    { desc: 'discovery 500', env: { JWT_ISSUER: oidc.issuer, JWT_AUDIENCE: oidc.audience }, fault: { discovery: 'error500' }, token, status: 502 },
    { desc: 'introspection 500', env: INTROSPECTION_ENV, fault: { introspection: 'error500' }, token: opaque, status: 502 },
    { desc: 'introspection hangs', env: INTROSPECTION_ENV, fault: { introspection: 'hang' }, token: opaque, status: 503 }
  ] as const
  for (const c of cases) {
    Object.assign(oidc.faults, { jwks: 'ok', introspection: 'ok', discovery: 'ok' }, c.fault)
    const { app, logs } = await build(t, only({ ...c.env, TOKENINFO_TIMEOUT_MS: '1000' }))
    const started = Date.now()
    const res = await app.inject({ url: URL_MINT, headers: bearer(c.token) })
    t.equal(res.statusCode, c.status, c.desc)
    t.equal(res.headers['retry-after'], '5', `${c.desc}: Retry-After`)
    t.notOk('AccessKeyId' in res.json(), `${c.desc}: no credential`)
    t.ok(Date.now() - started < 5000, `${c.desc}: answered within the timeout (generous bound)`)
    t.notOk(logs.text.includes(c.token) || logs.text.includes(SECRET), `${c.desc}: no token or secret logged`)
  }
})

t.test('boot fails naming the variables when no verifier or half a set is configured', async (t) => {
  const base = { ARN_PREFIX: 'arn:aws:iam::123456789012:role', POLICY: 'teams: {}' }
  const rows = [
    { desc: 'none', env: {}, problem: /TOKENINFO_URL is not set, nor INTROSPECTION_URL or JWT_ISSUER/ },
    { desc: 'introspection without secret', env: { INTROSPECTION_URL: 'https://idp/introspect', INTROSPECTION_CLIENT_ID: 'ro2key' }, problem: /INTROSPECTION_URL, INTROSPECTION_CLIENT_ID are set but INTROSPECTION_CLIENT_SECRET is not/ },
    { desc: 'only a client id', env: { INTROSPECTION_CLIENT_ID: 'ro2key' }, problem: /INTROSPECTION_CLIENT_ID is set but INTROSPECTION_URL, INTROSPECTION_CLIENT_SECRET are not/ },
    { desc: 'issuer without audience', env: { JWT_ISSUER: 'https://idp' }, problem: /JWT_ISSUER is set but JWT_AUDIENCE is not/ },
    { desc: 'JWKS_URL alone', env: { JWKS_URL: 'https://idp/jwks' }, problem: /JWKS_URL is set but JWT_ISSUER, JWT_AUDIENCE are not/ },
    { desc: 'issuer not a URL', env: { JWT_ISSUER: 'idp', JWT_AUDIENCE: 'ro2key' }, problem: /JWT_ISSUER must be an http\(s\) URL/ }
  ]
  for (const row of rows) {
    const err = t.throws(() => loadConfig({ ...base, ...row.env }), row.desc) as ConfigError
    t.type(err, ConfigError)
    t.match(err.problems, [row.problem], row.desc)
  }
  t.match(loadConfig({ ...base, ...JWT_ENV }), { tokeninfoUrl: undefined, jwt: { issuer: oidc.issuer, audience: oidc.audience, jwksUrl: oidc.jwksUrl } }, 'JWT alone suffices')
  t.match(loadConfig({ ...base, ...INTROSPECTION_ENV }), { introspection: { url: oidc.introspectionUrl } }, 'introspection alone suffices')
})
