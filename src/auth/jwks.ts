import { badResponse, callJson, statusError, type HttpOptions } from '../http/call-json.js'
import { millisOf, type Clock } from '../lib/clock.js'
import { parseJwks, type JwkEntry } from './jwk-parse.js'

export interface JwksOptions {
  /** when undefined, found through `${issuer}/.well-known/openid-configuration` */
  jwksUrl: string | undefined
  issuer: string
  http: HttpOptions
  now: Clock
  /** a good key set is refreshed after this long (default 10 min) */
  maxAgeMs?: number
  /** at most one refetch per this long for unknown kids or a stale set (default 30 s) */
  cooldownMs?: number
  onRefreshFailed?: (err: Error) => void
}

export interface JwksStore {
  /** The key for this kid and alg, refetching the set (rate limited) when the kid is unknown. */
  key (kid: string | undefined, alg: string): Promise<JwkEntry | undefined>
  /** JWKS documents fetched so far (successfully or not) */
  readonly fetches: number
}

const MAX_AGE_MS = 10 * 60_000
const COOLDOWN_MS = 30_000
function pick (keys: JwkEntry[], kid: string | undefined, alg: string): JwkEntry | undefined {
  const usable = keys.filter((k) => k.algs.includes(alg))
  if (kid !== undefined) return usable.find((k) => k.kid === kid)
  // RFC 7515 makes kid optional: without one, only an unambiguous key will do.
  return usable.length === 1 ? usable[0] : undefined
}

/**
 * The issuer's key set: fetched on first use, refreshed when older than maxAge, refetched
 * (at most once per cooldown) for an unknown kid. Concurrent callers share one fetch; a
 * failed refresh keeps the last good set, and fails the request only when there is none.
 */
export function createJwksStore (opts: JwksOptions): JwksStore {
  const maxAgeMs = opts.maxAgeMs ?? MAX_AGE_MS
  const cooldownMs = opts.cooldownMs ?? COOLDOWN_MS
  let keys: JwkEntry[] | undefined
  let fetchedAt = 0
  let attemptedAt = -Infinity
  let inflight: Promise<void> | undefined
  let jwksUrl = opts.jwksUrl
  let fetches = 0
  /** the last refresh's failure while an older set is kept; cleared by a good fetch */
  let lastFailure: Error | undefined

  async function discover (): Promise<string> {
    const url = opts.issuer.replace(/\/$/, '') + '/.well-known/openid-configuration'
    const { status, doc } = await callJson('OIDC discovery endpoint', url, { method: 'GET' }, opts.http)
    if (!doc) throw statusError('OIDC discovery endpoint', status)
    // OpenID Connect Discovery 1.0, section 4.3: the document must name the same issuer.
    if (doc.issuer !== opts.issuer) {
      throw badResponse('The OIDC discovery document names another issuer', 'discovery: issuer mismatch')
    }
    if (typeof doc.jwks_uri !== 'string' || !/^https?:\/\//.test(doc.jwks_uri)) {
      throw badResponse('The OIDC discovery document has no jwks_uri', 'discovery: no jwks_uri')
    }
    return doc.jwks_uri
  }

  async function fetchKeys (): Promise<void> {
    jwksUrl ??= await discover()
    fetches++
    const { status, doc } = await callJson('JWKS endpoint', jwksUrl, { method: 'GET' }, opts.http)
    if (!doc) throw statusError('JWKS endpoint', status)
    keys = parseJwks(doc)
    fetchedAt = millisOf(opts.now)
    lastFailure = undefined
  }

  /** One shared refresh; with a good set in hand its failure is reported, not thrown. */
  async function refresh (): Promise<void> {
    if (!inflight) {
      attemptedAt = millisOf(opts.now)
      inflight = fetchKeys().finally(() => { inflight = undefined })
    }
    try {
      await inflight
    } catch (err) {
      if (keys === undefined) throw err
      lastFailure = err as Error
      opts.onRefreshFailed?.(err as Error)
    }
  }

  /**
   * An unknown kid while the JWKS endpoint is failing may be a rotation we cannot see:
   * upstream trouble, not a bad token.
   */
  function unknownKey (): undefined {
    if (lastFailure) throw lastFailure
    return undefined
  }

  const mayRefetch = (): boolean => millisOf(opts.now) - attemptedAt >= cooldownMs

  return {
    get fetches () { return fetches },
    async key (kid, alg) {
      if (keys === undefined || (millisOf(opts.now) - fetchedAt >= maxAgeMs && mayRefetch())) await refresh()
      const found = pick(keys ?? [], kid, alg)
      if (found || (inflight === undefined && !mayRefetch())) return found ?? unknownKey()
      await refresh()
      return pick(keys ?? [], kid, alg) ?? unknownKey()
    }
  }
}
