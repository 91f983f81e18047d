import type { FastifyBaseLogger } from 'fastify'
import type { Dispatcher } from 'undici'
import type { Config } from '../config/index.js'
import { AppError } from '../errors.js'
import { invalidToken } from './bearer.js'
import { createIntrospectionVerifier } from './introspection.js'
import { createJwtVerifier } from './jwt.js'
import { createTokeninfoVerifier } from './tokeninfo.js'
import type { TokenVerifier } from './verifier.js'

export interface Verifiers {
  jwt?: TokenVerifier | undefined
  introspection?: TokenVerifier | undefined
  tokeninfo?: TokenVerifier | undefined
}

/** RFC 7515 compact form: three base64url parts, the first a JSON object with an `alg`. */
export function looksLikeJwt (token: string): boolean {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p)) || !parts[0]) return false
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'))
    return typeof header === 'object' && header !== null && typeof header.alg === 'string'
  } catch {
    return false
  }
}

const isInactive = (err: unknown): boolean => err instanceof AppError && err.code === 'RO2KEY_TOKEN_INVALID'

/**
 * Routes each token to one verifier: a JWT to the JWT verifier when configured; anything
 * else to introspection, and to tokeninfo when introspection is not configured or called the
 * token invalid (two providers during a migration). A JWT verifier's 401 is final.
 */
export function selectVerifier (v: Verifiers): TokenVerifier {
  const { jwt, introspection, tokeninfo } = v
  return {
    async verify (token) {
      if (jwt && looksLikeJwt(token)) return await jwt.verify(token)
      if (introspection) {
        try {
          return await introspection.verify(token)
        } catch (err) {
          if (!tokeninfo || !isInactive(err)) throw err
        }
      }
      if (tokeninfo) return await tokeninfo.verify(token)
      throw invalidToken('malformed token')
    }
  }
}

export interface VerifierDeps {
  dispatcher: Dispatcher
  /** seconds since the epoch */
  now: () => number
  logger: FastifyBaseLogger
  /** wraps each verifier, e.g. to time it per upstream (metrics) */
  instrument?: (upstream: 'jwt' | 'introspection' | 'tokeninfo', verifier: TokenVerifier) => TokenVerifier
}

/** Every verifier the config names, combined by selectVerifier. */
export function createTokenVerifier (config: Config, deps: VerifierDeps): TokenVerifier {
  const http = { dispatcher: deps.dispatcher, timeoutMs: config.tokeninfoTimeoutMs }
  const common = { uidClaim: config.uidClaim, teamClaim: config.teamClaim, http, now: deps.now }
  const w = <V extends TokenVerifier | undefined | false | '' | null>(name: 'jwt' | 'introspection' | 'tokeninfo', v: V): V =>
    (v && deps.instrument ? deps.instrument(name, v) : v) as V
  return selectVerifier({
    jwt: w('jwt', config.jwt && createJwtVerifier({
      ...config.jwt,
      ...common,
      onJwksRefreshFailed: (err) => deps.logger.warn({ cause: err.cause instanceof Error ? err.cause.message : err.message }, 'JWKS refresh failed; keeping the last good key set')
    })),
    introspection: w('introspection', config.introspection && createIntrospectionVerifier({ ...config.introspection, ...common })),
    tokeninfo: w('tokeninfo', config.tokeninfoUrl === undefined
      ? undefined
      : createTokeninfoVerifier({ url: config.tokeninfoUrl, timeoutMs: config.tokeninfoTimeoutMs, teamClaim: config.teamClaim, dispatcher: deps.dispatcher, now: deps.now }))
  })
}
