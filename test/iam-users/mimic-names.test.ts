import t from 'tap'
import { loadConfig } from '../../src/config/index.js'
import { assumedRoleName, groupPolicyName, mimicRoleName, principalArnOf, trustPolicy } from '../../src/iam-users/mimic-names.js'
import { acceptsJson } from '../../src/routes/assume-role-as-user.js'

t.test('principalArnOf: the trust policy names a role, never a session', async (t) => {
  const rows = [
    { arn: 'arn:aws:sts::123456789012:assumed-role/ro2key/i-0abc', path: '/', want: 'arn:aws:iam::123456789012:role/ro2key' },
    { arn: 'arn:aws:sts::123456789012:assumed-role/ro2key/pod', path: '/service/', want: 'arn:aws:iam::123456789012:role/service/ro2key' },
    { arn: 'arn:aws-cn:sts::123456789012:assumed-role/r/s', path: '/', want: 'arn:aws-cn:iam::123456789012:role/r' },
    { arn: 'arn:aws:iam::123456789012:user/ro2key', path: '/', want: 'arn:aws:iam::123456789012:user/ro2key' }
  ]
  for (const row of rows) t.equal(principalArnOf(row.arn, row.path), row.want, row.arn)
  t.equal(assumedRoleName('arn:aws:sts::123456789012:assumed-role/ro2key/x'), 'ro2key')
  t.equal(assumedRoleName('arn:aws:iam::123456789012:user/u'), undefined)
  t.same(JSON.parse(trustPolicy('arn:aws:iam::1:role/r')).Statement[0].Principal, { AWS: 'arn:aws:iam::1:role/r' })
})

t.test('names: role within 64, group inline policies cut to 128', async (t) => {
  t.equal(mimicRoleName('user_', 'alice'), 'user_alice')
  t.equal(mimicRoleName('user_', 'a'.repeat(59)), 'user_' + 'a'.repeat(59))
  t.equal(mimicRoleName('user_', 'a'.repeat(60)), undefined, 'over IAM\'s 64')
  t.equal(groupPolicyName('devs', 'read'), 'devs_read')
  t.equal(groupPolicyName('g'.repeat(100), 'p'.repeat(100)).length, 128)
})

t.test('acceptsJson: Himeko wants application/json named', async (t) => {
  t.ok(acceptsJson('application/json'))
  t.ok(acceptsJson('text/html, application/json;q=0.5'))
  t.ok(acceptsJson('Application/JSON'))
  t.notOk(acceptsJson(undefined))
  t.notOk(acceptsJson('*/*'))
  t.notOk(acceptsJson('application/jsonx'))
})

t.test('MIMIC_* config: defaults, and every bad value named', async (t) => {
  const base = { ARN_PREFIX: 'arn:aws:iam::123456789012:role', TOKENINFO_URL: 'http://127.0.0.1:9/', POLICY: 'teams: {}' }
  t.same(loadConfig(base).mimic, { prefix: 'user_', path: '/user-role/', ttl: 86400 })
  t.same(loadConfig({ ...base, MIMIC_ROLE_PREFIX: 'ro2key-', MIMIC_ROLE_PATH: '/', MIMIC_ROLE_TTL: '3600' }).mimic,
    { prefix: 'ro2key-', path: '/', ttl: 3600 })
  t.throws(() => loadConfig({ ...base, MIMIC_ROLE_TTL: '60' }), { name: 'ConfigError' })
  try {
    loadConfig({ ...base, MIMIC_ROLE_PREFIX: 'bad prefix', MIMIC_ROLE_PATH: 'user-role', MIMIC_ROLE_TTL: '60' })
    t.fail('loadConfig must refuse these values')
  } catch (err) {
    const problems = (err as { problems: string[] }).problems.join('\n')
    t.match(problems, /MIMIC_ROLE_PREFIX must be/)
    t.match(problems, /MIMIC_ROLE_PATH must be/)
    t.match(problems, /MIMIC_ROLE_TTL must be an integer from 3600/)
  }
})
