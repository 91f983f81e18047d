import { generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { Agent } from 'undici'
import { algsFor, parseJwks } from '../../src/auth/jwk-parse.js'
import { createJwksStore } from '../../src/auth/jwks.js'
import { startOidc } from '../../dev/peers/oidc.js'

const oidc = await startOidc()
const dispatcher = new Agent()
t.teardown(async () => { await oidc.stop(); await dispatcher.close() })
const http = { dispatcher, timeoutMs: 1000 }
const KID = oidc.signingKey.kid

/** A store on a hand-driven clock; jwksUrl null means "use OIDC discovery". */
function storeWithClock (jwksUrl: string | null = oidc.jwksUrl, issuer = oidc.issuer) {
  const clock = { ms: 1_000_000 }
  const failures: Error[] = []
  const store = createJwksStore({ jwksUrl: jwksUrl ?? undefined, issuer, http, now: () => clock.ms / 1000, onRefreshFailed: (e) => failures.push(e) })
  return { store, clock, failures }
}

function freshReset (t: { teardown (fn: () => void): void }): void {
  oidc.resetCalls()
  t.teardown(() => { oidc.faults.jwks = 'ok'; oidc.faults.discovery = 'ok'; oidc.extraJwks = [] })
}

t.test('algsFor: which JWKs may verify which algorithms', async (t) => {
  const rows = [
    { desc: 'RSA without alg: RS* and PS*', jwk: { kty: 'RSA' }, algs: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] },
    { desc: 'RSA pinned to RS256', jwk: { kty: 'RSA', alg: 'RS256' }, algs: ['RS256'] },
    { desc: 'EC P-256', jwk: { kty: 'EC', crv: 'P-256' }, algs: ['ES256'] },
    { desc: 'EC P-384 claiming ES256 is unusable', jwk: { kty: 'EC', crv: 'P-384', alg: 'ES256' }, algs: [] },
    { desc: 'Ed25519', jwk: { kty: 'OKP', crv: 'Ed25519' }, algs: ['EdDSA'] },
    { desc: 'X25519 is for key agreement', jwk: { kty: 'OKP', crv: 'X25519' }, algs: [] },
    { desc: 'symmetric key never', jwk: { kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }, algs: [] },
    { desc: 'encryption key', jwk: { kty: 'RSA', use: 'enc' }, algs: [] }
  ]
  for (const row of rows) t.same(algsFor(row.jwk), row.algs, row.desc)
})

t.test('parseJwks keeps usable public keys, skips the rest, never a private part', async (t) => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const entries = parseJwks({
    keys: [
      oidc.signingKey.publicJwk,
      { ...ec.privateKey.export({ format: 'jwk' }), kid: 'ec-with-d' },
      { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
      { kty: 'RSA', kid: 'broken', e: 'AQAB' },
      'not an object'
    ]
  })
  t.same(entries.map((e) => e.kid), [KID, 'ec-with-d'])
  t.match(entries[1]?.pem, /^-----BEGIN PUBLIC KEY-----/)
  t.throws(() => parseJwks({ nokeys: true }), { name: 'AppError', statusCode: 502 })
})

t.test('first use fetches once, concurrent callers share the fetch', async (t) => {
  freshReset(t)
  const { store } = storeWithClock()
  const keys = await Promise.all(Array.from({ length: 20 }, async () => await store.key(KID, 'RS256')))
  t.ok(keys.every((k) => k?.kid === KID), 'every caller got the key')
  t.equal(oidc.calls.jwks, 1, 'one JWKS request for 20 concurrent callers')
  t.equal(await store.key(KID, 'ES256'), undefined, 'an RSA key never serves ES256')
  t.equal(await store.key(undefined, 'RS256').then((k) => k?.kid), KID, 'no kid: the single matching key')
  t.equal(oidc.calls.jwks, 1, 'known kid: no refetch')
})

