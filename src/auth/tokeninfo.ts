import type { Dispatcher } from 'undici'
import type { Principal } from './principal.js'
import { invalidToken } from './bearer.js'
import { badResponse, callJson, unavailable } from '../http/call-json.js'
import { listClaim, type TokenVerifier } from './token-verifier.js'
import { strengthClaims } from './strength-claims.js'
import type { Clock } from '../lib/clock.js'

export interface TokeninfoOptions {
  url: string
  timeoutMs: number
  teamClaim: string
  dispatcher: Dispatcher
  /** whole seconds are enough: token times are whole seconds */
  now: Clock
}

/** expires_in as a number, or a numeric string as Google's tokeninfo sends it; null when neither. */
export function secondsOf (value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined
  const n = typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) ? n : null
}

function toPrincipal (info: Record<string, unknown>, opts: TokeninfoOptions): Principal {
  const uid = [info.uid, info.sub, info.user_id].find((v) => typeof v === 'string' && v !== '') as string | undefined
  if (uid === undefined) throw invalidToken('token has no uid')
  const expiresIn = secondsOf(info.expires_in)
  if (expiresIn === null) throw invalidToken('malformed token')
  if (expiresIn !== undefined && expiresIn <= 0) throw invalidToken('token expired')
  return {
    source: 'tokeninfo',
    uid,
    realm: typeof info.realm === 'string' ? info.realm : undefined,
    scopes: listClaim(info.scope),
    teams: listClaim(info[opts.teamClaim]),
    expiresAt: expiresIn === undefined ? undefined : opts.now() + expiresIn,
    ...strengthClaims(info)
  }
}

/** Zalando/Google-style tokeninfo: GET URL?access_token=<token>; 4xx means the token is not valid. */
export function createTokeninfoVerifier (opts: TokeninfoOptions): TokenVerifier {
  return {
    async verify (token) {
      const url = new URL(opts.url)
      url.searchParams.set('access_token', token)
      const { status, doc } = await callJson('token service', url.toString(), { method: 'GET' }, opts)
      if (status === 200 && doc) return toPrincipal(doc, opts)
      if (status === 429) throw unavailable('The token service is throttling; try again later', 'tokeninfo 429')
      // Only 400/401 speak about the token; 403/404/405... mean the URL or ro2key is wrong.
      if (status === 400 || status === 401) throw invalidToken('token not valid')
      throw badResponse('The token service failed; try again later', `tokeninfo answered ${status}`)
    }
  }
}
