import type { Principal } from './principal.js'
import { listClaim } from './token-verifier.js'

export type StrengthClaims = Pick<Principal, 'amr' | 'acr' | 'authTime'>

/**
 * amr, acr and auth_time from a verifier's answer (JWT claims, RFC 7662 members or tokeninfo
 * fields, which all use the OIDC Core names). A missing or malformed member is left out:
 * absent means "not proven", never a default.
 */
export function strengthClaims (doc: Record<string, unknown>): StrengthClaims {
  const out: StrengthClaims = {}
  if (doc.amr !== undefined) {
    const amr = listClaim(doc.amr)
    if (amr.length > 0) out.amr = amr
  }
  if (typeof doc.acr === 'string' && doc.acr !== '') out.acr = doc.acr
  const authTime = doc.auth_time
  if (typeof authTime === 'number' && Number.isFinite(authTime) && authTime > 0) out.authTime = Math.floor(authTime)
  return out
}
