/** Where the identity comes from; `oidc` is a person signed in to the web page (ID token). */
export type PrincipalSource = 'tokeninfo' | 'introspection' | 'jwt' | 'oidc'

/** Who the verified token says the caller is; every verifier in auth/ produces one. */
export interface Principal {
  /** which verifier vouched for the uid: a uid means something only within its source */
  source: PrincipalSource
  uid: string
  realm: string | undefined
  scopes: string[]
  /** teams from the token's team claim */
  teams: string[]
  /** seconds since the epoch, when known */
  expiresAt: number | undefined
  /** RFC 8176 authentication methods (`amr`); absent = not proven */
  amr?: string[]
  /** authentication context class (`acr`, OIDC Core 2); absent = not proven */
  acr?: string
  /** when the user authenticated (`auth_time`, seconds since the epoch); absent = unknown */
  authTime?: number
}

/**
 * The whole identity (source, realm, uid) as one string, e.g. for a cache key: two principals
 * share it only when all three are equal (JSON keeps the parts apart).
 */
export function identityKey (p: Pick<Principal, 'source' | 'realm' | 'uid'>): string {
  return JSON.stringify([p.source, p.realm ?? null, p.uid])
}
