import { CreateRoleCommand } from '@aws-sdk/client-iam'
import { AssumeRoleCommand } from '@aws-sdk/client-sts'
import t from 'tap'
import { testConfig, type LogCapture } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'
import { startFederation } from '../../dev/peers/federation.js'
import { MOTO_ACCOUNT } from '../../dev/peers/moto.js'

const { moto, tokeninfo, build, sts: ownSts, stsClient } = await withPeers(t, { roles: ['S3MintReadOnly', 'BillingReports'] })
// The peer checks every session's credentials with moto, as AWS checks them with STS.
const federation = await startFederation({ stsUrl: moto.url })
t.teardown(async () => { await federation.stop() })

const config = testConfig({ TOKENINFO_URL: tokeninfo.url, FEDERATION_URL: federation.url })
tokeninfo.add('tok-mint', { uid: 'stups_mint-sync', scope: ['uid'] })
tokeninfo.add('tok-billing', { uid: 'robot-y', team: 'billing' })
tokeninfo.add('tok-noteam', { uid: 'lonely-robot' })

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

function assertNoSecrets (t: { same (found: unknown, wanted: unknown, message: string): unknown }, logs: LogCapture, ...bodies: string[]): void {
  const leaked = federation.secrets.filter((s) => logs.text.includes(s) || bodies.some((b) => b.includes(s)))
  t.same(leaked, [], 'no session key, session token or sign-in token in the log or the answers')
}

/** Opens the login URL at the federation peer: a sign-in that works answers 302 to the console. */
async function signIn (url: string): Promise<{ status: number, location: string | null }> {
  const res = await fetch(url, { redirect: 'manual' })
  return { status: res.status, location: res.headers.get('location') }
}

t.test('JSON mode: a sign-in URL for exactly the role, audited as console', async (t) => {
  const { app, logs } = await build(t, config)
  const res = await app.inject({ url: '/console/S3MintReadOnly', headers: bearer('tok-mint') })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['expiration', 'url'])
  const lifetime = Date.parse(body.expiration) - Date.now()
  t.ok(lifetime > 3500_000 && lifetime <= 3600_000, `default duration one hour (got ${lifetime} ms)`)

  const url = new URL(body.url)
  t.equal(url.origin + url.pathname, federation.url)
  t.match(Object.fromEntries(url.searchParams), {
    Action: 'login',
    Issuer: 'http://localhost:80',
    Destination: 'https://console.aws.amazon.com/',
    SigninToken: /^[\w-]{100,}$/
  }, 'issuer is the request\'s own base URL; destination the console home')

  t.same(await signIn(body.url), { status: 302, location: 'https://console.aws.amazon.com/' })
  t.match(federation.logins.at(-1), {
    arn: `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/S3MintReadOnly/stups_mint-sync`,
    sessionDuration: '3600'
  }, 'the session is the role with the robot\'s uid; SessionDuration sent (ro2key runs as an IAM user here)')

  const audits = logs.audits()
  t.equal(audits.length, 1)
  t.match(audits[0], {
    event: 'console',
    uid: 'stups_mint-sync',
    teams: ['mint'],
    role: 'S3MintReadOnly',
    sessionName: 'stups_mint-sync',
    duration: 3600,
    sessionDuration: 3600,
    destination: 'https://console.aws.amazon.com/',
    accessKeyId: federation.requests.at(-1)?.sessionId,
    expiration: body.expiration,
    reqId: res.headers['x-request-id']
  })
  t.notOk(logs.text.includes(url.searchParams.get('SigninToken') ?? '-'), 'sign-in token not logged')
  t.notOk(logs.text.includes('tok-mint'), 'bearer token not logged')
  assertNoSecrets(t, logs)
})

