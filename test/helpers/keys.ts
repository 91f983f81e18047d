import { CreateUserCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { testConfig } from './build.js'
import { withPeers } from './peers.js'

interface Teardown { teardown (fn: () => unknown): void }

/** Teams: mint and ops may use IAM-user self-service, guests may not; users p-<uid> in IAM. */
export const KEYS_POLICY = `
teams:
  mint: { roles: [] }
  ops: { roles: [] }
  guests: { roles: [] }
members: { alice: mint, bob: ops, carol: guests, dave: mint, erin: mint, frank: mint, gina: mint, hal: mint }
members_realm: /services
iam_users: { teams: [mint, ops], name: "p-{uid}" }
`
/** IAM users that exist (dave has none) */
const USERS = ['alice', 'bob', 'carol', 'erin', 'frank', 'gina', 'hal']

export const bearer = (uid: string) => ({ authorization: `Bearer tok-${uid}` })

/** A clock that only sleep() moves (seconds since the epoch), and the waits asked for. */
export function sleepClock (): { now: () => number, sleep: (ms: number) => Promise<void>, waits: number[] } {
  let offset = 0
  const waits: number[] = []
  return {
    now: () => Date.now() / 1000 + offset,
    sleep: async (ms) => { waits.push(ms); offset += ms / 1000 },
    waits
  }
}

/** moto and tokeninfo with the IAM users and one token per uid (tok-<uid>). */
export async function keyPeers (t: Teardown) {
  const uids = [...USERS, 'dave']
  const peers = await withPeers(t, {
    tokens: Object.fromEntries(uids.map((uid) => [`tok-${uid}`, { uid, scope: ['uid'] }]))
  })
  for (const uid of USERS) await peers.iam.send(new CreateUserCommand({ UserName: `p-${uid}`, Path: '/people/' }))
  const config = testConfig({ TOKENINFO_URL: peers.tokeninfo.url, POLICY: KEYS_POLICY, TOKEN_CACHE_TTL: '0' })
  /** moto's own view of a user's keys */
  const keysInIam = async (uid: string): Promise<Array<{ id: string, status: string }>> => {
    const out = await peers.iam.send(new ListAccessKeysCommand({ UserName: `p-${uid}` }))
    return (out.AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId ?? '', status: k.Status ?? '' }))
  }
  /** sts:GetCallerIdentity with a key, at moto */
  const whoIs = async (on: Teardown, accessKeyId: string, secretAccessKey: string): Promise<string | undefined> => {
    const sts = peers.stsClient(on, { credentials: { accessKeyId, secretAccessKey } })
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn
  }
  return { ...peers, config, keysInIam, whoIs }
}

export const userArn = (uid: string) => `arn:aws:iam::123456789012:user/people/p-${uid}`
