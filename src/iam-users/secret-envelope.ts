import { Encrypter, armor } from 'age-encryption'
import { createMessage, encrypt, readKey } from 'openpgp'
import { AppError } from '../errors.js'

/** The body of POST /keys and /keys/rotate. */
export interface NewKeyBody {
  pgp_key?: string
  age_recipient?: string
}

/** Encrypts the new secret for the caller's own key; undefined = the secret is answered in clear. */
export type Envelope = ((secret: string) => Promise<string>) | undefined

const badKey = (detail: string, cause?: unknown): AppError => new AppError('RO2KEY_BAD_REQUEST', { detail, cause })

async function pgpEnvelope (armoredKey: string): Promise<(secret: string) => Promise<string>> {
  let key
  try {
    key = await readKey({ armoredKey })
    // throws when the key has no usable encryption (sub)key: expired, revoked or sign-only
    await key.getEncryptionKey()
  } catch (err) {
    throw badKey('pgp_key is not an ASCII-armored OpenPGP public key that can encrypt', err)
  }
  if (key.isPrivate()) throw badKey('pgp_key is a private key: send the public key only')
  return async (secret) => await encrypt({ message: await createMessage({ text: secret }), encryptionKeys: key })
}

async function ageEnvelope (recipient: string): Promise<(secret: string) => Promise<string>> {
  const encrypter = new Encrypter()
  try {
    encrypter.addRecipient(recipient)
    // a trial run: some recipient errors only show when a file key is wrapped
    await encrypter.encrypt('')
  } catch (err) {
    throw badKey('age_recipient is not an age recipient (age1…)', err)
  }
  return async (secret) => armor.encode(await encrypter.encrypt(secret))
}

/**
 * Parses the caller's public key before any access key exists, so a key that cannot be used is
 * 400 with nothing created.
 */
export async function envelopeFor (body: NewKeyBody | undefined): Promise<Envelope> {
  const { pgp_key: pgp, age_recipient: age } = body ?? {}
  if (pgp !== undefined && age !== undefined) throw badKey('give at most one of pgp_key and age_recipient')
  if (pgp !== undefined) return await pgpEnvelope(pgp)
  if (age !== undefined) return await ageEnvelope(age)
  return undefined
}
