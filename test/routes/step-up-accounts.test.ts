import t from 'tap'
import { testConfig } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'
import { createRoleIn, credentialsIn, PROD } from '../helpers/accounts.js'
import { MOTO_ACCOUNT } from '../../dev/peers/moto.js'

// Issue 17 x 16: require_mfa.roles name an account like teams.X.roles. `prod/AdminRole` needs MFA
// in prod only; the default account's AdminRole is vended on a password sign-in.
const { tokeninfo, build, sts, iamClient } = await withPeers(t, { roles: ['AdminRole'] })
const prodIam = iamClient(t, { credentials: await credentialsIn(sts, PROD) })
await createRoleIn(prodIam, 'AdminRole')

const POLICY = `
accounts:
  prod: arn:aws:iam::${PROD}:role
teams:
  admins:
    roles: ["*/AdminRole"]
    require_mfa:
      roles: ["prod/AdminRole"]
`
tokeninfo.add('tok-pwd', { uid: 'alice', team: 'admins', amr: ['pwd'] })
tokeninfo.add('tok-mfa', { uid: 'alice', team: 'admins', amr: ['pwd', 'otp'] })
const config = testConfig({ TOKENINFO_URL: tokeninfo.url, POLICY })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

t.test('prod/AdminRole needs MFA; the default account\'s AdminRole does not', async (t) => {
  const { app, logs } = await build(t, config)
  const prodPwd = await app.inject({ url: '/get_key/prod/AdminRole', headers: bearer('tok-pwd') })
  t.equal(prodPwd.statusCode, 401, prodPwd.body)
  t.equal(prodPwd.json().code, 'RO2KEY_STEP_UP_REQUIRED')
  t.match(prodPwd.headers['www-authenticate'], /error="insufficient_user_authentication"/)
  t.notOk('AccessKeyId' in prodPwd.json(), 'no credential on the 401')
  t.match(logs.audits().find((a) => a.event === 'denied'), { reason: 'step-up-required', stepUp: 'amr-not-accepted' })

  const homePwd = await app.inject({ url: '/get_key/AdminRole', headers: bearer('tok-pwd') })
  t.equal(homePwd.statusCode, 200, 'default account without MFA: 200')
  t.ok(homePwd.json().AccessKeyId, 'credentials for the default account')

  const prodMfa = await app.inject({ url: '/get_key/prod/AdminRole', headers: bearer('tok-mfa') })
  t.equal(prodMfa.statusCode, 200, 'prod with MFA: 200')
  t.match(logs.audits().filter((a) => a.event === 'issued'), [{ accountId: MOTO_ACCOUNT }, { account: 'prod', accountId: PROD }])
})

t.test('/roles marks only the prod grant as needing MFA', async (t) => {
  const { app } = await build(t, config)
  const res = await app.inject({ url: '/roles', headers: bearer('tok-pwd') })
  t.equal(res.statusCode, 200, res.body)
  const roles = res.json().roles as Array<{ role: string, account: string | null, require_mfa?: boolean, mfa_satisfied?: boolean }>
  t.match(roles.find((r) => r.account === 'prod'), { role: 'AdminRole', require_mfa: true, mfa_satisfied: false })
  const home = roles.find((r) => r.account === null)
  t.equal(home?.role, 'AdminRole', 'the default account\'s grant is listed')
  t.equal(home?.require_mfa, undefined, 'and not marked')
})
