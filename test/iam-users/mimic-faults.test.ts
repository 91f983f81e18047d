import {
  AttachUserPolicyCommand, CreatePolicyCommand, ListAttachedRolePoliciesCommand, type IAMClient
} from '@aws-sdk/client-iam'
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts'
import t from 'tap'
import { testConfig } from '../helpers/build.js'
import { bearer, MIMIC_POLICY, mimicPeers, policyDoc } from './mimic-helpers.js'

const peers = await mimicPeers(t, 'ro2key-mimic-faults')
const { config, iam } = peers

const awsError = (name: string, message: string, status: number) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } })

/**
 * moto makes roles usable at once; AWS may answer AccessDenied for seconds after CreateRole.
 * This seam around ro2key's STS (the one fault moto cannot produce) refuses the first `denials` AssumeRole calls.
 */
function propagatingSts (denials: number) {
  const seen = { assumeRole: 0 }
  const sts = {
    send: async (command: unknown) => {
      if (command instanceof AssumeRoleCommand && seen.assumeRole++ < denials) {
        throw awsError('AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/ro2key/x is not authorized to ' +
          'perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/user-role/user_alice', 403)
      }
      return await peers.ownSts.send(command as AssumeRoleCommand)
    }
  } as unknown as STSClient
  return { sts, seen }
}

/** A frozen clock (whole seconds) that only the sleep moves: the retries wait no real time. */
function retryClock () {
  let now = Math.floor(Date.now() / 1000)
  const sleeps: number[] = []
  const advance = (seconds: number) => { now += seconds }
  return { now: () => now, advance, sleeps, sleep: async (ms: number) => { sleeps.push(ms); advance(ms / 1000) } }
}

t.test('AccessDenied right after the role is made: retried with backoff, then success', async (t) => {
  const clock = retryClock()
  const { sts, seen } = propagatingSts(3)
  const { app, logs } = await peers.build(t, config, { sts, now: clock.now, sleep: clock.sleep })
  const res = await app.inject({ method: 'POST', url: '/me/credentials', headers: bearer('alice') })
  t.equal(res.statusCode, 200, res.body)
  t.equal(seen.assumeRole, 4)
  t.same(clock.sleeps, [1000, 2000, 4000], 'backoff 1, 2, 4 s')
  t.notOk(logs.text.includes(res.json().SecretAccessKey))
})

t.test('still refused 60 s after the copy: 503 with Retry-After; an old role\'s AccessDenied is a 403 at once', async (t) => {
  const clock = retryClock()
  const { sts, seen } = propagatingSts(Infinity)
  const { app } = await peers.build(t, config, { sts, now: clock.now, sleep: clock.sleep })
  const res = await app.inject({ method: 'POST', url: '/me/credentials?recreate=true', headers: bearer('alice') })
  t.equal(res.statusCode, 503)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.equal(res.headers['retry-after'], '10')
  t.equal(res.json().code, 'RO2KEY_MIMIC_ROLE_NOT_READY')
  t.equal(clock.sleeps.reduce((a, b) => a + b, 0), 60_000, 'it waited the 60 s out, no longer')
  t.same(clock.sleeps.slice(0, 5), [1000, 2000, 4000, 8000, 16000])

  clock.advance(120)
  const tries = seen.assumeRole
  const old = await app.inject({ method: 'POST', url: '/me/credentials', headers: bearer('alice') })
  t.equal(old.statusCode, 403)
  t.equal(old.json().code, 'RO2KEY_AWS_ACCESS_DENIED')
  t.equal(seen.assumeRole, tries + 1, 'no retry for a role copied minutes ago')
})

t.test('IAM LimitExceeded while copying: 409 naming the limit', async (t) => {
  // moto attaches any number of managed policies to a role; AWS stops at 10 (PoliciesPerRole).
  // This seam around IAM enforces that quota as AWS does, counting what moto has attached.
  const limited = {
    send: async (command: unknown) => {
      if (command?.constructor?.name === 'AttachRolePolicyCommand') {
        const RoleName = (command as { input: { RoleName: string } }).input.RoleName
        const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }))
        if ((attached.AttachedPolicies ?? []).length >= 10) {
          throw awsError('LimitExceeded', 'Cannot exceed quota for PoliciesPerRole: 10', 409)
        }
      }
      return await iam.send(command as ListAttachedRolePoliciesCommand)
    }
  } as unknown as IAMClient
  for (let i = 0; i < 11; i++) {
    const out = await iam.send(new CreatePolicyCommand({ PolicyName: `Erin${i}`, PolicyDocument: policyDoc(`s3:Get${i}`) }))
    await iam.send(new AttachUserPolicyCommand({ UserName: 'erin', PolicyArn: out.Policy?.Arn ?? '' }))
  }
  const { app, logs } = await peers.build(t, config, { sts: peers.ownSts, iam: limited })
  const res = await app.inject({ url: '/me/console', headers: bearer('erin') })
  t.equal(res.statusCode, 409, res.body)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.equal(res.json().code, 'RO2KEY_IAM_LIMIT_EXCEEDED')
  t.match(res.json().detail, /AttachRolePolicy .*managed policies attached per role/)
  t.notOk(logs.text.includes('tok-erin'))
})

