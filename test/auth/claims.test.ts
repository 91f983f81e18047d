import t from 'tap'
import { basicAuth, principalOfIntrospection } from '../../src/auth/introspection.js'
import { checkClaims, LEEWAY_SECONDS, principalOf } from '../../src/auth/jwt.js'
import { looksLikeJwt } from '../../src/auth/choose-verifier.js'

const NOW = 1_800_000_000
const expect = { issuer: 'https://idp.example.org/realms/robots', audience: 'ro2key' }
const good = { iss: expect.issuer, aud: 'ro2key', exp: NOW + 600, sub: 'robot' }

t.test('checkClaims: iss exact, aud contains, exp required, leeway at most 60 s', async (t) => {
  t.ok(LEEWAY_SECONDS <= 60)
  const rows: Array<{ desc: string, claims: Record<string, unknown>, reason: string | undefined }> = [
    { desc: 'valid', claims: good, reason: undefined },
    { desc: 'aud list containing ours', claims: { ...good, aud: ['account', 'ro2key'] }, reason: undefined },
    { desc: 'issuer with a trailing slash is another issuer', claims: { ...good, iss: expect.issuer + '/' }, reason: 'wrong issuer' },
    { desc: 'no iss', claims: { ...good, iss: undefined }, reason: 'wrong issuer' },
    { desc: 'other audience', claims: { ...good, aud: 'account' }, reason: 'wrong audience' },
    { desc: 'aud list without ours', claims: { ...good, aud: ['account', 'ro2key-x'] }, reason: 'wrong audience' },
    { desc: 'no aud', claims: { ...good, aud: undefined }, reason: 'wrong audience' },
    { desc: 'no exp', claims: { ...good, exp: undefined }, reason: 'malformed token' },
    { desc: 'exp as a string', claims: { ...good, exp: String(NOW + 600) }, reason: 'malformed token' },
    { desc: 'expired beyond the leeway', claims: { ...good, exp: NOW - LEEWAY_SECONDS }, reason: 'token expired' },
    { desc: 'expired within the leeway', claims: { ...good, exp: NOW - LEEWAY_SECONDS + 1 }, reason: undefined },
    { desc: 'nbf within the leeway', claims: { ...good, nbf: NOW + LEEWAY_SECONDS }, reason: undefined },
    { desc: 'nbf beyond the leeway', claims: { ...good, nbf: NOW + LEEWAY_SECONDS + 1 }, reason: 'token not yet valid' },
    { desc: 'nbf not a number', claims: { ...good, nbf: 'soon' }, reason: 'token not yet valid' }
  ]
  for (const row of rows) t.equal(checkClaims(row.claims, expect, NOW), row.reason, row.desc)
})

t.test('JWT principal: uid, scopes, teams, expiry', async (t) => {
  t.match(principalOf({ ...good, scope: 'uid ro2key', team: ['mint'] }, undefined, 'team'), { uid: 'robot', scopes: ['uid', 'ro2key'], teams: ['mint'], expiresAt: NOW + 600 })
  t.match(principalOf({ ...good, scp: ['a', 'b'], groups: 'x,y' }, undefined, 'groups'), { scopes: ['a', 'b'], teams: ['x', 'y'] })
  t.match(principalOf({ ...good, sub: undefined, client_id: 'svc' }, undefined, 'team'), { uid: 'svc' }, 'RFC 9068 client_id when there is no sub')
  t.match(principalOf({ ...good, azp: 'robot-client' }, 'azp', 'team'), { uid: 'robot-client' }, 'UID_CLAIM')
  t.throws(() => principalOf({ ...good }, 'preferred_username', 'team'), { name: 'AppError', statusCode: 401, detail: 'token has no uid' }, 'UID_CLAIM has no fallback')
  t.throws(() => principalOf({ ...good, sub: '' }, undefined, 'team'), { name: 'AppError', detail: 'token has no uid' })
})

