import { LRUCache } from 'lru-cache'
import type { Clock } from './clock.js'

/** A stored value, with the clock reading when its load started and the time it may be served until. */
export interface Stored<V> {
  value: V
  startedAt: number
  until: number
}

/** How a lookup was served: from the cache, by joining a load in flight, or by a new load. */
export type Lookup<V> =
  | { source: 'hit', value: V }
  | { source: 'coalesced' | 'miss', pending: Promise<V> }

export interface CoalescingCacheOptions<V> {
  /** most entries kept (least recently used go first); at least 1 */
  max: number
  now: Clock
  /** until when a value just loaded may be served; a time not after now() means "do not keep" */
  keepUntil: (value: V, startedAt: number) => number
}

/** A keyed cache under which concurrent loads of one key share one promise (single flight). */
export interface CoalescingCache<V> {
  /** The stored value if it is fresh (and `usable`), else the load in flight, else a new load. */
  lookup (key: string, load: () => Promise<V>, usable?: (stored: Stored<V>) => boolean): Lookup<V>
  /** The stored value if it is fresh; never loads. */
  peek (key: string): V | undefined
  /** lookup() as one promise */
  get (key: string, load: () => Promise<V>): Promise<V>
  /** entries held now (fresh or not yet evicted) */
  readonly size: number
}

/** Failed loads are shared by their waiters but never kept: the next lookup loads again. */
export function createCoalescingCache<V extends {}> (opts: CoalescingCacheOptions<V>): CoalescingCache<V> {
  const entries = new LRUCache<string, Stored<V>>({ max: Math.max(1, opts.max) })
  const inflight = new Map<string, Promise<V>>()

  function start (key: string, load: () => Promise<V>): Promise<V> {
    const startedAt = opts.now()
    let loading: Promise<V>
    try {
      loading = load()
    } catch (err) {
      loading = Promise.reject(err)
    }
    const pending = loading.then((value) => {
      const until = opts.keepUntil(value, startedAt)
      if (until > opts.now()) entries.set(key, { value, startedAt, until })
      return value
    })
    inflight.set(key, pending)
    const forget = (): void => { inflight.delete(key) }
    pending.then(forget, forget)
    return pending
  }

  function lookup (key: string, load: () => Promise<V>, usable?: (stored: Stored<V>) => boolean): Lookup<V> {
    const stored = entries.get(key)
    if (stored !== undefined) {
      const fresh = stored.until > opts.now() && (usable === undefined || usable(stored))
      if (fresh) return { source: 'hit', value: stored.value }
      entries.delete(key)
    }
    const pending = inflight.get(key)
    if (pending !== undefined) return { source: 'coalesced', pending }
    return { source: 'miss', pending: start(key, load) }
  }

  function peek (key: string): V | undefined {
    const stored = entries.peek(key)
    return stored !== undefined && stored.until > opts.now() ? stored.value : undefined
  }

  return {
    lookup,
    peek,
    async get (key, load) {
      const found = lookup(key, load)
      return found.source === 'hit' ? found.value : await found.pending
    },
    get size () { return entries.size }
  }
}
