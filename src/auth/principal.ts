/** Who the verified token says the caller is; every verifier in auth/ produces one. */
export interface Principal {
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
