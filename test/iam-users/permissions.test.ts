import { readFileSync } from 'node:fs'
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam'
import { STSClient } from '@aws-sdk/client-sts'
import t from 'tap'
import { startStrictMoto } from '../../dev/peers/moto.js'
import { startTokeninfo } from '../../dev/peers/tokeninfo.js'
import { build, testConfig } from '../helpers/build.js'
import { KEYS_POLICY, bearer } from '../helpers/keys.js'

const SAMPLE = new URL('../../deploy/iam/ro2key-permissions-self-service.json', import.meta.url)
const sample = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { Statement: Array<{ Action: string[] }> }
const actions = sample.Statement.flatMap((s) => s.Action)

t.test('the sample\'s actions are enough for the whole key cycle, in a moto that enforces them', async (t) => {
  // moto checks IAM actions against Resource "*": the sample's path scope is not what is tested here
  const strict = await startStrictMoto(t, { user: 'ro2key', actions, setupCalls: 1 })
  await strict.moto.iam.send(new CreateUserCommand({ UserName: 'p-alice', Path: '/people/' }))
  const tokeninfo = await startTokeninfo()
  t.teardown(() => tokeninfo.stop())
  tokeninfo.add('tok-alice', { uid: 'alice', scope: ['uid'] })
  const at = { region: 'us-east-1', endpoint: strict.moto.url }
  const iam = new IAMClient({ ...at, credentials: strict.credentials })
  const sts = new STSClient({ ...at, credentials: strict.credentials })
  t.teardown(() => { iam.destroy(); sts.destroy() })
  const config = testConfig({ TOKENINFO_URL: tokeninfo.url, POLICY: KEYS_POLICY, TOKEN_CACHE_TTL: '0' })
  const stsWith = (credentials: { accessKeyId: string, secretAccessKey: string }) => new STSClient({ ...at, credentials })
  const { app, logs } = await build(t, config, { iam, sts, stsWith })

  const created = await app.inject({ method: 'POST', url: '/keys', headers: bearer('alice') })
  t.equal(created.statusCode, 201, created.body)
  const listed = await app.inject({ url: '/keys', headers: bearer('alice') })
  t.equal(listed.statusCode, 200, listed.body)
  const id = created.json().AccessKeyId
  const off = await app.inject({ method: 'PATCH', url: `/keys/${id}`, headers: bearer('alice'), payload: { Status: 'Inactive' } })
  t.equal(off.statusCode, 200, off.body)
  const rotated = await app.inject({ method: 'POST', url: '/keys/rotate?delete_old=true', headers: bearer('alice') })
  t.equal(rotated.statusCode, 201, rotated.body)
  t.same(rotated.json().Replaced, [{ AccessKeyId: id, Status: 'Deleted' }])
  const del = await app.inject({ method: 'DELETE', url: `/keys/${rotated.json().AccessKeyId}`, headers: bearer('alice') })
  t.equal(del.statusCode, 204)
  t.notOk(logs.text.includes(created.json().SecretAccessKey))

  // the same calls with ro2key's credentials refused: its own trouble, never the caller's (502, not 403)
  const stranger = new IAMClient({ ...at, credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' } })
  t.teardown(() => stranger.destroy())
  const { app: refused } = await build(t, config, { iam: stranger, sts, stsWith })
  const res = await refused.inject({ url: '/keys', headers: bearer('alice') })
  t.equal(res.statusCode, 502, res.body)
  t.equal(res.json().code, 'RO2KEY_UPSTREAM_BAD_RESPONSE')
})
