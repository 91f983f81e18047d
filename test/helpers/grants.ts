import {
  AddUserToGroupCommand, CreateGroupCommand, CreateUserCommand, GetGroupCommand, RemoveUserFromGroupCommand
} from '@aws-sdk/client-iam'
import { testConfig } from './build.js'
import { withPeers } from './peers.js'

interface Teardown { teardown (fn: () => unknown): void }

/** Teams: mint (no approval), ops (leads approve), leads; IAM users for mint and ops. */
export const GRANTS_POLICY = `
teams:
  mint:
    roles: [S3MintReadOnly]
    eligible: { roles: [S3MintAdmin], groups: [mint-operators], max_grant: 3600 }
  ops:
    roles: []
    eligible: { roles: [S3MintAdmin], groups: [mint-operators], max_grant: 3600, approvers: [leads] }
  leads:
    roles: []
members: { alice: mint, bob: ops, carol: leads, dave: mint, erin: [ops, leads] }
members_realm: /services
iam_users: { teams: [mint, ops] }
`

export const GROUP = 'mint-operators'

/** A clock the test moves: seconds since the epoch. */
export function testClock (): { now: () => number, advance: (seconds: number) => void } {
  let offset = 0
  return { now: () => Date.now() / 1000 + offset, advance: (seconds) => { offset += seconds } }
}

/** Peers with the grant roles, IAM users, the group and one token per user (tok-<uid>). */
export async function grantPeers (t: Teardown, table: string) {
  const users = ['alice', 'bob', 'carol', 'dave', 'erin']
  const peers = await withPeers(t, {
    roles: ['S3MintReadOnly', 'S3MintAdmin'],
    tokens: Object.fromEntries(users.map((uid) => [`tok-${uid}`, { uid, scope: ['uid'] }]))
  })
  for (const user of users) await peers.iam.send(new CreateUserCommand({ UserName: user }))
  await peers.iam.send(new CreateGroupCommand({ GroupName: GROUP }))
  const config = testConfig({
    TOKENINFO_URL: peers.tokeninfo.url,
    POLICY: GRANTS_POLICY,
    STORE_TABLE: table,
    STORE_CREATE: 'true',
    SWEEP_INTERVAL: '0',
    TOKEN_CACHE_TTL: '0'
  })
  const members = async (): Promise<string[]> => {
    const out = await peers.iam.send(new GetGroupCommand({ GroupName: GROUP }))
    return (out.Users ?? []).map((u) => u.UserName ?? '').sort()
  }
  const addMember = async (user: string): Promise<void> => {
    await peers.iam.send(new AddUserToGroupCommand({ UserName: user, GroupName: GROUP }))
  }
  const removeMember = async (user: string): Promise<void> => {
    await peers.iam.send(new RemoveUserFromGroupCommand({ UserName: user, GroupName: GROUP }))
  }
  return { ...peers, config, members, addMember, removeMember }
}

export const bearer = (uid: string) => ({ authorization: `Bearer tok-${uid}` })
