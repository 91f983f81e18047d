import type { FastifyRequest } from 'fastify'
import type {} from '@fastify/secure-session'
import type { Principal } from '../auth/principal.js'

/** The session cookie's name: __Host- binds it to this host, path / and Secure (RFC 6265bis). */
export const SESSION_COOKIE = '__Host-ro2key'

/** Who signed in: only what the page and the authorization need, never a token. */
export interface WebUser {
  uid: string
  teams: string[]
  /** the ID token's iss */
  realm: string
  /** authentication methods, class and time (seconds), for MFA requirements */
  amr: string[]
  acr: string | undefined
  authTime: number | undefined
  /** seconds since the epoch */
  expiresAt: number
}

/** What /auth/login keeps until /auth/callback. */
export interface PendingLogin {
  state: string
  nonce: string
  codeVerifier: string
  /** the form the person was sent to sign in from, e.g. a step-up */
  maxAge?: number
}

declare module '@fastify/secure-session' {
  interface SessionData {
    user: WebUser
    pending: PendingLogin
    _csrf: string
  }
}

/** The signed-in person, or undefined when signed out or the session expired. */
export function currentUser (request: FastifyRequest, now: number): WebUser | undefined {
  const user = request.session.get('user')
  if (user === undefined || user.expiresAt <= now) return undefined
  return user
}

/**
 * The Principal the API's authorization sees for a signed-in person; amr, acr and authTime
 * ride along for the authentication-strength check.
 */
export function principalOf (user: WebUser): Principal {
  const principal: Principal = {
    source: 'oidc', uid: user.uid, realm: undefined, scopes: [], teams: user.teams, expiresAt: user.expiresAt
  }
  return Object.assign(principal, { amr: user.amr, acr: user.acr, authTime: user.authTime })
}