t.test('introspection principal', async (t) => {
  const opts = { uidClaim: undefined, teamClaim: 'team' }
  const rows = [
    { desc: 'sub first', doc: { active: true, sub: 's', username: 'u', client_id: 'c', exp: NOW + 60 }, uid: 's' },
    { desc: 'then username', doc: { active: true, username: 'u', client_id: 'c' }, uid: 'u' },
    { desc: 'then client_id', doc: { active: true, client_id: 'c', scope: 'uid ro2key', team: 'mint' }, uid: 'c' },
    { desc: 'inactive', doc: { active: false, sub: 's' }, reason: 'token inactive' },
    { desc: 'active as a string is not active', doc: { active: 'true', sub: 's' }, reason: 'token inactive' },
    { desc: 'no active member', doc: { sub: 's' }, reason: 'token inactive' },
    { desc: 'active but past exp', doc: { active: true, sub: 's', exp: NOW }, reason: 'token expired' },
    { desc: 'no uid', doc: { active: true }, reason: 'token has no uid' }
  ]
  for (const row of rows) {
    if (row.reason) t.throws(() => principalOfIntrospection(row.doc, opts, NOW), { name: 'AppError', statusCode: 401, detail: row.reason }, row.desc)
    else t.equal(principalOfIntrospection(row.doc, opts, NOW).uid, row.uid, row.desc)
  }
  const aud = { ...opts, audience: 'https://ro2key.example.org' }
  const audRows = [
    { desc: 'aud string equal', doc: { active: true, sub: 's', aud: 'https://ro2key.example.org' }, ok: true },
    { desc: 'aud array containing it', doc: { active: true, sub: 's', aud: ['other', 'https://ro2key.example.org'] }, ok: true },
    { desc: 'aud of another resource', doc: { active: true, sub: 's', aud: 'https://billing.example.org' }, ok: false },
    { desc: 'aud prefix only', doc: { active: true, sub: 's', aud: 'https://ro2key.example.org.evil' }, ok: false },
    { desc: 'no aud at all', doc: { active: true, sub: 's' }, ok: false }
  ]
  for (const row of audRows) {
    if (row.ok) t.equal(principalOfIntrospection(row.doc, aud, NOW).uid, 's', `INTROSPECTION_AUDIENCE: ${row.desc}`)
    else t.throws(() => principalOfIntrospection(row.doc, aud, NOW), { name: 'AppError', statusCode: 401, detail: 'wrong audience' }, `INTROSPECTION_AUDIENCE: ${row.desc}`)
  }
  t.match(principalOfIntrospection({ active: true, client_id: 'c', scope: 'uid ro2key', team: 'mint', exp: NOW + 5 }, opts, NOW), { scopes: ['uid', 'ro2key'], teams: ['mint'], expiresAt: NOW + 5 })
})

t.test('basicAuth form-encodes id and secret (RFC 6749 section 2.3.1)', async (t) => {
  const decoded = Buffer.from(basicAuth('ro2key app', 'p:ss/wörd').slice(6), 'base64').toString()
  t.equal(decoded, 'ro2key+app:p%3Ass%2Fw%C3%B6rd')
})

t.test('looksLikeJwt', async (t) => {
  const h = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  const rows = [
    { desc: 'signed JWT', token: `${h({ alg: 'RS256' })}.${h({})}.c2ln`, jwt: true },
    { desc: 'alg none, empty signature', token: `${h({ alg: 'none' })}.${h({})}.`, jwt: true },
    { desc: 'opaque', token: 'rQLL_RebTFdUj12nXWtaSSak6eq4BUQ69gTrSNDMix0', jwt: false },
    { desc: 'dotted opaque', token: 'a.b.c', jwt: false },
    { desc: 'header without alg', token: `${h({ typ: 'JWT' })}.${h({})}.c2ln`, jwt: false },
    { desc: 'header not an object', token: `${h('RS256')}.${h({})}.c2ln`, jwt: false },
    { desc: 'two parts', token: `${h({ alg: 'RS256' })}.${h({})}`, jwt: false },
    { desc: 'padding is not base64url', token: `${h({ alg: 'RS256' })}=.${h({})}.c2ln`, jwt: false }
  ]
  for (const row of rows) t.equal(looksLikeJwt(row.token), row.jwt, row.desc)
})
