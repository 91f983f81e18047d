import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/index.js'

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

t.test('role tags and session attribution options', async (t) => {
  const plain = { ARN_PREFIX: base.ARN_PREFIX, TOKENINFO_URL: base.TOKENINFO_URL }
  t.match(loadConfig(base), { roleTeamsTag: undefined, roleTagsTtl: 60, sourceIdentity: false, sessionTags: false, transitiveTags: false }, 'all off by default')
  const tagsOnly = loadConfig({ ...plain, ROLE_TEAMS_TAG: 'ro2key:teams', ROLE_TAGS_TTL: '300' })
  t.match(tagsOnly, { roleTeamsTag: 'ro2key:teams', roleTagsTtl: 300 })
  t.equal(tagsOnly.policy.teams.size, 0, 'with ROLE_TEAMS_TAG the policy file is optional')
  t.throws(() => loadConfig(plain), { message: /POLICY_FILE is not set.*or set ROLE_TEAMS_TAG/ })
  t.match(loadConfig({ ...base, ROLE_TEAMS_TAG: 'ro2key:teams' }).policy.teams.size, 1, 'and still read when given')
  t.match(loadConfig({ ...base, SOURCE_IDENTITY: 'true', SESSION_TAGS: 'TRUE', TRANSITIVE_TAGS: '1' }), { sourceIdentity: true, sessionTags: true, transitiveTags: true })
  t.match(loadConfig({ ...base, SOURCE_IDENTITY: 'false', SESSION_TAGS: '0', TRANSITIVE_TAGS: '' }), { sourceIdentity: false, sessionTags: false, transitiveTags: false })
  const err = t.throws(() => loadConfig({
    ...base,
    ROLE_TEAMS_TAG: 'aws:teams',
    ROLE_TAGS_TTL: '-1',
    SOURCE_IDENTITY: 'yes',
    TRANSITIVE_TAGS: 'true'
  })) as ConfigError
  t.match(err.problems, [
    /ROLE_TEAMS_TAG must be an IAM tag key .*got "aws:teams"/,
    /TRANSITIVE_TAGS=true needs SESSION_TAGS=true/,
    /ROLE_TAGS_TTL must be an integer from 0 to 3600, got "-1"/,
    /SOURCE_IDENTITY must be true or false, got "yes"/
  ])
  t.throws(() => loadConfig({ ...base, ROLE_TEAMS_TAG: 'x'.repeat(129) }), { message: /ROLE_TEAMS_TAG must be an IAM tag key/ })
  t.throws(() => loadConfig({ ...base, ROLE_TEAMS_TAG: 'teams!' }), { message: /ROLE_TEAMS_TAG must be an IAM tag key/ })
})

t.test('console federation: defaults follow the partition, every value checked', async (t) => {
  t.same(loadConfig(base).console, { federationUrl: 'https://signin.aws.amazon.com/federation', issuer: undefined, timeoutMs: 5000, sessionDuration: 'auto' })
  t.equal(loadConfig({ ...base, ARN_PREFIX: 'arn:aws-cn:iam::123456789012:role' }).console.federationUrl, 'https://signin.amazonaws.cn/federation')
  t.equal(loadConfig({ ...base, ARN_PREFIX: 'arn:aws-us-gov:iam::123456789012:role' }).console.federationUrl, 'https://signin.amazonaws-us-gov.com/federation')
  t.same(loadConfig({
    ...base,
    FEDERATION_URL: 'http://127.0.0.1:4000/federation',
    CONSOLE_ISSUER: 'https://ro2key.example.org/',
    FEDERATION_TIMEOUT_MS: '2500',
    CONSOLE_SESSION_DURATION: 'never'
  }).console, { federationUrl: 'http://127.0.0.1:4000/federation', issuer: 'https://ro2key.example.org/', timeoutMs: 2500, sessionDuration: 'never' })
  const err = t.throws(() => loadConfig({
    ...base,
    FEDERATION_URL: 'signin.aws.amazon.com',
    CONSOLE_ISSUER: 'ftp://x',
    FEDERATION_TIMEOUT_MS: '0',
    CONSOLE_SESSION_DURATION: 'yes'
  })) as ConfigError
  t.match(err.problems, [
    /CONSOLE_SESSION_DURATION must be one of auto, always, never, got "yes"/,
    /FEDERATION_URL must be an http\(s\) URL/,
    /CONSOLE_ISSUER must be an http\(s\) URL/,
    /FEDERATION_TIMEOUT_MS must be an integer from 100/
  ])
})
