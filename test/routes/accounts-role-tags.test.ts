import t from 'tap'
import type { IAMClient } from '@aws-sdk/client-iam'
import { testConfig } from '../helpers/build.js'
import { countingIam } from '../helpers/counting-iam.js'
import { withPeers } from '../helpers/peers.js'
import { callerOf, createRoleIn, credentialsIn, DEV, PROD } from '../helpers/accounts.js'
import { assumeRoleCalls } from '../../dev/peers/moto-calls.js'
import type { IamWith } from '../../src/services-accounts.js'

// Role tags in other accounts (issue 17): IAM is per account, so ro2key reads a role's tags there
// with the credentials of ROLE_TAGS_READER_ROLE, assumed in that account.
const TAG = 'ro2key:teams'
const READER = 'ro2key-role-tags-reader'
const { moto, tokeninfo, build, sts, stsClient, iamClient } = await withPeers(t, { roles: ['HomeTagged'] })
const prodIam = iamClient(t, { credentials: await credentialsIn(sts, PROD) })
const devIam = iamClient(t, { credentials: await credentialsIn(sts, DEV) })
await createRoleIn(prodIam, 'ProdTagged', { tags: [{ Key: TAG, Value: 'ops' }] })
await createRoleIn(prodIam, 'ProdUntagged')
await createRoleIn(devIam, 'DevTagged', { path: '/robots/', tags: [{ Key: TAG, Value: 'ops mint' }] })

const POLICY = `
accounts:
  prod: arn:aws:iam::${PROD}:role
  dev: arn:aws:iam::${DEV}:role/robots
teams:
  ops: { roles: [] }
`
tokeninfo.add('tok-ops', { uid: 'robot-ops', team: 'ops' })
const bearer = { authorization: 'Bearer tok-ops' }
const env = { TOKENINFO_URL: tokeninfo.url, POLICY, ROLE_TEAMS_TAG: TAG }

/** IAM clients at moto signing with the reader's credentials; each records its calls and the account it acts in. */
function readerIams (t: Parameters<typeof iamClient>[0]): { iamWith: IamWith, made: Array<{ client: IAMClient, calls: string[] }> } {
  const made: Array<{ client: IAMClient, calls: string[] }> = []
  const iamWith: IamWith = (credentials) => {
    const client = iamClient(t, { credentials })
    const counted = countingIam(client)
    made.push({ client, calls: counted.calls })
    return counted
  }
  return { iamWith, made }
}

t.test('with ROLE_TAGS_READER_ROLE a tag in another account grants the role there', async (t) => {
  const { iamWith, made } = readerIams(t)
  const { app } = await build(t, testConfig({ ...env, ROLE_TAGS_READER_ROLE: READER }), { iamWith })
  const readerBefore = await assumeRoleCalls(moto, 'ro2key-role-tags')

  const ok = await app.inject({ url: '/get_key/prod/ProdTagged', headers: bearer })
  t.equal(ok.statusCode, 200, ok.body)
  const body = ok.json()
  const as = stsClient(t, { credentials: { accessKeyId: body.AccessKeyId, secretAccessKey: body.SecretAccessKey, sessionToken: body.SessionToken } })
  t.equal((await callerOf(as)).account, PROD)

  const dev = await app.inject({ url: '/get_key/dev/DevTagged', headers: bearer })
  t.equal(dev.statusCode, 200, 'a tagged role under the account\'s path')
  t.equal((await app.inject({ url: '/get_key/prod/ProdUntagged', headers: bearer })).statusCode, 403)
  t.equal((await app.inject({ url: '/get_key/prod/DevTagged', headers: bearer })).statusCode, 403, 'a tag in dev grants nothing in prod')
  t.equal((await app.inject({ url: '/get_key/HomeTagged', headers: bearer })).statusCode, 403, 'untagged at home')

  t.equal(made.length, 2, 'one IAM client per account')
  t.ok(made.every((m) => m.calls.includes('GetRoleCommand')))
  t.equal(await assumeRoleCalls(moto, 'ro2key-role-tags') - readerBefore, 2, 'the reader role assumed once per account')
  await app.inject({ url: '/get_key/prod/ProdUntagged', headers: bearer })
  t.equal(await assumeRoleCalls(moto, 'ro2key-role-tags') - readerBefore, 2, 'its credentials are reused')

  const roles = (await app.inject({ url: '/roles', headers: bearer })).json().roles
  t.same(roles.filter((r: any) => r.source === 'tag').map((r: any) => `${r.account}:${r.account_id}:${r.role}`).sort(),
    [`dev:${DEV}:DevTagged`, `prod:${PROD}:ProdTagged`], '/roles lists tagged roles in every account')
})

t.test('without ROLE_TAGS_READER_ROLE tags are read at home only, and the refusal says why', async (t) => {
  const { iamWith, made } = readerIams(t)
  const { app, logs } = await build(t, testConfig(env), { iamWith })
  const res = await app.inject({ url: '/get_key/prod/ProdTagged', headers: bearer })
  t.equal(res.statusCode, 403)
  t.match(res.json(), { code: 'RO2KEY_ROLE_NOT_ALLOWED', detail: /ROLE_TAGS_READER_ROLE is not set/ })
  t.equal(made.length, 0, 'no IAM client for another account')
  t.notOk(logs.text.includes('SecretAccessKey'))
})

t.test('a reader role ro2key may not assume: a problem answer that names the reader role, never a 500', async (t) => {
  const { iamWith } = readerIams(t)
  // STS refuses the reader session only, as AWS does when the reader role does not trust ro2key
  const refusing = {
    send: async (command: any, options?: any) => {
      if (command.input?.RoleSessionName === 'ro2key-role-tags') {
        throw Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
      }
      return await sts.send(command, options)
    }
  }
  const { app, logs } = await build(t, testConfig({ ...env, ROLE_TAGS_READER_ROLE: READER }), { iamWith, sts: refusing as never })
  const res = await app.inject({ url: '/get_key/prod/ProdTagged', headers: bearer })
  t.equal(res.statusCode, 502, res.body)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), { code: 'RO2KEY_UPSTREAM_BAD_RESPONSE', detail: /may not assume its role-tags reader role in account prod/ })
  t.ok(res.headers['retry-after'], 'Retry-After')
  t.notOk('AccessKeyId' in res.json())
  t.notOk(logs.text.includes('SecretAccessKey'))
})
