import { Decrypter, armor, generateIdentity, identityToRecipient } from 'age-encryption'
import { createMessage, decrypt, encrypt, generateKey, readMessage, readPrivateKey } from 'openpgp'
import t from 'tap'
import { bearer, keyPeers, userArn } from '../helpers/keys.js'

const peers = await keyPeers(t)
const { config, keysInIam, whoIs } = peers

for (const [label, options] of [
  ['curve25519 (cv25519, what gpg makes by default)', { type: 'ecc', curve: 'curve25519Legacy' }],
  ['curve25519 (RFC 9580 X25519)', { type: 'curve25519' }],
  ['RSA 3072', { type: 'rsa', rsaBits: 3072 }]
] as const) {
  t.test(`a ${label} PGP key: the secret comes encrypted, decrypts, and the key works in moto`, async (t) => {
    const { app, logs } = await peers.build(t, config)
    const { publicKey, privateKey } = await generateKey({ ...options, userIDs: [{ name: 'Frank' }], format: 'armored' })
    const res = await app.inject({ method: 'POST', url: '/keys', headers: bearer('frank'), payload: { pgp_key: publicKey } })
    t.equal(res.statusCode, 201, res.body)
    const key = res.json()
    t.notOk('SecretAccessKey' in key, 'no secret in clear')
    t.match(key.EncryptedSecretAccessKey, /^-----BEGIN PGP MESSAGE-----/)
    const message = await readMessage({ armoredMessage: key.EncryptedSecretAccessKey })
    const { data: secret } = await decrypt({ message, decryptionKeys: await readPrivateKey({ armoredKey: privateKey }) })
    t.equal(await whoIs(t, key.AccessKeyId, secret as string), userArn('frank'))
    t.notOk(logs.text.includes(secret as string), 'the secret is not in the log')
    await app.inject({ method: 'DELETE', url: `/keys/${key.AccessKeyId}`, headers: bearer('frank') })
  })
}

t.test('an age recipient: an armored age file that decrypts to a working secret', async (t) => {
  const { app, logs } = await peers.build(t, config)
  const identity = await generateIdentity()
  const recipient = await identityToRecipient(identity)
  const res = await app.inject({ method: 'POST', url: '/keys', headers: bearer('frank'), payload: { age_recipient: recipient } })
  t.equal(res.statusCode, 201, res.body)
  const key = res.json()
  t.match(key.EncryptedSecretAccessKey, /^-----BEGIN AGE ENCRYPTED FILE-----/)
  const decrypter = new Decrypter()
  decrypter.addIdentity(identity)
  const secret = await decrypter.decrypt(armor.decode(key.EncryptedSecretAccessKey), 'text')
  t.equal(await whoIs(t, key.AccessKeyId, secret), userArn('frank'))
  t.notOk(logs.text.includes(secret))
  await app.inject({ method: 'DELETE', url: `/keys/${key.AccessKeyId}`, headers: bearer('frank') })
})

t.test('a key that cannot be used is 400 and no access key is created', async (t) => {
  const { app } = await peers.build(t, config)
  const { privateKey } = await generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'F' }], format: 'armored' })
  const signOnly = await generateKey({
    type: 'curve25519', userIDs: [{ name: 'F' }], format: 'armored', subkeys: []
  })
  const pgpMessage = await encrypt({ message: await createMessage({ text: 'x' }), passwords: ['p'] })
  const bodies = [
    { pgp_key: 'not a key' },
    { pgp_key: pgpMessage },
    { pgp_key: privateKey },
    { pgp_key: signOnly.publicKey },
    { age_recipient: 'age1notarecipient' },
    { age_recipient: 'ssh-ed25519 AAAA' },
    { pgp_key: signOnly.publicKey, age_recipient: 'age1x' },
    { pgp_key: 'x', extra: 1 }
  ]
  for (const payload of bodies) {
    const res = await app.inject({ method: 'POST', url: '/keys', headers: bearer('gina'), payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 60))
    t.equal(res.json().code, 'RO2KEY_BAD_REQUEST')
    t.notOk(res.body.includes('PRIVATE KEY'), 'the answer does not echo a private key')
  }
  t.same(await keysInIam('gina'), [], 'no key was created')
})
