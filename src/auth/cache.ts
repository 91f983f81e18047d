import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { AppError } from '../errors.js'
import type { Principal } from '../policy/decide.js'
import type { TokenVerifier } from './verifier.js'

export interface TokenCacheOptions {
  /** longest time a verified principal is reused, seconds; 0 = no cache (coalescing stays) */
  ttlSeconds: number
  maxEntries: number
  /** seconds since the epoch (may be fractional) */
  now: () => number
  /** called once per lookup, for metrics */
  onLookup?: (outcome: 'hit' | 'miss' | 'coalesced' | 'negative-hit') => void
}

/** A rejected token is remembered this briefly: long enough to blunt a retry storm, short enough to forgive. */
export const NEGATIVE_TTL_SECONDS = 5

interface Entry {
  principal?: Principal
  rejection?: AppError
  until: number
}

/** The cache key: a SHA-256 of the token, so no token is ever kept in memory longer than a request. */
export function tokenKey (token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

/** Only "this token is not valid" is worth remembering; upstream trouble must be retried. */
function isRejection (err: unknown): err is AppError {
  return err instanceof AppError && err.code === 'RO2KEY_TOKEN_INVALID'
}

/**
 * Wraps a verifier: principals are reused until the earlier of the token's expiry and the
 * TTL, rejections for a few seconds, and concurrent verifications of one token share one call.
 */
export function cachingVerifier (inner: TokenVerifier, opts: TokenCacheOptions): TokenVerifier {
  const cache = new LRUCache<string, Entry>({ max: Math.max(1, opts.maxEntries) })
  const inflight = new Map<string, Promise<Principal>>()

  function remember (key: string, entry: Entry): void {
    if (opts.ttlSeconds > 0 && entry.until > opts.now()) cache.set(key, entry)
  }

  async function lookup (key: string, token: string): Promise<Principal> {
    try {
      const principal = await inner.verify(token)
      remember(key, { principal, until: Math.min(opts.now() + opts.ttlSeconds, principal.expiresAt ?? Infinity) })
      return principal
    } catch (err) {
      if (isRejection(err)) remember(key, { rejection: err, until: opts.now() + Math.min(NEGATIVE_TTL_SECONDS, opts.ttlSeconds) })
      throw err
    } finally {
      inflight.delete(key)
    }
  }

  return {
    async verify (token) {
      const key = tokenKey(token)
      const entry = cache.get(key)
      if (entry !== undefined) {
        if (entry.until > opts.now()) {
          opts.onLookup?.(entry.principal ? 'hit' : 'negative-hit')
          if (entry.principal) return entry.principal
          throw entry.rejection
        }
        cache.delete(key)
      }
      const pending = inflight.get(key)
      if (pending) {
        opts.onLookup?.('coalesced')
        return await pending
      }
      opts.onLookup?.('miss')
      const promise = lookup(key, token)
      inflight.set(key, promise)
      return await promise
    }
  }
}
