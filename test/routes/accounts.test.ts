import t from 'tap'
import { testConfig } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'
import { callerOf, createRoleIn, credentialsIn, DEV, PROD } from '../helpers/accounts.js'
import { assumeRoleCalls } from '../../dev/peers/moto-calls.js'
import { MOTO_ACCOUNT } from '../../dev/peers/moto.js'

// Several accounts from one ro2key (issue 17): vend in two extra moto accounts and check with
// sts get-caller-identity that the credentials act there.
const { moto, tokeninfo, build, sts, stsClient, iamClient } = await withPeers(t, { roles: ['ReadOnly', 'S3MintReadOnly'] })
const prodIam = iamClient(t, { credentials: await credentialsIn(sts, PROD) })
const devIam = iamClient(t, { credentials: await credentialsIn(sts, DEV) })
await createRoleIn(prodIam, 'S3MintWrite')
await createRoleIn(prodIam, 'ReadOnly')
await createRoleIn(devIam, 'ReadOnly', { path: '/robots/' })

const POLICY = `
accounts:
  prod: arn:aws:iam::${PROD}:role
  dev: arn:aws:iam::${DEV}:role/robots
teams:
  mint:
    roles: [S3MintReadOnly, "prod/S3Mint*", "*/ReadOnly"]
  ops:
    roles: ["dev/*"]
    max_duration: 900
`
tokeninfo.add('tok-mint', { uid: 'robot-mint', team: 'mint' })
tokeninfo.add('tok-ops', { uid: 'robot-ops', team: 'ops' })
const config = testConfig({ TOKENINFO_URL: tokeninfo.url, POLICY })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

