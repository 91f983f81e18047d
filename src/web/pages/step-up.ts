import type { FastifyReply, FastifyRequest } from 'fastify'
import type { components } from '../../api/schema.js'
import type { Principal } from '../../auth/principal.js'
import type { Config } from '../../config/index.js'
import {
  checkStrength, policyRequirements, TAG_REQUIREMENT, type StepUp, type StrengthRequirement
} from '../../policy/auth-strength.js'
import { html, type Html } from '../html.js'

type RoleList = components['schemas']['RoleList']
type RoleGrant = components['schemas']['RoleGrant']
/** A role on the page: GET /roles's entry and, when the sign-in is too weak for it, the step-up link. */
export type PageRole = RoleGrant & { step_up?: StepUpLink }
/** Where to sign in again, and why (the fixed text of the strength check, no token data). */
export interface StepUpLink { href: string, why: string }

/**
 * The login that re-runs sign-in for a stronger authentication: max_age=0 makes the identity
 * provider authenticate afresh (OIDC Core 3.1.2.1), acr_values asks for the level the role names.
 */
export function stepUpHref (stepUp: Pick<StepUp, 'acrValues'>): string {
  const params = new URLSearchParams({ max_age: '0' })
  if (stepUp.acrValues !== undefined) params.set('acr_values', stepUp.acrValues.join(' '))
  return `/auth/login?${params.toString()}`
}

/** The "Needs MFA" mark of a role, with the step-up link while the sign-in does not prove it. */
export function mfaCell (required: boolean, stepUp: StepUpLink | undefined): Html {
  if (!required) return html``
  if (stepUp === undefined) {
    return html`<span class="mark" data-testid="mfa-required" data-satisfied="true">Needs MFA:
      your sign-in has it</span>`
  }
  return html`<span class="mark" data-testid="mfa-required" data-satisfied="false">Needs MFA</span>
    <a href="${stepUp.href}" data-testid="step-up" title="${stepUp.why}">Sign in again with MFA</a>`
}

/** What the person's sign-in lacks for these requirements, or undefined when it has it. */
export function missing (
  principal: Principal, requirements: StrengthRequirement[], now: number
): StepUpLink | undefined {
  const check = checkStrength(principal, requirements, now)
  return check.ok ? undefined : { href: stepUpHref(check.stepUp), why: check.stepUp.description }
}

/** The step-up link of a GET /roles entry marked require_mfa, not mfa_satisfied (role-marks.ts's rules). */
function roleStepUp (grant: RoleGrant, principal: Principal, config: Config, now: number): StepUpLink | undefined {
  if (grant.require_mfa !== true || grant.mfa_satisfied === true) return undefined
  const { accounts } = config
  const account = grant.account_id === undefined
    ? accounts.default
    : accounts.all.find((a) => a.id === grant.account_id && (a.alias ?? null) === (grant.account ?? null))
  const name = grant.source === 'policy' ? grant.role.replaceAll('*', '') : grant.role
  const inAccount = { alias: account?.alias, isDefault: account?.isDefault ?? true }
  const requirements = policyRequirements(name, grant.teams, config.policy, inAccount)
  // a role tag ro2key:require-mfa asks for the default MFA methods
  return missing(principal, requirements, now) ?? missing(principal, [TAG_REQUIREMENT], now) ??
    { href: stepUpHref({}), why: 'sign in again with MFA' }
}

/** GET /roles for the page: every role that needs a stronger sign-in than this one carries its step-up link. */
export function withStepUps (
  getRoles: (request: FastifyRequest, reply: FastifyReply) => Promise<RoleList>, config: Config, now: () => number
) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<RoleList & { roles: PageRole[] }> => {
    const list = await getRoles(request, reply)
    const principal = request.principal
    if (principal === undefined) return list
    const roles = list.roles.map((grant) => {
      const link = roleStepUp(grant, principal, config, Math.floor(now()))
      return link === undefined ? grant : { ...grant, step_up: link }
    })
    return { ...list, roles }
  }
}