t.test('redirect mode: 302 to the login URL, with a chosen console page and issuer', async (t) => {
  const issued = testConfig({ TOKENINFO_URL: tokeninfo.url, FEDERATION_URL: federation.url, CONSOLE_ISSUER: 'https://ro2key.example.org/' })
  const { app, logs } = await build(t, issued)
  const destination = 'https://eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1#Instances:'
  const res = await app.inject({
    url: `/console/BillingReports?redirect=true&duration=7200&destination=${encodeURIComponent(destination)}`,
    headers: bearer('tok-billing')
  })
  t.equal(res.statusCode, 302)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.body, '')
  const location = res.headers.location as string
  const url = new URL(location)
  t.equal(url.searchParams.get('Issuer'), 'https://ro2key.example.org/')
  t.equal(url.searchParams.get('Destination'), destination)
  t.same(await signIn(location), { status: 302, location: destination })
  t.match(federation.logins.at(-1), { arn: /assumed-role\/BillingReports\/robot-y$/, sessionDuration: '7200' })
  t.match(logs.audits()[0], { event: 'console', role: 'BillingReports', duration: 7200, destination })
  assertNoSecrets(t, logs)
  t.equal(url.searchParams.get('SigninToken'), federation.secrets.at(-1), 'the sign-in token is only in Location')

  const json = await app.inject({ url: '/console/BillingReports?redirect=false', headers: bearer('tok-billing') })
  t.equal(json.statusCode, 200, 'redirect=false is JSON')
  t.ok(json.json().url)
})

t.test('destination allow-list: 400 before anything is minted', async (t) => {
  const { app, logs } = await build(t, config)
  const before = federation.calls
  const bad = [
    'http://evil.example.com/',
    '//evil.example.com/',
    'https://console.aws.amazon.com.evil.com/',
    'https://console.aws.amazon.com@evil.com/',
    'https://evil.com\\@console.aws.amazon.com/',
    'https://console.amazonaws.cn/',
    'https://console.amazonaws-us-gov.com/',
    'javascript:alert(document.cookie)'
  ]
  for (const destination of bad) {
    const res = await app.inject({ url: `/console/S3MintReadOnly?destination=${encodeURIComponent(destination)}`, headers: bearer('tok-mint') })
    t.equal(res.statusCode, 400, destination)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(res.json(), { code: 'RO2KEY_DESTINATION_NOT_ALLOWED', detail: /console\.aws\.amazon\.com/ }, destination)
    t.notOk(res.headers.location, 'no redirect')
  }
  const tooLong = await app.inject({ url: `/console/S3MintReadOnly?destination=https://console.aws.amazon.com/${'a'.repeat(2100)}`, headers: bearer('tok-mint') })
  t.equal(tooLong.statusCode, 400)
  t.equal(federation.calls, before, 'the federation endpoint was never called')
  t.equal(logs.audits().length, 0, 'nothing issued')
})

t.test('partition defaults: aws-cn and aws-us-gov consoles', async (t) => {
  for (const [partition, home] of [['aws-cn', 'https://console.amazonaws.cn/'], ['aws-us-gov', 'https://console.amazonaws-us-gov.com/']] as const) {
    const partitioned = testConfig({ TOKENINFO_URL: tokeninfo.url, FEDERATION_URL: federation.url, ARN_PREFIX: `arn:${partition}:iam::${MOTO_ACCOUNT}:role` })
    // moto keeps sessions per region; the partition's endpoint checks them in its default region
    federation.stsRegion = partitioned.awsRegion
    t.teardown(() => { federation.stsRegion = 'us-east-1' })
    const { app, logs } = await build(t, partitioned, { sts: stsClient(t, { region: partitioned.awsRegion }) })
    const res = await app.inject({ url: '/console/S3MintReadOnly', headers: bearer('tok-mint') })
    t.equal(res.statusCode, 200, partition)
    t.equal(new URL(res.json().url).searchParams.get('Destination'), home, `${partition}: its console home`)
    t.match(logs.audits()[0], { roleArn: `arn:${partition}:iam::${MOTO_ACCOUNT}:role/S3MintReadOnly` })
    const own = await app.inject({ url: `/console/S3MintReadOnly?destination=${encodeURIComponent(home + 's3/')}`, headers: bearer('tok-mint') })
    t.equal(own.statusCode, 200, `${partition}: its own console pages are allowed`)
    const foreign = await app.inject({ url: '/console/S3MintReadOnly?destination=https://console.aws.amazon.com/', headers: bearer('tok-mint') })
    t.equal(foreign.statusCode, 400, `${partition}: the aws console is another partition`)
  }
})

