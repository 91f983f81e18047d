import { createHash } from 'node:crypto'
import { AppError } from '../errors.js'
import { createCoalescingCache } from '../lib/coalescing-cache.js'
import type { Clock } from '../lib/clock.js'
import type { Principal } from './principal.js'
import type { TokenVerifier } from './token-verifier.js'

export interface TokenCacheOptions {
  /** longest time a verified principal is reused, seconds; 0 = no cache (coalescing stays) */
  ttlSeconds: number
  maxEntries: number
  now: Clock
  /** called once per lookup, for metrics */
  onLookup?: (outcome: 'hit' | 'miss' | 'coalesced' | 'negative-hit') => void
}

/** A rejected token is remembered this briefly: long enough to blunt a retry storm, short enough to forgive. */
export const NEGATIVE_TTL_SECONDS = 5

/** A verification's outcome: a principal, or the 401 that rejected the token. */
type Outcome = { principal: Principal } | { rejection: AppError }

/** The cache key: a SHA-256 of the token, so no token is ever kept in memory longer than a request. */
export function tokenKey (token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

/**
 * The principal as kept for up to TOKEN_CACHE_TTL: its lists copied to arrays of their own length
 * (a filter() result keeps a backing store of 16+ slots: ~300 B per cached principal, issue 19).
 */
function compact (principal: Principal): Principal {
  const copy = { ...principal, scopes: principal.scopes.slice(), teams: principal.teams.slice() }
  if (principal.amr !== undefined) copy.amr = principal.amr.slice()
  return copy
}

/** Only "this token is not valid" is worth remembering; upstream trouble must be retried. */
function isRejection (err: unknown): err is AppError {
  return err instanceof AppError && err.code === 'RO2KEY_TOKEN_INVALID'
}

function unwrap (outcome: Outcome): Principal {
  if ('rejection' in outcome) throw outcome.rejection
  return outcome.principal
}

/**
 * Wraps a verifier: principals are reused until the earlier of the token's expiry and the
 * TTL, rejections for a few seconds, and concurrent verifications of one token share one call.
 */
export function cachingVerifier (inner: TokenVerifier, opts: TokenCacheOptions): TokenVerifier {
  const keepUntil = (outcome: Outcome): number => 'rejection' in outcome
    ? opts.now() + Math.min(NEGATIVE_TTL_SECONDS, opts.ttlSeconds)
    : Math.min(opts.now() + opts.ttlSeconds, outcome.principal.expiresAt ?? Infinity)
  const cache = createCoalescingCache<Outcome>({ max: opts.maxEntries, now: opts.now, keepUntil })

  async function verifyOnce (token: string): Promise<Outcome> {
    try {
      return { principal: compact(await inner.verify(token)) }
    } catch (err) {
      if (isRejection(err)) return { rejection: err }
      throw err
    }
  }

  return {
    async verify (token) {
      const found = cache.lookup(tokenKey(token), async () => await verifyOnce(token))
      if (found.source === 'hit') {
        opts.onLookup?.('principal' in found.value ? 'hit' : 'negative-hit')
        return unwrap(found.value)
      }
      opts.onLookup?.(found.source)
      return unwrap(await found.pending)
    },
    cached (token) {
      const outcome = cache.peek(tokenKey(token))
      return outcome !== undefined && 'principal' in outcome ? outcome.principal : undefined
    }
  }
}