t.test('unknown kid: refetch at most once per 30 s; new key picked up after', async (t) => {
  freshReset(t)
  const { store, clock } = storeWithClock()
  await store.key(KID, 'RS256')
  clock.ms += 31_000
  t.equal(await store.key('rotated-in', 'RS256'), undefined)
  t.equal(oidc.calls.jwks, 2, 'an unknown kid refetched the set')
  const attempts = await Promise.all(['a', 'b', 'c', 'rotated-in'].map(async (kid) => await store.key(kid, 'RS256')))
  t.same(attempts, [undefined, undefined, undefined, undefined])
  t.equal(oidc.calls.jwks, 2, 'more unknown kids within 30 s: no further fetch')
  const rotated = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey
  oidc.extraJwks = [{ ...rotated.export({ format: 'jwk' }), kid: 'rotated-in', alg: 'RS256' }]
  clock.ms += 29_000
  t.equal(await store.key('rotated-in', 'RS256'), undefined, '29 s later: still cooling down')
  clock.ms += 1_000
  t.equal((await store.key('rotated-in', 'RS256'))?.kid, 'rotated-in', '30 s later: refetched and found')
  t.equal(oidc.calls.jwks, 3)
})

t.test('a failing refetch keeps the last good key set', async (t) => {
  freshReset(t)
  const { store, clock, failures } = storeWithClock()
  await store.key(KID, 'RS256')
  for (const fault of ['error500', 'garbage', 'hang'] as const) {
    oidc.faults.jwks = fault
    clock.ms += 11 * 60_000 // past the 10 min max age: a refresh is due
    t.equal((await store.key(KID, 'RS256'))?.kid, KID, `${fault}: the old key still verifies`)
  }
  t.equal(failures.length, 3, 'each failed refresh was reported')
  t.match(failures.map((f) => f.message), [/failed/, /JSON/, /timed out/])
  t.equal(oidc.calls.jwks, 4)
  t.equal(await store.key(KID, 'RS256').then((k) => k?.kid), KID, 'within the cooldown: no new attempt')
  t.equal(oidc.calls.jwks, 4)
  oidc.faults.jwks = 'ok'
  clock.ms += 30_000
  await store.key(KID, 'RS256')
  t.equal(oidc.calls.jwks, 5, 'after the cooldown the refresh is retried')
})

t.test('an unknown kid while the JWKS endpoint fails is upstream trouble (503/502), not a 401', async (t) => {
  freshReset(t)
  const { store, clock } = storeWithClock()
  await store.key(KID, 'RS256')
  oidc.faults.jwks = 'error500'
  clock.ms += 31_000
  await t.rejects(store.key('rotated-unseen', 'RS256'), { code: 'RO2KEY_UPSTREAM_BAD_RESPONSE' }, 'the refetch failed: 502')
  await t.rejects(store.key('rotated-unseen', 'RS256'), { code: 'RO2KEY_UPSTREAM_BAD_RESPONSE' }, 'within the cooldown: still the failure, not a 401')
  t.equal((await store.key(KID, 'RS256'))?.kid, KID, 'known keys keep verifying')
  oidc.faults.jwks = 'ok'
  clock.ms += 31_000
  t.equal(await store.key('rotated-unseen', 'RS256'), undefined, 'endpoint back: a truly unknown kid is unknown again')
})

t.test('no good key set yet: the failure is the answer (502/503)', async (t) => {
  freshReset(t)
  const { store } = storeWithClock()
  oidc.faults.jwks = 'error500'
  await t.rejects(store.key(KID, 'RS256'), { statusCode: 502, code: 'RO2KEY_UPSTREAM_BAD_RESPONSE' })
  oidc.faults.jwks = 'hang'
  await t.rejects(store.key(KID, 'RS256'), { statusCode: 503, code: 'RO2KEY_UPSTREAM_UNAVAILABLE' })
  oidc.faults.jwks = 'ok'
  t.equal((await store.key(KID, 'RS256'))?.kid, KID, 'recovers as soon as the endpoint does')
})

t.test('OIDC discovery finds the JWKS when JWKS_URL is omitted', async (t) => {
  freshReset(t)
  const { store } = storeWithClock(null)
  t.equal((await store.key(KID, 'RS256'))?.kid, KID)
  t.same({ discovery: oidc.calls.discovery, jwks: oidc.calls.jwks }, { discovery: 1, jwks: 1 })
  const other = storeWithClock(null, oidc.issuer + '/')
  await t.rejects(other.store.key(KID, 'RS256'), { name: 'AppError', statusCode: 502, detail: /another issuer/ }, 'the document must name the configured issuer exactly')
  const down = storeWithClock(null)
  oidc.faults.discovery = 'error500'
  await t.rejects(down.store.key(KID, 'RS256'), { name: 'AppError', statusCode: 502 })
  oidc.faults.discovery = 'ok'
  t.equal((await down.store.key(KID, 'RS256'))?.kid, KID, 'discovery retried after a failure')
})
