import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components } from '../api/schema.js'
import type { Config } from '../config/index.js'
import { AppError } from '../errors.js'
import { durationCap, teamsOf } from '../policy/decide.js'
import type { Policy } from '../policy/policy-file.js'
import type { RoleTags, TaggedRole } from '../policy/role-tags.js'
import { systemClock, type Clock } from '../lib/clock.js'
import { markStrength } from './shared/role-marks.js'
import type { Account, Accounts } from '../policy/accounts.js'
import type { RoleTagsIn } from '../policy/account-role-tags.js'
import { accountsOfPattern, inAccount } from './shared/role-accounts.js'
import { toView } from '../grants/grant.js'

type RoleList = components['schemas']['RoleList']
type RoleGrant = components['schemas']['RoleGrant']

function grant (role: string, source: RoleGrant['source'], teams: string[], policy: Policy): RoleGrant {
  const cap = durationCap(teams, policy)
  return cap === undefined ? { role, source, teams } : { role, source, teams, max_duration: cap }
}

/** The policy file's patterns for these teams, one entry per pattern with every team that lists it. */
export function policyGrants (teams: string[], policy: Policy, accounts?: Accounts): RoleGrant[] {
  const byPattern = new Map<string, { name: string, account: Account | undefined, teams: string[] }>()
  for (const team of teams) {
    for (const pattern of policy.teams.get(team)?.rolePatterns ?? []) {
      // one entry per account the pattern reaches (alias/ one, */ every one, plain the default)
      for (const account of accountsOfPattern(pattern, accounts)) {
        const key = `${account?.prefix ?? ''}|${pattern.name}`
        const entry = byPattern.get(key) ?? { name: pattern.name, account, teams: [] }
        entry.teams.push(team)
        byPattern.set(key, entry)
      }
    }
  }
  return [...byPattern.values()].map(({ name, account, teams: granting }) =>
    inAccount(grant(name, 'policy', granting, policy), account))
}

/** Tagged roles whose tag lists one of these teams. */
export function tagGrants (teams: string[], tagged: TaggedRole[], policy: Policy, account?: Account): RoleGrant[] {
  return tagged.flatMap(({ roleName, teams: listed }) => {
    const granting = teams.filter((team) => listed.includes(team))
    return granting.length > 0 ? [inAccount(grant(roleName, 'tag', granting, policy), account)] : []
  })
}

/** GET /roles: what the caller may request, from the policy file and (when listable) IAM role tags. */
export function createGetRoles (
  config: Config, roleTags?: RoleTags, roleTagsIn?: RoleTagsIn, now: Clock = systemClock
) {
  return async function getRoles (request: FastifyRequest, reply: FastifyReply): Promise<RoleList> {
    const principal = request.principal
    if (!principal) throw new AppError('RO2KEY_INTERNAL', { detail: 'no principal' })
    const teams = teamsOf(principal, config.policy)
    const roles = policyGrants(teams, config.policy, config.accounts)
    let roleTagsStatus: RoleList['role_tags'] = 'off'
    let tagged: TaggedRole[] = []
    if (roleTags !== undefined) {
      const listing = await roleTags.list()
      roleTagsStatus = listing.status
      const home = config.accounts.default
      if (listing.status === 'listed') roles.push(...tagGrants(teams, tagged = listing.roles, config.policy, home))
      for (const account of config.accounts.all.slice(1)) {
        const elsewhere = await roleTagsIn?.(account)?.list()
        if (elsewhere?.status === 'listed') roles.push(...tagGrants(teams, elsewhere.roles, config.policy, account))
      }
    }
    roles.sort((a, b) => a.role.localeCompare(b.role) || a.source.localeCompare(b.source) ||
      (a.account_id ?? '').localeCompare(b.account_id ?? ''))
    reply.header('cache-control', 'no-store')
    const marked = markStrength(roles, tagged, principal, config.policy, Math.floor(now()), config.accounts)
    const eligible = (await request.server.grants?.eligible(principal) ?? [])
      .map(({ grant, ...terms }) => grant ? { ...terms, grant: toView(grant) } : terms)
    const body = { uid: principal.uid, teams, roles: marked, role_tags: roleTagsStatus }
    return eligible.length > 0 ? { ...body, eligible } : body
  }
}
