import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/index.js'

const base = { ARN_PREFIX: 'arn:aws:iam::123456789012:role', TOKENINFO_URL: 'https://idp/tokeninfo', POLICY: 'teams: {}' }
const web = {
  OIDC_ISSUER: 'https://idp.example.org',
  OIDC_CLIENT_ID: 'ro2key',
  OIDC_CLIENT_SECRET: 'client-secret-never-echoed',
  PUBLIC_URL: 'https://ro2key.example.org/',
  SESSION_SECRET: 'x'.repeat(32)
}

function problems (env: Record<string, string>): string[] {
  try { loadConfig({ ...base, ...env }); return [] } catch (err) { return (err as ConfigError).problems }
}

t.test('the web page is off without OIDC_ISSUER, on with its five variables', async (t) => {
  t.equal(loadConfig(base).web, undefined)
  const config = loadConfig({ ...base, ...web })
  t.match(config.web, { issuer: web.OIDC_ISSUER, publicUrl: 'https://ro2key.example.org', sessionTtl: 28800 })
  t.equal(config.web?.sessionKey.length, 32, 'a 32-byte cookie key')
})

t.test('boot errors: missing partners, a short secret, plain http off loopback; no secret echoed', async (t) => {
  t.match(problems({ OIDC_ISSUER: web.OIDC_ISSUER }).join('\n'), /OIDC_CLIENT_ID is required[^]*SESSION_SECRET is required/)
  const short = problems({ ...web, SESSION_SECRET: 'too-short-secret' })
  t.match(short.join('\n'), /SESSION_SECRET must be at least 32 bytes/)
  t.notMatch(short.join('\n'), /too-short-secret/, 'the secret is not echoed')
  t.match(problems({ ...web, OIDC_ISSUER: 'http://idp.example.org' }).join('\n'), /OIDC_ISSUER must be https/)
  t.match(problems({ ...web, PUBLIC_URL: 'http://ro2key.example.org' }).join('\n'), /PUBLIC_URL must be https/)
  t.same(problems({ ...web, OIDC_ISSUER: 'http://127.0.0.1:9000', PUBLIC_URL: 'http://localhost:8080' }), [],
    'plain http on loopback (tests, the demo)')
})
