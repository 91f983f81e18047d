import { request, type Dispatcher } from 'undici'
import { AppError } from '../errors.js'
import type { Principal } from '../policy/decide.js'
import { invalidToken } from './bearer.js'
import { listClaim, type TokenVerifier } from './verifier.js'

export interface TokeninfoOptions {
  url: string
  timeoutMs: number
  teamClaim: string
  dispatcher: Dispatcher
  /** seconds since the epoch */
  now: () => number
}

const MAX_BODY_BYTES = 64 * 1024

function unavailable (detail: string, cause?: unknown): AppError {
  return new AppError('RO2KEY_UPSTREAM_UNAVAILABLE', { detail, cause })
}

function badResponse (detail: string, cause?: unknown): AppError {
  return new AppError('RO2KEY_UPSTREAM_BAD_RESPONSE', { detail, cause })
}

function parseJson (text: string): Record<string, unknown> {
  if (text.length > MAX_BODY_BYTES) throw badResponse('The token service answered with an oversized body')
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    // No parser message as cause: it quotes the body, which may hold the token.
    throw badResponse('The token service did not answer with JSON', new Error(`non-JSON body of ${text.length} bytes`))
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw badResponse('The token service did not answer with a JSON object')
  }
  return doc as Record<string, unknown>
}

function toPrincipal (info: Record<string, unknown>, opts: TokeninfoOptions): Principal {
  const uid = [info.uid, info.sub, info.user_id].find((v) => typeof v === 'string' && v !== '') as string | undefined
  if (uid === undefined) throw invalidToken('token has no uid')
  const expiresIn = typeof info.expires_in === 'number' ? info.expires_in : undefined
  if (expiresIn !== undefined && expiresIn <= 0) throw invalidToken('token expired')
  return {
    uid,
    realm: typeof info.realm === 'string' ? info.realm : undefined,
    scopes: listClaim(info.scope),
    teams: listClaim(info[opts.teamClaim]),
    expiresAt: expiresIn === undefined ? undefined : opts.now() + expiresIn
  }
}

/** Zalando/Google-style tokeninfo: GET URL?access_token=<token>; 4xx means the token is not valid. */
export function createTokeninfoVerifier (opts: TokeninfoOptions): TokenVerifier {
  return {
    async verify (token) {
      const url = new URL(opts.url)
      url.searchParams.set('access_token', token)
      let status: number
      let text = ''
      try {
        const res = await request(url, {
          method: 'GET',
          headers: { accept: 'application/json' },
          dispatcher: opts.dispatcher,
          signal: AbortSignal.timeout(opts.timeoutMs)
        })
        status = res.statusCode
        if (status === 200) text = await res.body.text()
        else await res.body.dump()
      } catch (err) {
        const name = (err as Error).name
        const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timed out' : 'could not be reached'
        throw unavailable(`The token service ${reason}; try again later`, new Error(`tokeninfo ${reason}: ${(err as NodeJS.ErrnoException).code ?? name}`))
      }
      if (status === 200) return toPrincipal(parseJson(text), opts)
      if (status === 429) throw unavailable('The token service is throttling; try again later', new Error('tokeninfo 429'))
      // Only 400/401 speak about the token; 403/404/405... mean the URL or ro2key is wrong.
      if (status === 400 || status === 401) throw invalidToken('token not valid')
      throw badResponse('The token service failed; try again later', new Error(`tokeninfo answered ${status}`))
    }
  }
}
