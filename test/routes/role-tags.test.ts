import { CreateRoleCommand, TagRoleCommand } from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import t from 'tap'
import { loadConfig } from '../../src/config/index.js'
import type { IamLike } from '../../src/policy/role-tags.js'
import { build as buildWithDefaultClients, testConfig } from '../helpers/build.js'
import { countingIam } from '../helpers/counting-iam.js'
import { withPeers } from '../helpers/peers.js'
import { ARN_PREFIX, MOTO_ACCOUNT, startMoto, type Moto } from '../../dev/peers/moto.js'

const TAG = 'ro2key:teams'
const { moto, tokeninfo, build, stsClient, iamClient } = await withPeers(t)

async function createRole (target: Moto, name: string, teams?: string): Promise<void> {
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }
  await target.iam.send(new CreateRoleCommand({
    RoleName: name,
    AssumeRolePolicyDocument: JSON.stringify(trust),
    Tags: teams === undefined ? undefined : [{ Key: TAG, Value: teams }]
  }))
}

await createRole(moto, 'S3MintReadOnly')
await createRole(moto, 'TaggedForMint', 'mint')
await createRole(moto, 'TaggedForOps', 'ops billing')
await createRole(moto, 'Untagged')

tokeninfo.add('tok-mint', { uid: 'stups_mint-sync' })
tokeninfo.add('tok-mint-mfa', { uid: 'stups_mint-sync', amr: ['pwd', 'otp'] })
tokeninfo.add('tok-ops', { uid: 'robot-ops', team: 'ops' })
tokeninfo.add('tok-both', { uid: 'robot-both', team: ['ops', 'billing'] })
tokeninfo.add('tok-noteam', { uid: 'lonely-robot' })

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const config = testConfig({ TOKENINFO_URL: tokeninfo.url, ROLE_TEAMS_TAG: TAG, ROLE_TAGS_TTL: '60' })

/** The real IAM client (at moto unless given another endpoint), counting its calls. */
function iamFor (t: { teardown: (fn: () => unknown) => void }, endpoint?: string): IamLike & { calls: string[] } {
  const iam = iamClient(t, { maxAttempts: 1, ...(endpoint ? { endpoint } : {}) })
  return countingIam(iam)
}

t.test('a team is granted or refused a role by its IAM tag', async (t) => {
  const iam = iamFor(t)
  const { app, logs } = await build(t, config, { iam })
  const ok = await app.inject({ url: '/get_key/TaggedForOps', headers: bearer('tok-ops') })
  t.equal(ok.statusCode, 200)
  const body = ok.json()
  const sts = stsClient(t, { credentials: { accessKeyId: body.AccessKeyId, secretAccessKey: body.SecretAccessKey, sessionToken: body.SessionToken } })
  t.match((await sts.send(new GetCallerIdentityCommand({}))).Arn, /:assumed-role\/TaggedForOps\/robot-ops$/, 'the credentials work')
  t.match(logs.audits()[0], { event: 'issued', teams: ['ops'], role: 'TaggedForOps' })

  const refusals = [
    { desc: 'tag lists other teams', role: 'TaggedForOps', token: 'tok-mint' },
    { desc: 'role without the tag', role: 'Untagged', token: 'tok-ops' },
    { desc: 'role that does not exist', role: 'NoSuchRole', token: 'tok-ops' }
  ]
  const details: string[] = []
  for (const r of refusals) {
    const res = await app.inject({ url: `/get_key/${r.role}`, headers: bearer(r.token) })
    t.equal(res.statusCode, 403, r.desc)
    t.match(res.json(), { code: 'RO2KEY_ROLE_NOT_ALLOWED' }, r.desc)
    t.notOk('AccessKeyId' in res.json())
    if (r.token === 'tok-ops') details.push(res.json().detail.replace(r.role, 'ROLE'))
  }
  t.equal(details[0], details[1], 'a nonexistent role is refused exactly like an untagged one')

  const before = iam.calls.length
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer('tok-mint') })).statusCode, 200, 'the policy file still grants')
  // issue 16: the role's ro2key:require-mfa tag is read (once, cached) even when the file grants
  t.same(iam.calls.slice(before), ['GetRoleCommand'], 'a role the policy file grants: one GetRole, for its MFA tag')
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer('tok-mint') })).statusCode, 200)
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer('tok-mint-mfa') })).statusCode, 200)
  t.equal(iam.calls.length, before + 1, 'cached; a token that proves MFA needs no tag read')
  const noTeam = await app.inject({ url: '/get_key/TaggedForMint', headers: bearer('tok-noteam') })
  t.equal(noTeam.statusCode, 403)
  t.equal(iam.calls.length, before + 1, 'a caller without a team needs no IAM call')
})

t.test('a team granted by tag keeps its policy file cap', async (t) => {
  const { app } = await build(t, config, { iam: iamFor(t) })
  const res = await app.inject({ url: '/get_key/TaggedForMint?duration=7200', headers: bearer('tok-mint') })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 'RO2KEY_DURATION_ABOVE_CAP', detail: /3600/ })
  t.equal((await app.inject({ url: '/get_key/TaggedForMint?duration=3600', headers: bearer('tok-mint') })).statusCode, 200)
})

