import { LRUCache } from 'lru-cache'

/** A keyed cache whose entries are fresh for `ttl` seconds of an injected clock; concurrent loads of one key share one promise. */
export interface FreshCache<V> {
  get (key: string, load: () => Promise<V>): Promise<V>
}

interface Entry<V> { value: V, at: number }

/** Failed loads are not cached: the next call tries again. `max` bounds memory (least recently used go first). */
export function createFreshCache<V extends {}> (ttl: number, now: () => number, max: number): FreshCache<V> {
  const entries = new LRUCache<string, Entry<V>>({ max })
  const inflight = new Map<string, Promise<V>>()
  return {
    async get (key, load) {
      const hit = entries.get(key)
      if (hit !== undefined && now() - hit.at < ttl) return hit.value
      let pending = inflight.get(key)
      if (pending === undefined) {
        pending = load()
          .then((value) => { entries.set(key, { value, at: now() }); return value })
          .finally(() => inflight.delete(key))
        inflight.set(key, pending)
      }
      return await pending
    }
  }
}
