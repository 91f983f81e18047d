import type { FastifyRequest } from 'fastify'
import { AppError } from '../errors.js'
import { currentUser, principalOf } from './session.js'

/**
 * A preHandler that sets request.principal from the session, as app.authenticate does from a
 * token; 401 RO2KEY_SIGN_IN_REQUIRED when signed out.
 */
export function signedInHandler (now: () => number) {
  return async function signedIn (request: FastifyRequest): Promise<void> {
    const user = currentUser(request, now())
    if (user === undefined) throw new AppError('RO2KEY_SIGN_IN_REQUIRED', { detail: 'Sign in first' })
    request.principal = principalOf(user)
  }
}
