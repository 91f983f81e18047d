import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import { groupCommitDestination } from './log-destination.js'

/** Every path where a secret could sit in a log object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'access_token', '*.access_token',
  'token', '*.token',
  'client_secret', '*.client_secret',
  'clientSecret', '*.clientSecret', '*.*.clientSecret',
  'INTROSPECTION_CLIENT_SECRET', '*.INTROSPECTION_CLIENT_SECRET',
  'SecretAccessKey', '*.SecretAccessKey',
  'SessionToken', '*.SessionToken',
  'Token', '*.Token',
  'secretAccessKey', '*.secretAccessKey',
  'sessionToken', '*.sessionToken',
  'SigninToken', '*.SigninToken', 'signinToken', '*.signinToken',
  'id_token', '*.id_token', 'refresh_token', '*.refresh_token'
]

/** Query parameters that carry a token, matched after percent-decoding their name (access%5Ftoken too). */
const TOKEN_PARAMS = new Set(['access_token', 'id_token', 'refresh_token', 'token'])

const decodedName = (name: string): string => {
  try { return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase() } catch { return name.toLowerCase() }
}

/** The URL with the value of every token-carrying query parameter replaced. */
export function redactUrl (url: string): string {
  return url.replace(/([?&])([^=&#]*)=([^&#]*)/g, (whole, sep: string, name: string) =>
    TOKEN_PARAMS.has(decodedName(name)) ? `${sep}${name}=[REDACTED]` : whole)
}

interface RequestLike { method: string, url: string, id?: string, ip?: string }

/** pino options for ro2key: JSON, ISO time, secrets redacted, no token in a logged URL. */
export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: {
      req (req: RequestLike) {
        if (typeof req?.url !== 'string') return req
        return { method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }
      }
    }
  }
}

/** The service logger: group commit to stdout; with the app's onSend hook no audit line is lost in a crash. */
export function createLogger (level: string, stream?: DestinationStream): Logger {
  return pino(loggerOptions(level), stream ?? groupCommitDestination())
}
