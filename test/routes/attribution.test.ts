import type { STSClient, STSClientConfig } from '@aws-sdk/client-sts'
import t from 'tap'
import { testConfig } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'
import { startStrictMoto } from '../../dev/peers/moto.js'
import { captureBodies } from '../helpers/capture-sts.js'

const { tokeninfo, build, stsClient } = await withPeers(t, { roles: ['S3MintReadOnly'] })
tokeninfo.add('tok-odd', { uid: 'robot/with spaces', team: 'mint', realm: '/services' })

const bearer = { authorization: 'Bearer tok-odd' }
const ALL_ON = { SOURCE_IDENTITY: 'true', SESSION_TAGS: 'true', TRANSITIVE_TAGS: 'true' }

/** The real STS client (at moto unless told otherwise), keeping the AssumeRole requests it sends. */
function capturingSts (t: { teardown: (fn: () => unknown) => void }, config: STSClientConfig = {}): { sts: STSClient, sent: URLSearchParams[] } {
  const sts = stsClient(t, config)
  return { sts, sent: captureBodies(sts) }
}

function attribution (params: URLSearchParams): Record<string, string> {
  return Object.fromEntries([...params].filter(([k]) => /^(SourceIdentity|Tags|TransitiveTagKeys)/.test(k)))
}

t.test('off by default: no SourceIdentity, no tags', async (t) => {
  const { sts, sent } = capturingSts(t)
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url }), { sts })
  const res = await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer })
  t.equal(res.statusCode, 200)
  t.equal(sent.length, 1)
  t.equal(sent[0]?.get('Action'), 'AssumeRole')
  t.same(attribution(sent[0] as URLSearchParams), {})
})

t.test('SOURCE_IDENTITY, SESSION_TAGS and TRANSITIVE_TAGS reach STS, and moto accepts them', async (t) => {
  const { sts, sent } = capturingSts(t)
  const { app, logs } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, ...ALL_ON }), { sts })
  const res = await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer })
  t.equal(res.statusCode, 200)
  const got = attribution(sent[0] as URLSearchParams)
  t.equal(got.SourceIdentity, 'robot=2Fwith=20spaces', 'the escaped uid, as the session name')
  t.equal(got.SourceIdentity, sent[0]?.get('RoleSessionName'))
  t.same(got, {
    SourceIdentity: got.SourceIdentity,
    'Tags.member.1.Key': 'ro2key:uid',
    'Tags.member.1.Value': 'robot/with spaces',
    'Tags.member.2.Key': 'ro2key:team',
    'Tags.member.2.Value': 'mint',
    'Tags.member.3.Key': 'ro2key:realm',
    'Tags.member.3.Value': '/services',
    'Tags.member.4.Key': 'ro2key:mfa',
    'Tags.member.4.Value': 'false',
    'TransitiveTagKeys.member.1': 'ro2key:uid',
    'TransitiveTagKeys.member.2': 'ro2key:team',
    'TransitiveTagKeys.member.3': 'ro2key:realm',
    'TransitiveTagKeys.member.4': 'ro2key:mfa'
  })
  t.match(logs.audits()[0], { event: 'issued', sourceIdentity: got.SourceIdentity, sessionTags: ['ro2key:uid', 'ro2key:team', 'ro2key:realm', 'ro2key:mfa'] })
  t.notOk(logs.text.includes(res.json().SecretAccessKey), 'no secret in the log')
})

t.test('SESSION_TAGS without TRANSITIVE_TAGS: tags, not transitive', async (t) => {
  const { sts, sent } = capturingSts(t)
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, SESSION_TAGS: 'true' }), { sts })
  t.equal((await app.inject({ url: '/get_key/S3MintReadOnly', headers: bearer })).statusCode, 200)
  const keys = Object.keys(attribution(sent[0] as URLSearchParams))
  t.equal(keys.filter((k) => k.startsWith('Tags.')).length, 8)
  t.notOk(keys.some((k) => k.startsWith('TransitiveTagKeys') || k === 'SourceIdentity'))
})

t.test('an STS refusal names the trust-policy permissions the options need', async (t) => {
  // moto enforces SigV4, identity and trust policies after these 4 setup calls.
  const { moto: strict, credentials } = await startStrictMoto(t, { user: 'ro2key-instance', policyName: 'assume', actions: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] })
  await strict.createRole('S3MintUntrusting', 'arn:aws:iam::123456789012:user/someone-else')
  const secret = credentials.secretAccessKey
  const { sts, sent } = capturingSts(t, { endpoint: strict.url, credentials })
  const { app, logs } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, ...ALL_ON }), { sts })
  const res = await app.inject({ url: '/get_key/S3MintUntrusting', headers: bearer })
  t.equal(res.statusCode, 403)
  t.match(res.json(), { code: 'RO2KEY_AWS_ACCESS_DENIED', detail: /trust policy .*sts:AssumeRole.*sts:TagSession and sts:SetSourceIdentity/ })
  t.notMatch(res.body, /arn:aws|123456789012|someone-else/, 'nothing of AWS\'s message in the answer')
  t.match(logs.text, /STS AccessDenied/, 'AWS\'s error is in the log for the operator')
  t.notOk(logs.text.includes(secret), 'instance secret not logged')
  t.ok(sent[0]?.get('SourceIdentity'), 'the refused request carried SourceIdentity')
})
