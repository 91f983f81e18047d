import { CreateRoleCommand, IAMClient, TagRoleCommand } from '@aws-sdk/client-iam'
import t from 'tap'
import { createRoleTags, rolePath, teamsOfRole, teamsOfTag } from '../../src/policy/role-tags.js'
import { countingIam } from '../helpers/counting-iam.js'
import { ARN_PREFIX, MOTO_ACCOUNT, startMoto, type Moto, startStrictMoto } from '../../dev/peers/moto.js'

const TAG = 'ro2key:teams'
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] })

async function createRole (iam: IAMClient, name: string, teams?: string, path = '/'): Promise<void> {
  await iam.send(new CreateRoleCommand({
    RoleName: name,
    Path: path,
    AssumeRolePolicyDocument: trust,
    Tags: teams === undefined ? undefined : [{ Key: TAG, Value: teams }, { Key: 'owner', Value: 'someone' }]
  }))
}

t.test('pure helpers', async (t) => {
  t.equal(rolePath('arn:aws:iam::123456789012:role'), '/')
  t.equal(rolePath('arn:aws-cn:iam::123456789012:role/robots/eu'), '/robots/eu/')
  t.same(teamsOfTag('mint billing,ops , mint'), ['mint', 'billing', 'ops'], 'space or comma separated, duplicates once')
  t.same(teamsOfTag(undefined), [])
  t.same(teamsOfTag(' , '), [])
  t.same(teamsOfRole({ Tags: [{ Key: 'RO2KEY:Teams', Value: 'mint' }] } as never, TAG), ['mint'], 'IAM tag keys are case-insensitive')
  t.same(teamsOfRole({ Tags: [{ Key: 'other', Value: 'mint' }] } as never, TAG), [])
  t.same(teamsOfRole(undefined, TAG), [])
})

t.test('against moto', async (t) => {
  const moto: Moto = await startMoto()
  t.teardown(() => moto.stop())
  await createRole(moto.iam, 'Tagged', 'mint, billing')
  await createRole(moto.iam, 'Untagged')
  await createRole(moto.iam, 'ElsewhereTagged', 'mint', '/other/')
  let clock = 1_000_000
  const iam = countingIam(moto.iam)
  const tags = createRoleTags({ iam, tagKey: TAG, ttl: 60, arnPrefix: ARN_PREFIX, now: () => clock })

  t.test('tagged, untagged, nonexistent, and a role under another path', async (t) => {
    t.same(await tags.teamsFor('Tagged'), ['mint', 'billing'])
    t.same(await tags.teamsFor('Untagged'), [])
    t.same(await tags.teamsFor('NoSuchRole'), [], 'a role that does not exist grants nothing (and is no error)')
    t.same(await tags.teamsFor('ElsewhereTagged'), [], 'ARN_PREFIX/<name> is not this role')
  })

  t.test('cached for the TTL, concurrent reads coalesced, tag change seen after the TTL', async (t) => {
    clock += 3600
    iam.calls.length = 0
    const many = await Promise.all(Array.from({ length: 25 }, async () => await tags.teamsFor('Tagged')))
    t.same(many[24], ['mint', 'billing'])
    t.same(iam.calls, ['GetRoleCommand'], '25 concurrent reads, one GetRole')
    await moto.iam.send(new TagRoleCommand({ RoleName: 'Tagged', Tags: [{ Key: TAG, Value: 'ops' }] }))
    clock += 59
    t.same(await tags.teamsFor('Tagged'), ['mint', 'billing'], 'the old answer while fresh')
    t.equal(iam.calls.length, 1)
    clock += 1
    t.same(await tags.teamsFor('Tagged'), ['ops'], 'the new tag after the TTL')
    t.equal(iam.calls.length, 2)
  })

  t.test('listing: roles under the prefix path with their teams, cached', async (t) => {
    clock += 3600
    iam.calls.length = 0
    const listing = await tags.list()
    t.same(listing, { status: 'listed', roles: [{ roleName: 'Tagged', teams: ['ops'] }] })
    t.same(iam.calls.sort(), ['GetRoleCommand', 'GetRoleCommand', 'ListRolesCommand'], 'ListRoles once, GetRole per role under "/"')
    await tags.list()
    await tags.teamsFor('Untagged')
    t.equal(iam.calls.length, 3, 'the listing and its GetRole answers are cached')

    const robots = createRoleTags({ iam, tagKey: TAG, ttl: 60, arnPrefix: `${ARN_PREFIX}/other`, now: () => clock })
    t.same(await robots.list(), { status: 'listed', roles: [{ roleName: 'ElsewhereTagged', teams: ['mint'] }] }, 'ARN_PREFIX with a path lists that path')
    t.same(await robots.teamsFor('ElsewhereTagged'), ['mint'])
  })

  t.test('IAM down (moto stopped): a fresh answer is served, otherwise 503 with Retry-After', async (t) => {
    const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.url, maxAttempts: 1, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } })
    t.teardown(() => iam.destroy())
    const tags = createRoleTags({ iam, tagKey: TAG, ttl: 60, arnPrefix: ARN_PREFIX, now: () => clock })
    t.same(await tags.teamsFor('Tagged'), ['ops'])
    await moto.stop()
    clock += 30
    t.same(await tags.teamsFor('Tagged'), ['ops'], 'fresh cache answers while IAM is down')
    await t.rejects(tags.teamsFor('Other'), { statusCode: 503, code: 'RO2KEY_UPSTREAM_UNAVAILABLE', headers: { 'retry-after': '5' } }, 'nothing cached')
    clock += 30
    await t.rejects(tags.teamsFor('Tagged'), { statusCode: 503, code: 'RO2KEY_UPSTREAM_UNAVAILABLE' }, 'stale cache is not used')
    await t.rejects(tags.list(), { statusCode: 503, code: 'RO2KEY_UPSTREAM_UNAVAILABLE' }, 'listing too')
  })
})

t.test('without iam:ListRoles the listing says so; without iam:GetRole a 502', async (t) => {
  // moto enforces identity policies after these 4 unauthenticated setup calls.
  const { moto: strict, credentials } = await startStrictMoto(t, { user: 'ro2key', policyName: 'get-role-only', actions: 'iam:GetRole' })
  await createRole(strict.iam, 'Tagged', 'mint')
  const iam = new IAMClient({ region: 'us-east-1', endpoint: strict.url, credentials })
  t.teardown(() => iam.destroy())
  const tags = createRoleTags({ iam, tagKey: TAG, ttl: 60, arnPrefix: ARN_PREFIX, now: () => 0 })
  t.same(await tags.teamsFor('Tagged'), ['mint'], 'GetRole is allowed')
  t.same(await tags.list(), { status: 'not-permitted' })

  const noGet = new IAMClient({ region: 'us-east-1', endpoint: strict.url, credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'nope' } })
  t.teardown(() => noGet.destroy())
  const broken = createRoleTags({ iam: noGet, tagKey: TAG, ttl: 60, arnPrefix: ARN_PREFIX, now: () => 0 })
  await t.rejects(broken.teamsFor('Tagged'), { statusCode: 502, code: 'RO2KEY_UPSTREAM_BAD_RESPONSE' }, 'ro2key\'s own credentials refused: never 401/403')
})
