import type { Principal } from '../auth/principal.js'
import type { Policy } from './policy-file.js'
import { DEFAULT_MFA_AMR } from './require-mfa.js'
import { matchesRole } from './role-pattern.js'

/** What a role asks of the caller's authentication; every member set must be met. */
export interface StrengthRequirement {
  /** any one of these RFC 8176 values in the token's amr */
  amr: string[]
  /** the token's acr must be one of these */
  acr?: string[] | undefined
  /** auth_time no older than this many seconds */
  maxAge?: number | undefined
}

export type StepUpReason =
  'amr-missing' | 'amr-not-accepted' | 'acr-not-accepted' | 'auth-time-missing' | 'auth-too-old'

/** An RFC 9470 step-up: what to ask the authorization server for, and why (a fixed text, no token data). */
export interface StepUp {
  reason: StepUpReason
  description: string
  acrValues?: string[]
  maxAge?: number
}

export type StrengthCheck = { ok: true } | { ok: false, stepUp: StepUp }

/** The requirement the role tag ro2key:require-mfa=true stands for. */
export const TAG_REQUIREMENT: StrengthRequirement = { amr: DEFAULT_MFA_AMR }

/** True when the token's amr names one of the default multi-factor methods (the ro2key:mfa session tag). */
export function mfaProven (principal: Pick<Principal, 'amr'>): boolean {
  return principal.amr?.some((m) => DEFAULT_MFA_AMR.includes(m)) === true
}

type Failure = Omit<StepUp, 'acrValues' | 'maxAge'>

function failure (principal: Principal, req: StrengthRequirement, now: number): Failure | undefined {
  if (principal.amr === undefined) {
    return { reason: 'amr-missing', description: 'the token does not say how you signed in (no amr); sign in with MFA' }
  }
  if (!principal.amr.some((m) => req.amr.includes(m))) {
    return { reason: 'amr-not-accepted', description: `sign in with one of: ${req.amr.join(', ')}` }
  }
  if (req.acr !== undefined && (principal.acr === undefined || !req.acr.includes(principal.acr))) {
    return { reason: 'acr-not-accepted', description: `the authentication level must be one of: ${req.acr.join(', ')}` }
  }
  if (req.maxAge !== undefined) {
    if (principal.authTime === undefined) {
      return { reason: 'auth-time-missing', description: 'the token does not say when you signed in (no auth_time)' }
    }
    if (now - principal.authTime > req.maxAge) {
      const description = `sign in again: the sign-in must be at most ${req.maxAge} seconds old`
      return { reason: 'auth-too-old', description }
    }
  }
  return undefined
}

/**
 * Does the token prove the authentication these requirements ask for? Pure; `now` in seconds.
 * The first unmet requirement answers, with its acr_values and max_age hints (RFC 9470 section 3).
 */
export function checkStrength (
  principal: Principal,
  requirement: StrengthRequirement | readonly StrengthRequirement[] | undefined,
  now: number
): StrengthCheck {
  const all = requirement === undefined ? [] : Array.isArray(requirement) ? requirement : [requirement]
  for (const req of all as StrengthRequirement[]) {
    const failed = failure(principal, req, now)
    if (failed === undefined) continue
    const stepUp: StepUp = { ...failed }
    if (req.acr !== undefined) stepUp.acrValues = req.acr
    if (req.maxAge !== undefined) stepUp.maxAge = req.maxAge
    return { ok: false, stepUp }
  }
  return { ok: true }
}

/** The account a role is requested in: its policy alias (if any) and whether it is ARN_PREFIX's. */
export interface InAccount { alias: string | undefined, isDefault: boolean }
export const DEFAULT_ACCOUNT: InAccount = { alias: undefined, isDefault: true }

/**
 * The require_mfa entries of the granting teams that cover this role in this account (policy file
 * only): plain patterns cover ARN_PREFIX's account, `alias/` that account, `* /` (no space) every one.
 */
export function policyRequirements (
  roleName: string, grantingTeams: readonly string[], policy: Policy, account: InAccount = DEFAULT_ACCOUNT
): StrengthRequirement[] {
  const out: StrengthRequirement[] = []
  const target = { accountAlias: account.alias, isDefault: account.isDefault, roleName }
  for (const team of grantingTeams) {
    const rule = policy.teams.get(team)?.requireMfa
    if (rule?.rolePatterns.some((p) => matchesRole(p, target)) === true) {
      out.push({ amr: rule.amr, acr: rule.acr, maxAge: rule.maxAuthAge })
    }
  }
  return out
}
