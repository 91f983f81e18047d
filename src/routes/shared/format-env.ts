import type { FastifyReply } from 'fastify'
import type { components } from '../../api/schema.js'

type Credentials = components['schemas']['Credentials']

/** The media type of `?format=env` answers. */
export const ENV_CONTENT_TYPE = 'text/plain; charset=utf-8'

/** POSIX single quoting: the value is literal in sh, bash, zsh and ksh; `'` becomes `'\''`. */
export function shellQuote (value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`
}

/** `export NAME='value'` lines for `eval "$(curl …?format=env)"`; the names the AWS CLI and SDKs read. */
export function envLines (credentials: Credentials): string {
  const vars: Array<[string, string]> = [
    ['AWS_ACCESS_KEY_ID', credentials.AccessKeyId],
    ['AWS_SECRET_ACCESS_KEY', credentials.SecretAccessKey],
    ['AWS_SESSION_TOKEN', credentials.SessionToken],
    ['AWS_CREDENTIAL_EXPIRATION', credentials.Expiration]
  ]
  return vars.map(([name, value]) => `export ${name}=${shellQuote(value)}\n`).join('')
}

/** Answers with the credentials in the format the caller asked for (`json` by default). */
export function formatCredentials (
  format: string | undefined, credentials: Credentials, reply: FastifyReply
): Credentials | string {
  if (format !== 'env') return credentials
  reply.type(ENV_CONTENT_TYPE)
  return envLines(credentials)
}
