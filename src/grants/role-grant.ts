import type { Principal } from '../auth/principal.js'
import { DEFAULT_DURATION, MIN_DURATION } from '../aws/sts-rules.js'
import { AppError } from '../errors.js'
import { teamsOf, type Allowed } from '../policy/decide.js'
import { sessionNameFor } from '../policy/session-name.js'
import type { GrantContext } from './context.js'
import { eligibilityFor } from './eligibility.js'
import { GRANT_PK, type GrantItem } from './grant.js'

/** An Allowed decision that a grant made, and which grant. */
export type GrantAllowed = Allowed & { grant: string }

/**
 * For a role the caller is only eligible for: the active, unexpired grant decides, and the session
 * lasts min(asked or default, seconds left). Undefined when the role is not eligible (the store is
 * not read then: standing roles never touch it).
 */
export async function authorizeByGrant (
  ctx: GrantContext, principal: Principal, roleName: string, duration: number | undefined, arnPrefix: string
): Promise<GrantAllowed | undefined> {
  const terms = eligibilityFor(teamsOf(principal, ctx.policy), 'role', roleName, ctx.policy)
  if (terms === undefined) return undefined
  const now = ctx.now()
  const grants = await ctx.store.query<GrantItem>(GRANT_PK, { now, status: ['active'] })
  const mine = grants.filter((g) => g.kind === 'role' && g.name === roleName && g.uid === principal.uid)
  const grant = mine.sort((a, b) => b.expires_at - a.expires_at)[0]
  if (grant === undefined) {
    throw new AppError('RO2KEY_ROLE_NOT_ALLOWED', {
      detail: `${roleName} needs an active grant: POST /grants {"role": "${roleName}"}`
    })
  }
  const left = grant.expires_at - now
  if (left < MIN_DURATION) {
    throw new AppError('RO2KEY_GRANT_ENDING', {
      detail: `your grant for ${roleName} ends in ${left} s, under STS's ${MIN_DURATION} s minimum: request a new grant`
    })
  }
  return {
    allowed: true,
    roleArn: `${arnPrefix}/${roleName}`,
    sessionName: sessionNameFor(principal.uid),
    duration: Math.min(duration ?? DEFAULT_DURATION, left),
    teams: terms.teams,
    grant: grant.id
  }
}
