import { createHash } from 'node:crypto'
import { createCoalescingCache, type Stored } from '../lib/coalescing-cache.js'
import type { Clock } from '../lib/clock.js'
import type { AssumeRoleInput, Vended } from './assume-role.js'

/** Credentials for one request, and whether another request's AssumeRole call produced them. */
export interface Served {
  vended: Vended
  cached: boolean
}

/** Hands out credentials for an AssumeRole input, from the cache when the rules allow. */
export interface CredentialCache {
  /** `owner`: the caller's identityKey; two callers never share a credential */
  get (input: AssumeRoleInput, owner: string): Promise<Served>
  /** entries held now (fresh or not yet evicted) */
  readonly size: number
}

export interface CredentialCacheOptions {
  /** the real call, e.g. (input) => assumeRole(sts, input) */
  assume: (input: AssumeRoleInput) => Promise<Vended>
  /** seconds a credential may be served after it was issued; 0 disables the cache and coalescing */
  maxAgeSeconds: number
  maxEntries: number
  now: Clock
}

interface Entry {
  vended: Vended
  /** when ro2key asked for it, seconds since the epoch */
  issuedAt: number
}

/**
 * STS stamps Expiration with its own clock, so a fresh credential can look a second or two
 * short of the requested duration. This much shortfall still counts as "the full duration".
 */
export const EXPIRY_SLACK_SECONDS = 30

function collectKeys (value: unknown, into: Set<string>): void {
  if (value === null || typeof value !== 'object') return
  if (!Array.isArray(value)) for (const k of Object.keys(value)) into.add(k)
  for (const v of Object.values(value)) collectKeys(v, into)
}

/**
 * Key: every field of the input, object keys sorted at every level (JSON.stringify writes the
 * properties in the order of its key list). Whatever shapes the AssumeRole call (role ARN,
 * session name, duration, source identity, tags) is in it; an extra field only makes the
 * key narrower, never lets two different calls share credentials.
 */
export function cacheKey (input: AssumeRoleInput): string {
  const keys = new Set<string>()
  collectKeys(input, keys)
  return JSON.stringify(input, [...keys].sort())
}

/**
 * May this entry still be served? Only while younger than maxAge, and only while its
 * remaining lifetime is at least the requested duration minus its age, so no caller gets
 * noticeably less time than it asked for (at most maxAge less).
 */
export function servable (entry: Entry, duration: number, maxAgeSeconds: number, now: number): boolean {
  const age = now - entry.issuedAt
  if (age < 0 || age >= maxAgeSeconds) return false
  const remaining = entry.vended.expiration.getTime() / 1000 - now
  return remaining + EXPIRY_SLACK_SECONDS >= duration - age
}

/** A bounded LRU of credentials; concurrent misses for one key share one AssumeRole call; failures are not kept. */
export function createCredentialCache (opts: CredentialCacheOptions): CredentialCache {
  const { assume, maxAgeSeconds, now } = opts
  if (maxAgeSeconds <= 0) {
    return { async get (input, _owner) { return { vended: await assume(input), cached: false } }, size: 0 }
  }
  // Age counts from the request, not the answer: STS's clock started before ours stopped.
  const cache = createCoalescingCache<Vended>({
    max: opts.maxEntries,
    now,
    keepUntil: (_vended, startedAt) => startedAt + maxAgeSeconds
  })
  const servableNow = (duration: number) => (stored: Stored<Vended>): boolean =>
    servable({ vended: stored.value, issuedAt: stored.startedAt }, duration, maxAgeSeconds, now())

  return {
    async get (input, owner) {
      // a SHA-256 of owner and input: ~110 B less per cached credential than the JSON itself (issue 19)
      const key = createHash('sha256').update(JSON.stringify([owner, cacheKey(input)])).digest('base64url')
      const found = cache.lookup(key, async () => await assume(input), servableNow(input.duration))
      if (found.source === 'hit') return { vended: found.value, cached: true }
      return { vended: await found.pending, cached: found.source === 'coalesced' }
    },
    get size () { return cache.size }
  }
}
