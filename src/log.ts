import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import { groupCommitDestination } from './log-destination.js'
import { redactSecrets, secretKeys } from './log-redact.js'

/**
 * Every path where a secret could sit in a log object. The last segment of each path is a
 * secret key name: it is redacted at any depth of a logged object (see log-redact.ts).
 */
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

let lastMs = -1
let lastTime = ''
/** pino's isoTime, formatted once per millisecond instead of once per line. */
function isoTime (): string {
  const ms = Date.now()
  if (ms !== lastMs) {
    lastMs = ms
    lastTime = `,"time":"${new Date(ms).toISOString()}"`
  }
  return lastTime
}

/**
 * pino options for ro2key: JSON, ISO time, secrets redacted, no token in a logged URL.
 * Redaction walks each logged object once for secret key names (formatters.log), which costs
 * far less per line than pino's path redaction with wildcards. `req` and `res` are left to
 * their serializers, which keep only method, URL (query tokens masked), address and status.
 */
export function loggerOptions (level: string): LoggerOptions {
  const secrets = secretKeys(REDACT_PATHS)
  return {
    level,
    timestamp: isoTime,
    formatters: {
      log: (object) => redactSecrets(object, secrets),
      bindings: (bindings) => redactSecrets(bindings, secrets)
    },
    serializers: {
      req (req: RequestLike) {
        if (typeof req?.url !== 'string') return redactSecrets({ req }, secrets, 1).req
        return { method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }
      }
    }
  }
}

/** The service logger: group commit to stdout; with the app's onSend hook no audit line is lost in a crash. */
export function createLogger (level: string, stream?: DestinationStream): Logger {
  return pino(loggerOptions(level), stream ?? groupCommitDestination())
}
