// The demo's IAM user (docs/mimic-roles.md, docs for /keys): hana signs in to the console as a role that
// mimics her IAM user, and lists her own access keys.
import { randomUUID } from 'node:crypto'
import {
  AddUserToGroupCommand, AttachUserPolicyCommand, CreateGroupCommand, CreatePolicyCommand, CreateUserCommand,
  PutGroupPolicyCommand, type IAMClient
} from '@aws-sdk/client-iam'
import type { FederationPeer } from '../dev/peers/federation.js'
import type { TokeninfoPeer } from '../dev/peers/tokeninfo.js'

export const IAM_USER = 'hana'
/** Lines for the demo's policy file: a team of people with IAM users, hana in it. */
export const IAM_USER_POLICY = {
  team: '  people: { roles: [] }\n',
  member: `  ${IAM_USER}: people\n`,
  section: 'iam_users: { teams: [people] }\n'
}

const allow = (action: string): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] })

/** hana in moto's IAM: one managed policy of her own, in group developers (with an inline policy). */
export async function createIamUser (iam: IAMClient): Promise<void> {
  const policy = await iam.send(new CreatePolicyCommand({ PolicyName: 'DemoS3Read', PolicyDocument: allow('s3:Get*') }))
  await iam.send(new CreateUserCommand({ UserName: IAM_USER }))
  await iam.send(new AttachUserPolicyCommand({ UserName: IAM_USER, PolicyArn: policy.Policy?.Arn ?? '' }))
  await iam.send(new CreateGroupCommand({ GroupName: 'developers' }))
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'developers', PolicyName: 'logs', PolicyDocument: allow('logs:Get*') }))
  await iam.send(new AddUserToGroupCommand({ GroupName: 'developers', UserName: IAM_USER }))
}

async function getJson (url: string, token: string, init: RequestInit = {}): Promise<Record<string, any>> {
  const res = await fetch(url, { ...init, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } })
  const body = await res.json() as Record<string, any>
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname}: ${res.status} ${JSON.stringify(body)}`)
  return body
}

/** GET /me/console and GET /keys as hana; returns the lines to try by hand. */
export async function demoIamUser (
  url: string, tokeninfo: TokeninfoPeer, federation: FederationPeer, step: (msg: string) => void
): Promise<string[]> {
  const token = `demo-user-${randomUUID()}`
  tokeninfo.add(token, { uid: IAM_USER, expiresIn: 86400 })
  step(`GET /me/console as ${IAM_USER}: ro2key makes the role user_${IAM_USER} with a copy of her IAM permissions`)
  const signIn = await getJson(`${url}/me/console`, token)
  const login = await fetch(signIn.url, { redirect: 'manual' })
  const arn = federation.logins.at(-1)?.arn ?? ''
  if (login.status !== 302 || !arn.endsWith(`:assumed-role/user_${IAM_USER}/${IAM_USER}`)) {
    throw new Error(`console sign-in as ${IAM_USER} failed (${login.status}, ${arn})`)
  }
  console.log(`login URL ${new URL(signIn.url).origin}/…  (a secret: whoever opens it is signed in)`)
  console.log(`console session as ${arn} until ${signIn.expiration}`)
  step(`GET /keys as ${IAM_USER}: her own access keys`)
  const keys = await getJson(`${url}/keys`, token)
  console.log(JSON.stringify(keys))
  return [
    `export USER_TOKEN=${token}   # ${IAM_USER}, an IAM user`,
    'curl -H "Authorization: Bearer $USER_TOKEN" "$RO2KEY_URL/me/console"',
    'curl -X POST -H "Authorization: Bearer $USER_TOKEN" "$RO2KEY_URL/me/credentials"',
    'curl -H "Authorization: Bearer $USER_TOKEN" "$RO2KEY_URL/keys"'
  ]
}
