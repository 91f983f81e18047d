import type { Principal } from '../auth/principal.js'
import { teamsOf } from '../policy/decide.js'
import type { Policy } from '../policy/policy-file.js'
import type { GrantItem, GrantKind } from './grant.js'

/** What the caller may request for one role or group, merged over its teams. */
export interface Eligibility {
  teams: string[]
  /** the most generous team's max_grant */
  maxGrant: number
  /** empty when one eligible team needs no approval (the most generous team wins) */
  approvers: string[]
}

const listOf = (kind: GrantKind): 'roles' | 'groups' => kind === 'role' ? 'roles' : 'groups'

/** Pure: may this caller request `name` of `kind`, for how long, approved by whom. */
export function eligibilityFor (
  teams: string[], kind: GrantKind, name: string, policy: Policy
): Eligibility | undefined {
  const granting = teams.filter((team) => policy.teams.get(team)?.eligible?.[listOf(kind)].includes(name))
  if (granting.length === 0) return undefined
  const eligibles = granting.map((team) => policy.teams.get(team)?.eligible)
  const maxGrant = Math.max(...eligibles.map((e) => e?.maxGrant ?? 0))
  const approvers = eligibles.some((e) => e?.approvers.length === 0)
    ? []
    : [...new Set(eligibles.flatMap((e) => e?.approvers ?? []))]
  return { teams: granting, maxGrant, approvers }
}

/** Every role and group the caller may request, with its merged terms. */
export function eligibleList (
  teams: string[], policy: Policy
): Array<{ kind: GrantKind, name: string } & Eligibility> {
  const out: Array<{ kind: GrantKind, name: string } & Eligibility> = []
  for (const kind of ['role', 'group'] as const) {
    const names = new Set(teams.flatMap((team) => policy.teams.get(team)?.eligible?.[listOf(kind)] ?? []))
    for (const name of [...names].sort()) {
      const terms = eligibilityFor(teams, kind, name, policy)
      if (terms) out.push({ kind, name, ...terms })
    }
  }
  return out
}

/** An approver is a member of one of the grant's approver teams, and never its requester. */
export function mayApprove (principal: Principal, grant: GrantItem, policy: Policy): boolean {
  if (principal.uid === grant.uid) return false
  const teams = teamsOf(principal, policy)
  return grant.approvers.some((team) => teams.includes(team))
}

/** The caller's IAM user name, when one of its teams may use IAM-user features. */
export function iamUserOf (principal: Principal, policy: Policy): string | undefined {
  const iamUsers = policy.iamUsers
  if (iamUsers === undefined) return undefined
  const teams = teamsOf(principal, policy)
  if (!iamUsers.teams.some((team) => teams.includes(team))) return undefined
  return iamUsers.name.replaceAll('{uid}', principal.uid)
}