t.test('POST /api/assume-role: Accept: application/json or 406; no IAM user 404; not in iam_users.teams 403', async (t) => {
  const { app, logs } = await peers.build(t, config, { sts: peers.ownSts })
  const ask = (uid: string, headers: Record<string, string> = {}, payload?: object) => app.inject({
    method: 'POST', url: '/api/assume-role', headers: { ...bearer(uid), ...headers }, ...(payload ? { payload } : {})
  })
  for (const accept of [undefined, 'text/html', '*/*']) {
    const res = await ask('alice', accept ? { accept } : {})
    t.equal(res.statusCode, 406, `Accept: ${accept}`)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.equal(res.json().code, 'RO2KEY_NOT_ACCEPTABLE')
  }
  const ok = await ask('alice', { accept: 'application/json' }, { Role: 'ignored' })
  t.equal(ok.statusCode, 200, ok.body)
  t.equal(ok.headers['cache-control'], 'no-store')
  t.match(ok.json(), { Version: 1, AccessKeyId: /^ASIA/, SecretAccessKey: String, SessionToken: String, Expiration: String })
  t.match(logs.audits().at(-1), { event: 'mimic-issued', via: 'api-assume-role' })
  const mixed = await ask('alice', { accept: 'text/plain, application/json;q=0.9' })
  t.equal(mixed.statusCode, 200)
  const none = await ask('bob', { accept: 'application/json' })
  t.equal(none.statusCode, 404)
  t.equal(none.json().code, 'RO2KEY_NO_IAM_USER')
  const robot = await ask('carol', { accept: 'application/json' })
  t.equal(robot.statusCode, 403)
  t.equal(robot.json().code, 'RO2KEY_IAM_USERS_FORBIDDEN')
  const anonymous = await app.inject({ method: 'POST', url: '/api/assume-role', headers: { accept: 'application/json' } })
  t.equal(anonymous.statusCode, 401)
  for (const secret of [ok.json().SecretAccessKey, ok.json().SessionToken, 'tok-alice']) t.notOk(logs.text.includes(secret))
})

t.test('without STORE_TABLE: 404 (mimic roles must be tracked to be cleaned); 403 still comes first', async (t) => {
  const stateless = testConfig({ TOKENINFO_URL: peers.tokeninfo.url, POLICY: MIMIC_POLICY, TOKEN_CACHE_TTL: '0' })
  const { app } = await peers.build(t, stateless, { sts: peers.ownSts })
  const res = await app.inject({ url: '/me/console', headers: bearer('alice') })
  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'RO2KEY_NOT_FOUND')
  const robot = await app.inject({ method: 'POST', url: '/me/credentials', headers: bearer('carol') })
  t.equal(robot.statusCode, 403)
})

t.test('with the web page on, POST /me/credentials is the API with Authorization and the web form without', async (t) => {
  const web = testConfig({
    TOKENINFO_URL: peers.tokeninfo.url,
    POLICY: MIMIC_POLICY,
    STORE_TABLE: 'ro2key-mimic-faults',
    TOKEN_CACHE_TTL: '0',
    FEDERATION_URL: peers.federation.url,
    // discovery is lazy: the form below is refused before any IdP is asked
    OIDC_ISSUER: 'http://127.0.0.1:9/idp',
    OIDC_CLIENT_ID: 'ro2key',
    OIDC_CLIENT_SECRET: 'web-client-secret',
    PUBLIC_URL: 'http://127.0.0.1:8080',
    SESSION_SECRET: 'mimic-test-session-secret-of-at-least-32-bytes!'
  })
  const { app } = await peers.build(t, web, { sts: peers.ownSts })
  const api = await app.inject({ method: 'POST', url: '/me/credentials', headers: bearer('alice') })
  t.equal(api.statusCode, 200, api.body)
  t.match(api.json(), { Version: 1, AccessKeyId: /^ASIA/ })
  const form = await app.inject({
    method: 'POST', url: '/me/credentials', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'role=x'
  })
  t.equal(form.statusCode, 401, 'the web form: sign in first')
  t.match(form.headers['content-type'], /^text\/html/)
  const signIn = await app.inject({ url: '/me/console', headers: bearer('alice') })
  t.equal(signIn.statusCode, 200, 'GET /me/console is the API; the web page\'s form is POST')
})
