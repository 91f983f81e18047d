import t from 'tap'
import { createCoalescingCache } from '../../src/lib/coalescing-cache.js'
import type { Clock } from '../../src/lib/clock.js'

/** A cache whose entries are fresh for `ttl` seconds after their load finished (as role tags use it). */
function createFreshCache<V extends {}> (ttl: number, now: Clock, max: number) {
  return createCoalescingCache<V>({ max, now, keepUntil: () => now() + ttl })
}

t.test('fresh for ttl seconds of the injected clock, then loaded again', async (t) => {
  let clock = 1000
  let loads = 0
  const cache = createFreshCache<string>(60, () => clock, 10)
  const load = async (): Promise<string> => `v${++loads}`
  t.equal(await cache.get('a', load), 'v1')
  clock += 59
  t.equal(await cache.get('a', load), 'v1', 'still fresh at 59 s')
  clock += 1
  t.equal(await cache.get('a', load), 'v2', 'reloaded at 60 s')
  t.equal(await cache.get('b', load), 'v3', 'keys are separate')
})

t.test('concurrent gets of one key share one load', async (t) => {
  let loads = 0
  let release: (v: string) => void = () => {}
  const cache = createFreshCache<string>(60, () => 0, 10)
  const load = async (): Promise<string> => { loads++; return await new Promise((resolve) => { release = resolve }) }
  const all = Promise.all(Array.from({ length: 20 }, async () => await cache.get('k', load)))
  release('one')
  t.same(await all, Array(20).fill('one'))
  t.equal(loads, 1)
})

t.test('a failed load is shared by the waiters but not cached', async (t) => {
  let loads = 0
  const cache = createFreshCache<string>(60, () => 0, 10)
  const failing = async (): Promise<string> => { loads++; throw new Error('down') }
  const results = await Promise.allSettled([cache.get('k', failing), cache.get('k', failing)])
  t.same(results.map((r) => r.status), ['rejected', 'rejected'])
  t.equal(loads, 1, 'coalesced')
  t.equal(await cache.get('k', async () => 'up'), 'up', 'the next call loads again')
})

t.test('ttl 0 never caches; max bounds the entries', async (t) => {
  let loads = 0
  const load = async (): Promise<number> => ++loads
  const uncached = createFreshCache<number>(0, () => 0, 10)
  await uncached.get('k', load)
  await uncached.get('k', load)
  t.equal(loads, 2)
  const small = createFreshCache<number>(60, () => 0, 2)
  for (const key of ['a', 'b', 'c']) await small.get(key, load)
  const before = loads
  await small.get('a', load)
  t.equal(loads, before + 1, 'the least recently used entry was dropped')
})

t.test('lookup says how it was served; usable() can refuse a fresh entry', async (t) => {
  let loads = 0
  const cache = createCoalescingCache<number>({ max: 10, now: () => 0, keepUntil: () => 60 })
  const load = async (): Promise<number> => ++loads
  const first = cache.lookup('k', load)
  const second = cache.lookup('k', load)
  t.same([first.source, second.source], ['miss', 'coalesced'])
  t.equal(await cache.get('k', load), 1)
  t.same(cache.lookup('k', load), { source: 'hit', value: 1 })
  const refused = cache.lookup('k', load, () => false)
  t.equal(refused.source, 'miss', 'refused entries are dropped and loaded again')
  if (refused.source !== 'hit') t.equal(await refused.pending, 2)
  t.equal(cache.size, 1)
})

t.test('a load that throws synchronously is a rejected lookup, not a thrown one', async (t) => {
  const cache = createCoalescingCache<number>({ max: 10, now: () => 0, keepUntil: () => 60 })
  const found = cache.lookup('k', () => { throw new Error('sync') })
  t.equal(found.source, 'miss')
  if (found.source !== 'hit') await t.rejects(found.pending, /sync/)
})
