import t from 'tap'
import { cacheKey, createCredentialCache, EXPIRY_SLACK_SECONDS, servable, type CredentialCacheOptions } from '../../src/aws/credential-cache.js'
import type { AssumeRoleInput, Vended } from '../../src/aws/assume-role.js'
import { AppError } from '../../src/errors.js'

const T0 = 1_800_000_000
const input = (over: Partial<AssumeRoleInput> & Record<string, unknown> = {}): AssumeRoleInput =>
  ({ roleArn: 'arn:aws:iam::123456789012:role/S3MintReadOnly', sessionName: 'robot', duration: 3600, ...over })

/** A clock to move by hand and an assume() that answers like STS: expiration = now + duration. */
function fixture (over: Partial<CredentialCacheOptions> = {}) {
  const clock = { now: T0 }
  let calls = 0
  const assume = async (i: AssumeRoleInput): Promise<Vended> => {
    calls++
    return { accessKeyId: `ASIA${calls}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date((clock.now + i.duration) * 1000) }
  }
  const cache = createCredentialCache({ assume, maxAgeSeconds: 300, maxEntries: 100, now: () => clock.now, ...over })
  return { cache, clock, calls: () => calls }
}

t.test('cacheKey: canonical, and every field shapes it', async (t) => {
  t.equal(cacheKey(input()), cacheKey({ duration: 3600, sessionName: 'robot', roleArn: 'arn:aws:iam::123456789012:role/S3MintReadOnly' }), 'key order does not matter')
  t.equal(
    cacheKey(input({ tags: [{ key: 'team', value: 'mint' }] })),
    cacheKey(input({ tags: [{ value: 'mint', key: 'team' }] })),
    'nested key order does not matter'
  )
  const distinct = [
    input(),
    input({ roleArn: 'arn:aws:iam::123456789012:role/Other' }),
    input({ sessionName: 'robot2' }),
    input({ duration: 900 }),
    input({ sourceIdentity: 'robot' }),
    input({ tags: [{ key: 'team', value: 'mint' }] }),
    input({ tags: [{ key: 'team', value: 'billing' }] })
  ]
  t.equal(new Set(distinct.map(cacheKey)).size, distinct.length, 'no two different inputs share a key')
})

t.test('servable: younger than max age and enough lifetime left', async (t) => {
  const entry = (issuedAt: number, lifetime: number) => ({ issuedAt, vended: { accessKeyId: 'a', secretAccessKey: 's', sessionToken: 't', expiration: new Date((issuedAt + lifetime) * 1000) } })
  const rows = [
    { desc: 'just issued', entry: entry(T0, 3600), duration: 3600, now: T0, want: true },
    { desc: 'age just under max age', entry: entry(T0, 3600), duration: 3600, now: T0 + 299.9, want: true },
    { desc: 'age equal to max age', entry: entry(T0, 3600), duration: 3600, now: T0 + 300, want: false },
    { desc: 'issued in the future (clock went back)', entry: entry(T0, 3600), duration: 3600, now: T0 - 1, want: false },
    { desc: 'STS stamped a little short (skew)', entry: entry(T0, 3600 - EXPIRY_SLACK_SECONDS), duration: 3600, now: T0 + 100, want: true },
    { desc: 'STS gave much less than asked', entry: entry(T0, 3600 - EXPIRY_SLACK_SECONDS - 1), duration: 3600, now: T0 + 100, want: false },
    { desc: 'short credential asked for short', entry: entry(T0, 900), duration: 900, now: T0 + 200, want: true }
  ]
  for (const r of rows) t.equal(servable(r.entry, r.duration, 300, r.now), r.want, r.desc)
})

t.test('served from the cache until max age, then fetched again', async (t) => {
  const { cache, clock, calls } = fixture()
  const first = await cache.get(input(), 'owner')
  t.equal(first.cached, false)
  clock.now += 299
  const second = await cache.get(input(), 'owner')
  t.equal(second.cached, true)
  t.equal(second.vended.accessKeyId, first.vended.accessKeyId, 'same credentials')
  t.equal(calls(), 1)
  clock.now += 1
  const third = await cache.get(input(), 'owner')
  t.equal(third.cached, false, 'age 300 s is too old')
  t.not(third.vended.accessKeyId, first.vended.accessKeyId)
  t.equal(calls(), 2)
})

t.test('different inputs do not share credentials', async (t) => {
  const { cache, calls } = fixture()
  await cache.get(input(), 'owner')
  await cache.get(input({ duration: 900 }), 'owner')
  await cache.get(input({ sessionName: 'other' }), 'owner')
  await cache.get(input({ tags: [{ key: 'a', value: 'b' }] }), 'owner')
  t.equal(calls(), 4)
})

t.test('a credential with too little lifetime left is not served', async (t) => {
  const clock = { now: T0 }
  let calls = 0
  // STS (say, a role capped below the request) answers with 20 minutes only.
  const assume = async (): Promise<Vended> => { calls++; return { accessKeyId: 'a', secretAccessKey: 's', sessionToken: 't', expiration: new Date((clock.now + 1200) * 1000) } }
  const cache = createCredentialCache({ assume, maxAgeSeconds: 300, maxEntries: 10, now: () => clock.now })
  await cache.get(input({ duration: 3600 }), 'owner')
  const again = await cache.get(input({ duration: 3600 }), 'owner')
  t.equal(again.cached, false)
  t.equal(calls, 2)
})

t.test('LRU bound: the least recently used entry goes first', async (t) => {
  const { cache, calls } = fixture({ maxEntries: 3 })
  for (const s of ['a', 'b', 'c']) await cache.get(input({ sessionName: s }), 'owner')
  await cache.get(input({ sessionName: 'a' }), 'owner') // a is now the most recent
  await cache.get(input({ sessionName: 'd' }), 'owner') // evicts b
  t.equal(cache.size, 3)
  t.equal(calls(), 4)
  t.equal((await cache.get(input({ sessionName: 'a' }), 'owner')).cached, true)
  t.equal((await cache.get(input({ sessionName: 'b' }), 'owner')).cached, false, 'b was evicted')
  t.equal(calls(), 5)
})

t.test('max age 0 disables caching and coalescing', async (t) => {
  const { cache, calls } = fixture({ maxAgeSeconds: 0 })
  const served = await Promise.all(Array.from({ length: 5 }, () => cache.get(input(), 'owner')))
  await cache.get(input(), 'owner')
  t.equal(calls(), 6)
  t.ok(served.every((s) => !s.cached))
  t.equal(cache.size, 0)
})

t.test('concurrent misses share one call', async (t) => {
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  let calls = 0
  const assume = async (i: AssumeRoleInput): Promise<Vended> => {
    calls++
    await gate
    return { accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration: new Date((T0 + i.duration) * 1000) }
  }
  const cache = createCredentialCache({ assume, maxAgeSeconds: 300, maxEntries: 10, now: () => T0 })
  const pending = Array.from({ length: 50 }, () => cache.get(input(), 'owner'))
  const other = cache.get(input({ sessionName: 'other' }), 'owner')
  release()
  const served = await Promise.all(pending)
  await other
  t.equal(calls, 2, 'one call for the 50, one for the other key')
  t.equal(served.filter((s) => !s.cached).length, 1, 'exactly one request made the call')
  t.ok(served.every((s) => s.vended.accessKeyId === 'ASIA1'))
})

t.test('failures are not cached, and every waiter sees the failure', async (t) => {
  for (const mode of ['async', 'sync'] as const) {
    let calls = 0
    let fail = true
    const assume = (i: AssumeRoleInput): Promise<Vended> => {
      calls++
      const err = new AppError('RO2KEY_UPSTREAM_UNAVAILABLE')
      if (fail && mode === 'sync') throw err
      if (fail) return Promise.reject(err)
      return Promise.resolve({ accessKeyId: 'ok', secretAccessKey: 's', sessionToken: 't', expiration: new Date((T0 + i.duration) * 1000) })
    }
    const cache = createCredentialCache({ assume, maxAgeSeconds: 300, maxEntries: 10, now: () => T0 })
    const results = await Promise.allSettled([cache.get(input(), 'owner'), cache.get(input(), 'owner'), cache.get(input(), 'owner')])
    t.ok(results.every((r) => r.status === 'rejected' && (r.reason as AppError).code === 'RO2KEY_UPSTREAM_UNAVAILABLE'), `${mode}: all three fail`)
    t.equal(calls, 1, `${mode}: the concurrent three shared one failing call`)
    fail = false
    const next = await cache.get(input(), 'owner')
    t.equal(next.cached, false, `${mode}: the failure was not kept`)
    t.equal(next.vended.accessKeyId, 'ok')
    t.equal(calls, 2)
  }
})

t.test('two owners (principals) never share a credential, even for one AssumeRole input', async (t) => {
  const { cache, calls } = fixture()
  const a = await cache.get(input(), '["tokeninfo","/services","robot-x"]')
  const b = await cache.get(input(), '["jwt",null,"robot-x"]')
  t.not(a.vended.accessKeyId, b.vended.accessKeyId)
  t.equal((await cache.get(input(), '["jwt",null,"robot-x"]')).cached, true, 'the same owner is served from the cache')
  t.equal(calls(), 2)
})
