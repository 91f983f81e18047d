import t from 'tap'
import pino from 'pino'
import { testConfig } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'
import { credentialsIn, createRoleIn, PROD } from '../helpers/accounts.js'
import { startFederation } from '../../dev/peers/federation.js'
import { createServices } from '../../src/services.js'
import { regionFor } from '../../src/aws/partition-clients.js'

// /console/{account}/{role_name} (issue 17): the sign-in is for the role in that account, and the
// federation endpoint, console host and STS region follow the partition of the account's prefix.
const { moto, tokeninfo, build, sts, iamClient } = await withPeers(t, { roles: ['ReadOnly'] })
await createRoleIn(iamClient(t, { credentials: await credentialsIn(sts, PROD) }), 'ReadOnly')
const federation = await startFederation({ stsUrl: moto.url })
t.teardown(async () => { await federation.stop() })

const POLICY = `
accounts:
  prod: arn:aws:iam::${PROD}:role
  gov: { arn_prefix: "arn:aws-us-gov:iam::333333333333:role", other_partition: true }
teams:
  mint: { roles: ["*/ReadOnly"] }
`
tokeninfo.add('tok-mint', { uid: 'robot-mint', team: 'mint' })
const bearer = { authorization: 'Bearer tok-mint' }
const config = testConfig({ TOKENINFO_URL: tokeninfo.url, FEDERATION_URL: federation.url, POLICY })

t.test('a console sign-in for the role in another account', async (t) => {
  const { app, logs } = await build(t, config)
  const res = await app.inject({ url: '/console/prod/ReadOnly', headers: bearer })
  t.equal(res.statusCode, 200, res.body)
  const signin = await fetch(res.json().url, { redirect: 'manual' })
  t.equal(signin.status, 302)
  t.equal(federation.logins.at(-1)?.arn, `arn:aws:sts::${PROD}:assumed-role/ReadOnly/robot-mint`, 'the session acts in prod')
  t.match(logs.audits().at(-1), { event: 'console', account: 'prod', accountId: PROD })
  const unknown = await app.inject({ url: '/console/staging/ReadOnly', headers: bearer })
  t.equal(unknown.statusCode, 404)
})

t.test('a GovCloud account gets GovCloud\'s console host, federation endpoint and STS region', async (t) => {
  const { app } = await build(t, config)
  const calls = federation.calls
  const res = await app.inject({ url: '/console/gov/ReadOnly?destination=https://console.aws.amazon.com/s3/', headers: bearer })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 'RO2KEY_DESTINATION_NOT_ALLOWED', detail: /console\.amazonaws-us-gov\.com/ })
  t.equal(federation.calls, calls, 'refused before any call')

  // ro2key's own clients (nothing injected): built, never called here (no network in tests)
  const services = await createServices(config, { logger: pino({ level: 'silent' }) })
  t.teardown(() => services.close())
  const gov = services.federationFor('aws-us-gov').loginUrl({ signinToken: 'x', issuer: 'https://ro2key.example', destination: 'https://console.amazonaws-us-gov.com/' })
  t.match(gov, /^https:\/\/signin\.amazonaws-us-gov\.com\/federation\?Action=login/)
  t.equal(services.federationFor('aws'), services.federation, 'the home partition keeps FEDERATION_URL')
  t.not(services.stsFor('aws-us-gov'), services.sts, 'another partition gets its own STS client')
  t.equal(services.stsFor('aws-us-gov'), services.stsFor('aws-us-gov'), 'made once')
  const home = { partition: 'aws' as const, region: 'eu-central-1' }
  t.same(['aws', 'aws-us-gov', 'aws-cn'].map((p) => regionFor(p as 'aws', home)), ['eu-central-1', 'us-gov-west-1', 'cn-north-1'],
    'STS and IAM regions: the configured one at home, the partition\'s own elsewhere')
})
