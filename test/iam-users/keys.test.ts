import t from 'tap'
import { bearer, keyPeers, userArn } from '../helpers/keys.js'

const peers = await keyPeers(t)
const { config, keysInIam, whoIs } = peers

t.test('create, list with last-used, deactivate, delete: all in IAM, no secret in the log', async (t) => {
  const { app, logs } = await peers.build(t, config)
  const empty = await app.inject({ url: '/keys', headers: bearer('alice') })
  t.equal(empty.statusCode, 200, empty.body)
  t.same(empty.json(), { user: 'p-alice', keys: [] })
  t.equal(empty.headers['cache-control'], 'no-store')

  const created = await app.inject({ method: 'POST', url: '/keys', headers: bearer('alice') })
  t.equal(created.statusCode, 201, created.body)
  t.equal(created.headers['cache-control'], 'no-store')
  const key = created.json()
  t.match(key, { AccessKeyId: /^[A-Z0-9]{16,}$/, SecretAccessKey: /^.{20,}$/, Status: 'Active', CreateDate: String })
  t.notOk('EncryptedSecretAccessKey' in key)
  t.same(await keysInIam('alice'), [{ id: key.AccessKeyId, status: 'Active' }], 'moto has the key')

  const fresh = (await app.inject({ url: '/keys', headers: bearer('alice') })).json()
  t.same(fresh.keys, [{
    AccessKeyId: key.AccessKeyId,
    Status: 'Active',
    CreateDate: key.CreateDate,
    LastUsedDate: null,
    LastUsedService: null,
    LastUsedRegion: null
  }], 'never used: null, not N/A')

  t.equal(await whoIs(t, key.AccessKeyId, key.SecretAccessKey), userArn('alice'), 'the key works in moto')
  const used = (await app.inject({ url: '/keys', headers: bearer('alice') })).json().keys[0]
  t.match(used, { LastUsedDate: /^\d{4}-\d\d-\d\dT/, LastUsedService: 'sts', LastUsedRegion: String })

  const off = await app.inject({
    method: 'PATCH', url: `/keys/${key.AccessKeyId}`, headers: bearer('alice'), payload: { Status: 'Inactive' }
  })
  t.equal(off.statusCode, 200, off.body)
  t.match(off.json(), { AccessKeyId: key.AccessKeyId, Status: 'Inactive' })
  t.same(await keysInIam('alice'), [{ id: key.AccessKeyId, status: 'Inactive' }])

  const bad = await app.inject({
    method: 'PATCH', url: `/keys/${key.AccessKeyId}`, headers: bearer('alice'), payload: { Status: 'Gone' }
  })
  t.equal(bad.statusCode, 400, 'a status that is not Active/Inactive')

  const del = await app.inject({ method: 'DELETE', url: `/keys/${key.AccessKeyId}`, headers: bearer('alice') })
  t.equal(del.statusCode, 204)
  t.same(await keysInIam('alice'), [])

  t.notOk(logs.text.includes(key.SecretAccessKey), 'the secret never reaches the log')
  t.notOk(logs.text.includes('tok-alice'), 'nor the token')
  const audits = logs.audits().filter((a) => a.accessKeyId === key.AccessKeyId)
  t.same(audits.map((a) => [a.event, a.status]), [['created', 'Active'], ['deactivated', 'Inactive'], ['deleted', 'Deleted']])
  t.match(audits[0], { uid: 'alice', iamUser: 'p-alice' })
})

t.test('two keys is the limit: 409 and nothing created', async (t) => {
  const { app } = await peers.build(t, config)
  for (let i = 0; i < 2; i++) {
    t.equal((await app.inject({ method: 'POST', url: '/keys', headers: bearer('erin') })).statusCode, 201)
  }
  const third = await app.inject({ method: 'POST', url: '/keys', headers: bearer('erin') })
  t.equal(third.statusCode, 409)
  t.match(third.json(), { code: 'RO2KEY_KEY_LIMIT', status: 409 })
  t.match(third.headers['content-type'], /application\/problem\+json/)
  t.equal((await keysInIam('erin')).length, 2)
})

t.test('another user\'s key is 404, exactly like a missing one, and stays as it was', async (t) => {
  const { app } = await peers.build(t, config)
  const bobs = (await app.inject({ method: 'POST', url: '/keys', headers: bearer('bob') })).json()
  const missing = 'AKIA0000000000000000'
  for (const id of [bobs.AccessKeyId, missing]) {
    const patch = await app.inject({
      method: 'PATCH', url: `/keys/${id}`, headers: bearer('alice'), payload: { Status: 'Inactive' }
    })
    const del = await app.inject({ method: 'DELETE', url: `/keys/${id}`, headers: bearer('alice') })
    for (const res of [patch, del]) {
      t.equal(res.statusCode, 404)
      t.same({ code: res.json().code, detail: res.json().detail },
        { code: 'RO2KEY_KEY_NOT_FOUND', detail: 'Your IAM user has no access key with this id' })
    }
  }
  t.same(await keysInIam('bob'), [{ id: bobs.AccessKeyId, status: 'Active' }], 'bob\'s key untouched')
})

t.test('who may: teams outside iam_users 403, no IAM user 404, no token 401', async (t) => {
  const { app } = await peers.build(t, config)
  const carol = await app.inject({ url: '/keys', headers: bearer('carol') })
  t.equal(carol.statusCode, 403)
  t.equal(carol.json().code, 'RO2KEY_IAM_USERS_FORBIDDEN')
  const carolPost = await app.inject({ method: 'POST', url: '/keys', headers: bearer('carol') })
  t.equal(carolPost.statusCode, 403)
  t.same(await keysInIam('carol'), [], 'nothing created for carol')
  const dave = await app.inject({ method: 'POST', url: '/keys', headers: bearer('dave') })
  t.equal(dave.statusCode, 404)
  t.equal(dave.json().code, 'RO2KEY_NO_IAM_USER')
  t.equal((await app.inject({ url: '/keys' })).statusCode, 401)
  const { app: bare } = await peers.build(t, { ...config, policy: { ...config.policy, iamUsers: undefined } })
  const off = await bare.inject({ url: '/keys', headers: bearer('alice') })
  t.equal(off.statusCode, 404)
  t.equal(off.json().code, 'RO2KEY_NO_IAM_USER')
})
