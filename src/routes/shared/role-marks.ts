import type { components } from '../../api/schema.js'
import type { Principal } from '../../auth/principal.js'
import { checkStrength, policyRequirements, TAG_REQUIREMENT } from '../../policy/auth-strength.js'
import type { Policy } from '../../policy/policy-file.js'
import type { TaggedRole } from '../../policy/role-tags.js'
import type { Accounts } from '../../policy/accounts.js'

type RoleGrant = components['schemas']['RoleGrant']

/**
 * GET /roles marks: `require_mfa` on a grant that needs a stronger sign-in and `mfa_satisfied`
 * for the current token. A pattern is marked when a require_mfa pattern covers its fixed part
 * ("Prod*" covers "ProdDb*"), i.e. every name the grant matches needs it, in the grant's account
 * (issue 17; a grant without an account is ARN_PREFIX's). `tagged` are the default account's roles.
 */
export function markStrength (
  roles: RoleGrant[], tagged: TaggedRole[], principal: Principal, policy: Policy, now: number, accounts?: Accounts
): RoleGrant[] {
  const tagRequires = new Set(tagged.filter((r) => r.requireMfa === true).map((r) => r.roleName))
  return roles.map((grant) => {
    const name = grant.source === 'policy' ? grant.role.replaceAll('*', '') : grant.role
    const account = grant.account_id === undefined
      ? accounts?.default
      : accounts?.all.find((a) => a.id === grant.account_id && (a.alias ?? null) === (grant.account ?? null))
    const isDefault = account?.isDefault ?? grant.account_id === undefined
    const requirements = policyRequirements(name, grant.teams, policy, { alias: account?.alias, isDefault })
    if (isDefault && tagRequires.has(grant.role)) requirements.push(TAG_REQUIREMENT)
    if (requirements.length === 0) return grant
    return { ...grant, require_mfa: true, mfa_satisfied: checkStrength(principal, requirements, now).ok }
  })
}
