/** The `members`, `members_of` and `members_realm` sections of the policy file (docs/authorization.md). */

/** The team names the policy defines (only `has` is asked). */
export interface TeamNames { has (name: string): boolean }

export interface ScopedMembers {
  /** members_of: identity source (jwt, introspection, tokeninfo[:realm]) -> uid -> teams */
  membersOf?: Map<string, Map<string, string[]>>
  /** members_realm: the tokeninfo realm the plain members belong to ('' = answers without realm) */
  membersRealm?: string
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** uid -> team(s); every team must be defined under teams. */
export function parseMembers (
  raw: unknown, teams: TeamNames, problems: string[], at = 'members'
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
const SOURCE_ID = /^(jwt|introspection|oidc|tokeninfo(:.+)?)$/

export function parseScoped (
  doc: Record<string, unknown>, teams: TeamNames, problems: string[]
): ScopedMembers {
  const scoped: ScopedMembers = {}
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
    if (!SOURCE_ID.test(source)) {
      problems.push(`members_of.${source}: not jwt, introspection, oidc, tokeninfo or tokeninfo:REALM`)
    }
    scoped.membersOf.set(source, parseMembers(members, teams, problems, `members_of.${source}`))
  }
  return scoped
}
