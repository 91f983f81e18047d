/** Who the verified token says the caller is; every verifier in auth/ produces one. */
export interface Principal {
  uid: string
  realm: string | undefined
  scopes: string[]
  /** teams from the token's team claim */
  teams: string[]
  /** seconds since the epoch, when known */
  expiresAt: number | undefined
}