t.test('exactly the roles /get_key gives: same refusals, nothing minted', async (t) => {
  const { app, logs } = await build(t, config)
  const before = federation.calls
  const cases = [
    { name: 'role no team of the caller grants', path: 'BillingReports', token: 'tok-mint', status: 403, code: 'RO2KEY_ROLE_NOT_ALLOWED' },
    { name: 'other team', path: 'S3MintReadOnly', token: 'tok-billing', status: 403, code: 'RO2KEY_ROLE_NOT_ALLOWED' },
    { name: 'caller without any team', path: 'S3MintReadOnly', token: 'tok-noteam', status: 403, code: 'RO2KEY_ROLE_NOT_ALLOWED' },
    { name: 'duration above the team cap', path: 'S3MintReadOnly?duration=7200', token: 'tok-mint', status: 400, code: 'RO2KEY_DURATION_ABOVE_CAP' },
    { name: 'duration below the minimum', path: 'S3MintReadOnly?duration=899', token: 'tok-mint', status: 400, code: 'RO2KEY_BAD_REQUEST' },
    { name: 'bad role name', path: 'a%2Fb', token: 'tok-mint', status: 400, code: 'RO2KEY_BAD_REQUEST' },
    { name: 'redirect not a boolean', path: 'S3MintReadOnly?redirect=maybe', token: 'tok-mint', status: 400, code: 'RO2KEY_BAD_REQUEST' },
    { name: 'unknown token', path: 'S3MintReadOnly', token: 'tok-unknown', status: 401, code: 'RO2KEY_TOKEN_INVALID' },
    { name: 'allowed', path: 'S3MintReadOnly', token: 'tok-mint', status: 200 },
    { name: 'allowed by token claim', path: 'BillingReports', token: 'tok-billing', status: 200 }
  ]
  for (const c of cases) {
    const res = await app.inject({ url: `/console/${c.path}`, headers: bearer(c.token) })
    const key = await app.inject({ url: `/get_key/${c.path.replace(/[?&]redirect=\w+/, '')}`, headers: bearer(c.token) })
    t.equal(res.statusCode, c.status, c.name)
    if (c.code) {
      t.match(res.json(), { status: c.status, code: c.code }, c.name)
      t.notOk('url' in res.json(), `${c.name}: no URL`)
    }
    if (!c.path.includes('redirect')) t.equal(key.statusCode, res.statusCode, `${c.name}: /get_key answers alike`)
  }
  const missing = await app.inject({ url: '/console/S3MintReadOnly' })
  t.equal(missing.statusCode, 401)
  t.match(missing.headers['www-authenticate'], /^Bearer/)
  t.equal((await app.inject({ method: 'HEAD', url: '/console/S3MintReadOnly', headers: bearer('tok-mint') })).statusCode, 404, 'HEAD mints nothing')
  t.equal(federation.calls - before, 2, 'the federation endpoint was called for the two allowed requests only')
  const denied = logs.audits().filter((a) => a.event === 'denied' && a.via === 'console')
  t.equal(denied.length, 4, 'policy refusals are audited as console denials')
  t.match(denied[0], { uid: 'stups_mint-sync', role: 'BillingReports', reason: 'role-not-allowed' })
})

t.test('role tags, SourceIdentity and session tags apply as for /get_key', async (t) => {
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'] }] }
  await moto.iam.send(new CreateRoleCommand({ RoleName: 'TaggedForOps', AssumeRolePolicyDocument: JSON.stringify(trust), Tags: [{ Key: 'ro2key:teams', Value: 'ops' }] }))
  tokeninfo.add('tok-ops', { uid: 'robot-ops', team: 'ops' })
  const tagged = testConfig({ TOKENINFO_URL: tokeninfo.url, FEDERATION_URL: federation.url, ROLE_TEAMS_TAG: 'ro2key:teams', SOURCE_IDENTITY: 'true', SESSION_TAGS: 'true' })
  const { app, logs } = await build(t, tagged)
  const res = await app.inject({ url: '/console/TaggedForOps', headers: bearer('tok-ops') })
  t.equal(res.statusCode, 200, 'the role tag grants team ops')
  t.equal((await signIn(res.json().url)).status, 302)
  t.match(federation.logins.at(-1), { arn: /assumed-role\/TaggedForOps\/robot-ops$/ })
  t.match(logs.audits()[0], { event: 'console', teams: ['ops'], sourceIdentity: 'robot-ops', sessionTags: ['ro2key:uid', 'ro2key:team', 'ro2key:realm'] })
  for (const path of ['/console/TaggedForOps', '/get_key/TaggedForOps']) {
    const refused = await app.inject({ url: path, headers: bearer('tok-mint') })
    t.equal(refused.statusCode, 403, `${path}: another team's tagged role`)
  }
})

