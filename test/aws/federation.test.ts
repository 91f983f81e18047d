import t from 'tap'
import { Agent } from 'undici'
import { createFederation } from '../../src/aws/federation.js'
import { AppError } from '../../src/errors.js'
import { startFederation, type FederationFault } from '../../dev/peers/federation.js'

const peer = await startFederation()
const dispatcher = new Agent()
t.teardown(async () => { await peer.stop(); await dispatcher.close() })

const credentials = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  secretAccessKey: 'secret/with+special=chars',
  sessionToken: 'FwoGZXIvYXdzE+token/with==padding',
  expiration: new Date(Date.now() + 3600_000)
}
const federation = createFederation({ url: peer.url, timeoutMs: 1000, dispatcher })

function secretsIn (err: AppError): string {
  return JSON.stringify({ message: err.message, detail: err.detail, cause: (err.cause as Error | undefined)?.message })
}

t.test('getSigninToken with the Session JSON, then a login URL the endpoint accepts', async (t) => {
  peer.mode = 'ok'
  const token = await federation.signinToken(credentials, 3600)
  t.ok(token.length > 100, 'a SigninToken')
  t.match(peer.requests.at(-1), { sessionId: credentials.accessKeyId, sessionDuration: '3600' }, 'the peer parsed all three Session fields')
  const url = federation.loginUrl({ signinToken: token, issuer: 'https://ro2key.example.org', destination: 'https://console.aws.amazon.com/s3/home?region=eu-west-1' })
  const parsed = new URL(url)
  t.equal(parsed.origin + parsed.pathname, peer.url)
  t.same(Object.fromEntries(parsed.searchParams), {
    Action: 'login',
    Issuer: 'https://ro2key.example.org',
    Destination: 'https://console.aws.amazon.com/s3/home?region=eu-west-1',
    SigninToken: token
  })
  const res = await fetch(url, { redirect: 'manual' })
  t.equal(res.status, 302)
  t.equal(res.headers.get('location'), 'https://console.aws.amazon.com/s3/home?region=eu-west-1')
  t.equal((await fetch(url, { redirect: 'manual' })).status, 400, 'a sign-in token works once')
})

t.test('no SessionDuration when none is given', async (t) => {
  peer.mode = 'ok'
  await federation.signinToken(credentials, undefined)
  t.equal(peer.requests.at(-1)?.sessionDuration, null)
})

t.test('the peer refuses what AWS refuses; ro2key answers 502, never 4xx', async (t) => {
  peer.mode = 'ok'
  for (const duration of [899, 43201]) {
    const err = await federation.signinToken(credentials, duration).catch((e: AppError) => e) as AppError
    t.equal(err.code, 'RO2KEY_UPSTREAM_BAD_RESPONSE', `SessionDuration ${duration}`)
    t.equal(err.statusCode, 502)
    t.match((err.cause as Error).message, /federation answered 400 with SessionDuration/)
  }
  peer.roleChained = true
  t.teardown(() => { peer.roleChained = false })
  const chained = await federation.signinToken(credentials, 3600).catch((e: AppError) => e) as AppError
  t.match(chained, { code: 'RO2KEY_UPSTREAM_BAD_RESPONSE', headers: { 'retry-after': '5' } })
  t.match((chained.cause as Error).message, /role-chained.*CONSOLE_SESSION_DURATION/)
  t.ok(await federation.signinToken(credentials, undefined), 'role-chained credentials work without SessionDuration')
})

const faults: Array<{ mode: FederationFault, code: string, status: number, cause: RegExp }> = [
  { mode: 'error500', code: 'RO2KEY_UPSTREAM_BAD_RESPONSE', status: 502, cause: /answered 500/ },
  { mode: 'throttle', code: 'RO2KEY_UPSTREAM_UNAVAILABLE', status: 503, cause: /429/ },
  { mode: 'garbage', code: 'RO2KEY_UPSTREAM_BAD_RESPONSE', status: 502, cause: /non-JSON/ },
  { mode: 'no-token', code: 'RO2KEY_UPSTREAM_BAD_RESPONSE', status: 502, cause: /without a SigninToken/ },
  { mode: 'hang', code: 'RO2KEY_UPSTREAM_UNAVAILABLE', status: 503, cause: /timed out/ }
]
for (const f of faults) {
  t.test(`federation fault ${f.mode} -> ${f.status}`, async (t) => {
    peer.mode = f.mode
    t.teardown(() => { peer.mode = 'ok' })
    const fast = createFederation({ url: peer.url, timeoutMs: 200, dispatcher })
    const err = await fast.signinToken(credentials, 3600).catch((e: AppError) => e) as AppError
    t.type(err, AppError)
    t.equal(err.code, f.code)
    t.equal(err.statusCode, f.status)
    t.equal(err.headers['retry-after'], '5')
    t.match((err.cause as Error).message, f.cause)
    for (const secret of [credentials.secretAccessKey, credentials.sessionToken]) {
      t.notOk(secretsIn(err).includes(secret), 'no session secret in the error')
    }
  })
}

t.test('endpoint unreachable -> 503', async (t) => {
  const down = createFederation({ url: 'http://127.0.0.1:9/federation', timeoutMs: 1000, dispatcher })
  const err = await down.signinToken(credentials, 3600).catch((e: AppError) => e) as AppError
  t.match(err, { code: 'RO2KEY_UPSTREAM_UNAVAILABLE', statusCode: 503 })
  t.match((err.cause as Error).message, /could not be reached: ECONNREFUSED/)
  t.notOk(secretsIn(err).includes(credentials.sessionToken))
})
