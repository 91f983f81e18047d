import { CreateUserCommand } from '@aws-sdk/client-iam'
import t from 'tap'
import type { Principal } from '../../src/auth/principal.js'
import { AppError } from '../../src/errors.js'
import { callerUserName, iamUserOf, resolveCaller } from '../../src/iam-users/caller.js'
import { buildPolicy } from '../../src/policy/policy-file.js'
import { withPeers } from '../helpers/peers.js'

const policy = buildPolicy({
  teams: { mint: { roles: [] }, ops: { roles: [] } },
  members: { alice: 'mint', bob: 'ops', ghost: 'mint', 'we ird': 'mint' },
  members_realm: '/services',
  iam_users: { teams: ['mint'], name: 'p-{uid}' }
}, 'test')
const noIamUsers = buildPolicy({ teams: { mint: { roles: [] } }, members: { alice: 'mint' } }, 'test')
const who = (uid: string): Principal => ({
  source: 'tokeninfo', uid, realm: '/services', scopes: [], teams: [], expiresAt: undefined
})

const codeOf = (fn: () => unknown): string | undefined => {
  try { fn() } catch (err) { return err instanceof AppError ? `${err.statusCode} ${err.code}` : 'other' }
  return undefined
}

t.test('callerUserName: the name from iam_users, 403 outside its teams, 404 without the section', async (t) => {
  t.equal(iamUserOf(who('alice'), policy), 'p-alice')
  t.equal(callerUserName(who('alice'), policy), 'p-alice')
  t.equal(codeOf(() => callerUserName(who('bob'), policy)), '403 RO2KEY_IAM_USERS_FORBIDDEN')
  t.equal(codeOf(() => callerUserName(who('nobody'), policy)), '403 RO2KEY_IAM_USERS_FORBIDDEN')
  t.equal(codeOf(() => callerUserName(who('alice'), noIamUsers)), '404 RO2KEY_NO_IAM_USER')
  t.equal(codeOf(() => callerUserName(who('we ird'), policy)), '404 RO2KEY_NO_IAM_USER')
})

t.test('resolveCaller: GetUser in moto; a user IAM does not have is 404', async (t) => {
  const peers = await withPeers(t)
  await peers.iam.send(new CreateUserCommand({ UserName: 'p-alice', Path: '/people/' }))
  const caller = await resolveCaller(who('alice'), policy, peers.iam)
  t.same(caller, {
    principal: who('alice'),
    userName: 'p-alice',
    userArn: 'arn:aws:iam::123456789012:user/people/p-alice',
    userPath: '/people/'
  })
  await t.rejects(resolveCaller(who('ghost'), policy, peers.iam), { code: 'RO2KEY_NO_IAM_USER', statusCode: 404 })
  await t.rejects(resolveCaller(who('bob'), policy, peers.iam), { code: 'RO2KEY_IAM_USERS_FORBIDDEN' })
})
