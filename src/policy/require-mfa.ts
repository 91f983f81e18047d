import { parseRolePattern, type RolePattern } from './role-pattern.js'

/** A team's require_mfa entry: the roles it covers and the authentication those roles need. */
export interface MfaRule {
  patterns: string[]
  /** the name part of each pattern only (account-blind): match with rolePatterns */
  matchers: RegExp[]
  /** the patterns with their account (plain = ARN_PREFIX's, alias/ or * /), see role-pattern.ts */
  rolePatterns: RolePattern[]
  /** any one of these RFC 8176 values in the token's amr */
  amr: string[]
  /** optional: the token's acr must be one of these */
  acr: string[] | undefined
  /** optional: auth_time no older than this many seconds */
  maxAuthAge: number | undefined
}

/** RFC 8176 methods that are a second factor or a hardware/software key by themselves. */
export const DEFAULT_MFA_AMR = ['mfa', 'hwk', 'otp', 'swk', 'sc']
/** RFC 8176 section 2: amr values are short case-sensitive strings; acr values may be URIs. */
const VALUE = /^[\x21-\x7e]{1,256}$/
const KEYS = new Set(['roles', 'amr', 'acr', 'max_auth_age'])
const MAX_AUTH_AGE = 365 * 86400

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isValues = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && VALUE.test(x) && !x.includes('"'))

/** Validates teams.<name>.require_mfa; problems are pushed, undefined returned when unusable. */
export function parseRequireMfa (team: string, raw: unknown, problems: string[]): MfaRule | undefined {
  const at = `teams.${team}.require_mfa`
  if (!isRecord(raw)) {
    problems.push(`${at} must be a mapping with "roles" (and optionally amr, acr, max_auth_age)`)
    return undefined
  }
  const before = problems.length
  for (const key of Object.keys(raw)) {
    if (!KEYS.has(key)) problems.push(`${at}.${key} is not a known key (roles, amr, acr, max_auth_age)`)
  }
  const roles = raw.roles
  const parse = (r: unknown): RolePattern | undefined => typeof r === 'string' ? parseRolePattern(r) : undefined
  const rolePatterns = Array.isArray(roles) ? roles.map(parse) : []
  if (!Array.isArray(roles) || !rolePatterns.every((p) => p !== undefined)) {
    problems.push(`${at}.roles must be a list of role names or patterns, each optionally after alias/ or */`)
  }
  if (raw.amr !== undefined && !isValues(raw.amr)) problems.push(`${at}.amr must be a non-empty list of amr values`)
  if (raw.acr !== undefined && !isValues(raw.acr)) problems.push(`${at}.acr must be a non-empty list of acr values`)
  const age = raw.max_auth_age
  if (age !== undefined && !(Number.isInteger(age) && (age as number) >= 0 && (age as number) <= MAX_AUTH_AGE)) {
    problems.push(`${at}.max_auth_age must be an integer number of seconds from 0 to ${MAX_AUTH_AGE}`)
  }
  if (problems.length > before) return undefined
  const parsed = rolePatterns as RolePattern[]
  return {
    patterns: roles as string[],
    matchers: parsed.map((p) => p.regex),
    rolePatterns: parsed,
    amr: (raw.amr as string[] | undefined) ?? DEFAULT_MFA_AMR,
    acr: raw.acr as string[] | undefined,
    maxAuthAge: age as number | undefined
  }
}
