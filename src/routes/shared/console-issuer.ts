import { AppError } from '../../errors.js'

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
/** RFC 3986 host[:port] limited to DNS names, IPv4 and bracketed IPv6: no userinfo, path, query or markup. */
const HOST = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?$`)

/**
 * The Issuer of a console login URL: CONSOLE_ISSUER, else PUBLIC_URL, else the request's own base
 * URL when its Host is a plain host[:port]. Anything else in Host (a@evil.example,
 * evil.example/phish?x=, markup, nothing at all) is refused, never echoed into the sign-in page.
 */
export function consoleIssuer (configured: string | undefined, protocol: string, host: string | undefined): string {
  if (configured !== undefined) return configured
  if (host === undefined || !HOST.test(host)) {
    throw new AppError('RO2KEY_BAD_REQUEST', {
      detail: 'The Host header is not a plain host name; the operator can set PUBLIC_URL'
    })
  }
  return `${protocol}://${host}`
}
