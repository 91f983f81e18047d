import { TagRoleCommand } from '@aws-sdk/client-iam'
import type { STSClient } from '@aws-sdk/client-sts'
import t from 'tap'
import { testConfig } from '../helpers/build.js'
import { countingIam } from '../helpers/counting-iam.js'
import { withPeers } from '../helpers/peers.js'
import { DEFAULT_CLIENTS, startOidc } from '../../dev/peers/oidc.js'
import { captureBodies } from '../helpers/capture-sts.js'

// Issue 16 end to end: tokeninfo, oidc-provider JWTs and introspection with and without
// amr/acr/auth_time, the RFC 9470 401, session tags on the AssumeRole request, the role tag.

const { moto, tokeninfo, build, stsClient, iamClient } =
  await withPeers(t, { roles: ['ReadOnly', 'AdminRole', 'TaggedAdmin'] })
await moto.iam.send(new TagRoleCommand({ RoleName: 'TaggedAdmin', Tags: [{ Key: 'ro2key:require-mfa', Value: 'True' }] }))
const now = Math.floor(Date.now() / 1000)
const oidc = await startOidc({
  clients: [
    ...DEFAULT_CLIENTS,
    { clientId: 'alice-pwd', clientSecret: 'alice-pwd-secret', claims: { team: 'admins', amr: ['pwd'] } },
    {
      clientId: 'alice-mfa',
      clientSecret: 'alice-mfa-secret',
      claims: { team: 'admins', amr: ['pwd', 'hwk'], acr: 'urn:example:loa:3', auth_time: now - 10 }
    }
  ]
})
t.teardown(async () => { await oidc.stop() })

tokeninfo.add('tok-pwd', { uid: 'alice', team: 'admins' })
tokeninfo.add('tok-mfa', { uid: 'alice', team: 'admins', amr: ['pwd', 'otp'], acr: 'phr', auth_time: now - 60 })
tokeninfo.add('tok-old', { uid: 'alice', team: 'admins', amr: ['otp'], acr: 'phr', auth_time: now - 7200 })
tokeninfo.add('tok-swk', { uid: 'alice', team: 'admins', amr: ['swk'] })

const POLICY = JSON.stringify({
  teams: {
    admins: {
      roles: ['ReadOnly', 'AdminRole', 'TaggedAdmin'],
      require_mfa: { roles: ['AdminRole'], amr: ['mfa', 'hwk', 'otp'], max_auth_age: 3600, acr: ['phr', 'urn:example:loa:3'] }
    }
  }
})
const BASE = { TOKENINFO_URL: tokeninfo.url, POLICY }
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const CHALLENGE = 'Bearer realm="ro2key", error="insufficient_user_authentication", ' +
  'error_description="the token does not say how you signed in (no amr); sign in with MFA", ' +
  'acr_values="phr urn:example:loa:3", max_age=3600'

/** The real STS client at moto, keeping every request body it sends. */
function capturingSts (t: { teardown: (fn: () => unknown) => void }): { sts: STSClient, sent: URLSearchParams[] } {
  const sts = stsClient(t)
  return { sts, sent: captureBodies(sts) }
}
const tagsOf = (params: URLSearchParams | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  for (let i = 1; params?.has(`Tags.member.${i}.Key`); i++) {
    out[params.get(`Tags.member.${i}.Key`) as string] = params.get(`Tags.member.${i}.Value`) as string
  }
  return out
}

t.test('tokeninfo: no amr -> RFC 9470 401 for the MFA role, the same token still works for ReadOnly', async (t) => {
  const { sts, sent } = capturingSts(t)
  const { app, logs } = await build(t, testConfig(BASE), { sts })
  const res = await app.inject({ url: '/get_key/AdminRole', headers: bearer('tok-pwd') })
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], CHALLENGE, 'the challenge, exactly')
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), { status: 401, code: 'RO2KEY_STEP_UP_REQUIRED', type: 'urn:ro2key:problem:step-up-required' })
  t.equal(sent.length, 0, 'no AssumeRole for a refused request')
  t.match(logs.audits(), [{ event: 'denied', uid: 'alice', role: 'AdminRole', reason: 'step-up-required', stepUp: 'amr-missing' }])
  t.notOk(logs.text.includes('tok-pwd'), 'token not logged')

  const readOnly = await app.inject({ url: '/get_key/ReadOnly', headers: bearer('tok-pwd') })
  t.equal(readOnly.statusCode, 200, 'a role without the requirement')
  const weak = await app.inject({ url: '/get_key/AdminRole', headers: bearer('tok-swk') })
  t.equal(weak.statusCode, 401, 'swk is not in this team\'s amr list')
  t.match(weak.headers['www-authenticate'], /error_description="sign in with one of: mfa, hwk, otp"/)
})

t.test('tokeninfo with MFA: credentials, and the session tags on the AssumeRole request', async (t) => {
  const { sts, sent } = capturingSts(t)
  const { app, logs } = await build(t, testConfig({ ...BASE, SESSION_TAGS: 'true' }), { sts })
  const res = await app.inject({ url: '/get_key/AdminRole', headers: bearer('tok-mfa') })
  t.equal(res.statusCode, 200, res.body)
  t.same(tagsOf(sent[0]), { 'ro2key:uid': 'alice', 'ro2key:team': 'admins', 'ro2key:realm': '/services', 'ro2key:mfa': 'true', 'ro2key:amr': 'pwd+otp' })
  const plain = await app.inject({ url: '/get_key/ReadOnly', headers: bearer('tok-pwd') })
  t.equal(plain.statusCode, 200)
  t.match(tagsOf(sent[1]), { 'ro2key:mfa': 'false' })
  t.notOk('ro2key:amr' in tagsOf(sent[1]), 'no amr tag without amr')
  t.notOk(logs.text.includes(res.json().SecretAccessKey), 'no secret in the log')
})

