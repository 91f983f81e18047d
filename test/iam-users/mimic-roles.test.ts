import {
  AttachUserPolicyCommand, CreateRoleCommand, DeleteRoleCommand, DeleteUserPolicyCommand, DetachGroupPolicyCommand,
  DetachRolePolicyCommand, GetRoleCommand, PutUserPolicyCommand
} from '@aws-sdk/client-iam'
import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import t from 'tap'
import { MOTO_ACCOUNT } from '../../dev/peers/moto.js'
import { runSweepCommand } from '../../src/grants/sweep-command.js'
import { bearer, mimicPeers, OWN_ROLE_ARN, policyDoc, testClock } from './mimic-helpers.js'

const TABLE = 'ro2key-mimic-roles'
const peers = await mimicPeers(t, TABLE)
const { config, iam, roleOf, managed, federation } = peers
const ROLE_ARN = (user: string) => `arn:aws:iam::${MOTO_ACCOUNT}:role/user-role/user_${user}`
const deps = (now?: () => number) => ({ sts: peers.ownSts, ...(now ? { now } : {}) })

const record = async (user: string) => {
  const out = await peers.dynamodb.send(new GetItemCommand({
    TableName: TABLE, Key: { pk: { S: 'mimic-role' }, sk: { S: user } }, ConsistentRead: true
  }))
  const item = out.Item ?? {}
  return { status: item.status?.S, expires_at: Number(item.expires_at?.N), role_arn: item.role_arn?.S }
}

t.test('GET /me/console: a role with exactly the user\'s and its groups\' policies, trusted by ro2key alone', async (t) => {
  const { app, logs } = await peers.build(t, config, deps())
  const res = await app.inject({ url: '/me/console', headers: bearer('alice') })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  t.same(Object.keys(body).sort(), ['expiration', 'url'])
  t.equal(new URL(body.url).origin + new URL(body.url).pathname, federation.url)

  const role = await roleOf('user_alice')
  t.same(role.managed, [managed.ManagedA, managed.ManagedB].sort(), 'managed: user\'s and group\'s, once each')
  t.same(role.inline, {
    'alice-inline': JSON.parse(policyDoc('ec2:Describe*')),
    'devs_devs-inline': JSON.parse(policyDoc('logs:Get*'))
  }, 'inline: the user\'s under its name, the group\'s as <group>_<policy>')
  t.equal(role.path, '/user-role/')
  t.equal(role.arn, ROLE_ARN('alice'))
  t.equal(role.maxSession, 43200)
  t.same(role.tags, [{ Key: 'ro2key:mimics', Value: 'alice' }])
  t.same(role.trust.Statement, [{ Effect: 'Allow', Principal: { AWS: OWN_ROLE_ARN }, Action: 'sts:AssumeRole' }],
    'the trust policy names ro2key\'s own role (with its path), not the account')

  const login = await fetch(body.url, { redirect: 'manual' })
  t.equal(login.status, 302)
  t.match(federation.logins.at(-1), { arn: `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/user_alice/alice` })
  t.match(logs.audits().map((a) => a.event), ['mimic-role-created', 'mimic-console'])
  t.match((await record('alice')), { status: 'active', role_arn: ROLE_ARN('alice') })

  const redirect = await app.inject({ url: '/me/console?redirect=true&destination=https://console.aws.amazon.com/s3/', headers: bearer('alice') })
  t.equal(redirect.statusCode, 302)
  t.match(redirect.headers.location, /Destination=https%3A%2F%2Fconsole\.aws\.amazon\.com%2Fs3%2F/)
  const bad = await app.inject({ url: '/me/console?destination=https://evil.example/', headers: bearer('alice') })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'RO2KEY_DESTINATION_NOT_ALLOWED')
  const leaked = federation.secrets.filter((s) => logs.text.includes(s))
  t.same(leaked, [], 'no session key, session token or sign-in token in the log')
})

t.test('POST /me/credentials: the /get_key body, reused role, life extended on each use', async (t) => {
  const clock = testClock()
  const { app, logs } = await peers.build(t, config, deps(clock.now))
  const first = await app.inject({ method: 'POST', url: '/me/credentials', headers: bearer('alice') })
  t.equal(first.statusCode, 200, first.body)
  t.equal(first.headers['cache-control'], 'no-store')
  const creds = first.json()
  t.same(Object.keys(creds).sort(), ['AccessKeyId', 'Expiration', 'SecretAccessKey', 'SessionToken', 'Token', 'Version'])
  const who = await peers.stsClient(t, {
    credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken }
  }).send(new GetCallerIdentityCommand({}))
  t.equal(who.Arn, `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/user_alice/alice`, 'the credentials work as the role')

  clock.advance(5000)
  const again = await app.inject({ method: 'POST', url: '/me/credentials', headers: bearer('alice') })
  t.equal(again.statusCode, 200)
  t.notOk(logs.audits().some((a) => a.event === 'mimic-role-created' || a.event === 'mimic-role-copied'),
    'the role made by the first test is reused as it is')
  const { expires_at: expiresAt } = await record('alice')
  t.ok(Math.abs(expiresAt - (clock.now() + 86400)) < 60, 'expires_at = now + MIMIC_ROLE_TTL after the use')
  for (const line of [creds.SecretAccessKey, creds.SessionToken, again.json().SecretAccessKey, 'tok-alice']) {
    t.notOk(logs.text.includes(line), 'no secret or token in the log')
  }
  t.match(logs.audits().at(-1), { event: 'mimic-issued', uid: 'alice', iamUser: 'alice', role: ROLE_ARN('alice'), via: 'me-credentials' })
})

