import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import t from 'tap'
import { startStrictMoto } from '../../dev/peers/moto.js'
import { testConfig } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'

const { tokeninfo, build, stsClient } = await withPeers(t, { roles: ['S3MintReadOnly', 'BillingReports'] })

const config = testConfig({ TOKENINFO_URL: tokeninfo.url })
tokeninfo.add('tok-mint', { uid: 'stups_mint-sync', scope: ['uid', 'ro2key'] })
tokeninfo.add('tok-team-claim', { uid: 'robot-y', team: 'billing' })
tokeninfo.add('tok-odd-uid', { uid: 'robot/with spaces', team: 'mint' })
tokeninfo.add('tok-noteam', { uid: 'lonely-robot' })

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

t.test('a member of an allowed team gets working credentials', async (t) => {
  const { app, logs } = await build(t, config)
  const res = await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer('tok-mint') })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['AccessKeyId', 'Expiration', 'SecretAccessKey', 'SessionToken', 'Token', 'Version'])
  t.equal(body.Version, 1)
  t.equal(body.Token, body.SessionToken)
  t.match(body.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
  const lifetime = Date.parse(body.Expiration) - Date.now()
  t.ok(lifetime > 3500_000 && lifetime <= 3600_000, `default duration is one hour (got ${lifetime} ms)`)

  // The credentials work: STS shows the assumed role and the robot's uid as session name.
  const sts = stsClient(t, {
    credentials: { accessKeyId: body.AccessKeyId, secretAccessKey: body.SecretAccessKey, sessionToken: body.SessionToken }
  })
  const who = await sts.send(new GetCallerIdentityCommand({}))
  t.match(who.Arn, /:assumed-role\/S3MintReadOnly\/stups_mint-sync$/)

  const [audit] = logs.audits()
  t.match(audit, { event: 'issued', uid: 'stups_mint-sync', teams: ['mint'], role: 'S3MintReadOnly', sessionName: 'stups_mint-sync', duration: 3600, expiration: body.Expiration })
  t.equal(audit?.reqId, res.headers['x-request-id'], 'audit line carries the request id')
  for (const secret of [body.SecretAccessKey, body.SessionToken, 'tok-mint']) {
    t.notOk(logs.text.includes(secret), 'no secret in the log')
  }
})

t.test('team from the token claim; duration honoured', async (t) => {
  const { app } = await build(t, config)
  const res = await app.inject({ url: '/get_key/BillingReports?duration=7200', headers: bearer('tok-team-claim') })
  t.equal(res.statusCode, 200)
  const lifetime = Date.parse(res.json().Expiration) - Date.now()
  t.ok(lifetime > 7100_000 && lifetime <= 7200_000, `asked for 2 h (got ${lifetime} ms)`)
})

t.test('a uid with characters STS refuses gets a stable, recognisable session name', async (t) => {
  const { app, logs } = await build(t, config)
  const first = await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer('tok-odd-uid') })
  const second = await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer('tok-odd-uid') })
  t.equal(first.statusCode, 200)
  t.equal(second.statusCode, 200)
  const [a, b] = logs.audits()
  t.equal(a?.sessionName, 'robot=2Fwith=20spaces', 'refused characters escaped (=HH), readable and injective')
  t.equal(a?.sessionName, b?.sessionName, 'same uid, same session name')
})

t.test('HEAD never mints credentials', async (t) => {
  const { app, logs } = await build(t, config)
  const res = await app.inject({ method: 'HEAD', url: '/get_key/S3MintReadOnly', headers: bearer('tok-mint') })
  t.equal(res.statusCode, 404)
  t.equal(logs.audits().length, 0, 'no credentials issued')
})

