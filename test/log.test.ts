import pino from 'pino'
import t from 'tap'
import { loggerOptions } from '../src/log.js'
import { build, LogCapture, testConfig } from './helpers/build.js'

t.test('secret fields are redacted wherever they sit', async (t) => {
  const sink = new LogCapture()
  const log = pino(loggerOptions('info'), sink)
  log.info({ SecretAccessKey: 's1', SessionToken: 's2', Token: 's3', access_token: 's4', client_secret: 's5' }, 'top level')
  log.info({ body: { SecretAccessKey: 's6', SessionToken: 's7', Token: 's8', access_token: 's9' } }, 'nested')
  log.info({ req: { headers: { authorization: 'Bearer s10' } } }, 'header')
  for (const secret of ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10']) {
    t.notMatch(sink.text, new RegExp(`"${secret}"|Bearer ${secret}`), `${secret} redacted`)
  }
  t.equal(sink.text.match(/\[REDACTED\]/g)?.length, 10)
})

t.test('a token sent in the query string never reaches the log', async (t) => {
  const { app, logs } = await build(t, testConfig())
  await app.inject({ url: '/health?access_token=leaky-token-1&x=1' })
  await app.inject({ url: '/get_key/S3MintReadOnly?token=leaky-token-2', headers: { authorization: 'Bearer leaky-token-3' } })
  t.notMatch(logs.text, /leaky-token/)
  t.match(logs.text, /access_token=\[REDACTED\]&x=1/)
})

t.test('the introspection client secret is redacted, also inside a logged config', async (t) => {
  const sink = new LogCapture()
  const log = pino(loggerOptions('info'), sink)
  const config = testConfig({ INTROSPECTION_URL: 'https://idp.example.org/introspect', INTROSPECTION_CLIENT_ID: 'ro2key', INTROSPECTION_CLIENT_SECRET: 'cs-1' })
  log.info({ config }, 'config')
  log.info({ introspection: config.introspection }, 'one level')
  log.info({ env: { INTROSPECTION_CLIENT_SECRET: 'cs-2' }, clientSecret: 'cs-3' }, 'env')
  t.notMatch(sink.text, /cs-\d/)
  t.match(sink.text, /"clientId":"ro2key"/, 'the rest is still logged')
})
