import type { IAMClient, Role } from '@aws-sdk/client-iam'
import { iamSdk } from '../aws/lazy-sdk.js'
import { isAccessDenied, isNoSuchEntity, mapIamError, type AwsErrorShape } from '../aws/aws-errors.js'
import { createCoalescingCache } from '../lib/coalescing-cache.js'
import { wholeSeconds, type Clock } from '../lib/clock.js'

/** The narrow seam to IAM: anything with the client's `send`. */
export type IamLike = Pick<IAMClient, 'send'>

export interface RoleTagsOptions {
  iam: IamLike
  /** ROLE_TEAMS_TAG, e.g. ro2key:teams */
  tagKey: string
  /** whole seconds an answer stays fresh */
  ttl: number
  arnPrefix: string
  now: Clock
}

export interface TaggedRole {
  roleName: string
  teams: string[]
  /** the role carries ro2key:require-mfa=true (issue 16) */
  requireMfa?: boolean
}

/** One role's tags as ro2key reads them. */
export interface RoleInfo { teams: string[], requireMfa: boolean }

/** The role tag that asks for MFA; IAM tag keys are case-insensitive, the value is `true`. */
export const REQUIRE_MFA_TAG = 'ro2key:require-mfa'

export type RoleListing = { status: 'listed', roles: TaggedRole[] } | { status: 'not-permitted' }

/** Teams granted a role by its IAM tag, read with GetRole/ListRoles and cached. */
export interface RoleTags {
  /** the teams the role's tag lists; [] when the role does not exist under ARN_PREFIX */
  teamsFor (roleName: string): Promise<string[]>
  /** true when the role carries ro2key:require-mfa=true (false when it does not exist) */
  requiresMfa (roleName: string): Promise<boolean>
  /** every role under ARN_PREFIX's path with a teams tag or ro2key:require-mfa, and what they say */
  list (): Promise<RoleListing>
}

const MAX_CACHED_ROLES = 10_000
const LIST_PAGE_SIZE = 1000
const LIST_CONCURRENCY = 4

/** The IAM role path ARN_PREFIX names: arn:…:role → "/", arn:…:role/robots → "/robots/". */
export function rolePath (arnPrefix: string): string {
  const rest = arnPrefix.replace(/^arn:[^:]+:iam::\d+:role/, '')
  return rest === '' ? '/' : `${rest}/`
}

/** A tag value's team list: space- or comma-separated. */
export function teamsOfTag (value: string | undefined): string[] {
  return [...new Set((value ?? '').split(/[\s,]+/).filter(Boolean))]
}

/** The teams a role's tags grant; IAM tag keys are case-insensitive. */
export function teamsOfRole (role: Role | undefined, tagKey: string): string[] {
  const wanted = tagKey.toLowerCase()
  return teamsOfTag(role?.Tags?.find((tag) => tag.Key?.toLowerCase() === wanted)?.Value)
}

/** Whether a role's tags ask for MFA (ro2key:require-mfa=true, value case-insensitive). */
export function requiresMfaTag (role: Role | undefined): boolean {
  const tag = role?.Tags?.find((t) => t.Key?.toLowerCase() === REQUIRE_MFA_TAG)
  return tag?.Value?.trim().toLowerCase() === 'true'
}

/** Role tags from IAM, cached per role for `ttl` seconds, concurrent reads of one role coalesced. */
export function createRoleTags (opts: RoleTagsOptions): RoleTags {
  const path = rolePath(opts.arnPrefix)
  // An answer is fresh for `ttl` seconds after it arrived.
  const now = wholeSeconds(opts.now)
  const keepUntil = (): number => now() + opts.ttl
  const roles = createCoalescingCache<RoleInfo>({ max: MAX_CACHED_ROLES, now, keepUntil })
  const listing = createCoalescingCache<RoleListing>({ max: 1, now, keepUntil })

  async function readRole (roleName: string): Promise<RoleInfo> {
    try {
      const { GetRoleCommand } = await iamSdk()
      const out = await opts.iam.send(new GetRoleCommand({ RoleName: roleName }))
      // GetRole finds a name under any path; ro2key assumes ARN_PREFIX/<name> only.
      if (out.Role?.Path !== path) return { teams: [], requireMfa: false }
      return { teams: teamsOfRole(out.Role, opts.tagKey), requireMfa: requiresMfaTag(out.Role) }
    } catch (err) {
      if (isNoSuchEntity(err as AwsErrorShape)) return { teams: [], requireMfa: false }
      throw mapIamError(err as AwsErrorShape & Error, 'GetRole')
    }
  }

  async function listNames (): Promise<string[] | undefined> {
    const names: string[] = []
    let marker: string | undefined
    do {
      let out
      try {
        const page = { PathPrefix: path, Marker: marker, MaxItems: LIST_PAGE_SIZE }
        const { ListRolesCommand } = await iamSdk()
        out = await opts.iam.send(new ListRolesCommand(page))
      } catch (err) {
        if (isAccessDenied(err as AwsErrorShape)) return undefined
        throw mapIamError(err as AwsErrorShape & Error, 'ListRoles')
      }
      for (const role of out.Roles ?? []) if (role.Path === path && role.RoleName) names.push(role.RoleName)
      marker = out.IsTruncated === true ? out.Marker : undefined
    } while (marker)
    return names
  }

  const infoOf = async (roleName: string): Promise<RoleInfo> =>
    await roles.get(roleName, async () => await readRole(roleName))
  const teamsFor = async (roleName: string): Promise<string[]> => (await infoOf(roleName)).teams

  async function readListing (): Promise<RoleListing> {
    const names = await listNames()
    if (names === undefined) return { status: 'not-permitted' }
    // ListRoles leaves tags out, so each role's tags come from GetRole (through the same cache).
    const tagged: TaggedRole[] = []
    for (let i = 0; i < names.length; i += LIST_CONCURRENCY) {
      const batch = names.slice(i, i + LIST_CONCURRENCY)
      const infos = await Promise.all(batch.map(infoOf))
      batch.forEach((roleName, j) => {
        const info = infos[j] as RoleInfo
        // a role tagged only ro2key:require-mfa is listed too, for the /roles marks
        if (info.teams.length || info.requireMfa) {
          const role: TaggedRole = { roleName, teams: info.teams }
          tagged.push(info.requireMfa ? { ...role, requireMfa: true } : role)
        }
      })
    }
    return { status: 'listed', roles: tagged }
  }

  return {
    teamsFor,
    requiresMfa: async (roleName) => (await infoOf(roleName)).requireMfa,
    list: async () => await listing.get('roles', readListing)
  }
}
