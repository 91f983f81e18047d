import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/index.js'
import { buildAccounts, parseAccounts } from '../../src/policy/accounts.js'
import { loadPolicyFile } from '../../src/policy/policy-file.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const HOME = 'arn:aws:iam::123456789012:role'
const base = { ARN_PREFIX: HOME, TOKENINFO_URL: 'https://tokeninfo.example.org/oauth2/tokeninfo' }

t.test('boot errors name the line of the accounts entry', async (t) => {
  const path = join(mkdtempSync(join(tmpdir(), 'ro2key-accounts-')), 'policy.yaml')
  writeFileSync(path, [
    'accounts:',
    '  prod: arn:aws:iam::111111111111:role', // line 2
    '  prod2: arn:aws:iam::111111111111:role', // line 3: second alias of one prefix
    '  "123456789012": arn:aws:iam::222222222222:role', // line 4: looks like an id
    '  Bad_Alias: arn:aws:iam::333333333333:role', // line 5
    '  trailing: arn:aws:iam::444444444444:role/', // line 6
    'teams:',
    '  mint:',
    '    roles: ["staging/Role", "prod/S3Mint*"]' // line 9: undefined alias
  ].join('\n'))
  const err = t.throws(() => loadPolicyFile(path)) as Error
  t.match(err.message, /accounts\.prod2: arn:aws:iam::111111111111:role already has the alias prod \(line 3\)/)
  t.match(err.message, /accounts\.123456789012: an alias must not look like an account id \(line 4\)/)
  t.match(err.message, /accounts\.Bad_Alias: an alias is 1-32[^;]*\(line 5\)/)
  t.match(err.message, /accounts\.trailing must be a role ARN prefix[^;]*\(line 6\)/)
  t.match(err.message, /teams\.mint\.roles: account "staging" is not defined under accounts \(line 9\)/)
  t.notMatch(err.message, /accounts\.prod:/, 'the good entry is not blamed')
})

t.test('another partition than ARN_PREFIX\'s is a boot error unless other_partition says it is deliberate', async (t) => {
  const policy = (entry: string): string => `{ accounts: { gov: ${entry} }, teams: { a: { roles: ["gov/R"] } } }`
  const err = t.throws(() => loadConfig({ ...base, POLICY: policy('"arn:aws-us-gov:iam::111111111111:role"') })) as ConfigError
  t.type(err, ConfigError)
  t.match(err.message, /POLICY: accounts\.gov: arn:aws-us-gov:iam::111111111111:role is in partition aws-us-gov, ARN_PREFIX in aws; add other_partition: true/)
  const config = loadConfig({ ...base, POLICY: policy('{ arn_prefix: "arn:aws-us-gov:iam::111111111111:role", other_partition: true }') })
  t.match(config.accounts.resolve('gov'), { partition: 'aws-us-gov', id: '111111111111', isDefault: false })
  t.throws(() => loadConfig({ ...base, POLICY: policy('{ arn_prefix: "arn:aws:iam::111111111111:role", other: 1 }') }),
    /accounts\.gov\.other is not a known key/)
  t.throws(() => loadConfig({ ...base, ROLE_TAGS_READER_ROLE: 'bad name', POLICY: 'teams: {}' }), /ROLE_TAGS_READER_ROLE must be a role name/)
})

t.test('resolving the account segment', async (t) => {
  const problems: string[] = []
  const entries = parseAccounts({
    home: HOME,
    prod: 'arn:aws:iam::111111111111:role',
    robots: 'arn:aws:iam::111111111111:role/robots'
  }, problems)
  const accounts = buildAccounts(HOME, entries, problems)
  t.same(problems, [])
  t.match(accounts.default, { alias: 'home', id: '123456789012', isDefault: true }, 'an alias for ARN_PREFIX names the default')
  t.same(accounts.all.map((a) => a.alias), ['home', 'prod', 'robots'], 'each prefix once, the default first')
  t.equal(accounts.resolve('prod')?.prefix, 'arn:aws:iam::111111111111:role')
  t.equal(accounts.resolve('111111111111')?.alias, 'prod', 'an id names the first listed prefix of that account')
  t.equal(accounts.resolve('123456789012')?.isDefault, true)
  for (const unknown of ['staging', '999999999999', 'constructor', '__proto__', 'toString']) {
    t.equal(accounts.resolve(unknown), undefined, unknown)
  }
})

t.test('the CloudFormation Policy parameter (one line of JSON) carries accounts unchanged', async (t) => {
  const line = JSON.stringify({ accounts: { prod: 'arn:aws:iam::111111111111:role' }, teams: { mint: { roles: ['prod/S3Mint*', '*/ReadOnly'] } } })
  const config = loadConfig({ ...base, POLICY: line })
  t.same(config.accounts.all.map((a) => a.id), ['123456789012', '111111111111'])
  t.same(config.policy.teams.get('mint')?.patterns, ['prod/S3Mint*', '*/ReadOnly'])
})
