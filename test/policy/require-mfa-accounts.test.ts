import t from 'tap'
import { policyRequirements } from '../../src/policy/auth-strength.js'
import { buildPolicy } from '../../src/policy/policy-file.js'

// Issue 17: require_mfa.roles are account-aware like teams.X.roles; eligible.roles are not (yet).
const POLICY = {
  accounts: { prod: 'arn:aws:iam::222222222222:role', dev: 'arn:aws:iam::333333333333:role' },
  teams: {
    admins: {
      roles: ['AdminRole', 'prod/AdminRole', 'dev/AdminRole', '*/ReadOnly', 'prod/Db*'],
      require_mfa: { roles: ['prod/AdminRole', '*/ReadOnly', 'prod/Db*'] }
    },
    ops: { roles: ['*/AdminRole'], require_mfa: { roles: ['AdminRole'] } }
  }
}
const DEFAULT = { alias: undefined, isDefault: true }
const PROD = { alias: 'prod', isDefault: false }
const DEV = { alias: 'dev', isDefault: false }

t.test('policyRequirements: plain = ARN_PREFIX account, alias/ = that account, */ = every account', async (t) => {
  const policy = buildPolicy(POLICY, 'p')
  const rows = [
    { role: 'AdminRole', teams: ['admins'], account: PROD, count: 1, desc: 'prod/AdminRole covers prod' },
    { role: 'AdminRole', teams: ['admins'], account: DEFAULT, count: 0, desc: 'prod/AdminRole does not cover the default' },
    { role: 'AdminRole', teams: ['admins'], account: DEV, count: 0, desc: 'prod/AdminRole does not cover dev' },
    { role: 'ReadOnly', teams: ['admins'], account: DEFAULT, count: 1, desc: '*/ReadOnly covers the default' },
    { role: 'ReadOnly', teams: ['admins'], account: DEV, count: 1, desc: '*/ReadOnly covers dev' },
    { role: 'DbWriter', teams: ['admins'], account: PROD, count: 1, desc: 'prod/Db* pattern in prod' },
    { role: 'DbWriter', teams: ['admins'], account: DEFAULT, count: 0, desc: 'prod/Db* not in the default' },
    { role: 'AdminRole', teams: ['ops'], account: DEFAULT, count: 1, desc: 'plain AdminRole covers the default' },
    { role: 'AdminRole', teams: ['ops'], account: PROD, count: 0, desc: 'plain AdminRole does not cover prod' },
    { role: 'AdminRole', teams: ['admins', 'ops'], account: PROD, count: 1, desc: 'only admins\' entry in prod' },
    { role: 'AdminRole', teams: ['admins', 'ops'], account: DEFAULT, count: 1, desc: 'only ops\' entry in the default' }
  ]
  for (const row of rows) {
    t.equal(policyRequirements(row.role, row.teams, policy, row.account).length, row.count, row.desc)
  }
  t.equal(policyRequirements('AdminRole', ['ops'], policy).length, 1, 'no account given: the default')
})

const refusal = (doc: unknown): string => {
  try {
    buildPolicy(doc, 'p')
    return 'accepted'
  } catch (err) {
    return (err as Error).message
  }
}

t.test('require_mfa.roles: an undefined alias or a bad pattern is a boot error', async (t) => {
  const team = (roles: unknown) => ({ accounts: POLICY.accounts, teams: { a: { roles: ['X'], require_mfa: { roles } } } })
  t.match(refusal(team(['stage/AdminRole'])), /teams\.a\.require_mfa\.roles: account "stage" is not defined under accounts/)
  t.match(refusal(team(['Bad Name/X'])), /require_mfa\.roles must be a list of role names or patterns/)
  t.match(refusal(team(['a/b/c'])), /require_mfa\.roles must be a list/)
  t.equal(refusal(team(['prod/AdminRole', '*/ReadOnly', 'Admin*'])), 'accepted')
  t.match(refusal({ teams: { a: { roles: ['X'], require_mfa: { roles: ['prod/X'] } } } }), /account "prod" is not defined/,
    'no accounts section at all')
})

t.test('eligible.roles: alias/ and */ are refused at boot (grants are ARN_PREFIX\'s account only)', async (t) => {
  const team = (roles: string[]) => ({ accounts: POLICY.accounts, teams: { a: { roles: ['X'], eligible: { roles, max_grant: 900 } } } })
  const message = /teams\.a\.eligible\.roles: prod\/AdminRole: eligible roles are in the ARN_PREFIX account; cross-account grants are not supported yet/
  t.match(refusal(team(['prod/AdminRole'])), message)
  t.match(refusal(team(['*/ReadOnly'])), /\*\/ReadOnly: eligible roles are in the ARN_PREFIX account; cross-account/)
  t.notMatch(refusal(team(['*/ReadOnly'])), /must be a list of role names/, 'one clear message, not two')
  t.equal(refusal(team(['AdminRole'])), 'accepted', 'a plain role is fine')
})
