import type { Dispatcher } from 'undici'
import type { AppError } from '../errors.js'
import { badResponse, callText, unavailable } from '../http/call-json.js'
import type { Vended } from './assume-role.js'

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

const SERVICE = 'AWS federation endpoint'
const ANSWERED_BADLY = 'The AWS federation endpoint answered badly'

/**
 * The SigninToken of a 200 body (callText caps its size); causes name sizes only, never the body
 * (it holds the token).
 */
function parseToken (text: string): string {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw badResponse(ANSWERED_BADLY, `federation answered non-JSON (${text.length} bytes)`)
  }
  const token = (doc as { SigninToken?: unknown } | null)?.SigninToken
  if (typeof token !== 'string' || token === '') {
    throw badResponse(ANSWERED_BADLY, 'federation answered without a SigninToken')
  }
  return token
}

function refused (status: number, sessionDuration: number | undefined): AppError {
  if (status === 429) return unavailable(`The ${SERVICE} is throttling; try again later`, 'federation answered 429')
  if (status >= 500) return badResponse(`The ${SERVICE} failed; try again later`, `federation answered ${status}`)
  // A 4xx refuses ro2key's own request (the credentials it just minted), never the caller's.
  const hint = sessionDuration === undefined
    ? ''
    : ` with SessionDuration=${sessionDuration}; role-chained credentials refuse it, see CONSOLE_SESSION_DURATION`
  return badResponse(
    `The ${SERVICE} refused the session; the operator has been told`,
    `federation answered ${status}${hint}`
  )
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
      const { status, text } = await callText(SERVICE, url.href, { method: 'GET' }, opts, { logName: 'federation' })
      if (status !== 200) throw refused(status, sessionDuration)
      return parseToken(text)
    },

    loginUrl ({ signinToken, issuer, destination }) {
      const url = new URL(opts.url)
      const query = { Action: 'login', Issuer: issuer, Destination: destination, SigninToken: signinToken }
      url.search = new URLSearchParams(query).toString()
      return url.href
    }
  }
}
