import type { FastifyRequest } from 'fastify'
import type { Principal } from '../../auth/principal.js'
import { stepUpRequired } from '../../auth/step-up.js'
import { checkStrength } from '../../policy/auth-strength.js'
import type { Policy } from '../../policy/policy-file.js'
import { roleRequirements } from '../../policy/role-strength.js'
import type { InAccount } from '../../policy/auth-strength.js'
import type { RoleTags } from '../../policy/role-tags.js'
import type { Clock } from '../../lib/clock.js'

export interface StrengthContext {
  principal: Principal
  roleName: string
  /** the caller's teams that grant the role (their require_mfa entries apply) */
  teams: string[]
  policy: Policy
  roleTags: RoleTags | undefined
  /** the account the role is in (issue 17); default: ARN_PREFIX's */
  account?: InAccount
  now: Clock
  /** extra fields for the `denied` audit line */
  audit?: Record<string, unknown>
}

/**
 * The authentication-strength gate of every route that hands out a role (/get_key, /console,
 * grants, /me/*): the role's requirements against the token, else a `denied` audit line and
 * the RFC 9470 401. Call it after the policy said yes.
 */
export async function enforceStrength (request: FastifyRequest, ctx: StrengthContext): Promise<void> {
  const { principal, roleName, teams } = ctx
  const requirements = await roleRequirements(principal, roleName, teams, ctx.policy, ctx.roleTags, ctx.account)
  const checked = checkStrength(principal, requirements, Math.floor(ctx.now()))
  if (checked.ok) return
  const { reason } = checked.stepUp
  const denied = {
    event: 'denied', uid: principal.uid, teams, role: roleName, reason: 'step-up-required', stepUp: reason
  }
  request.log.info({ audit: { ...denied, ...ctx.audit } }, 'request denied')
  throw stepUpRequired(checked.stepUp)
}
