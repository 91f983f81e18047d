import type { Principal } from '../auth/principal.js'
import { DEFAULT_ACCOUNT, mfaProven, policyRequirements, TAG_REQUIREMENT } from './auth-strength.js'
import type { InAccount, StrengthRequirement } from './auth-strength.js'
import type { Policy } from './policy-file.js'
import type { RoleTags } from './role-tags.js'

/**
 * Every requirement on this role's authentication: the granting teams' require_mfa entries,
 * then the role tag ro2key:require-mfa (read, cached, only when role tags are on and the
 * token does not already prove MFA, since then the tag could not change the answer). `roleTags` are
 * the account's own (the caller passes the right account's reader).
 */
export async function roleRequirements (
  principal: Principal,
  roleName: string,
  grantingTeams: readonly string[],
  policy: Policy,
  roleTags: RoleTags | undefined,
  account: InAccount = DEFAULT_ACCOUNT
): Promise<StrengthRequirement[]> {
  const requirements = policyRequirements(roleName, grantingTeams, policy, account)
  if (roleTags !== undefined && !mfaProven(principal) && await roleTags.requiresMfa(roleName)) {
    requirements.push(TAG_REQUIREMENT)
  }
  return requirements
}
