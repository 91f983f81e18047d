import t from 'tap'
import type { Principal } from '../../src/auth/principal.js'
import { decide, durationCap } from '../../src/policy/decide.js'
import { buildPolicy } from '../../src/policy/policy-file.js'

const ARN = 'arn:aws:iam::123456789012:role'
const policy = buildPolicy({
  teams: {
    mint: { roles: ['S3MintReadOnly', 'S3Mint*'], max_duration: 3600 },
    billing: { roles: ['Billing*', 'Shared'] },
    short: { roles: ['Short', 'Shared'], max_duration: 1800 },
    ops: { roles: ['*'], max_duration: 7200 }
  },
  members: { 'stups_mint-sync': 'mint', 'robot-x': ['mint', 'billing'], 'robot-s': 'short' },
  members_realm: '/services'
}, 'table')

function who (uid: string, teams: string[] = []): Principal {
  return { source: 'tokeninfo', uid, realm: '/services', scopes: [], teams, expiresAt: undefined }
}

const table = [
  { desc: 'member of the policy, exact role', p: who('stups_mint-sync'), role: 'S3MintReadOnly', want: { allowed: true, duration: 3600, teams: ['mint'], sessionName: 'stups_mint-sync' } },
  { desc: 'wildcard suffix matches', p: who('stups_mint-sync'), role: 'S3MintWriter', want: { allowed: true } },
  { desc: 'wildcard does not match a different prefix', p: who('stups_mint-sync'), role: 'S3Mon', want: { allowed: false, reason: 'role-not-allowed' } },
  { desc: 'pattern is anchored at both ends', p: who('stups_mint-sync'), role: 'XS3MintReadOnly', want: { allowed: false, reason: 'role-not-allowed' } },
  { desc: 'dot in a role name is literal in patterns', p: who('a', ['billing']), role: 'Billing.x', want: { allowed: true } },
  { desc: 'team from the token claim', p: who('someone', ['billing']), role: 'BillingReports', want: { allowed: true, teams: ['billing'] } },
  { desc: 'claim and membership are united', p: who('stups_mint-sync', ['billing']), role: 'BillingReports', want: { allowed: true } },
  { desc: 'several teams from membership', p: who('robot-x'), role: 'BillingReports', want: { allowed: true, teams: ['billing'] } },
  { desc: 'no team at all', p: who('nobody'), role: 'S3MintReadOnly', want: { allowed: false, reason: 'no-team' } },
  { desc: 'unknown team in the claim grants nothing', p: who('x', ['ghosts']), role: 'S3MintReadOnly', want: { allowed: false, reason: 'role-not-allowed', teams: ['ghosts'] } },
  { desc: 'duration at the cap', p: who('stups_mint-sync'), role: 'S3MintReadOnly', duration: 3600, want: { allowed: true, duration: 3600 } },
  { desc: 'duration above the cap', p: who('stups_mint-sync'), role: 'S3MintReadOnly', duration: 3601, want: { allowed: false, reason: 'duration-above-cap', cap: 3600 } },
  { desc: 'no cap: up to the STS maximum', p: who('a', ['billing']), role: 'BillingX', duration: 43200, want: { allowed: true, duration: 43200 } },
  { desc: 'default shrinks to a lower cap', p: who('robot-s'), role: 'Short', want: { allowed: true, duration: 1800 } },
  { desc: 'most generous granting team sets the cap', p: who('a', ['short', 'billing']), role: 'Shared', duration: 7200, want: { allowed: true, duration: 7200, teams: ['short', 'billing'] } },
  { desc: 'a capped and an uncapped team: no cap', p: who('a', ['ops', 'billing']), role: 'BillingX', duration: 10000, want: { allowed: true, duration: 10000 } },
  { desc: 'two capped teams: the higher cap', p: who('a', ['ops', 'mint']), role: 'S3MintReadOnly', duration: 7200, want: { allowed: true, duration: 7200 } },
  { desc: 'non-granting teams do not raise the cap', p: who('robot-x'), role: 'S3MintReadOnly', duration: 7200, want: { allowed: false, reason: 'duration-above-cap', cap: 3600 } }
]

// tagTeams: the teams the role's IAM tag (ROLE_TEAMS_TAG) lists
const tagTable = [
  { desc: 'tag grants a team the file does not', p: who('a', ['ghosts']), role: 'Tagged', tagTeams: ['ghosts'], want: { allowed: true, teams: ['ghosts'], duration: 3600 } },
  { desc: 'tag lists other teams only', p: who('a', ['ghosts']), role: 'Tagged', tagTeams: ['mint', 'ops'], want: { allowed: false, reason: 'role-not-allowed', teams: ['ghosts'] } },
  { desc: 'empty tag (untagged or nonexistent role)', p: who('a', ['ghosts']), role: 'Tagged', tagTeams: [], want: { allowed: false, reason: 'role-not-allowed' } },
  { desc: 'tag grant via policy membership', p: who('robot-s'), role: 'Tagged', tagTeams: ['short'], want: { allowed: true, teams: ['short'], duration: 1800 } },
  { desc: 'team granted by tag keeps its file cap', p: who('stups_mint-sync'), role: 'Tagged', tagTeams: ['mint'], duration: 7200, want: { allowed: false, reason: 'duration-above-cap', cap: 3600 } },
  { desc: 'team unknown to the file: no cap', p: who('a', ['ghosts']), role: 'Tagged', tagTeams: ['ghosts'], duration: 43200, want: { allowed: true, duration: 43200 } },
  { desc: 'file and tag both grant: united, most generous cap', p: who('a', ['mint', 'billing']), role: 'S3MintReadOnly', tagTeams: ['billing'], duration: 7200, want: { allowed: true, teams: ['mint', 'billing'], duration: 7200 } },
  { desc: 'tag cannot help a caller without teams', p: who('nobody'), role: 'Tagged', tagTeams: ['mint'], want: { allowed: false, reason: 'no-team' } },
  { desc: 'tag team names are exact (case-sensitive)', p: who('a', ['Mint']), role: 'Tagged', tagTeams: ['mint'], want: { allowed: false, reason: 'role-not-allowed' } }
]

for (const row of [...table.map((r) => ({ ...r, tagTeams: undefined })), ...tagTable]) {
  t.test(row.desc, async (t) => {
    const got = decide(row.p, { roleName: row.role, duration: row.duration }, policy, ARN, row.tagTeams)
    t.match(got, row.want)
    if (got.allowed) t.equal(got.roleArn, `${ARN}/${row.role}`)
  })
}

t.test('durationCap: the most generous granting team; any uncapped team means no cap', async (t) => {
  t.equal(durationCap(['mint'], policy), 3600)
  t.equal(durationCap(['mint', 'short', 'ops'], policy), 7200)
  t.equal(durationCap(['mint', 'billing'], policy), undefined)
  t.equal(durationCap(['no-such-team'], policy), undefined, 'an unknown team has no cap (tag-granted)')
})

t.test('issue 20: a plain members entry does not reach another realm or source', async (t) => {
  const employee: Principal = { ...who('robot-x'), realm: '/employees' }
  t.match(decide(employee, { roleName: 'S3MintReadOnly', duration: undefined }, policy, ARN), { allowed: false, reason: 'no-team' })
  t.match(decide(who('robot-x'), { roleName: 'S3MintReadOnly', duration: undefined }, policy, ARN), { allowed: true })
})
