import type { FastifyRequest } from 'fastify'
import type { Principal } from '../../auth/principal.js'
import { AppError } from '../../errors.js'
import type { GrantAllowed } from '../../grants/role-grant.js'

/** The `reason` of the `denied` audit line for each refusal of the grant path. */
const REASONS: Partial<Record<AppError['code'], string>> = {
  RO2KEY_GRANT_ENDING: 'grant-ending',
  RO2KEY_ROLE_NOT_ALLOWED: 'no-active-grant'
}

/**
 * The grant path of authorizeRequest: the caller's active grant for an eligible role, or undefined
 * when the role is not eligible. A refusal (no active grant, grant ending) writes the same `denied`
 * audit line as the policy's refusals; `audit` holds that line's fields (uid, teams, role, account).
 */
export async function authorizeByGrantAudited (
  request: FastifyRequest, principal: Principal, roleName: string, duration: number | undefined,
  audit: Record<string, unknown>
): Promise<GrantAllowed | undefined> {
  const grants = request.server.grants
  if (grants === undefined) return undefined
  try {
    return await grants.authorizeRole(principal, roleName, duration)
  } catch (err) {
    const reason = err instanceof AppError ? REASONS[err.code] : undefined
    if (reason !== undefined) {
      request.log.info({ audit: { event: 'denied', uid: principal.uid, ...audit, reason } }, 'request denied')
    }
    throw err
  }
}
