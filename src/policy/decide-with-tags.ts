import type { Principal } from '../auth/principal.js'
import { decide, type Allowed, type Denied, type Request } from './decide.js'
import type { Policy } from './policy-file.js'
import type { RoleTags } from './role-tags.js'

/**
 * decide() with the role's IAM tags as a second source: the tags are read (cached) only when
 * the policy file alone refuses, so a role the file grants never waits for, or fails with, IAM.
 */
export async function decideWithTags (
  principal: Principal,
  request: Request,
  policy: Policy,
  arnPrefix: string,
  roleTags: RoleTags | undefined
): Promise<Allowed | Denied> {
  const byFile = decide(principal, request, policy, arnPrefix)
  if (byFile.allowed || byFile.reason === 'no-team' || roleTags === undefined) return byFile
  return decide(principal, request, policy, arnPrefix, await roleTags.teamsFor(request.roleName))
}
