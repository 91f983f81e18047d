import t from 'tap'
import { ConfigError, loadConfig } from '../src/config.js'

const base = {
  ARN_PREFIX: 'arn:aws:iam::123456789012:role',
  TOKENINFO_URL: 'https://tokeninfo.example.org/oauth2/tokeninfo',
  POLICY: 'teams: { mint: { roles: [S3MintReadOnly] } }'
}

t.test('defaults', async (t) => {
  const c = loadConfig(base)
  t.match(c, { host: '0.0.0.0', port: 8080, partition: 'aws', awsRegion: 'us-east-1', teamClaim: 'team', requiredScopes: [], tokeninfoTimeoutMs: 3000, authUrl: undefined, logLevel: 'info' })
  t.ok(c.policy.teams.has('mint'))
})

t.test('everything missing: every variable named at once, exit-worthy error', async (t) => {
  const err = t.throws(() => loadConfig({})) as ConfigError
  t.type(err, ConfigError)
  t.equal(err.problems.length, 3)
  t.match(err.message, /ARN_PREFIX is not set/)
  t.match(err.message, /TOKENINFO_URL is not set.*never serves unauthenticated/)
  t.match(err.message, /POLICY_FILE is not set/)
})

t.test('bad values are named with what is wrong', async (t) => {
  const err = t.throws(() => loadConfig({
    ...base,
    ARN_PREFIX: 'arn:aws:iam::123456789012:role/',
    TOKENINFO_URL: 'ftp://x',
    PORT: 'eighty',
    TOKENINFO_TIMEOUT_MS: '5',
    AUTH_URL: 'not a url',
    LOG_LEVEL: 'loud',
    POLICY_FILE: '/nonexistent/policy.yaml'
  })) as ConfigError
  t.match(err.problems, [
    /ARN_PREFIX must look like .* no trailing slash.*role\/"/,
    /TOKENINFO_URL must be an http\(s\) URL/,
    /LOG_LEVEL must be one of/,
    /PORT must be an integer from 0 to 65535, got "eighty"/,
    /TOKENINFO_TIMEOUT_MS must be an integer from 100/,
    /AUTH_URL must be an http\(s\) URL/,
    /POLICY_FILE: \/nonexistent\/policy\.yaml: cannot be read/
  ])
})

t.test('partitions, paths and region', async (t) => {
  t.match(loadConfig({ ...base, ARN_PREFIX: 'arn:aws-cn:iam::123456789012:role' }), { partition: 'aws-cn', awsRegion: 'cn-north-1' })
  t.match(loadConfig({ ...base, ARN_PREFIX: 'arn:aws-us-gov:iam::123456789012:role/robots' }), { partition: 'aws-us-gov', awsRegion: 'us-gov-west-1', arnPrefix: 'arn:aws-us-gov:iam::123456789012:role/robots' })
  t.match(loadConfig({ ...base, AWS_REGION: 'eu-central-1' }), { awsRegion: 'eu-central-1' })
  t.match(loadConfig({ ...base, AWS_DEFAULT_REGION: 'eu-west-1' }), { awsRegion: 'eu-west-1' })
})

t.test('OAUTH2_SCOPE: space or comma separated, any one suffices', async (t) => {
  t.same(loadConfig({ ...base, OAUTH2_SCOPE: 'uid, ro2key  cloud' }).requiredScopes, ['uid', 'ro2key', 'cloud'])
  t.same(loadConfig({ ...base, OAUTH2_SCOPE: '' }).requiredScopes, [])
})

t.test('an invalid inline POLICY is reported', async (t) => {
  t.throws(() => loadConfig({ ...base, POLICY: 'teams: { a: { roles: R } }' }), { message: /POLICY: POLICY: teams\.a\.roles must be a list/ })
})
