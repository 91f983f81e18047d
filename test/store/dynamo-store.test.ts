import t from 'tap'
import { startMoto } from '../../dev/peers/moto.js'
import { createDynamoStore } from '../../src/store/dynamo-store.js'
import { StoreUnavailableError, type StoreItem } from '../../src/store/store.js'
import { ensureTable } from '../../src/store/table.js'

const moto = await startMoto()
t.teardown(() => moto.stop())
const client = moto.dynamodbClient()
t.teardown(() => client.destroy())
const created = await ensureTable(client, 'ro2key-store-test')
const again = await ensureTable(client, 'ro2key-store-test')
const store = createDynamoStore(client, 'ro2key-store-test')

interface Thing extends StoreItem { note?: string }
const now = 1_800_000_000

t.test('ensureTable creates the table once', async (t) => {
  t.equal(created, 'created')
  t.equal(again, 'exists', 'STORE_CREATE twice is harmless')
})

t.test('put-if-absent creates once', async (t) => {
  const item: Thing = { pk: 'p1', sk: 'a', status: 'pending', expires_at: now + 60 }
  t.equal(await store.putIfAbsent(item), true)
  t.equal(await store.putIfAbsent({ ...item, status: 'active' }), false, 'second put refused')
  t.match(await store.get<Thing>({ pk: 'p1', sk: 'a' }, now), { status: 'pending' })
})

t.test('a transition applies only from the expected state, once', async (t) => {
  await store.putIfAbsent<Thing>({ pk: 'p2', sk: 'a', status: 'pending', expires_at: now + 60 })
  const key = { pk: 'p2', sk: 'a' }
  t.equal(await store.transition<Thing>(key, { status: ['active'] }, { status: 'revoked' }), undefined)
  const [a, b] = await Promise.all([
    store.transition<Thing>(key, { status: ['pending'] }, { status: 'active', note: 'first' }),
    store.transition<Thing>(key, { status: ['pending'] }, { status: 'active', note: 'second' })
  ])
  t.equal([a, b].filter(Boolean).length, 1, 'two racing transitions: one applies')
  t.equal(await store.transition<Thing>(key, { status: ['active'], fields: { note: 'nope' } }, { status: 'x' }), undefined)
  t.equal(await store.transition<Thing>({ pk: 'p2', sk: 'missing' }, { status: ['pending'] }, { status: 'x' }), undefined,
    'no item, no transition (never an upsert)')
  t.equal(await store.transition<Thing>(key, { status: ['active'], liveAt: now + 61 }, { status: 'x' }), undefined,
    'an expired item does not transition when liveAt says so')
})

t.test('every read filters on expires_at (TTL deletion lags)', async (t) => {
  await store.putIfAbsent<Thing>({ pk: 'p3', sk: 'old', status: 'active', expires_at: now - 1 })
  await store.putIfAbsent<Thing>({ pk: 'p3', sk: 'new', status: 'active', expires_at: now + 100 })
  await store.putIfAbsent<Thing>({ pk: 'p3', sk: 'gone', status: 'revoked', expires_at: now + 100 })
  t.equal(await store.get({ pk: 'p3', sk: 'old' }, now), undefined)
  t.same((await store.query('p3', { now })).map((i) => i.sk), ['gone', 'new'])
  t.same((await store.query('p3', { now, status: ['active'] })).map((i) => i.sk), ['new'])
  t.same((await store.query('p3', { now, expired: true })).map((i) => i.sk), ['old'])
  const raw = await store.query<Thing & { ttl: number }>('p3', { now, expired: true })
  t.ok((raw[0]?.ttl ?? 0) > now, 'the TTL attribute lies after expires_at (kept for history, then deleted)')
})

t.test('queries page through more than one DynamoDB page', async (t) => {
  const big = 'x'.repeat(3000)
  await Promise.all(Array.from({ length: 400 }, (_, i) =>
    store.putIfAbsent({ pk: 'p4', sk: String(i).padStart(4, '0'), status: 'active', expires_at: now + 10, big })))
  t.equal((await store.query('p4', { now })).length, 400)
})

t.test('an unreachable table is StoreUnavailableError, without secrets', async (t) => {
  const dead = moto.dynamodbClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 })
  t.teardown(() => dead.destroy())
  const down = createDynamoStore(dead, 'ro2key-store-test')
  const err = await down.get({ pk: 'a', sk: 'b' }, now).catch((e: unknown) => e)
  t.type(err, StoreUnavailableError)
  t.notMatch((err as Error).message, /moto-instance-secret/)
  await t.rejects(down.putIfAbsent({ pk: 'a', sk: 'b', status: 's', expires_at: now }), StoreUnavailableError)
  await t.rejects(down.transition({ pk: 'a', sk: 'b' }, { status: ['s'] }, { status: 't' }), StoreUnavailableError)
})
