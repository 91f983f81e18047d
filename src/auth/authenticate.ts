import type { FastifyRequest } from 'fastify'
import { AppError } from '../errors.js'
import type { Principal } from './principal.js'
import { bearerToken, challenge } from './bearer.js'
import type { TokenVerifier } from './token-verifier.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** set once the bearer token is verified */
    principal: Principal | undefined
    authentication: Promise<Principal> | undefined
  }
  interface FastifyContextConfig {
    /** route accepts `Authorization: <token>` without the Bearer scheme (x-fastify-config in openapi.yaml) */
    acceptBareToken?: boolean
  }
}

/** Any one of the required scopes suffices (as in the original ro2key); none required = no check. */
export function checkScopes (principal: Principal, required: string[]): void {
  if (required.length === 0 || required.some((s) => principal.scopes.includes(s))) return
  const scope = required.join(' ')
  throw new AppError('RO2KEY_INSUFFICIENT_SCOPE', {
    detail: `The token needs one of these scopes: ${scope}`,
    headers: { 'www-authenticate': challenge('insufficient_scope', 'token lacks a required scope', scope) }
  })
}

/**
 * The security handler for every bearer scheme in the spec. The outcome is kept on the
 * request, so when several schemes are listed the token is still verified only once.
 */
export function createAuthenticate (verifier: TokenVerifier, requiredScopes: string[]) {
  async function verify (request: FastifyRequest): Promise<Principal> {
    const acceptBare = request.routeOptions.config.acceptBareToken === true
    const principal = await verifier.verify(bearerToken(request.headers.authorization, acceptBare))
    checkScopes(principal, requiredScopes)
    return principal
  }
  return async function authenticate (request: FastifyRequest): Promise<void> {
    request.authentication ??= verify(request)
    request.principal = await request.authentication
  }
}

/**
 * The principal a request's token was already verified as, from the token cache only (no
 * upstream call): lets the rate limit serve a known-good token from an IP that sent junk.
 */
export function createKnownPrincipal (verifier: TokenVerifier) {
  return function knownPrincipal (request: FastifyRequest): Principal | undefined {
    if (verifier.cached === undefined) return undefined
    try {
      const acceptBare = request.routeOptions.config.acceptBareToken === true
      return verifier.cached(bearerToken(request.headers.authorization, acceptBare))
    } catch {
      return undefined
    }
  }
}
