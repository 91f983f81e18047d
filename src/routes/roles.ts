import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components } from '../api/schema.js'
import type { Config } from '../config/index.js'
import { AppError } from '../errors.js'
import { durationCap, teamsOf } from '../policy/decide.js'
import type { Policy } from '../policy/policy-file.js'
import type { RoleTags, TaggedRole } from '../policy/role-tags.js'
import { toView } from '../grants/grant.js'

type RoleList = components['schemas']['RoleList']
type RoleGrant = components['schemas']['RoleGrant']

function grant (role: string, source: RoleGrant['source'], teams: string[], policy: Policy): RoleGrant {
  const cap = durationCap(teams, policy)
  return cap === undefined ? { role, source, teams } : { role, source, teams, max_duration: cap }
}

/** The policy file's patterns for these teams, one entry per pattern with every team that lists it. */
export function policyGrants (teams: string[], policy: Policy): RoleGrant[] {
  const byPattern = new Map<string, string[]>()
  for (const team of teams) {
    for (const pattern of policy.teams.get(team)?.patterns ?? []) {
      byPattern.set(pattern, [...(byPattern.get(pattern) ?? []), team])
    }
  }
  return [...byPattern].map(([pattern, granting]) => grant(pattern, 'policy', granting, policy))
}

/** Tagged roles whose tag lists one of these teams. */
export function tagGrants (teams: string[], tagged: TaggedRole[], policy: Policy): RoleGrant[] {
  return tagged.flatMap(({ roleName, teams: listed }) => {
    const granting = teams.filter((team) => listed.includes(team))
    return granting.length > 0 ? [grant(roleName, 'tag', granting, policy)] : []
  })
}

/** GET /roles: what the caller may request, from the policy file and (when listable) IAM role tags. */
export function createGetRoles (config: Config, roleTags?: RoleTags) {
  return async function getRoles (request: FastifyRequest, reply: FastifyReply): Promise<RoleList> {
    const principal = request.principal
    if (!principal) throw new AppError('RO2KEY_INTERNAL', { detail: 'no principal' })
    const teams = teamsOf(principal, config.policy)
    const roles = policyGrants(teams, config.policy)
    let roleTagsStatus: RoleList['role_tags'] = 'off'
    if (roleTags !== undefined) {
      const listing = await roleTags.list()
      roleTagsStatus = listing.status
      if (listing.status === 'listed') roles.push(...tagGrants(teams, listing.roles, config.policy))
    }
    roles.sort((a, b) => a.role.localeCompare(b.role) || a.source.localeCompare(b.source))
    reply.header('cache-control', 'no-store')
    const eligible = (await request.server.grants?.eligible(principal) ?? [])
      .map(({ grant, ...terms }) => grant ? { ...terms, grant: toView(grant) } : terms)
    const body = { uid: principal.uid, teams, roles, role_tags: roleTagsStatus }
    return eligible.length > 0 ? { ...body, eligible } : body
  }
}
