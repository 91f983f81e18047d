import t from 'tap'
import { ConfigError, loadConfig, type Env } from '../../src/config/index.js'
import { anchor, CONFIG_DOC } from '../../src/config/read.js'
import { FEATURES } from '../../src/config/sections.js'
import { VARIABLE_LIST, VARIABLES } from '../../src/config/variables.js'
import { configEnvNames, envTouchedByLoadConfig, sampleEnv } from '../helpers/config-env.js'

const base: Env = {
  ARN_PREFIX: 'arn:aws:iam::123456789012:role',
  TOKENINFO_URL: 'https://tokeninfo.example.org/oauth2/tokeninfo',
  POLICY: 'teams: { mint: { roles: [S3MintReadOnly] } }'
}

function problemsOf (env: Env): string[] {
  try {
    loadConfig(env)
    return []
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    return err.problems
  }
}

t.test('the table and the loader agree: every variable read is in the table, every row is read', async (t) => {
  const names = configEnvNames()
  for (const core of ['ARN_PREFIX', 'TOKENINFO_URL', 'POLICY_FILE', 'POLICY', 'OAUTH2_SCOPE', 'AUTH_URL', 'PORT']) {
    t.ok(names.includes(core), `${core} is in the table`)
  }
  const touched = [...new Set([...envTouchedByLoadConfig(), ...envTouchedByLoadConfig(sampleEnv())])].sort()
  t.same(touched.filter((n) => !names.includes(n)), [], 'loadConfig reads nothing that is not in the table')
  t.same(names.filter((n) => !touched.includes(n)), [], 'every row of the table is read by loadConfig')
  t.same(new Set(names).size, names.length, 'no variable twice')
})

t.test('every row is complete: a section, one line of meaning, a sane default', async (t) => {
  for (const spec of VARIABLE_LIST) {
    t.ok(spec.feature in FEATURES, `${spec.name}: section ${spec.feature}`)
    t.match(spec.meaning, /^\S.{3,110}\.$/, `${spec.name}: one line of meaning, a sentence`)
    t.match(spec.name, /^[A-Z][A-Z0-9_]*$/, `${spec.name}: an environment name`)
    if (spec.type === 'int' && spec.default !== undefined) {
      t.ok(spec.default >= spec.min && spec.default <= spec.max, `${spec.name}: default within ${spec.min}-${spec.max}`)
    }
    if (spec.type === 'enum') t.ok(spec.values.includes(spec.default), `${spec.name}: default is one of the values`)
  }
})

t.test('the loader takes ranges, values and defaults from the table', async (t) => {
  const complete = { ...base, INTROSPECTION_URL: 'https://idp/i', INTROSPECTION_CLIENT_ID: 'c', INTROSPECTION_CLIENT_SECRET: 's', JWT_ISSUER: 'https://idp', JWT_AUDIENCE: 'a' }
  for (const spec of VARIABLE_LIST) {
    const link = `(see ${CONFIG_DOC}#${anchor(spec.name)})`
    if (spec.type === 'int') {
      const problems = problemsOf({ ...complete, [spec.name]: String(spec.max + 1) })
      t.ok(problems.includes(`${spec.name} must be an integer from ${spec.min} to ${spec.max}, got "${spec.max + 1}" ${link}`), spec.name)
    } else if (spec.type === 'enum') {
      const problems = problemsOf({ ...complete, [spec.name]: 'nope' })
      t.ok(problems.includes(`${spec.name} must be one of ${spec.values.join(', ')}, got "nope" ${link}`), spec.name)
    } else if (spec.type === 'url') {
      const problems = problemsOf({ ...complete, [spec.name]: 'ftp://x' })
      t.ok(problems.includes(`${spec.name} must be an http(s) URL, got "ftp://x" ${link}`), spec.name)
    } else if (spec.type === 'bool') {
      t.ok(problemsOf({ ...complete, [spec.name]: 'yes' }).some((p) => p.startsWith(`${spec.name} must be true or false`)), spec.name)
    }
  }
  const c = loadConfig(base)
  t.equal(c.port, VARIABLES.PORT.default)
  t.equal(c.host, VARIABLES.HOST.default)
  t.equal(c.teamClaim, VARIABLES.TEAM_CLAIM.default)
  t.equal(c.limits.metricsPort, VARIABLES.METRICS_PORT.default)
  t.equal(c.console.sessionDuration, VARIABLES.CONSOLE_SESSION_DURATION.default)
})

t.test('every problem links to a stable anchor of docs/configuration.md, and the message names the page', async (t) => {
  const err = t.throws(() => loadConfig({ INTROSPECTION_CLIENT_ID: 'x', TRANSITIVE_TAGS: 'true' })) as ConfigError
  t.ok(err.problems.length >= 4)
  for (const p of err.problems) t.match(p, /\(see docs\/configuration\.md#[a-z0-9_-]+\)$/, p)
  t.match(err.message, /every variable: docs\/configuration\.md$/)
  t.equal(anchor('Limits, health and metrics'), 'limits-health-and-metrics')
  t.equal(anchor('TOKEN_CACHE_TTL'), 'token_cache_ttl')
})
