import { MAX_DURATION, MIN_DURATION } from '../aws/sts-rules.js'

/** What a team may request for a while (issue 14): roles and IAM groups, how long, who approves. */
export interface Eligible {
  roles: string[]
  groups: string[]
  /** seconds; a request's default and cap */
  maxGrant: number
  /** teams one of whose members must approve; empty = active at once */
  approvers: string[]
}

/** Who may use IAM-user features, and the IAM user name of a caller ("{uid}" is replaced). */
export interface IamUsers {
  teams: string[]
  name: string
}

/** ribose's time_to_expire */
export const DEFAULT_MAX_GRANT = 600
const ROLE = /^[\w+=,.@-]{1,64}$/
const GROUP = /^[\w+=,.@-]{1,128}$/
const KEYS = new Set(['roles', 'groups', 'max_grant', 'approvers'])

const isNames = (value: unknown, pattern: RegExp): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string' && pattern.test(v))

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** teams.NAME.eligible, validated; problems name the exact key. */
export function parseEligible (team: string, raw: unknown, problems: string[]): Eligible | undefined {
  if (raw === undefined) return undefined
  const at = `teams.${team}.eligible`
  if (!isRecord(raw)) {
    problems.push(`${at} must be a mapping with roles and/or groups`)
    return undefined
  }
  for (const key of Object.keys(raw)) {
    if (!KEYS.has(key)) problems.push(`${at}.${key} is not a known key (roles, groups, max_grant, approvers)`)
  }
  const { roles = [], groups = [], approvers = [], max_grant: maxGrant = DEFAULT_MAX_GRANT } = raw
  const crossAccount = Array.isArray(roles) ? roles.filter((r) => typeof r === 'string' && r.includes('/')) : []
  if (crossAccount.length > 0) {
    problems.push(`${at}.roles: ${crossAccount.join(', ')}: eligible roles are in the ARN_PREFIX account; ` +
      'cross-account grants are not supported yet')
  } else if (!isNames(roles, ROLE)) problems.push(`${at}.roles must be a list of role names`)
  if (!isNames(groups, GROUP)) problems.push(`${at}.groups must be a list of IAM group names`)
  if (!isNames(approvers, /^.+$/)) problems.push(`${at}.approvers must be a list of team names`)
  const minimum = isNames(roles, ROLE) && roles.length > 0 ? MIN_DURATION : 1
  if (!Number.isInteger(maxGrant) || (maxGrant as number) < minimum || (maxGrant as number) > MAX_DURATION) {
    problems.push(`${at}.max_grant must be an integer from ${minimum} to ${MAX_DURATION} seconds` +
      (minimum > 1 ? ' (a role grant lasts at least 900 s, STS\'s minimum session)' : ''))
  }
  if (!isNames(roles, ROLE) || !isNames(groups, GROUP) || !isNames(approvers, /^.+$/)) return undefined
  return { roles, groups, approvers, maxGrant: maxGrant as number }
}

/** The top-level iam_users section. */
export function parseIamUsers (raw: unknown, problems: string[]): IamUsers | undefined {
  if (raw === undefined || raw === null) return undefined
  if (!isRecord(raw) || !isNames(raw.teams, /^.+$/)) {
    problems.push('iam_users must be a mapping with teams: [team, ...] (and optionally name: "{uid}")')
    return undefined
  }
  const name = raw.name ?? '{uid}'
  if (typeof name !== 'string' || !name.includes('{uid}')) problems.push('iam_users.name must contain {uid}')
  for (const key of Object.keys(raw)) {
    if (key !== 'teams' && key !== 'name') problems.push(`iam_users.${key} is not a known key (teams, name)`)
  }
  return { teams: raw.teams, name: String(name) }
}

/** Cross-checks: approvers and iam_users teams exist; group grants need iam_users. */
export function checkEligible (
  teams: Map<string, { eligible?: Eligible }>, iamUsers: IamUsers | undefined, problems: string[]
): void {
  for (const [name, team] of teams) {
    for (const approver of team.eligible?.approvers ?? []) {
      if (!teams.has(approver)) problems.push(`teams.${name}.eligible.approvers: team "${approver}" is not defined`)
    }
    if ((team.eligible?.groups.length ?? 0) > 0 && iamUsers === undefined) {
      problems.push(`teams.${name}.eligible.groups needs the iam_users section (who the caller is in IAM)`)
    }
  }
  for (const team of iamUsers?.teams ?? []) {
    if (!teams.has(team)) problems.push(`iam_users.teams: team "${team}" is not defined under teams`)
  }
}

/** True when some team has an eligible section: the policy then needs STORE_TABLE. */
export const needsStore = (teams: Map<string, { eligible?: Eligible }>): boolean =>
  [...teams.values()].some((team) => team.eligible !== undefined)
