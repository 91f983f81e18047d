import type { Principal } from '../auth/principal.js'
import type { Policy } from './policy-file.js'

/**
 * The identity source a members_of key names: `jwt`, `introspection`, `tokeninfo:REALM`, or
 * `tokeninfo` for a tokeninfo answer without a realm. A uid means something only within it.
 */
export function sourceId (principal: Pick<Principal, 'source' | 'realm'>): string {
  if (principal.source !== 'tokeninfo' || principal.realm === undefined) return principal.source
  return `tokeninfo:${principal.realm}`
}

/**
 * The policy's teams for this principal: its members_of entry for the principal's source, plus a
 * plain `members` entry when the plain entries can only mean this source. Boot refuses plain
 * entries with several verifiers (config/members-scope.ts); members_realm scopes them to one
 * tokeninfo realm (none: answers without a realm), so a uid picked in another realm (or a JWT's
 * client_id) never inherits them.
 */
export function memberTeams (principal: Principal, policy: Policy): string[] {
  const scoped = policy.membersOf?.get(sourceId(principal))?.get(principal.uid) ?? []
  const realmFits = principal.source !== 'tokeninfo' || (principal.realm ?? '') === (policy.membersRealm ?? '')
  // Plain entries never apply to web sign-ins: members_of.oidc names them explicitly.
  const plain = realmFits && principal.source !== 'oidc' ? policy.members.get(principal.uid) ?? [] : []
  return [...scoped, ...plain]
}