t.test('federation endpoint in trouble: 502/503 with Retry-After, no secret anywhere', async (t) => {
  const cases = [
    { mode: 'error500', status: 502, code: 'RO2KEY_UPSTREAM_BAD_RESPONSE' },
    { mode: 'garbage', status: 502, code: 'RO2KEY_UPSTREAM_BAD_RESPONSE' },
    { mode: 'throttle', status: 503, code: 'RO2KEY_UPSTREAM_UNAVAILABLE' },
    { mode: 'hang', status: 503, code: 'RO2KEY_UPSTREAM_UNAVAILABLE' }
  ] as const
  const { app, logs } = await build(t, config)
  // a short timeout only for the hanging endpoint: the peer's own STS check takes a moment
  const impatient = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, FEDERATION_URL: federation.url, FEDERATION_TIMEOUT_MS: '300' }))
  t.teardown(() => { federation.mode = 'ok' })
  const bodies: string[] = []
  for (const c of cases) {
    federation.mode = c.mode
    const res = await (c.mode === 'hang' ? impatient.app : app).inject({ url: '/console/S3MintReadOnly?redirect=true', headers: bearer('tok-mint') })
    t.equal(res.statusCode, c.status, c.mode)
    t.equal(res.headers['retry-after'], '5', `${c.mode}: Retry-After`)
    t.match(res.json(), { code: c.code }, c.mode)
    t.notOk(res.headers.location, `${c.mode}: no redirect`)
    bodies.push(res.body)
  }
  federation.mode = 'ok'
  const down = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, FEDERATION_URL: 'http://127.0.0.1:9/federation' }))
  const res = await down.app.inject({ url: '/console/S3MintReadOnly', headers: bearer('tok-mint') })
  t.equal(res.statusCode, 503, 'unreachable')
  t.equal(res.headers['retry-after'], '5')
  t.equal(logs.audits().filter((a) => a.event === 'console').length, 0, 'no console session audited as issued')
  t.match(logs.text, /federation answered 500/, 'the operator sees why')
  assertNoSecrets(t, logs, ...bodies, res.body)
  assertNoSecrets(t, impatient.logs)
  assertNoSecrets(t, down.logs)
  t.match(impatient.logs.text, /federation timed out/)
})

t.test('role chaining: SessionDuration only when ro2key itself is not a role', async (t) => {
  // ro2key runs on role credentials (as on an instance profile): what it vends is role-chained.
  await moto.createRole('ro2key-instance')
  const own = (await ownSts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/ro2key-instance`, RoleSessionName: 'i-0abc', DurationSeconds: 3600 }))).Credentials
  t.teardown(() => { federation.roleChained = false })
  const chained = { sts: stsClient(t, { credentials: { accessKeyId: own?.AccessKeyId ?? '', secretAccessKey: own?.SecretAccessKey ?? '', sessionToken: own?.SessionToken } }) }
  federation.roleChained = true

  await t.test('auto: detected, not sent, the sign-in works', async (t) => {
    const { app, logs } = await build(t, config, chained)
    const res = await app.inject({ url: '/console/S3MintReadOnly', headers: bearer('tok-mint') })
    t.equal(res.statusCode, 200)
    t.equal(federation.requests.at(-1)?.sessionDuration, null, 'no SessionDuration sent')
    t.equal((await signIn(res.json().url)).status, 302)
    t.match(logs.audits()[0], { event: 'console', sessionDuration: null })
  })

  await t.test('always: AWS refuses, ro2key says 502 and tells the operator', async (t) => {
    const { app, logs } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, FEDERATION_URL: federation.url, CONSOLE_SESSION_DURATION: 'always' }), chained)
    const res = await app.inject({ url: '/console/S3MintReadOnly', headers: bearer('tok-mint') })
    t.equal(res.statusCode, 502)
    t.equal(res.headers['retry-after'], '5')
    t.match(logs.text, /CONSOLE_SESSION_DURATION/)
    assertNoSecrets(t, logs, res.body)
  })

  await t.test('never: not sent', async (t) => {
    const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, FEDERATION_URL: federation.url, CONSOLE_SESSION_DURATION: 'never' }), chained)
    const res = await app.inject({ url: '/console/S3MintReadOnly', headers: bearer('tok-mint') })
    t.equal(res.statusCode, 200)
    t.equal(federation.requests.at(-1)?.sessionDuration, null)
  })
})

t.test('STS trouble comes before the federation endpoint: 503, nothing sent to it', async (t) => {
  const { app } = await build(t, config, { sts: stsClient(t, { endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }) })
  const before = federation.calls
  const res = await app.inject({ url: '/console/S3MintReadOnly', headers: bearer('tok-mint') })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '5')
  t.equal(federation.calls, before)
})
