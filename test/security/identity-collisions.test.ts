import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import t from 'tap'
import { testConfig } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'

// Issue 20, item 1: two callers must never share a session name, a SourceIdentity, a session tag
// or a cached credential. Before the fix, uid robot/x was cleaned and hashed into robot-x-ad19c3d8,
// another caller's valid uid, and the credential cache keyed on that name alone.
const { oidc, tokeninfo, build, stsClient } = await withPeers(t, { roles: ['S3MintReadOnly'], oidc: true })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const URL_MINT = '/get_key/S3MintReadOnly'

interface Creds { AccessKeyId: string, SecretAccessKey: string, SessionToken: string }
async function callerArn (t: Parameters<typeof stsClient>[0], c: Creds): Promise<string | undefined> {
  const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }
  return (await stsClient(t, { credentials }).send(new GetCallerIdentityCommand({}))).Arn
}

tokeninfo.add('tok-slash', { uid: 'robot/x', team: 'mint' })
tokeninfo.add('tok-hashed', { uid: 'robot-x-ad19c3d8', team: 'mint' })
tokeninfo.add('tok-hash-sign', { uid: 'robot#x', team: 'mint' })
tokeninfo.add('tok-dash', { uid: 'robot-x', team: 'mint' })

t.test('defaults: uids robot/x and robot-x-ad19c3d8 get two sessions and two ARNs', async (t) => {
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url }))
  const a = await app.inject({ url: URL_MINT, headers: bearer('tok-slash') })
  const b = await app.inject({ url: URL_MINT, headers: bearer('tok-hashed') })
  t.equal(a.statusCode, 200)
  t.equal(b.statusCode, 200)
  t.not(a.json().AccessKeyId, b.json().AccessKeyId, 'not one cached credential')
  const [arnA, arnB] = [await callerArn(t, a.json()), await callerArn(t, b.json())]
  t.match(arnA, /:assumed-role\/S3MintReadOnly\/robot=2Fx$/, 'robot/x is escaped, reversibly')
  t.match(arnB, /:assumed-role\/S3MintReadOnly\/robot-x-ad19c3d8$/, 'a valid uid keeps its name')
})

t.test('SourceIdentity differs for robot/x, robot-x-ad19c3d8, robot#x, robot-x', async (t) => {
  const config = testConfig({ TOKENINFO_URL: tokeninfo.url, SOURCE_IDENTITY: 'true', SESSION_TAGS: 'true' })
  const { app, logs } = await build(t, config)
  const seen: unknown[] = []
  for (const token of ['tok-slash', 'tok-hashed', 'tok-hash-sign', 'tok-dash']) {
    const res = await app.inject({ url: URL_MINT, headers: bearer(token) })
    t.equal(res.statusCode, 200, token)
  }
  for (const audit of logs.audits()) seen.push(audit.sourceIdentity)
  t.equal(new Set(seen).size, 4, 'four SourceIdentities')
})

t.test('the same uid from tokeninfo and from a JWT: two credentials', async (t) => {
  const config = testConfig({
    TOKENINFO_URL: tokeninfo.url, JWT_ISSUER: oidc.issuer, JWT_AUDIENCE: oidc.audience, JWKS_URL: oidc.jwksUrl
  })
  const { app } = await build(t, config)
  tokeninfo.add('tok-robot-mint', { uid: 'robot-mint', team: 'mint' })
  const jwt = await oidc.issueToken({ clientId: 'robot-mint' })
  const fromJwt = await app.inject({ url: URL_MINT, headers: bearer(jwt) })
  const fromTokeninfo = await app.inject({ url: URL_MINT, headers: bearer('tok-robot-mint') })
  t.equal(fromJwt.statusCode, 200)
  t.equal(fromTokeninfo.statusCode, 200)
  t.not(fromJwt.json().AccessKeyId, fromTokeninfo.json().AccessKeyId, 'the cache key holds the source')
})
