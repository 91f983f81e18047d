import { createHmac, createSign, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Signs a compact JWS by hand, so tests can make tokens no well-behaved library would. */
export function craft (header: Record<string, unknown>, payload: Record<string, unknown>, sign: (input: string) => string): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${sign(input)}`
}

/** RS256 signature with a private key. */
export const rs256 = (key: KeyObject) => (input: string): string => createSign('RSA-SHA256').update(input).sign(key).toString('base64url')

/** ES256 (JWS wants the raw r||s form, not DER). */
export const es256 = (key: KeyObject) => (input: string): string => sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')

/** EdDSA (Ed25519). */
export const eddsa = (key: KeyObject) => (input: string): string => sign(null, Buffer.from(input), key).toString('base64url')

/** HS256 with an arbitrary secret (e.g. the issuer's public key PEM: the classic key-confusion attack). */
export const hs256 = (secret: string | Buffer) => (input: string): string => createHmac('sha256', secret).update(input).digest('base64url')

/** No signature at all (alg: none). */
export const unsigned = () => (): string => ''

/** A fresh RSA key that nobody trusts. */
export function rogueKey (): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
}

/** Standard claims for the peer's issuer and audience, valid for an hour. */
export function claims (issuer: string, audience: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return { iss: issuer, aud: audience, sub: 'robot-mint', client_id: 'robot-mint', scope: 'uid ro2key', team: 'mint', iat: now, exp: now + 3600, ...extra }
}
