import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { MAX_DURATION, MIN_DURATION } from '../aws/sts-rules.js'

/** A team's grant: role name patterns and an optional duration cap in seconds. */
export interface TeamGrant {
  patterns: string[]
  matchers: RegExp[]
  maxDuration: number | undefined
}

export interface Policy {
  teams: Map<string, TeamGrant>
  /** principal uid -> teams, for tokens without a team claim (see members.ts for whom they apply to) */
  members: Map<string, string[]>
  /** members_of: identity source (jwt, introspection, tokeninfo[:realm]) -> uid -> teams */
  membersOf?: Map<string, Map<string, string[]>>
  /** members_realm: the tokeninfo realm the plain members belong to ('' = answers without realm) */
  membersRealm?: string
}

/** Characters of an IAM role name, plus `*` in patterns. */
const PATTERN = /^[\w+=,.@*-]{1,64}$/
const TEAM_KEYS = new Set(['roles', 'max_duration'])

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
  return { patterns: roles, matchers: roles.map(compilePattern), maxDuration: maxDuration as number | undefined }
}

function parseMembers (
  raw: unknown, teams: Map<string, TeamGrant>, problems: string[], at = 'members'
): Map<string, string[]> {
  const members = new Map<string, string[]>()
  if (raw === undefined || raw === null) return members
  if (!isRecord(raw)) {
    problems.push(`${at} must be a mapping of uid to team or list of teams`)
    return members
  }
  for (const [uid, value] of Object.entries(raw)) {
    const list = typeof value === 'string' ? [value] : value
    if (!Array.isArray(list) || !list.every((t) => typeof t === 'string')) {
      problems.push(`${at}.${uid} must be a team name or a list of team names`)
      continue
    }
    for (const team of list) {
      if (!teams.has(team)) problems.push(`${at}.${uid}: team "${team}" is not defined under teams`)
    }
    members.set(uid, list)
  }
  return members
}

/** Identity sources a members_of key may name (docs/authorization.md). */
const SOURCE_ID = /^(jwt|introspection|tokeninfo(:.+)?)$/
const TOP_KEYS = new Set(['teams', 'members', 'members_of', 'members_realm'])

function parseScoped (doc: Record<string, unknown>, teams: Map<string, TeamGrant>, problems: string[]): Partial<Policy> {
  const scoped: Partial<Policy> = {}
  const realm = doc.members_realm
  if (realm !== undefined && typeof realm !== 'string') problems.push('members_realm must be a string, e.g. /services')
  else if (realm !== undefined) scoped.membersRealm = realm
  const raw = doc.members_of
  if (raw === undefined || raw === null) return scoped
  if (!isRecord(raw)) {
    problems.push('members_of must be a mapping of identity source (jwt, introspection, tokeninfo:REALM) to members')
    return scoped
  }
  scoped.membersOf = new Map()
  for (const [source, members] of Object.entries(raw)) {
    if (!SOURCE_ID.test(source)) problems.push(`members_of.${source}: not jwt, introspection, tokeninfo or tokeninfo:REALM`)
    scoped.membersOf.set(source, parseMembers(members, teams, problems, `members_of.${source}`))
  }
  return scoped
}

/** Validates a parsed policy document; throws one Error listing every problem. */
export function buildPolicy (doc: unknown, source: string): Policy {
  const problems: string[] = []
  const teams = new Map<string, TeamGrant>()
  if (!isRecord(doc)) throw new Error(`${source}: must be a mapping with "teams" (and optionally "members")`)
  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.has(key)) problems.push(`${key} is not a known key (${[...TOP_KEYS].join(', ')})`)
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
  const scoped = parseScoped(doc, teams, problems)
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`)
  return { teams, members, ...scoped }
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
