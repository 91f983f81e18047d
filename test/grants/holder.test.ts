import type { IAMClient } from '@aws-sdk/client-iam'
import t from 'tap'
import type { GrantItem } from '../../src/grants/grant.js'
import { holderKey, type HolderItem } from '../../src/grants/holder-item.js'
import { createDynamoStore } from '../../src/store/dynamo-store.js'
import { bearer, grantPeers, GROUP, testClock } from '../helpers/grants.js'

const TABLE = 'ro2key-grant-holder'
const peers = await grantPeers(t, TABLE)
const { config, members } = peers
const store = createDynamoStore(peers.dynamodb, TABLE)
const holder = async (): Promise<HolderItem | undefined> => await store.get<HolderItem>(holderKey('alice', GROUP), 0)

t.test('a grant activated while an older one is being removed keeps the membership, and ends it', async (t) => {
  const clock = testClock()
  const { app, logs } = await peers.build(t, config, { now: clock.now })
  const ask = (duration: number) => app.inject({
    method: 'POST', url: '/grants', headers: bearer('alice'), payload: { group: GROUP, duration }
  })
  const old = (await ask(10)).json()
  clock.advance(11)
  // a sweeper has claimed the old grant (expiring) and has not reached IAM yet
  t.ok(await store.transition<GrantItem>({ pk: 'grant', sk: old.id }, { status: ['active'] },
    { status: 'expiring', claimed_at: Math.floor(clock.now()) }))
  const renewed = await ask(600)
  t.equal(renewed.statusCode, 201)
  t.match(await holder(), { status: 'held', preexisting: false, grants: [old.id, renewed.json().id] },
    'recorded as ours, not as pre-existing')
  clock.advance(61)
  t.match(await app.sweeper?.run(), { ended: 1 }, 'the stale claim on the old grant is taken over')
  t.same(await members(), ['alice'], 'the new grant keeps the membership')
  clock.advance(600)
  t.match(await app.sweeper?.run(), { ended: 1 })
  t.same(await members(), [], 'gone when the new grant ends')
  t.match(await holder(), { status: 'released', grants: [] })
  const events = logs.audits().filter((a) => a.event.startsWith('group-')).map((a) => a.event)
  t.same(events, ['group-added', 'group-added', 'group-kept', 'group-removed'])
})

t.test('a grant activated while the removal is under way takes the hold over; the remover puts it back', async (t) => {
  const clock = testClock()
  let during: (() => Promise<unknown>) | undefined
  const iam = {
    send: async (command: { constructor: { name: string } }) => {
      if (command.constructor.name === 'RemoveUserFromGroupCommand' && during) {
        const run = during
        during = undefined
        await run()
      }
      return await peers.iam.send(command as never)
    }
  } as unknown as IAMClient
  const { app } = await peers.build(t, config, { now: clock.now, iam })
  const ask = (duration: number) => app.inject({
    method: 'POST', url: '/grants', headers: bearer('alice'), payload: { group: GROUP, duration }
  })
  const old = (await ask(10)).json()
  let renewed: { id: string } | undefined
  during = async () => {
    t.match(await holder(), { status: 'releasing', grants: [] }, 'the removal has started')
    renewed = (await ask(600)).json()
  }
  clock.advance(11)
  t.match(await app.sweeper?.run(), { ended: 1 })
  t.ok(renewed, 'a grant was made during the IAM removal')
  t.match(await holder(), { status: 'held', preexisting: false, grants: [renewed?.id] })
  t.same(await members(), ['alice'], 'the removal did not take the new grant\'s membership')
  t.notOk((await app.inject({ url: '/grants', headers: bearer('alice') })).json().grants.some(
    (g: { id: string }) => g.id === old.id), 'the old grant ended')
  clock.advance(601)
  await app.sweeper?.run()
  t.same(await members(), [])
})

t.test('a crash after the hold went to releasing: the next sweep removes the membership', async (t) => {
  const clock = testClock()
  const { app } = await peers.build(t, config, { now: clock.now })
  const grant = (await app.inject({
    method: 'POST', url: '/grants', headers: bearer('alice'), payload: { group: GROUP, duration: 10 }
  })).json()
  clock.advance(11)
  const now = Math.floor(clock.now())
  const read = await holder()
  t.ok(await store.transition<GrantItem>({ pk: 'grant', sk: grant.id }, { status: ['active'] },
    { status: 'expiring', claimed_at: now }))
  t.ok(await store.transition<HolderItem>(holderKey('alice', GROUP), { status: ['held'], fields: { version: read?.version ?? 0 } },
    { status: 'releasing', grants: [], released_at: now, version: (read?.version ?? 0) + 1 }))
  t.same(await members(), ['alice'], 'the crash came before IAM')
  clock.advance(61)
  t.match(await app.sweeper?.run(), { ended: 1 })
  t.same(await members(), [])
  t.match(await holder(), { status: 'released' })
})

