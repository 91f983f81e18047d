import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { createAuthenticate, createKnownPrincipal } from '../auth/authenticate.js'
import type { Principal } from '../auth/principal.js'
import type { TokenVerifier } from '../auth/token-verifier.js'

export interface AuthenticationOptions {
  verifier: TokenVerifier
  /** any one suffices; none = no scope check */
  requiredScopes: string[]
}

declare module 'fastify' {
  interface FastifyInstance {
    /** the security handler of every bearer scheme in the spec; sets request.principal */
    authenticate: (request: FastifyRequest) => Promise<void>
    /** the principal of a token still in the token cache, without verifying anything */
    knownPrincipal: (request: FastifyRequest) => Principal | undefined
  }
}

/** Decorates request.principal (set once the token is verified) and app.authenticate. */
export const authentication = fp<AuthenticationOptions>(async function authentication (app, opts) {
  app.decorateRequest('principal', undefined)
  app.decorateRequest('authentication', undefined)
  app.decorate('authenticate', createAuthenticate(opts.verifier, opts.requiredScopes))
  app.decorate('knownPrincipal', createKnownPrincipal(opts.verifier))
}, { name: 'authentication' })