t.test('?recreate=true copies again: new permissions added, removed ones gone', async (t) => {
  const { app, logs } = await peers.build(t, config, deps())
  t.equal((await app.inject({ method: 'POST', url: '/me/credentials', headers: bearer('alice') })).statusCode, 200)
  await iam.send(new DetachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: managed.ManagedB }))
  await iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'alice-inline' }))
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: managed.ManagedC }))
  await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'new-inline', PolicyDocument: policyDoc('sqs:*') }))
  await app.inject({ method: 'POST', url: '/me/credentials', headers: bearer('alice') })
  t.same((await roleOf('user_alice')).managed, [managed.ManagedA, managed.ManagedB].sort(), 'no copy without recreate')

  const res = await app.inject({ method: 'POST', url: '/me/credentials?recreate=true', headers: bearer('alice') })
  t.equal(res.statusCode, 200, res.body)
  const role = await roleOf('user_alice')
  t.same(role.managed, [managed.ManagedA, managed.ManagedC].sort())
  t.same(Object.keys(role.inline).sort(), ['devs_devs-inline', 'new-inline'])
  t.match(logs.audits().find((a) => a.event === 'mimic-role-copied'), { iamUser: 'alice', managed: 2, inline: 2 })
})

t.test('a role of the name that ro2key does not track: reused when tagged for the user, else 409', async (t) => {
  const { app } = await peers.build(t, config, deps())
  await iam.send(new CreateRoleCommand({
    RoleName: 'user_erin', Path: '/user-role/', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}'
  }))
  const taken = await app.inject({ url: '/me/console', headers: bearer('erin') })
  t.equal(taken.statusCode, 409)
  t.match(taken.headers['content-type'], /^application\/problem\+json/)
  t.equal(taken.json().code, 'RO2KEY_MIMIC_ROLE_CONFLICT')
  t.same((await roleOf('user_erin')).tags ?? [], [], 'left alone')

  await iam.send(new CreateRoleCommand({
    RoleName: 'user_dora',
    Path: '/user-role/',
    AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
    Tags: [{ Key: 'ro2key:mimics', Value: 'dora' }]
  }))
  await iam.send(new PutUserPolicyCommand({ UserName: 'dora', PolicyName: 'stale', PolicyDocument: policyDoc('s3:*') }))
  await iam.send(new DeleteUserPolicyCommand({ UserName: 'dora', PolicyName: 'stale' }))
  const reused = await app.inject({ url: '/me/console', headers: bearer('dora') })
  t.equal(reused.statusCode, 200, reused.body)
  const role = await roleOf('user_dora')
  t.same(role.managed, [managed.ManagedC])
  t.same(role.inline, {})
  t.equal(role.trust.Statement[0].Principal.AWS, OWN_ROLE_ARN, 'the reused role trusts ro2key now')
})

t.test('the sweeper deletes roles unused for MIMIC_ROLE_TTL; `sweep` does too; a role already gone is fine', async (t) => {
  const clock = testClock()
  const { app, logs } = await peers.build(t, config, deps(clock.now))
  t.equal((await app.inject({ url: '/me/console', headers: bearer('alice') })).statusCode, 200)
  t.equal((await app.inject({ url: '/me/console', headers: bearer('dora') })).statusCode, 200)
  // the test clock is the real one plus an offset: margins of minutes, not seconds, under a loaded CI
  clock.advance(86400 - 600)
  t.match(await app.sweeper?.run(), { tasks: { mimicRoles: { examined: 0 } } }, 'not yet')
  clock.advance(1200)
  // dora's role is already gone: the sweep still ends its record
  for (const PolicyArn of (await roleOf('user_dora')).managed) {
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'user_dora', PolicyArn: PolicyArn ?? '' }))
  }
  await iam.send(new DeleteRoleCommand({ RoleName: 'user_dora' }))
  t.match(await app.sweeper?.run(), { tasks: { mimicRoles: { examined: 2, ended: 2, failed: 0 } } })
  await t.rejects(iam.send(new GetRoleCommand({ RoleName: 'user_alice' })), { name: 'NoSuchEntity' })
  t.match(await record('alice'), { status: 'deleted' })
  t.same(logs.audits().filter((a) => a.event === 'mimic-role-deleted').map((a) => a.iamUser).sort(), ['alice', 'dora'])
  t.match(await app.sweeper?.run(), { tasks: { mimicRoles: { examined: 0 } } }, 'nothing left')

  const back = await app.inject({ url: '/me/console', headers: bearer('alice') })
  t.equal(back.statusCode, 200, 'the user comes back: the role is made again')
  t.match(await record('alice'), { status: 'active', role_arn: ROLE_ARN('alice') })

  clock.advance(86401)
  const exit = await runSweepCommand(config, { ...deps(clock.now), iam, dynamodb: peers.dynamodb, logger: app.log })
  t.equal(exit, 0, '`node dist/main.js sweep` deletes it as well')
  await t.rejects(iam.send(new GetRoleCommand({ RoleName: 'user_alice' })), { name: 'NoSuchEntity' })
})
