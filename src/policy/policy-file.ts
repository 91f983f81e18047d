import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { MAX_DURATION, MIN_DURATION } from '../aws/sts-rules.js'
import { checkEligible, parseEligible, parseIamUsers, type Eligible, type IamUsers } from './eligible.js'

/** A team's grant: role name patterns and an optional duration cap in seconds. */
export interface TeamGrant {
  patterns: string[]
  matchers: RegExp[]
  maxDuration: number | undefined
  /** time-boxed roles and groups on request (issue 14) */
  eligible?: Eligible
}

export interface Policy {
  teams: Map<string, TeamGrant>
  /** principal uid -> teams, for tokens without a team claim */
  members: Map<string, string[]>
  /** who the caller is in IAM (issue 14) */
  iamUsers?: IamUsers
}

/** Characters of an IAM role name, plus `*` in patterns. */
const PATTERN = /^[\w+=,.@*-]{1,64}$/
const TEAM_KEYS = new Set(['roles', 'max_duration', 'eligible'])
const TOP_KEYS = new Set(['teams', 'members', 'iam_users'])

/** `*` matches any run of role-name characters; everything else is literal. */
export function compilePattern (pattern: string): RegExp {
  const body = pattern.split('*').map((part) => part.replace(/[.+]/g, '\\$&')).join('[\\w+=,.@-]*')
  return new RegExp(`^${body}$`)
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseTeam (name: string, raw: unknown, problems: string[]): TeamGrant | undefined {
  if (!isRecord(raw)) {
    problems.push(`teams.${name} must be a mapping with "roles"`)
    return undefined
  }
  for (const key of Object.keys(raw)) {
    if (!TEAM_KEYS.has(key)) problems.push(`teams.${name}.${key} is not a known key (roles, max_duration)`)
  }
  const roles = raw.roles
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string' && PATTERN.test(r))) {
    problems.push(`teams.${name}.roles must be a list of role names or patterns ([A-Za-z0-9_+=,.@-] and *, 1-64 chars)`)
    return undefined
  }
  const maxDuration = raw.max_duration
  const inRange = (d: unknown): boolean =>
    Number.isInteger(d) && (d as number) >= MIN_DURATION && (d as number) <= MAX_DURATION
  if (maxDuration !== undefined && !inRange(maxDuration)) {
    problems.push(`teams.${name}.max_duration must be an integer from ${MIN_DURATION} to ${MAX_DURATION}`)
    return undefined
  }
  const eligible = parseEligible(name, raw.eligible, problems)
  const grant = { patterns: roles, matchers: roles.map(compilePattern), maxDuration: maxDuration as number | undefined }
  return eligible === undefined ? grant : { ...grant, eligible }
}

function parseMembers (raw: unknown, teams: Map<string, TeamGrant>, problems: string[]): Map<string, string[]> {
  const members = new Map<string, string[]>()
  if (raw === undefined || raw === null) return members
  if (!isRecord(raw)) {
    problems.push('members must be a mapping of uid to team or list of teams')
    return members
  }
  for (const [uid, value] of Object.entries(raw)) {
    const list = typeof value === 'string' ? [value] : value
    if (!Array.isArray(list) || !list.every((t) => typeof t === 'string')) {
      problems.push(`members.${uid} must be a team name or a list of team names`)
      continue
    }
    for (const team of list) {
      if (!teams.has(team)) problems.push(`members.${uid}: team "${team}" is not defined under teams`)
    }
    members.set(uid, list)
  }
  return members
}

/** Validates a parsed policy document; throws one Error listing every problem. */
export function buildPolicy (doc: unknown, source: string): Policy {
  const problems: string[] = []
  const teams = new Map<string, TeamGrant>()
  if (!isRecord(doc)) throw new Error(`${source}: must be a mapping with "teams" (and optionally "members")`)
  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.has(key)) problems.push(`${key} is not a known key (teams, members, iam_users)`)
  }
  if (!isRecord(doc.teams)) {
    problems.push('teams must be a mapping of team name to { roles: [...] }')
  } else {
    for (const [name, raw] of Object.entries(doc.teams)) {
      const grant = parseTeam(name, raw, problems)
      if (grant) teams.set(name, grant)
    }
  }
  const members = parseMembers(doc.members, teams, problems)
  const iamUsers = parseIamUsers(doc.iam_users, problems)
  checkEligible(teams, iamUsers, problems)
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`)
  return iamUsers === undefined ? { teams, members } : { teams, members, iamUsers }
}

/** Reads and validates a YAML or JSON policy file. */
export function loadPolicyFile (path: string): Policy {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new Error(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  let doc: unknown
  try {
    doc = parse(text)
  } catch (err) {
    throw new Error(`${path}: not valid YAML or JSON (${(err as Error).message.split('\n')[0]})`)
  }
  return buildPolicy(doc, path)
}
