import { hkdfSync } from 'node:crypto'
import { problem, readInt, readString, readUrl, type Env } from './read.js'
import { VARIABLES as V } from './variables.js'

/** The web page for people (docs/web.md): OIDC sign-in and the session cookie. */
export interface WebConfig {
  issuer: string
  clientId: string
  clientSecret: string
  /** ro2key's public base URL, no trailing slash */
  publicUrl: string
  /** the session cookie's 32-byte key, derived from SESSION_SECRET */
  sessionKey: Buffer
  /** seconds a session lasts after sign-in */
  sessionTtl: number
}

/** SESSION_SECRET must carry at least this many bytes. */
export const MIN_SESSION_SECRET_BYTES = 32
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Plain http is for loopback only (tests and the demo). */
export function isLoopback (url: string): boolean {
  return LOOPBACK.has(new URL(url).hostname)
}

function httpsUnlessLoopback (name: string, url: string | undefined, problems: string[]): void {
  if (url !== undefined && new URL(url).protocol === 'http:' && !isLoopback(url)) {
    problems.push(problem(`${name} must be https (plain http only on localhost), got "${url}"`, name))
  }
}

/** The key of the encrypted cookie: HKDF-SHA256 of the secret, so any long random string works. */
function sessionKeyOf (secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'ro2key', 'session cookie', 32))
}

/** The web page's settings; undefined (page off) unless OIDC_ISSUER is set. */
export function readWeb (env: Env, publicUrl: string | undefined, problems: string[]): WebConfig | undefined {
  // every variable is checked even with the page off, so a typo is never silent
  const issuer = readUrl(env, V.OIDC_ISSUER, problems)
  const sessionTtl = readInt(env, V.UI_SESSION_TTL, problems)
  if (issuer === undefined) return undefined
  const clientId = readString(env, V.OIDC_CLIENT_ID)
  const clientSecret = readString(env, V.OIDC_CLIENT_SECRET)
  const secret = readString(env, V.SESSION_SECRET)
  for (const [name, value] of [['OIDC_CLIENT_ID', clientId], ['OIDC_CLIENT_SECRET', clientSecret],
    ['PUBLIC_URL', env.PUBLIC_URL], ['SESSION_SECRET', secret]] as const) {
    if (value === undefined) problems.push(problem(`OIDC_ISSUER is set: ${name} is required too`, name))
  }
  if (secret !== undefined && Buffer.byteLength(secret) < MIN_SESSION_SECRET_BYTES) {
    problems.push(problem(`SESSION_SECRET must be at least ${MIN_SESSION_SECRET_BYTES} bytes ` +
      `(openssl rand -base64 32), got ${Buffer.byteLength(secret)}`, 'SESSION_SECRET'))
  }
  httpsUnlessLoopback('OIDC_ISSUER', issuer, problems)
  httpsUnlessLoopback('PUBLIC_URL', publicUrl, problems)
  if (clientId === undefined || clientSecret === undefined || publicUrl === undefined || secret === undefined) {
    return undefined
  }
  return {
    issuer,
    clientId,
    clientSecret,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    sessionKey: sessionKeyOf(secret),
    sessionTtl
  }
}
