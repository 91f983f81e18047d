/** Seeded generator of hostile requests for the fuzz test and `npm run fuzz`. */

export interface FuzzRequest {
  url: string
  headers: Record<string, string>
  /** what the request is entitled to: credentials only with a valid token for an allowed role */
  entitled: boolean
  /** the bearer token sent, if any (it must never come back in a body) */
  token: string | undefined
}

export interface FuzzSetup {
  /** a token the tokeninfo peer knows */
  validToken: string
  /** a role the valid token's team may use */
  allowedRole: string
  /** every role name the valid token's team may use (the policy's pattern) */
  allowedPattern: RegExp
}

/** mulberry32: small, fast, seeded. */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

type Rand = () => number
const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
const int = (rand: Rand, min: number, max: number): number => min + Math.floor(rand() * (max - min + 1))

function randomString (rand: Rand, length: number, alphabet: string): string {
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rand() * alphabet.length)]
  return out
}

const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-'
const PRINTABLE = NAME_CHARS + ' !"#$%&\'()*/:;<>?[\\]^`{|}~'
const UNICODE = ['é', 'ï', 'ß', 'Ω', 'Ж', '中', '文', '🔑', '\u202e', '\u200b', '\ufeff', 'İ', 'ﬁ', '\u0301']
const NASTY_SEGMENTS = ['%2F', '%2f', '..', '%2e%2e', '.%2E', '%00', '%', '%zz', '%C0%AF', '%E2%80%AE', '%0A', '%0D%0A', '%20', '+', ';', '%3B', '..%2F..%2Fetc%2Fpasswd', '%252F']

function roleName (rand: Rand, setup: FuzzSetup): string {
  switch (int(rand, 0, 9)) {
    case 0: return setup.allowedRole
    case 1: return randomString(rand, int(rand, 1, 64), NAME_CHARS)
    case 2: return encodeURIComponent(randomString(rand, int(rand, 1, 20), NAME_CHARS) + pick(rand, UNICODE) + randomString(rand, int(rand, 0, 5), NAME_CHARS))
    case 3: return randomString(rand, int(rand, 0, 10), NAME_CHARS) + pick(rand, NASTY_SEGMENTS) + randomString(rand, int(rand, 0, 10), NAME_CHARS)
    case 4: return pick(rand, NASTY_SEGMENTS)
    case 5: return randomString(rand, int(rand, 65, 600), NAME_CHARS)
    case 6: return encodeURIComponent(randomString(rand, int(rand, 1, 40), PRINTABLE))
    case 7: return setup.allowedRole + pick(rand, NASTY_SEGMENTS)
    case 8: return `${setup.allowedRole}/${randomString(rand, int(rand, 1, 8), NAME_CHARS)}`
    default: return Array.from({ length: int(rand, 1, 12) }, () => pick(rand, UNICODE)).map(encodeURIComponent).join('')
  }
}

function path (rand: Rand, setup: FuzzSetup): { path: string, role: string | undefined } {
  if (rand() < 0.85) {
    const role = roleName(rand, setup)
    return { path: `/get_key/${role}`, role }
  }
  return { path: pick(rand, ['/health', '/ready', '/metrics', '/get_key', '/get_key/', '//get_key/x', '/GET_KEY/x', '/../get_key/x', '/openapi.json', '/ui/', '/%2e%2e/%2e%2e/etc/passwd', '/' + randomString(rand, int(rand, 1, 300), NAME_CHARS)]), role: undefined }
}

function query (rand: Rand): string {
  switch (int(rand, 0, 7)) {
    case 0: case 1: return ''
    case 2: return `?duration=${pick(rand, ['900', '3600', '7200', '43200', '899', '43201', '-1', '0', '1e3', '3600.5', '', 'abc', '99999999999999999999', '0x10', ' 3600'])}`
    case 3: return `?duration=900&duration=${int(rand, 0, 50000)}`
    case 4: return `?access_token=${randomString(rand, int(rand, 1, 40), NAME_CHARS)}`
    case 5: return '?' + randomString(rand, int(rand, 1, 200), PRINTABLE.replace('#', '')).replaceAll(' ', '+')
    case 6: return `?${encodeURIComponent(pick(rand, UNICODE))}=${encodeURIComponent(pick(rand, UNICODE))}&duration[]=1`
    default: return '?' + Array.from({ length: int(rand, 1, 50) }, (_, i) => `k${i}=${int(rand, 0, 9)}`).join('&')
  }
}

function authorization (rand: Rand, setup: FuzzSetup): string | undefined {
  switch (int(rand, 0, 11)) {
    case 0: return undefined
    case 1: case 2: case 3: return `Bearer ${setup.validToken}`
    case 4: return `Bearer ${randomString(rand, int(rand, 1, 200), NAME_CHARS)}`
    case 5: return `${pick(rand, ['bearer', 'BEARER', 'Basic', 'Token', 'Digest', ''])} ${randomString(rand, int(rand, 0, 60), PRINTABLE)}`
    case 6: return `Bearer ${randomString(rand, int(rand, 16000, 40000), NAME_CHARS)}`
    case 7: return `Bearer ${setup.validToken} ${setup.validToken}`
    case 8: return `Bearer  ${setup.validToken}x`
    case 9: return randomString(rand, int(rand, 0, 300), PRINTABLE)
    case 10: return `Bearer ${setup.validToken}${pick(rand, ['"', "'", '\\', ',', ';', '%00', '=', '==x'])}`
    default: return `Bearer ${encodeURIComponent(pick(rand, UNICODE))}`
  }
}

function safeDecode (text: string): string {
  try { return decodeURIComponent(text) } catch { return text }
}

/** The n-th generated request of a run (deterministic for a given seed). */
export function generate (rand: Rand, setup: FuzzSetup): FuzzRequest {
  const { path: p, role } = path(rand, setup)
  const q = query(rand)
  const auth = authorization(rand, setup)
  const headers: Record<string, string> = {}
  if (auth !== undefined) headers.authorization = auth
  if (rand() < 0.1) headers['x-oversized'] = randomString(rand, int(rand, 8000, 64000), NAME_CHARS)
  if (rand() < 0.1) headers['x-forwarded-for'] = `${int(rand, 0, 255)}.${int(rand, 0, 255)}.0.1`
  if (rand() < 0.05) headers.accept = pick(rand, ['text/html', 'application/xml', '*/*', 'application/problem+json'])
  const token = /^bearer +(\S+) *$/i.exec(auth ?? '')?.[1]
  const entitled = token === setup.validToken && role !== undefined && setup.allowedPattern.test(safeDecode(role))
  return { url: p + q, headers, entitled, token }
}