t.test('vends in each account; the credentials act there', async (t) => {
  const { app, logs } = await build(t, config)
  const rows = [
    { url: '/get_key/prod/S3MintWrite', token: 'tok-mint', account: PROD, arn: `${PROD}:assumed-role/S3MintWrite/robot-mint` },
    { url: '/get_key/dev/ReadOnly', token: 'tok-mint', account: DEV, arn: `${DEV}:assumed-role/ReadOnly/robot-mint` },
    { url: `/get_key/${DEV}/ReadOnly`, token: 'tok-mint', account: DEV, arn: `${DEV}:assumed-role/ReadOnly/robot-mint` },
    { url: '/get_key/ReadOnly', token: 'tok-mint', account: MOTO_ACCOUNT, arn: `${MOTO_ACCOUNT}:assumed-role/ReadOnly/robot-mint` },
    { url: `/get_key/${MOTO_ACCOUNT}/S3MintReadOnly`, token: 'tok-mint', account: MOTO_ACCOUNT, arn: 'assumed-role/S3MintReadOnly/' },
    { url: '/get_key/dev/ReadOnly', token: 'tok-ops', account: DEV, arn: `${DEV}:assumed-role/ReadOnly/robot-ops` }
  ]
  for (const row of rows) {
    const res = await app.inject({ url: row.url, headers: bearer(row.token) })
    t.equal(res.statusCode, 200, `${row.url} ${res.body}`)
    const body = res.json()
    const as = stsClient(t, { credentials: { accessKeyId: body.AccessKeyId, secretAccessKey: body.SecretAccessKey, sessionToken: body.SessionToken } })
    const caller = await callerOf(as)
    t.equal(caller.account, row.account, `${row.url}: get-caller-identity shows the account`)
    t.ok(caller.arn.includes(row.arn), `${row.url}: ${caller.arn}`)
  }
  const issued = logs.audits().filter((a) => a.event === 'issued')
  t.match(issued[0], { account: 'prod', accountId: PROD, roleArn: `arn:aws:iam::${PROD}:role/S3MintWrite` })
  t.match(issued[1], { account: 'dev', accountId: DEV, roleArn: `arn:aws:iam::${DEV}:role/robots/ReadOnly` })
  t.match(issued[3], { account: undefined, accountId: MOTO_ACCOUNT, roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/ReadOnly` })
  const metrics = (await app.inject({ url: '/metrics' })).body
  t.match(metrics, /role="prod\/S3MintWrite"/, 'metrics carry the account alias')
})

t.test('pattern table: plain = default account, alias/ = that account, */ = every account', async (t) => {
  const { app, logs } = await build(t, config)
  const rows = [
    { desc: 'prod/S3Mint* does not reach the default account', url: '/get_key/S3MintWrite', token: 'tok-mint', status: 403 },
    { desc: 'prod/S3Mint* does not reach dev', url: '/get_key/dev/S3MintWrite', token: 'tok-mint', status: 403 },
    { desc: 'plain S3MintReadOnly is the default account only', url: '/get_key/dev/S3MintReadOnly', token: 'tok-mint', status: 403 },
    { desc: 'dev/* does not reach prod', url: '/get_key/prod/ReadOnly', token: 'tok-ops', status: 403 },
    { desc: 'dev/* does not reach the default account', url: '/get_key/ReadOnly', token: 'tok-ops', status: 403 },
    { desc: 'the team cap holds in another account', url: '/get_key/dev/ReadOnly?duration=3600', token: 'tok-ops', status: 400 }
  ]
  for (const row of rows) {
    const res = await app.inject({ url: row.url, headers: bearer(row.token) })
    t.equal(res.statusCode, row.status, row.desc)
    t.notOk('AccessKeyId' in res.json(), row.desc)
  }
  const refused = await app.inject({ url: '/get_key/dev/S3MintWrite', headers: bearer('tok-mint') })
  t.match(refused.json().detail, /may use role dev\/S3MintWrite/, 'the message names account and role')
  t.match(logs.audits().find((a) => a.event === 'denied' && a.account === 'dev'), { role: 'dev/S3MintWrite', reason: 'role-not-allowed' })
})

t.test('an unlisted account is 404 RO2KEY_UNKNOWN_ACCOUNT, whether or not it exists in AWS', async (t) => {
  const { app, logs } = await build(t, config)
  const before = await assumeRoleCalls(moto)
  const answers = []
  // 333333333333 "exists" in moto (any account does); 999999999999 and staging are simply unlisted
  for (const account of ['333333333333', '999999999999', 'staging']) {
    for (const route of ['get_key', 'console']) {
      const res = await app.inject({ url: `/${route}/${account}/ReadOnly`, headers: bearer('tok-mint') })
      t.equal(res.statusCode, 404, `${route} ${account}`)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      const body = res.json()
      t.equal(body.code, 'RO2KEY_UNKNOWN_ACCOUNT')
      answers.push(JSON.stringify({ ...body, detail: body.detail.replace(account, 'X'), instance: undefined, request_id: undefined }))
    }
  }
  t.equal(new Set(answers).size, 1, 'one answer for every unlisted account')
  t.equal(await assumeRoleCalls(moto), before, 'nothing asked of AWS')
  t.notOk(logs.text.includes('SecretAccessKey'))
  for (const bad of ['Prod', 'a'.repeat(40), '-x', '..']) {
    const res = await app.inject({ url: `/get_key/${bad}/ReadOnly`, headers: bearer('tok-mint') })
    t.ok([400, 404].includes(res.statusCode), `${bad}: ${res.statusCode}`)
  }
  const noToken = await app.inject({ url: '/get_key/staging/ReadOnly' })
  t.equal(noToken.statusCode, 401, 'authentication comes before the account lookup')
})

t.test('the credential cache keys on the full role ARN', async (t) => {
  const { app, logs } = await build(t, config)
  const keys: string[] = []
  for (const url of ['/get_key/ReadOnly', '/get_key/prod/ReadOnly', '/get_key/dev/ReadOnly', '/get_key/prod/ReadOnly']) {
    const res = await app.inject({ url, headers: bearer('tok-mint') })
    t.equal(res.statusCode, 200)
    keys.push(res.json().AccessKeyId)
  }
  t.equal(new Set(keys.slice(0, 3)).size, 3, 'one role name in three accounts: three sessions')
  t.equal(keys[3], keys[1], 'the same account and role again: served from the cache')
  t.same(logs.audits().map((a) => a.cached), [false, false, false, true])
})

t.test('GET /roles lists each role with its account alias and id', async (t) => {
  const { app } = await build(t, config)
  const res = await app.inject({ url: '/roles', headers: bearer('tok-mint') })
  t.equal(res.statusCode, 200)
  const roles = res.json().roles.map((r: any) => `${r.account ?? '-'}:${r.account_id}:${r.role}`).sort()
  t.same(roles, [
    `-:${MOTO_ACCOUNT}:ReadOnly`,
    `-:${MOTO_ACCOUNT}:S3MintReadOnly`,
    `dev:${DEV}:ReadOnly`,
    `prod:${PROD}:ReadOnly`,
    `prod:${PROD}:S3Mint*`
  ])
})