t.test('a sweep reads one holder item per grant, not the grant partition', async (t) => {
  const clock = testClock()
  const { app } = await peers.build(t, config, { now: clock.now })
  for (const uid of ['alice', 'dave']) {
    const res = await app.inject({ method: 'POST', url: '/grants', headers: bearer(uid), payload: { group: GROUP, duration: 5 } })
    t.equal(res.statusCode, 201)
  }
  const queries: string[] = []
  const counting = { ...store, query: async (pk: string, options: object) => { queries.push(pk); return await store.query(pk, options as never) } }
  const sweeper = await peers.build(t, config, { now: clock.now, store: counting as typeof store })
  clock.advance(6)
  t.match(await sweeper.app.sweeper?.run(), { examined: 2, ended: 2 })
  // (the mimic-role task of issue 15 reads its own partition once in the same sweep)
  t.same(queries.filter((pk) => pk === 'grant'), ['grant', 'grant'], 'one Query for the expired grants, one for the active count')
  t.ok(queries.every((pk) => pk === 'grant' || pk === 'mimic-role'), 'no other partition is read')
  t.same(await members(), [])
})

t.test('group grants stored before holder items are released by the check they were made with', async (t) => {
  const clock = testClock()
  const { app, logs } = await peers.build(t, config, { now: clock.now })
  const past = Math.floor(clock.now()) - 1
  const legacy = (id: string, uid: string, extra: Partial<GrantItem> = {}): GrantItem => ({
    pk: 'grant',
    sk: id,
    id,
    kind: 'group',
    name: GROUP,
    uid,
    iam_user: uid,
    teams: ['mint'],
    approvers: [],
    duration: 60,
    created_at: past - 60,
    status: 'active',
    expires_at: past,
    ...extra
  })
  await peers.addMember('alice')
  await peers.addMember('dave')
  t.teardown(() => peers.removeMember('dave'))
  t.ok(await store.putIfAbsent(legacy('legacy-alice', 'alice')))
  t.ok(await store.putIfAbsent(legacy('legacy-dave', 'dave', { preexisting: true })))
  t.match(await app.sweeper?.run(), { examined: 2, ended: 2, failed: 0 })
  t.same(await members(), ['dave'], 'the added membership goes, the pre-existing one stays')
  const events = logs.audits().filter((a) => a.event.startsWith('group-')).map((a) => `${a.event} ${a.grant}`).sort()
  t.same(events, ['group-kept legacy-dave', 'group-removed legacy-alice'])
})

t.test('an approved group grant holds the membership through the holder item', async (t) => {
  const clock = testClock()
  const { app } = await peers.build(t, config, { now: clock.now })
  const req = await app.inject({ method: 'POST', url: '/grants', headers: bearer('bob'), payload: { group: GROUP, duration: 30 } })
  t.equal(req.json().status, 'pending')
  const ok = await app.inject({ method: 'POST', url: `/grants/${req.json().id}/approve`, headers: bearer('carol') })
  t.equal(ok.statusCode, 200)
  t.same(await members(), ['bob'])
  t.match(await store.get<HolderItem>(holderKey('bob', GROUP), 0), { status: 'held', grants: [req.json().id] })
  clock.advance(31)
  t.match(await app.sweeper?.run(), { ended: 1 })
  t.same(await members(), [])
})

t.test('IAM refuses the membership: the grant is revoked and its hold released', async (t) => {
  const iam = {
    send: async (command: { constructor: { name: string } }) => {
      if (command.constructor.name === 'AddUserToGroupCommand') {
        throw Object.assign(new Error('down'), { name: 'ServiceUnavailable', $fault: 'server', $metadata: {} })
      }
      return await peers.iam.send(command as never)
    }
  } as unknown as IAMClient
  const { app, logs } = await peers.build(t, config, { iam })
  const res = await app.inject({ method: 'POST', url: '/grants', headers: bearer('alice'), payload: { group: GROUP } })
  t.ok([502, 503].includes(res.statusCode), `upstream trouble: ${res.statusCode}`)
  t.same(await members(), [])
  t.match(await holder(), { status: 'released', grants: [] }, 'the hold is released')
  t.same((await app.inject({ url: '/grants', headers: bearer('alice') })).json().grants, [], 'no live grant')
  t.match(logs.audits().map((a) => a.event), ['requested', 'revoking', 'group-removed', 'revoked'])
})
