import type { FastifyRequest } from 'fastify'
import type { Principal } from '../../auth/principal.js'
import { AppError } from '../../errors.js'
import type { Grants } from '../../grants/grants.js'

/** The grants and the verified caller; 404 when this ro2key is stateless (no STORE_TABLE). */
export function grantsOf (request: FastifyRequest): { grants: Grants, principal: Principal } {
  const grants = request.server.grants
  if (grants === undefined) {
    throw new AppError('RO2KEY_NOT_FOUND', { detail: 'grants are off: this ro2key has no STORE_TABLE' })
  }
  const principal = request.principal
  if (!principal) throw new AppError('RO2KEY_INTERNAL', { detail: 'no principal' })
  return { grants, principal }
}
