import type { Principal } from '../auth/principal.js'
import { DEFAULT_DURATION } from '../aws/sts-rules.js'
import type { Account } from './accounts.js'
import type { Policy } from './policy-file.js'
import { matchesRole } from './role-pattern.js'
import { memberTeams } from './members.js'
import { sessionNameFor } from './session-name.js'

export interface Allowed {
  allowed: true
  roleArn: string
  sessionName: string
  duration: number
  /** the caller's teams that grant this role */
  teams: string[]
}

export type DenyReason = 'no-team' | 'role-not-allowed' | 'duration-above-cap'

export interface Denied {
  allowed: false
  reason: DenyReason
  /** the caller's teams (for the log and the message) */
  teams: string[]
  /** with duration-above-cap: the highest duration any granting team allows */
  cap?: number
}

export interface Request {
  roleName: string
  /** requested seconds; undefined means the default */
  duration: number | undefined
  /** the account of /get_key/{account}/{role_name}; undefined = ARN_PREFIX's */
  account?: Account
}

/** The caller's teams: the token's team claim plus the policy's members entries for its source. */
export function teamsOf (principal: Principal, policy: Policy): string[] {
  const fromPolicy = memberTeams(principal, policy)
  return [...new Set([...principal.teams, ...fromPolicy])]
}

/**
 * The duration cap of a role granted by these teams: the most generous team sets it, and a
 * team without max_duration has none (undefined = uncapped).
 */
export function durationCap (grantingTeams: readonly string[], policy: Policy): number | undefined {
  const caps = grantingTeams.map((team) => policy.teams.get(team)?.maxDuration)
  return caps.includes(undefined) ? undefined : Math.max(...(caps as number[]))
}

/**
 * Pure authorization: may this principal assume this role for this long? `tagTeams` are the
 * teams the role's IAM tag lists (ROLE_TEAMS_TAG); a team granted that way keeps its policy
 * file max_duration, if it has one.
 */
export function decide (
  principal: Principal,
  request: Request,
  policy: Policy,
  arnPrefix: string,
  tagTeams: readonly string[] = []
): Allowed | Denied {
  const teams = teamsOf(principal, policy)
  if (teams.length === 0) return { allowed: false, reason: 'no-team', teams }
  const { account, roleName } = request
  const target = { accountAlias: account?.alias, isDefault: account?.isDefault ?? true, roleName }
  const grants = (team: string): boolean =>
    tagTeams.includes(team) || policy.teams.get(team)?.rolePatterns.some((p) => matchesRole(p, target)) === true
  const granting = teams.filter(grants)
  if (granting.length === 0) return { allowed: false, reason: 'role-not-allowed', teams }
  const cap = durationCap(granting, policy)
  const duration = request.duration ?? Math.min(DEFAULT_DURATION, cap ?? DEFAULT_DURATION)
  if (cap !== undefined && duration > cap) {
    return { allowed: false, reason: 'duration-above-cap', teams: granting, cap }
  }
  return {
    allowed: true,
    roleArn: `${account?.prefix ?? arnPrefix}/${roleName}`,
    sessionName: sessionNameFor(principal.uid),
    duration,
    teams: granting
  }
}
