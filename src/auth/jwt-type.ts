/**
 * RFC 9068 section 2.1: typ at+jwt (or application/at+jwt), or JWT; other JWTs an issuer signs
 * (logout+jwt, secevent+jwt, dpop+jwt...) are not access tokens. A missing typ is accepted:
 * issuers before RFC 9068 omit it.
 */
export function typeAllowed (typ: unknown): boolean {
  if (typ === undefined) return true
  return typeof typ === 'string' && ['at+jwt', 'application/at+jwt', 'jwt'].includes(typ.toLowerCase())
}
