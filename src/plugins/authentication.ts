import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { createAuthenticate } from '../auth/authenticate.js'
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
  }
}

/** Decorates request.principal (set once the token is verified) and app.authenticate. */
export const authentication = fp<AuthenticationOptions>(async function authentication (app, opts) {
  app.decorateRequest('principal', undefined)
  app.decorateRequest('authentication', undefined)
  app.decorate('authenticate', createAuthenticate(opts.verifier, opts.requiredScopes))
}, { name: 'authentication' })
