import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts'
import t from 'tap'
import type { KeyCredentials } from '../../src/iam-users/key-proof.js'
import { bearer, keyPeers, sleepClock, userArn } from '../helpers/keys.js'

const peers = await keyPeers(t)
const { config, keysInIam, whoIs } = peers

/** STS at moto with the key, failing the first `failures` calls as IAM propagation does on AWS. */
function flakyStsWith (failures: number, calls: string[]) {
  return (credentials: KeyCredentials): STSClient => {
    const sts = peers.stsClient(t, { credentials })
    return {
      send: async (command: GetCallerIdentityCommand) => {
        calls.push(credentials.accessKeyId)
        if (calls.length <= failures) throw Object.assign(new Error('not yet'), { name: 'InvalidClientTokenId' })
        return await sts.send(command)
      }
    } as unknown as STSClient
  }
}

t.test('rotate: the new key proven with GetCallerIdentity, the old one deactivated', async (t) => {
  const clock = sleepClock()
  const calls: string[] = []
  const { app, logs } = await peers.build(t, config, { ...clock, stsWith: flakyStsWith(2, calls) })
  const old = (await app.inject({ method: 'POST', url: '/keys', headers: bearer('hal') })).json()
  const res = await app.inject({ method: 'POST', url: '/keys/rotate', headers: bearer('hal') })
  t.equal(res.statusCode, 201, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  const key = res.json()
  t.match(key, { AccessKeyId: String, SecretAccessKey: String, Status: 'Active' })
  t.same(key.Replaced, [{ AccessKeyId: old.AccessKeyId, Status: 'Inactive' }])
  t.same(calls, [key.AccessKeyId, key.AccessKeyId, key.AccessKeyId], 'two failures, then the proof')
  t.same(clock.waits, [1000, 2000], 'backed off between attempts')
  const listed = (await app.inject({ url: '/keys', headers: bearer('hal') })).json().keys
  const fresh = listed.find((k: { AccessKeyId: string }) => k.AccessKeyId === key.AccessKeyId)
  t.equal(fresh.LastUsedService, 'sts', 'moto saw the GetCallerIdentity made with the new key')
  t.same((await keysInIam('hal')).sort((a, b) => a.status.localeCompare(b.status)), [
    { id: key.AccessKeyId, status: 'Active' }, { id: old.AccessKeyId, status: 'Inactive' }
  ])
  t.equal(await whoIs(t, key.AccessKeyId, key.SecretAccessKey), userArn('hal'))

  const full = await app.inject({ method: 'POST', url: '/keys/rotate', headers: bearer('hal') })
  t.equal(full.statusCode, 409, 'two keys already (one inactive): no room for a third')
  await app.inject({ method: 'DELETE', url: `/keys/${old.AccessKeyId}`, headers: bearer('hal') })
  const again = await app.inject({ method: 'POST', url: '/keys/rotate?delete_old=true', headers: bearer('hal') })
  t.equal(again.statusCode, 201, again.body)
  t.same(again.json().Replaced, [{ AccessKeyId: key.AccessKeyId, Status: 'Deleted' }])
  t.same(await keysInIam('hal'), [{ id: again.json().AccessKeyId, status: 'Active' }], 'only the newest key is left')
  for (const secret of [old.SecretAccessKey, key.SecretAccessKey, again.json().SecretAccessKey]) {
    t.notOk(logs.text.includes(secret), 'no secret in the log')
  }
  const events = logs.audits().filter((a) => a.accessKeyId !== undefined).map((a) => a.event)
  t.same(events, ['created', 'created', 'deactivated', 'deleted', 'created', 'deleted'])
  await app.inject({ method: 'DELETE', url: `/keys/${again.json().AccessKeyId}`, headers: bearer('hal') })
})

t.test('rotate: a key that never works is deleted after 60 s, 503, the old key untouched', async (t) => {
  const clock = sleepClock()
  const calls: string[] = []
  const { app } = await peers.build(t, config, { ...clock, stsWith: flakyStsWith(Infinity, calls) })
  const old = (await app.inject({ method: 'POST', url: '/keys', headers: bearer('hal') })).json()
  const res = await app.inject({ method: 'POST', url: '/keys/rotate?delete_old=true', headers: bearer('hal') })
  t.equal(res.statusCode, 503, res.body)
  t.equal(res.json().code, 'RO2KEY_KEY_NOT_WORKING')
  t.ok(res.headers['retry-after'], 'Retry-After')
  t.notOk(res.body.includes(old.SecretAccessKey))
  // the test clock is the real one plus the waits: the waits fill the 60 s window, less the real time spent
  const waited = clock.waits.reduce((a, b) => a + b, 0)
  t.ok(waited <= 60_000 && waited > 50_000, `waited ${waited} ms of the 60 s window`)
  t.equal(Math.max(...clock.waits), 8000, 'backoff capped at 8 s')
  t.ok(calls.length > 5, `tried ${calls.length} times`)
  t.same(await keysInIam('hal'), [{ id: old.AccessKeyId, status: 'Active' }], 'the new key is gone, the old as it was')
  await app.inject({ method: 'DELETE', url: `/keys/${old.AccessKeyId}`, headers: bearer('hal') })
})

t.test('rotate: a key that answers as someone else is never taken as proof', async (t) => {
  const clock = sleepClock()
  // moto answers an unknown key as its default user: the proof must insist on the caller's own ARN
  const stsWith = () => peers.stsClient(t, { credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' } })
  const { app } = await peers.build(t, config, { ...clock, stsWith })
  const res = await app.inject({ method: 'POST', url: '/keys/rotate', headers: bearer('hal') })
  t.equal(res.statusCode, 503)
  t.same(await keysInIam('hal'), [], 'nothing left behind')
})

t.test('rotate at two keys: 409, nothing created', async (t) => {
  const { app } = await peers.build(t, config)
  for (let i = 0; i < 2; i++) await app.inject({ method: 'POST', url: '/keys', headers: bearer('hal') })
  const before = await keysInIam('hal')
  const res = await app.inject({ method: 'POST', url: '/keys/rotate', headers: bearer('hal') })
  t.equal(res.statusCode, 409)
  t.equal(res.json().code, 'RO2KEY_KEY_LIMIT')
  t.same(await keysInIam('hal'), before)
})
