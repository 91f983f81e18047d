import type { FastifyBaseLogger } from 'fastify'
import type { Dispatcher } from 'undici'
import type { Config } from '../config/index.js'
import { AppError } from '../errors.js'
import { wholeSeconds, type Clock } from '../lib/clock.js'
import { invalidToken } from './bearer.js'
import { createIntrospectionVerifier } from './introspection.js'
import { createJwtVerifier } from './jwt.js'
import { createTokeninfoVerifier } from './tokeninfo.js'
import type { TokenVerifier } from './token-verifier.js'

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
export function chooseVerifier (v: Verifiers): TokenVerifier {
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
  /** read in whole seconds by the verifiers */
  now: Clock
  logger: FastifyBaseLogger
  /** wraps each verifier, e.g. to time it per upstream (metrics) */
  instrument?: (upstream: Upstream, verifier: TokenVerifier) => TokenVerifier
}

type Upstream = 'jwt' | 'introspection' | 'tokeninfo'

/** Every verifier the config names, combined by chooseVerifier. */
export function createTokenVerifier (config: Config, deps: VerifierDeps): TokenVerifier {
  const now = wholeSeconds(deps.now)
  const http = { dispatcher: deps.dispatcher, timeoutMs: config.tokeninfoTimeoutMs }
  const common = { uidClaim: config.uidClaim, teamClaim: config.teamClaim, http, now }
  const w = <V extends TokenVerifier | undefined | false | '' | null>(name: Upstream, v: V): V =>
    (v && deps.instrument ? deps.instrument(name, v) : v) as V
  const onJwksRefreshFailed = (err: Error): void => {
    const cause = err.cause instanceof Error ? err.cause.message : err.message
    deps.logger.warn({ cause }, 'JWKS refresh failed; keeping the last good key set')
  }
  return chooseVerifier({
    jwt: w('jwt', config.jwt && createJwtVerifier({ ...config.jwt, ...common, onJwksRefreshFailed })),
    introspection: w('introspection',
      config.introspection && createIntrospectionVerifier({ ...config.introspection, ...common })),
    tokeninfo: w('tokeninfo', config.tokeninfoUrl === undefined
      ? undefined
      : createTokeninfoVerifier({
        url: config.tokeninfoUrl,
        timeoutMs: config.tokeninfoTimeoutMs,
        teamClaim: config.teamClaim,
        dispatcher: deps.dispatcher,
        now
      }))
  })
}
