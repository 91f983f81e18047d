import { AppError } from '../errors.js'

/** RFC 6750 section 2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
const MAX_TOKEN_LENGTH = 16384
export const REALM = 'ro2key'

/** RFC 6750 section 3 challenge. */
export function challenge (error?: string, description?: string, scope?: string): string {
  const parts = [`realm="${REALM}"`]
  if (error) parts.push(`error="${error}"`)
  if (description) parts.push(`error_description="${description}"`)
  if (scope) parts.push(`scope="${scope}"`)
  return 'Bearer ' + parts.join(', ')
}

/** A 401 with the RFC 6750 invalid_token challenge and a fixed, short reason. */
export function invalidToken (reason: string, cause?: unknown): AppError {
  return new AppError('RO2KEY_TOKEN_INVALID', {
    detail: reason,
    cause,
    headers: { 'www-authenticate': challenge('invalid_token', reason) }
  })
}

/**
 * A header that is one syntactically valid token and nothing else: what AWS SDKs send when
 * AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE) holds the raw token (they copy it verbatim).
 */
export function isBareToken (header: string): boolean {
  return header.length <= MAX_TOKEN_LENGTH && B64TOKEN.test(header) && !/^bearer$/i.test(header)
}

/**
 * The token from an `Authorization: Bearer <token>` header (scheme case-insensitive), or,
 * where the route allows it, from a bare `Authorization: <token>`.
 */
export function bearerToken (header: string | undefined, acceptBare = false): string {
  if (acceptBare && header !== undefined && isBareToken(header)) return header
  if (header === undefined || header.trim() === '') {
    throw new AppError('RO2KEY_TOKEN_MISSING', {
      detail: 'Send the OAuth2 access token as "Authorization: Bearer <token>"',
      headers: { 'www-authenticate': challenge() }
    })
  }
  const match = /^bearer +(\S+) *$/i.exec(header)
  if (!match) {
    throw new AppError('RO2KEY_TOKEN_MISSING', {
      detail: 'The Authorization header must use the Bearer scheme: "Authorization: Bearer <token>"',
      headers: { 'www-authenticate': challenge('invalid_request', 'Bearer scheme required') }
    })
  }
  const token = match[1] as string
  if (token.length > MAX_TOKEN_LENGTH || !B64TOKEN.test(token)) throw invalidToken('malformed token')
  return token
}
