import { createDecoder, createVerifier, type Algorithm } from 'fast-jwt'
import type { Principal } from './principal.js'
import { invalidToken } from './bearer.js'
import type { JwkEntry } from './jwk-parse.js'
import { createJwksStore, type JwksStore } from './jwks.js'
import type { HttpOptions } from '../http/call-json.js'
import { listClaim, type TokenVerifier } from './token-verifier.js'
import { strengthClaims } from './strength-claims.js'
import { typeAllowed } from './jwt-type.js'
import type { Clock } from '../lib/clock.js'

export interface JwtOptions {
  issuer: string
  audience: string
  /** undefined: found through OIDC discovery at the issuer */
  jwksUrl: string | undefined
  /** claim that names the caller; undefined: sub, then client_id */
  uidClaim: string | undefined
  teamClaim: string
  http: HttpOptions
  /** whole seconds are enough: token times are whole seconds */
  now: Clock
  onJwksRefreshFailed?: (err: Error) => void
  /** for tests; default a JWKS store built from the options above */
  jwks?: JwksStore
}

/** RFC 7518 asymmetric algorithms only: `none` and HS* (shared secrets) are never accepted. */
export const ALLOWED_ALGS = new Set([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'
])
/** Clock skew tolerated on exp and nbf (the issue allows at most 60 s). */
export const LEEWAY_SECONDS = 30

/** The fixed 401 reasons of this verifier; no library message ever reaches a client. */
export const REASONS = {
  malformed: 'malformed token',
  alg: 'algorithm not allowed',
  unknownKey: 'unknown signing key',
  signature: 'bad signature',
  issuer: 'wrong issuer',
  audience: 'wrong audience',
  expired: 'token expired',
  notYetValid: 'token not yet valid',
  issuedInFuture: 'token issued in the future',
  typ: 'not an access token',
  noUid: 'token has no uid'
} as const

const decode = createDecoder({ complete: true })

interface Decoded { header: Record<string, unknown>, payload: Record<string, unknown> }

function decodeToken (token: string): Decoded {
  try {
    const decoded = decode(token) as Decoded
    const payload = decoded.payload
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new Error('payload')
    return decoded
  } catch {
    throw invalidToken(REASONS.malformed)
  }
}

/** Checks iss (exactly), aud (contains), exp (required) and nbf with leeway; returns a reason or undefined. */
export function checkClaims (
  payload: Record<string, unknown>,
  expect: { issuer: string, audience: string },
  now: number
): string | undefined {
  if (payload.iss !== expect.issuer) return REASONS.issuer
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
  if (!aud.includes(expect.audience)) return REASONS.audience
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) return REASONS.malformed
  if (payload.exp + LEEWAY_SECONDS <= now) return REASONS.expired
  const nbf = payload.nbf
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf - LEEWAY_SECONDS > now)) return REASONS.notYetValid
  const iat = payload.iat
  if (iat !== undefined && (typeof iat !== 'number' || iat - LEEWAY_SECONDS > now)) return REASONS.issuedInFuture
  return undefined
}

/** RFC 9068 claims -> Principal; scopes from `scope` (string) or `scp` (array). */
export function principalOf (
  payload: Record<string, unknown>,
  uidClaim: string | undefined,
  teamClaim: string
): Principal {
  const candidates = uidClaim ? [payload[uidClaim]] : [payload.sub, payload.client_id]
  const uid = candidates.find((v) => typeof v === 'string' && v !== '') as string | undefined
  if (uid === undefined) throw invalidToken(REASONS.noUid)
  return {
    source: 'jwt',
    uid,
    realm: undefined,
    scopes: payload.scope !== undefined ? listClaim(payload.scope) : listClaim(payload.scp),
    teams: listClaim(payload[teamClaim]),
    expiresAt: payload.exp as number,
    ...strengthClaims(payload)
  }
}

/** Signed-JWT access tokens checked against the issuer's JWKS, with fast-jwt doing the signature. */
export function createJwtVerifier (opts: JwtOptions): TokenVerifier {
  const jwks = opts.jwks ?? createJwksStore({
    jwksUrl: opts.jwksUrl,
    issuer: opts.issuer,
    http: opts.http,
    now: opts.now,
    onRefreshFailed: opts.onJwksRefreshFailed
  })
  // One fast-jwt verifier per key; time claims are checked by checkClaims with the injected clock.
  const verifiers = new WeakMap<JwkEntry, (token: string) => unknown>()
  function signatureCheck (key: JwkEntry): (token: string) => unknown {
    let verify = verifiers.get(key)
    if (!verify) {
      verify = createVerifier({
        key: key.pem,
        algorithms: key.algs as Algorithm[],
        cache: false,
        ignoreExpiration: true,
        ignoreNotBefore: true
      })
      verifiers.set(key, verify)
    }
    return verify
  }
  return {
    async verify (token) {
      const { header, payload } = decodeToken(token)
      const alg = header.alg
      if (typeof alg !== 'string' || !ALLOWED_ALGS.has(alg)) throw invalidToken(REASONS.alg)
      if (header.kid !== undefined && typeof header.kid !== 'string') throw invalidToken(REASONS.malformed)
      if (!typeAllowed(header.typ)) throw invalidToken(REASONS.typ)
      const key = await jwks.key(header.kid as string | undefined, alg)
      if (!key) throw invalidToken(REASONS.unknownKey)
      try {
        signatureCheck(key)(token)
      } catch (err) {
        // fast-jwt's codes, not its messages: e.g. FAST_JWT_INVALID_SIGNATURE
        throw invalidToken(REASONS.signature, new Error((err as { code?: string }).code ?? 'signature check failed'))
      }
      const reason = checkClaims(payload, opts, opts.now())
      if (reason) throw invalidToken(reason)
      return principalOf(payload, opts.uidClaim, opts.teamClaim)
    }
  }
}
