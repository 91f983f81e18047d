import { createPublicKey, type JsonWebKey } from 'node:crypto'
import { badResponse } from '../http/call-json.js'

/** A usable public signing key from a JWKS. */
export interface JwkEntry {
  kid: string | undefined
  /** the JWS algorithms this key may verify */
  algs: string[]
  /** SPKI PEM */
  pem: string
}

const EC_ALGS: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']

/** The algorithms a JWK can serve; [] for symmetric, encryption-only or unknown keys. */
export function algsFor (jwk: Record<string, unknown>): string[] {
  if (jwk.use !== undefined && jwk.use !== 'sig') return []
  let algs: string[] = []
  if (jwk.kty === 'RSA') algs = RSA_ALGS
  else if (jwk.kty === 'EC' && typeof jwk.crv === 'string' && EC_ALGS[jwk.crv]) algs = [EC_ALGS[jwk.crv] as string]
  else if (jwk.kty === 'OKP' && (jwk.crv === 'Ed25519' || jwk.crv === 'Ed448')) algs = ['EdDSA']
  if (typeof jwk.alg === 'string') algs = algs.filter((a) => a === jwk.alg)
  return algs
}

/** Usable signing keys of a JWKS document; unusable entries are skipped, not fatal. */
export function parseJwks (doc: Record<string, unknown>): JwkEntry[] {
  if (!Array.isArray(doc.keys)) {
    throw badResponse('The JWKS endpoint answered without a key list', 'JWKS: no "keys" array')
  }
  const entries: JwkEntry[] = []
  for (const jwk of doc.keys as Array<Record<string, unknown>>) {
    if (typeof jwk !== 'object' || jwk === null) continue
    const algs = algsFor(jwk)
    if (algs.length === 0) continue
    try {
      const { d: _private, ...pub } = jwk
      const key = createPublicKey({ key: pub as JsonWebKey, format: 'jwk' })
      const pem = key.export({ type: 'spki', format: 'pem' }) as string
      entries.push({ kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, algs, pem })
    } catch {}
  }
  return entries
}
