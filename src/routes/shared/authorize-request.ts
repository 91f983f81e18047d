import type { FastifyRequest } from 'fastify'
import { assumeRoleInput } from '../../aws/attribution.js'
import type { AssumeRoleInput } from '../../aws/assume-role.js'
import type { Config } from '../../config/index.js'
import { AppError } from '../../errors.js'
import { decideWithTags } from '../../policy/decide-with-tags.js'
import type { Principal } from '../../auth/principal.js'
import type { Allowed, Denied } from '../../policy/decide.js'
import type { RoleTags } from '../../policy/role-tags.js'
import { systemClock, type Clock } from '../../lib/clock.js'
import { enforceStrength } from './enforce-strength.js'
import type { Account } from '../../policy/accounts.js'
import { roleLabel, tagsElsewhereHint } from './account.js'

function denial (denied: Denied, roleName: string, hint = ''): AppError {
  switch (denied.reason) {
    case 'duration-above-cap':
      return new AppError('RO2KEY_DURATION_ABOVE_CAP', {
        detail: `duration is above ${denied.cap} seconds, the most your team may request for ${roleName}`
      })
    case 'no-team':
      return new AppError('RO2KEY_ROLE_NOT_ALLOWED', {
        detail: 'Your token names no team and the policy lists no team for your uid'
      })
    case 'role-not-allowed':
      return new AppError('RO2KEY_ROLE_NOT_ALLOWED', {
        detail: `None of your teams (${denied.teams.join(', ')}) may use role ${roleName}${hint}`
      })
  }
}

export interface Authorized {
  principal: Principal
  decision: Allowed
  /** the AssumeRole call to make (session name, SourceIdentity, session tags) */
  input: AssumeRoleInput
  /** the account the role is in (issue 17) */
  account: Account
  /** the time-boxed grant that allowed an eligible role (issue 14) */
  grant?: string
}

/**
 * The one authorization of every route that vends a role session: authorize() (policy file,
 * then role tags) for the verified principal, a `denied` audit line and the matching AppError
 * when it says no. `audit` adds fields to that line.
 */
export async function authorizeRequest (
  request: FastifyRequest, config: Config, roleTags: RoleTags | undefined,
  roleName: string, duration: number | undefined, audit: Record<string, unknown> = {},
  now: Clock = systemClock, account: Account = config.accounts.default
): Promise<Authorized> {
  const principal = request.principal
  if (!principal) throw new AppError('RO2KEY_INTERNAL', { detail: 'no principal' })
  const wanted = { roleName, duration, account }
  const found = await decideWithTags(principal, wanted, config.policy, config.arnPrefix, roleTags)
  // Only a role no standing rule allows may be allowed by a grant (ARN_PREFIX's account): the store
  // is never read for standing roles.
  const granted = found.allowed || found.reason !== 'role-not-allowed' || !account.isDefault
    ? undefined
    : await request.server.grants?.authorizeRole(principal, roleName, duration)
  const decision = granted ?? found
  if (!decision.allowed) {
    const { teams, reason } = decision
    const role = roleLabel(account, roleName)
    const denied = { event: 'denied', uid: principal.uid, teams, role, account: account.alias, reason, ...audit }
    request.log.info({ audit: denied }, 'request denied')
    throw denial(decision, role, tagsElsewhereHint(config, account, roleTags))
  }
  const { policy } = config
  const strength = { principal, roleName, teams: decision.teams, policy, roleTags, now, audit, account }
  await enforceStrength(request, strength)
  return { principal, decision, input: assumeRoleInput(decision, principal, config), account, grant: granted?.grant }
}

/** The audit fields every granted role session shares (who, which role, which session); never a secret. */
export function grantAudit (
  { principal, decision, input, grant, account }: Authorized, roleName: string
): Record<string, unknown> {
  return {
    grant,
    uid: principal.uid,
    realm: principal.realm,
    teams: decision.teams,
    role: roleName,
    account: account.alias,
    accountId: account.id,
    roleArn: decision.roleArn,
    sessionName: decision.sessionName,
    duration: decision.duration,
    sourceIdentity: input.sourceIdentity,
    sessionTags: input.tags?.map((tag) => tag.key)
  }
}