t.test('refusals', async (t) => {
  const { app } = await build(t, config)
  const cases = [
    { name: 'role no team of the caller grants', url: '/get_key/BillingReports', token: 'tok-mint', status: 403, code: 'RO2KEY_ROLE_NOT_ALLOWED' },
    { name: 'caller without any team', url: '/get_key/S3MintReadOnly', token: 'tok-noteam', status: 403, code: 'RO2KEY_ROLE_NOT_ALLOWED' },
    { name: 'duration above the team cap', url: '/get_key/S3MintReadOnly?duration=7200', token: 'tok-mint', status: 400, code: 'RO2KEY_DURATION_ABOVE_CAP', detail: /3600/ },
    { name: 'duration below the STS minimum', url: '/get_key/S3MintReadOnly?duration=899', token: 'tok-mint', status: 400, code: 'RO2KEY_BAD_REQUEST', detail: /duration/ },
    { name: 'duration above the STS maximum', url: '/get_key/BillingReports?duration=43201', token: 'tok-team-claim', status: 400, code: 'RO2KEY_BAD_REQUEST' },
    { name: 'duration not an integer', url: '/get_key/S3MintReadOnly?duration=1h', token: 'tok-mint', status: 400, code: 'RO2KEY_BAD_REQUEST' },
    { name: 'role name with a slash', url: '/get_key/a%2Fb', token: 'tok-mint', status: 400, code: 'RO2KEY_BAD_REQUEST', detail: /role_name/ },
    { name: 'role name too long', url: '/get_key/' + 'a'.repeat(65), token: 'tok-mint', status: 400, code: 'RO2KEY_BAD_REQUEST' },
    { name: 'role name with unicode', url: '/get_key/S3M%C3%AFnt', token: 'tok-mint', status: 400, code: 'RO2KEY_BAD_REQUEST' },
    { name: 'unknown token', url: '/get_key/S3MintReadOnly', token: 'tok-unknown', status: 401, code: 'RO2KEY_TOKEN_INVALID' },
    { name: 'unknown route', url: '/get_keys/S3MintReadOnly', token: 'tok-mint', status: 404, code: 'RO2KEY_NOT_FOUND' }
  ]
  for (const c of cases) {
    const res = await app.inject({ url: c.url, headers: bearer(c.token) })
    t.equal(res.statusCode, c.status, c.name)
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${c.name}: problem+json`)
    t.match(res.json(), { status: c.status, code: c.code, ...(c.detail ? { detail: c.detail } : {}) }, c.name)
    t.notOk('AccessKeyId' in res.json(), `${c.name}: no credential`)
  }
})

t.test('with IAM enforcement on, AWS refusals and our own broken credentials', async (t) => {
  // moto checks SigV4, identity policies and trust policies after these setup calls.
  const { moto: strict, credentials, userArn } = await startStrictMoto(t, { user: 'ro2key-instance', policyName: 'assume', actions: 'sts:AssumeRole' })
  // The trust policy names someone else, so ro2key's identity may not assume it.
  await strict.createRole('S3MintUntrusting', 'arn:aws:iam::123456789012:user/someone-else')
  t.match(userArn, /:user\/ro2key-instance$/)

  await t.test('untrusting role -> 403 naming the trust policy', async (t) => {
    const { app, logs } = await build(t, config, { sts: stsClient(t, { endpoint: strict.url, credentials }) })
    const res = await app.inject({ url: '/get_key/S3MintUntrusting', headers: bearer('tok-mint') })
    t.equal(res.statusCode, 403)
    t.match(res.json(), { code: 'RO2KEY_AWS_ACCESS_DENIED', detail: /trust policy/ })
    t.notMatch(res.body, /arn:aws|123456789012/, 'no account data from AWS in the answer')
    t.match(logs.text, /STS AccessDenied/, 'the AWS error is in the log for the operator')
    t.notOk(logs.text.includes(credentials.secretAccessKey), 'instance secret not logged')
  })

  await t.test('ro2key\'s own key unknown to AWS -> 502 with Retry-After, never 401/403', async (t) => {
    const unknown = { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'not-a-real-secret' }
    const { app } = await build(t, config, { sts: stsClient(t, { endpoint: strict.url, credentials: unknown }) })
    const res = await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer('tok-mint') })
    t.equal(res.statusCode, 502)
    t.equal(res.headers['retry-after'], '5')
    t.match(res.json(), { code: 'RO2KEY_UPSTREAM_BAD_RESPONSE' })
  })
})

t.test('STS unreachable -> 503 with Retry-After', async (t) => {
  const { app } = await build(t, config, { sts: stsClient(t, { endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }) })
  const res = await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer('tok-mint') })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '5')
  t.match(res.json(), { code: 'RO2KEY_UPSTREAM_UNAVAILABLE' })
  t.notOk('AccessKeyId' in res.json())
})
