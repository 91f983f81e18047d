import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { MAX_DURATION, MIN_DURATION } from '../aws/sts-rules.js'
import { parseRequireMfa, type MfaRule } from './require-mfa.js'
import { parseAccounts, type AccountEntry } from './accounts.js'
import { lineLocator, withLine, type LineOf } from './yaml-lines.js'
import { aliasesOf, compileName, parseRolePattern, type RolePattern } from './role-pattern.js'
import { parseMembers, parseScoped, type ScopedMembers } from './members-file.js'
import { checkEligible, parseEligible, parseIamUsers, type Eligible, type IamUsers } from './eligible.js'

/** A team's grant: role name patterns and an optional duration cap in seconds. */
export interface TeamGrant {
  patterns: string[]
  /** the name part of each pattern only (account-blind): match with rolePatterns */
  matchers: RegExp[]
  /** the patterns with their account (plain, alias/ or any), see role-pattern.ts */
  rolePatterns: RolePattern[]
  maxDuration: number | undefined
  /** require_mfa: roles of this team that need a stronger authentication (issue 16) */
  requireMfa?: MfaRule | undefined
  /** time-boxed roles and groups on request (issue 14) */
  eligible?: Eligible
}

interface PolicyCore {
  teams: Map<string, TeamGrant>
  /** principal uid -> teams, for tokens without a team claim (see members.ts for whom they apply to) */
  members: Map<string, string[]>
  /** `accounts:` alias -> role ARN prefix (issue 17); absent = ARN_PREFIX only */
  accounts?: Map<string, AccountEntry>
  /** who the caller is in IAM (issue 14) */
  iamUsers?: IamUsers
}

/** The whole policy: teams, members and accounts, plus members scoped to an identity source. */
export type Policy = PolicyCore & ScopedMembers

const TEAM_KEYS = new Set(['roles', 'max_duration', 'require_mfa', 'eligible'])
const TOP_KEYS = new Set(['teams', 'members', 'members_of', 'members_realm', 'accounts', 'iam_users'])

/** `*` matches any run of role-name characters; everything else is literal. */
export function compilePattern (pattern: string): RegExp {
  return compileName(pattern)
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
    if (!TEAM_KEYS.has(key)) problems.push(`teams.${name}.${key} is not a known key (${[...TEAM_KEYS].join(', ')})`)
  }
  const roles = raw.roles
  const parse = (r: unknown): RolePattern | undefined => typeof r === 'string' ? parseRolePattern(r) : undefined
  const rolePatterns = Array.isArray(roles) ? roles.map(parse) : []
  if (!Array.isArray(roles) || !rolePatterns.every((p) => p !== undefined)) {
    problems.push(`teams.${name}.roles must be a list of role names or patterns ([A-Za-z0-9_+=,.@-] and *, ` +
      '1-64 chars), each optionally after alias/ or */')
    return undefined
  }
  const maxDuration = raw.max_duration
  const inRange = (d: unknown): boolean =>
    Number.isInteger(d) && (d as number) >= MIN_DURATION && (d as number) <= MAX_DURATION
  if (maxDuration !== undefined && !inRange(maxDuration)) {
    problems.push(`teams.${name}.max_duration must be an integer from ${MIN_DURATION} to ${MAX_DURATION}`)
    return undefined
  }
  const patterns = rolePatterns as RolePattern[]
  const cap = maxDuration as number | undefined
  const grant: TeamGrant = {
    patterns: roles, matchers: patterns.map((p) => p.regex), rolePatterns: patterns, maxDuration: cap
  }
  if (raw.require_mfa !== undefined) {
    const rule = parseRequireMfa(name, raw.require_mfa, problems)
    if (rule === undefined) return undefined
    grant.requireMfa = rule
  }
  const eligible = parseEligible(name, raw.eligible, problems)
  return eligible === undefined ? grant : { ...grant, eligible }
}

/** Every `alias/` in a team's roles names an `accounts:` entry. */
function checkAliases (teams: Map<string, TeamGrant>, accounts: Map<string, AccountEntry>, problems: string[]): void {
  for (const [name, grant] of teams) {
    for (const alias of new Set(aliasesOf(grant.rolePatterns))) {
      if (!accounts.has(alias)) problems.push(`teams.${name}.roles: account "${alias}" is not defined under accounts`)
    }
    for (const alias of new Set(aliasesOf(grant.requireMfa?.rolePatterns ?? []))) {
      if (accounts.has(alias)) continue
      problems.push(`teams.${name}.require_mfa.roles: account "${alias}" is not defined under accounts`)
    }
  }
}

/** Validates a parsed policy document; throws one Error listing every problem. */
export function buildPolicy (doc: unknown, source: string, lineOf?: LineOf): Policy {
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
  const accounts = parseAccounts(doc.accounts, problems)
  checkAliases(teams, accounts, problems)
  const scoped = parseScoped(doc, teams, problems)
  const iamUsers = parseIamUsers(doc.iam_users, problems)
  checkEligible(teams, iamUsers, problems)
  if (problems.length > 0) throw new Error(`${source}: ${problems.map((p) => withLine(p, lineOf)).join('; ')}`)
  const policy: Policy = { teams, members, accounts, ...scoped }
  return iamUsers === undefined ? policy : { ...policy, iamUsers }
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
  return buildPolicy(doc, path, lineLocator(text))
}
