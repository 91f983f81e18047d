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
  'SigninToken', '*.SigninToken', 'signinToken', '*.signinToken'
]

const TOKEN_IN_QUERY = /([?&](?:access_token|token)=)[^&#]*/gi

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
        return { method: req.method, url: req.url.replace(TOKEN_IN_QUERY, '$1[REDACTED]'), remoteAddress: req.ip }
      }
    }
  }
}

/** The service logger: group commit to stdout; with the app's onSend hook no audit line is lost in a crash. */
export function createLogger (level: string, stream?: DestinationStream): Logger {
  return pino(loggerOptions(level), stream ?? groupCommitDestination())
}