t.test('auth_time older than max_auth_age -> 401 with max_age', async (t) => {
  const { app, logs } = await build(t, testConfig(BASE))
  const res = await app.inject({ url: '/get_key/AdminRole', headers: bearer('tok-old') })
  t.equal(res.statusCode, 401)
  t.match(res.headers['www-authenticate'], /error_description="sign in again: the sign-in must be at most 3600 seconds old", acr_values="phr urn:example:loa:3", max_age=3600$/)
  t.match(logs.audits(), [{ event: 'denied', stepUp: 'auth-too-old' }])
})

t.test('oidc-provider: JWT and introspection tokens with and without amr/acr/auth_time', async (t) => {
  const jwtConfig = testConfig({ POLICY, TOKENINFO_URL: '', JWT_ISSUER: oidc.issuer, JWT_AUDIENCE: oidc.audience, JWKS_URL: oidc.jwksUrl })
  const { app } = await build(t, jwtConfig)
  const pwd = await app.inject({ url: '/get_key/AdminRole', headers: bearer(await oidc.issueToken({ clientId: 'alice-pwd' })) })
  t.equal(pwd.statusCode, 401, 'JWT with amr [pwd]')
  t.match(pwd.headers['www-authenticate'], /insufficient_user_authentication/)
  const mfa = await app.inject({ url: '/get_key/AdminRole', headers: bearer(await oidc.issueToken({ clientId: 'alice-mfa' })) })
  t.equal(mfa.statusCode, 200, 'JWT with amr [pwd, hwk], acr loa:3, fresh auth_time')

  const introspection = testConfig({
    POLICY,
    TOKENINFO_URL: '',
    INTROSPECTION_URL: oidc.introspectionUrl,
    INTROSPECTION_CLIENT_ID: oidc.introspector.clientId,
    INTROSPECTION_CLIENT_SECRET: oidc.introspector.clientSecret
  })
  const { app: app2 } = await build(t, introspection)
  const opaque = async (clientId: string) => bearer(await oidc.issueToken({ clientId, format: 'opaque' }))
  t.equal((await app2.inject({ url: '/get_key/AdminRole', headers: await opaque('alice-pwd') })).statusCode, 401, 'introspected, pwd')
  t.equal((await app2.inject({ url: '/get_key/AdminRole', headers: await opaque('alice-mfa') })).statusCode, 200, 'introspected, MFA')
})

t.test('the role tag ro2key:require-mfa=true (ROLE_TEAMS_TAG on)', async (t) => {
  const iam = countingIam(iamClient(t))
  const { app } = await build(t, testConfig({ ...BASE, ROLE_TEAMS_TAG: 'ro2key:teams' }), { iam })
  const res = await app.inject({ url: '/get_key/TaggedAdmin', headers: bearer('tok-pwd') })
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], 'Bearer realm="ro2key", error="insufficient_user_authentication", ' +
    'error_description="the token does not say how you signed in (no amr); sign in with MFA"', 'no acr_values or max_age from a tag')
  const calls = iam.calls.length
  t.equal((await app.inject({ url: '/get_key/TaggedAdmin', headers: bearer('tok-swk') })).statusCode, 200, 'swk is in the default set')
  t.equal(iam.calls.length, calls, 'a token that proves MFA needs no tag read')
  t.equal((await app.inject({ url: '/get_key/ReadOnly', headers: bearer('tok-pwd') })).statusCode, 200, 'untagged role')
  const untagged = await build(t, testConfig(BASE))
  const off = await untagged.app.inject({ url: '/get_key/TaggedAdmin', headers: bearer('tok-pwd') })
  t.equal(off.statusCode, 200, 'without ROLE_TEAMS_TAG the tag is not read (the AWS-side guard covers it)')
})

t.test('/console follows the same rule', async (t) => {
  const { app, logs } = await build(t, testConfig(BASE))
  const res = await app.inject({ url: '/console/AdminRole', headers: bearer('tok-pwd') })
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], CHALLENGE)
  t.match(logs.audits(), [{ event: 'denied', via: 'console', reason: 'step-up-required' }])
})

t.test('GET /roles marks the roles that need MFA and whether this token satisfies it', async (t) => {
  const { app } = await build(t, testConfig({ ...BASE, ROLE_TEAMS_TAG: 'ro2key:teams' }), { iam: iamClient(t) })
  const roles = async (token: string) => (await app.inject({ url: '/roles', headers: bearer(token) })).json().roles
  t.same(await roles('tok-pwd'), [
    { role: 'AdminRole', source: 'policy', teams: ['admins'], require_mfa: true, mfa_satisfied: false, account: null, account_id: '123456789012' },
    { role: 'ReadOnly', source: 'policy', teams: ['admins'], account: null, account_id: '123456789012' },
    { role: 'TaggedAdmin', source: 'policy', teams: ['admins'], require_mfa: true, mfa_satisfied: false, account: null, account_id: '123456789012' }
  ])
  t.match(await roles('tok-mfa'), [{ role: 'AdminRole', mfa_satisfied: true }, { role: 'ReadOnly' }, { role: 'TaggedAdmin', mfa_satisfied: true }])
  t.match(await roles('tok-swk'), [{ role: 'AdminRole', mfa_satisfied: false }, {}, { role: 'TaggedAdmin', mfa_satisfied: true }])
})
