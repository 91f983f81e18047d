import { request, type Dispatcher } from 'undici'
import { AppError } from '../errors.js'
import type { Vended } from './sts.js'

export interface FederationOptions {
  /** e.g. https://signin.aws.amazon.com/federation */
  url: string
  timeoutMs: number
  dispatcher: Dispatcher
}

export interface LoginInput {
  signinToken: string
  issuer: string
  destination: string
}

/** The AWS console federation endpoint (getSigninToken, then the login URL). */
export interface Federation {
  signinToken (credentials: Vended, sessionDuration: number | undefined): Promise<string>
  loginUrl (input: LoginInput): string
}

const MAX_BODY_BYTES = 64 * 1024

function unavailable (reason: string, cause: string): AppError {
  return new AppError('RO2KEY_UPSTREAM_UNAVAILABLE', { detail: `The AWS federation endpoint ${reason}; try again later`, cause: new Error(cause) })
}

function badResponse (detail: string, cause: string): AppError {
  return new AppError('RO2KEY_UPSTREAM_BAD_RESPONSE', { detail, cause: new Error(cause) })
}

/** The SigninToken of a 200 body; causes name sizes only, never the body (it holds the token). */
function parseToken (text: string): string {
  if (text.length > MAX_BODY_BYTES) throw badResponse('The AWS federation endpoint answered badly', `federation body of ${text.length} bytes`)
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw badResponse('The AWS federation endpoint answered badly', `federation answered non-JSON (${text.length} bytes)`)
  }
  const token = (doc as { SigninToken?: unknown } | null)?.SigninToken
  if (typeof token !== 'string' || token === '') {
    throw badResponse('The AWS federation endpoint answered badly', 'federation answered without a SigninToken')
  }
  return token
}

function refused (status: number, sessionDuration: number | undefined): AppError {
  if (status === 429) return unavailable('is throttling', 'federation answered 429')
  if (status >= 500) return badResponse('The AWS federation endpoint failed; try again later', `federation answered ${status}`)
  // A 4xx refuses ro2key's own request (the credentials it just minted), never the caller's.
  const hint = sessionDuration === undefined
    ? ''
    : ` with SessionDuration=${sessionDuration}; role-chained credentials refuse it, see CONSOLE_SESSION_DURATION`
  return badResponse('The AWS federation endpoint refused the session; the operator has been told', `federation answered ${status}${hint}`)
}

/** A federation client over undici; every call times out after timeoutMs. */
export function createFederation (opts: FederationOptions): Federation {
  return {
    async signinToken (credentials, sessionDuration) {
      const url = new URL(opts.url)
      url.searchParams.set('Action', 'getSigninToken')
      if (sessionDuration !== undefined) url.searchParams.set('SessionDuration', String(sessionDuration))
      url.searchParams.set('Session', JSON.stringify({
        sessionId: credentials.accessKeyId,
        sessionKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken
      }))
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
        // Never the error itself as cause: undici errors can quote the URL, which holds the session.
        const name = (err as Error).name
        const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timed out' : 'could not be reached'
        throw unavailable(reason, `federation ${reason}: ${(err as NodeJS.ErrnoException).code ?? name}`)
      }
      if (status !== 200) throw refused(status, sessionDuration)
      return parseToken(text)
    },

    loginUrl ({ signinToken, issuer, destination }) {
      const url = new URL(opts.url)
      url.search = new URLSearchParams({ Action: 'login', Issuer: issuer, Destination: destination, SigninToken: signinToken }).toString()
      return url.href
    }
  }
}
