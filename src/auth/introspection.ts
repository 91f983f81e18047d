import type { Principal } from './principal.js'
import { invalidToken } from './bearer.js'
import { badResponse, callJson, statusError, type HttpOptions } from '../http/call-json.js'
import { listClaim, type TokenVerifier } from './token-verifier.js'
import { strengthClaims } from './strength-claims.js'
import type { Clock } from '../lib/clock.js'

export interface IntrospectionOptions {
  url: string
  clientId: string
  clientSecret: string
  /** claim that names the caller; undefined: sub, then username, then client_id */
  uidClaim: string | undefined
  teamClaim: string
  /** INTROSPECTION_AUDIENCE: when set, the answer's `aud` must name it */
  audience?: string | undefined
  http: HttpOptions
  /** whole seconds are enough: token times are whole seconds */
  now: Clock
}

const SERVICE = 'introspection endpoint'

/** RFC 6749 section 2.3.1: client id and secret are form-urlencoded before Basic encoding. */
export function basicAuth (clientId: string, clientSecret: string): string {
  const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+')
  return 'Basic ' + Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')
}

/** RFC 7519 section 4.1.3 (RFC 7662 reuses it): `aud` is one string or an array of strings, never split. */
export function audienceOf (aud: unknown): unknown[] {
  return Array.isArray(aud) ? aud : [aud]
}

/** An RFC 7662 response -> Principal, or a fixed 401 reason. */
export function principalOfIntrospection (
  doc: Record<string, unknown>,
  opts: Pick<IntrospectionOptions, 'uidClaim' | 'teamClaim' | 'audience'>,
  now: number
): Principal {
  // RFC 7662 section 2.2: anything but active=true is an inactive token.
  if (doc.active !== true) throw invalidToken('token inactive')
  // An authorization server vouches for every token it issued, to any client: the audience
  // says whether the token was meant for ro2key (RFC 7662 section 2.2, RFC 9068 section 4).
  if (opts.audience !== undefined && !audienceOf(doc.aud).includes(opts.audience)) throw invalidToken('wrong audience')
  const exp = typeof doc.exp === 'number' ? doc.exp : undefined
  if (exp !== undefined && exp <= now) throw invalidToken('token expired')
  const candidates = opts.uidClaim ? [doc[opts.uidClaim]] : [doc.sub, doc.username, doc.client_id]
  const uid = candidates.find((v) => typeof v === 'string' && v !== '') as string | undefined
  if (uid === undefined) throw invalidToken('token has no uid')
  return {
    source: 'introspection',
    uid,
    realm: undefined,
    scopes: listClaim(doc.scope),
    teams: listClaim(doc[opts.teamClaim]),
    expiresAt: exp,
    ...strengthClaims(doc)
  }
}

/** RFC 7662 token introspection: POST token=... with HTTP Basic client authentication. */
export function createIntrospectionVerifier (opts: IntrospectionOptions): TokenVerifier {
  const authorization = basicAuth(opts.clientId, opts.clientSecret)
  return {
    async verify (token) {
      const { status, doc, error } = await callJson(SERVICE, opts.url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString()
      }, opts.http)
      if (status === 401 || status === 403) {
        // The endpoint refused ro2key's own client credentials: a configuration fault, not the caller's.
        throw badResponse(
          'The introspection endpoint refused ro2key\'s client credentials',
          `introspection answered ${status}: check INTROSPECTION_CLIENT_ID/SECRET`
        )
      }
      // RFC 7009's unsupported_token_type: the server cannot vouch for this kind of token
      // (oidc-provider answers so for JWTs), which RFC 7662 would call inactive.
      if (error === 'unsupported_token_type') throw invalidToken('token inactive')
      if (!doc) throw statusError(SERVICE, status)
      return principalOfIntrospection(doc, opts, opts.now())
    }
  }
}