t.test('a tag change is picked up after ROLE_TAGS_TTL; reads are cached and coalesced until then', async (t) => {
  await createRole(moto, 'Retagged', 'ops')
  let clock = 1_000_000
  const iam = iamFor(t)
  const { app } = await build(t, config, { iam, now: () => clock })
  const ask = async (token: string) => (await app.inject({ url: '/get_key/Retagged', headers: bearer(token) })).statusCode
  t.same(await Promise.all([ask('tok-ops'), ask('tok-ops'), ask('tok-ops'), ask('tok-mint')]), [200, 200, 200, 403])
  t.same(iam.calls, ['GetRoleCommand'], 'four concurrent requests, one GetRole')
  await moto.iam.send(new TagRoleCommand({ RoleName: 'Retagged', Tags: [{ Key: TAG, Value: 'mint' }] }))
  clock += 59
  t.same([await ask('tok-ops'), await ask('tok-mint')], [200, 403], 'old tag while the cache is fresh')
  clock += 1
  t.same([await ask('tok-ops'), await ask('tok-mint')], [403, 200], 'new tag after the TTL')
  t.equal(iam.calls.length, 2)
})

t.test('ROLE_TEAMS_TAG without a policy file; the default IAM client uses AWS_ENDPOINT_URL_IAM', async (t) => {
  const tagsOnly = loadConfig({ ARN_PREFIX, TOKENINFO_URL: tokeninfo.url, ROLE_TEAMS_TAG: TAG })
  t.equal(tagsOnly.policy.teams.size, 0)
  // the one test of the SDK's own settings: the app makes its clients from AWS_ENDPOINT_URL_*
  const saved = { ...process.env }
  t.teardown(() => { process.env = saved })
  Object.assign(process.env, moto.env)
  const { app } = await buildWithDefaultClients(t, tagsOnly)
  t.equal((await app.inject({ url: '/get_key/TaggedForOps', headers: bearer('tok-both') })).statusCode, 200)
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer('tok-mint') })).statusCode, 403, 'no policy file: the token must name the team')
})

t.test('IAM down: served from a fresh cache, else 503 with Retry-After; policy file roles unaffected', async (t) => {
  // IAM and STS from two motos, so IAM can fail alone.
  const iamMoto = await startMoto()
  t.teardown(() => iamMoto.stop())
  await createRole(iamMoto, 'TaggedForOps', 'ops')
  let clock = 0
  const { app, logs } = await build(t, config, { iam: iamFor(t, iamMoto.url), now: () => clock })
  const ask = async (role: string, token = 'tok-ops') => await app.inject({ url: `/get_key/${role}`, headers: bearer(token) })
  t.equal((await ask('TaggedForOps')).statusCode, 200)
  await iamMoto.stop()
  clock += 30
  t.equal((await ask('TaggedForOps')).statusCode, 200, 'fresh cache entry while IAM is down')
  const uncached = await ask('Untagged')
  t.equal(uncached.statusCode, 503, 'no cache entry: 503, never 403')
  t.equal(uncached.headers['retry-after'], '5')
  t.match(uncached.json(), { code: 'RO2KEY_UPSTREAM_UNAVAILABLE' })
  clock += 30
  t.equal((await ask('TaggedForOps')).statusCode, 503, 'stale entry: 503')
  t.equal((await ask('S3MintReadOnly', 'tok-mint-mfa')).statusCode, 200, 'the policy file grants an MFA token without IAM')
  // issue 16: without MFA the role's ro2key:require-mfa tag must be known: fail closed
  t.equal((await ask('S3MintReadOnly', 'tok-mint')).statusCode, 503, 'no MFA and the MFA tag unreadable: 503')
  t.match(logs.text, /IAM GetRole/, 'the IAM failure is in the log')
})

t.test('GET /roles explains what each caller may request', async (t) => {
  const iam = iamFor(t)
  const { app } = await build(t, config, { iam })
  const roles = async (token: string) => await app.inject({ url: '/roles', headers: bearer(token) })

  // every entry names its account (issue 17): here ARN_PREFIX's, which has no alias
  const home = { account: null, account_id: MOTO_ACCOUNT }
  const mint = await roles('tok-mint')
  t.equal(mint.statusCode, 200)
  t.equal(mint.headers['cache-control'], 'no-store')
  t.same(mint.json(), {
    uid: 'stups_mint-sync',
    teams: ['mint'],
    role_tags: 'listed',
    roles: [
      { role: 'Retagged', source: 'tag', teams: ['mint'], max_duration: 3600, ...home },
      { role: 'S3Mint*', source: 'policy', teams: ['mint'], max_duration: 3600, ...home },
      { role: 'S3MintReadOnly', source: 'policy', teams: ['mint'], max_duration: 3600, ...home },
      { role: 'TaggedForMint', source: 'tag', teams: ['mint'], max_duration: 3600, ...home }
    ]
  })
  const both = (await roles('tok-both')).json()
  t.same(both.teams, ['ops', 'billing'])
  t.match(both.roles, [
    { role: 'Billing*', source: 'policy', teams: ['billing'] },
    { role: 'TaggedForOps', source: 'tag', teams: ['ops', 'billing'] }
  ])
  t.equal(both.roles.length, 2)
  t.notOk('max_duration' in both.roles[1], 'no cap: the field is absent')
  t.same((await roles('tok-noteam')).json(), { uid: 'lonely-robot', teams: [], roles: [], role_tags: 'listed' })
  t.equal(iam.calls.filter((c) => c === 'ListRolesCommand').length, 1, 'the listing is cached across callers')

  const unauthenticated = await app.inject({ url: '/roles' })
  t.equal(unauthenticated.statusCode, 401)
  t.match(unauthenticated.json(), { code: 'RO2KEY_TOKEN_MISSING' })

  const { app: plain } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url }))
  const off = (await plain.inject({ url: '/roles', headers: bearer('tok-mint') })).json()
  t.equal(off.role_tags, 'off', 'without ROLE_TEAMS_TAG only the policy file is shown')
  t.equal(off.roles.length, 2)
})
