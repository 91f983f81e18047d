import t from 'tap'
import { ConfigError } from '../../src/config/index.js'
import { testConfig } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'

// Issue 20, item 2: a members entry applies only to the identity source it was written for.
// Before the fix, a tokeninfo uid of realm /employees, or a JWT client_id, equal to a robot's uid
// received the robot's teams.
const { oidc, tokeninfo, build } = await withPeers(t, { roles: ['S3MintReadOnly'], oidc: true })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const URL_MINT = '/get_key/S3MintReadOnly'
const TEAMS = 'teams: { mint: { roles: [S3MintReadOnly] } }'
const BOTH = { TOKENINFO_URL: tokeninfo.url, JWT_ISSUER: oidc.issuer, JWT_AUDIENCE: oidc.audience, JWKS_URL: oidc.jwksUrl }

tokeninfo.add('tok-robot', { uid: 'stups_mint-sync', realm: '/services' })
tokeninfo.add('tok-employee', { uid: 'stups_mint-sync', realm: '/employees' })

t.test('members_of: only the source it names gets the teams', async (t) => {
  const POLICY = `${TEAMS}\nmembers_of: { "tokeninfo:/services": { stups_mint-sync: mint } }`
  const { app } = await build(t, testConfig({ ...BOTH, POLICY }))
  const robot = await app.inject({ url: URL_MINT, headers: bearer('tok-robot') })
  t.equal(robot.statusCode, 200, 'tokeninfo realm /services: the robot')
  const employee = await app.inject({ url: URL_MINT, headers: bearer('tok-employee') })
  t.equal(employee.statusCode, 403, 'tokeninfo realm /employees, same uid: refused')
  t.match(employee.json(), { code: 'RO2KEY_ROLE_NOT_ALLOWED' })
  // oidc's client stups_mint-sync has no team claim: its client_id equals the robot's uid
  const jwt = await app.inject({ url: URL_MINT, headers: bearer(await oidc.issueToken({ clientId: 'stups_mint-sync' })) })
  t.equal(jwt.statusCode, 403, 'a JWT whose client_id is the robot\'s uid: refused')
})

t.test('plain members with tokeninfo need members_realm; then other realms get nothing', async (t) => {
  const plain = `${TEAMS}\nmembers: { stups_mint-sync: mint }`
  t.throws(() => testConfig({ TOKENINFO_URL: tokeninfo.url, POLICY: plain }), ConfigError)
  t.throws(() => testConfig({ TOKENINFO_URL: tokeninfo.url, POLICY: plain }), /add members_realm: \/services/)
  const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url, POLICY: `${plain}\nmembers_realm: /services` }))
  t.equal((await app.inject({ url: URL_MINT, headers: bearer('tok-robot') })).statusCode, 200)
  t.equal((await app.inject({ url: URL_MINT, headers: bearer('tok-employee') })).statusCode, 403)
})

t.test('plain members with several verifiers: a boot error that says how to scope them', async (t) => {
  const POLICY = `${TEAMS}\nmembers: { stups_mint-sync: mint }`
  t.throws(() => testConfig({ ...BOTH, POLICY }), /tokeninfo, jwt are all configured.*members_of/)
})

t.test('plain members with a single JWT issuer keep working', async (t) => {
  const POLICY = `${TEAMS}\nmembers: { stups_mint-sync: mint }`
  const jwtOnly = { TOKENINFO_URL: '', JWT_ISSUER: oidc.issuer, JWT_AUDIENCE: oidc.audience, JWKS_URL: oidc.jwksUrl }
  const { app } = await build(t, testConfig({ ...jwtOnly, POLICY }))
  const jwt = await app.inject({ url: URL_MINT, headers: bearer(await oidc.issueToken({ clientId: 'stups_mint-sync' })) })
  t.equal(jwt.statusCode, 200)
})

t.test('members_of keys are checked', async (t) => {
  t.throws(() => testConfig({ POLICY: `${TEAMS}\nmembers_of: { ldap: { a: mint } }` }), /members_of.ldap: not jwt/)
  t.throws(() => testConfig({ POLICY: `${TEAMS}\nmembers_of: { jwt: { a: nope } }` }), /members_of.jwt.a: team "nope"/)
  t.throws(() => testConfig({ POLICY: `${TEAMS}\nmembers_realm: 5` }), /members_realm must be a string/)
})
