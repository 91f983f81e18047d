import {
  AddUserToGroupCommand, AttachGroupPolicyCommand, AttachUserPolicyCommand, CreateGroupCommand, CreatePolicyCommand,
  CreateRoleCommand, CreateUserCommand, GetRoleCommand, GetRolePolicyCommand, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand,
  PutGroupPolicyCommand, PutUserPolicyCommand
} from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { startFederation } from '../../dev/peers/federation.js'
import { MOTO_ACCOUNT } from '../../dev/peers/moto.js'
import { testConfig } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'

interface Teardown { teardown (fn: () => unknown): void }

/** alice and dora have IAM users (people); bob is in people without one; carol is a robot. */
export const MIMIC_POLICY = `
teams:
  people: { roles: [] }
  robots: { roles: [] }
members: { alice: people, bob: people, dora: people, erin: people, carol: robots }
members_realm: /services
iam_users: { teams: [people] }
`

export const policyDoc = (action: string): string => JSON.stringify({
  Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }]
})

const TRUST_ACCOUNT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }]
})

/** ro2key's own role in moto, under a path, so the trust policy must carry the path GetCallerIdentity lacks. */
export const OWN_ROLE_ARN = `arn:aws:iam::${MOTO_ACCOUNT}:role/service/ro2key`

/**
 * moto, tokeninfo, the federation peer; IAM users alice (one managed, one inline, in group devs)
 * and dora; group devs with two managed (one shared with alice) and one inline policy; ro2key
 * running as the role service/ro2key (its STS client uses that role's credentials).
 */
export async function mimicPeers (t: Teardown, table: string) {
  const uids = ['alice', 'bob', 'carol', 'dora', 'erin']
  const peers = await withPeers(t, {
    tokens: Object.fromEntries(uids.map((uid) => [`tok-${uid}`, { uid, scope: ['uid'] }]))
  })
  const { iam } = peers
  const federation = await startFederation({ stsUrl: peers.moto.url })
  t.teardown(async () => { await federation.stop() })
  const managed: Record<string, string> = {}
  for (const name of ['ManagedA', 'ManagedB', 'ManagedC']) {
    const out = await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: policyDoc(`s3:${name}`) }))
    managed[name] = out.Policy?.Arn ?? ''
  }
  for (const user of ['alice', 'dora', 'erin']) await iam.send(new CreateUserCommand({ UserName: user }))
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: managed.ManagedA }))
  await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'alice-inline', PolicyDocument: policyDoc('ec2:Describe*') }))
  await iam.send(new CreateGroupCommand({ GroupName: 'devs' }))
  await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' }))
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: managed.ManagedA }))
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: managed.ManagedB }))
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'devs', PolicyName: 'devs-inline', PolicyDocument: policyDoc('logs:Get*') }))
  await iam.send(new AttachUserPolicyCommand({ UserName: 'dora', PolicyArn: managed.ManagedC }))

  await iam.send(new CreateRoleCommand({
    RoleName: 'ro2key', Path: '/service/', AssumeRolePolicyDocument: TRUST_ACCOUNT
  }))
  const own = await peers.sts.send(new AssumeRoleCommand({ RoleArn: OWN_ROLE_ARN, RoleSessionName: 'ro2key-pod' }))
  const ownSts = new STSClient({
    ...peers.moto.clientConfig,
    credentials: {
      accessKeyId: own.Credentials?.AccessKeyId ?? '',
      secretAccessKey: own.Credentials?.SecretAccessKey ?? '',
      sessionToken: own.Credentials?.SessionToken ?? ''
    }
  })
  t.teardown(() => ownSts.destroy())
  const config = testConfig({
    TOKENINFO_URL: peers.tokeninfo.url,
    FEDERATION_URL: federation.url,
    POLICY: MIMIC_POLICY,
    STORE_TABLE: table,
    STORE_CREATE: 'true',
    SWEEP_INTERVAL: '0',
    TOKEN_CACHE_TTL: '0'
  })
  /** the role as moto has it: managed ARNs, inline name → document, trust, path, tags */
  const roleOf = async (name: string) => {
    const role = (await iam.send(new GetRoleCommand({ RoleName: name }))).Role
    const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))).AttachedPolicies ?? []
    const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames ?? []
    const inline: Record<string, unknown> = {}
    for (const PolicyName of names) {
      const doc = (await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName }))).PolicyDocument ?? ''
      inline[PolicyName] = JSON.parse(decodeURIComponent(doc))
    }
    return {
      managed: attached.map((p) => p.PolicyArn).sort(),
      inline,
      trust: JSON.parse(decodeURIComponent(role?.AssumeRolePolicyDocument ?? '{}')),
      path: role?.Path,
      arn: role?.Arn,
      maxSession: role?.MaxSessionDuration,
      tags: role?.Tags
    }
  }
  return { ...peers, federation, managed, config, ownSts, roleOf }
}

export const bearer = (uid: string) => ({ authorization: `Bearer tok-${uid}` })

/** A clock the test moves: seconds since the epoch. */
export function testClock (): { now: () => number, advance: (seconds: number) => void } {
  let offset = 0
  return { now: () => Date.now() / 1000 + offset, advance: (seconds) => { offset += seconds } }
}
