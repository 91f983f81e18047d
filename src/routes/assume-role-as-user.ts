import type { FastifyReply } from 'fastify'
import { AppError } from '../errors.js'
import { createMyCredentials, type MyCredentialsRequest } from './my-credentials.js'
import type { MimicSession } from './shared/mimic-session.js'

/** `Accept` names application/json (any parameters, any position in the list). */
export function acceptsJson (accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => range.split(';')[0]?.trim().toLowerCase() === 'application/json')
}

/** POST /api/assume-role: Himeko's Mairu endpoint, POST /me/credentials that insists on Accept: application/json. */
export function createAssumeRoleAsUser (session: MimicSession) {
  const credentials = createMyCredentials(session, 'api-assume-role')
  return async function assumeRoleAsUser (request: MyCredentialsRequest, reply: FastifyReply) {
    if (!acceptsJson(request.headers.accept)) {
      throw new AppError('RO2KEY_NOT_ACCEPTABLE', { detail: 'send Accept: application/json (Mairu does)' })
    }
    return await credentials(request, reply)
  }
}
