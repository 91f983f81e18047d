import type { Principal } from './principal.js'

/** Turns a bearer token into a Principal, or throws an AppError (401, 502, 503). */
export interface TokenVerifier {
  verify (token: string): Promise<Principal>
  /** The principal this token was verified as earlier, while still cached; never calls upstream. */
  cached? (token: string): Principal | undefined
}

/** Reads a claim that may be a list or a space/comma separated string. */
export function listClaim (value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '')
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean)
  return []
}
