import t from 'tap'
import { testConfig } from '../helpers/build.js'
import { withPeers } from '../helpers/peers.js'

// Issue 20 item 6: the IP budget counts invalid-token attempts only; a token already valid in
// the token cache is never refused because of what its IP sent.
const { tokeninfo, build } = await withPeers(t, {
  roles: ['S3MintReadOnly'],
  tokens: { 'tok-good': { uid: 'robot-x' }, 'tok-new': { uid: 'stups_mint-sync' } }
})
const config = testConfig({ TOKENINFO_URL: tokeninfo.url, RATE_LIMIT_PER_MINUTE: '3' })
const url = '/get_key/S3MintReadOnly'
const as = (token: string) => ({ url, remoteAddress: '10.0.0.7', headers: { authorization: `Bearer ${token}` } })

t.test('a noisy IP exhausts its invalid-token budget; a valid cached token from it still gets 200', async (t) => {
  const { app, logs } = await build(t, config)
  t.equal((await app.inject(as('tok-good'))).statusCode, 200, 'the valid token is verified once (and cached)')
  for (let i = 1; i <= 3; i++) t.equal((await app.inject(as(`tok-junk-${i}`))).statusCode, 401, `junk token ${i}`)
  const blocked = await app.inject(as('tok-junk-4'))
  t.equal(blocked.statusCode, 429, 'the IP has used its invalid-token budget')
  t.match(blocked.json(), { code: 'RO2KEY_RATE_LIMITED' })
  const calls = tokeninfo.calls
  t.equal((await app.inject(as('tok-new'))).statusCode, 429, 'a token not yet verified still waits (it would call the token service)')
  const served = await app.inject(as('tok-good'))
  t.equal(served.statusCode, 200, 'the cached valid token is served')
  t.match(served.json(), { AccessKeyId: /^[A-Z0-9]+$/ })
  t.equal(tokeninfo.calls, calls, 'neither request reached the token service')
  t.notMatch(logs.text, /tok-good|tok-junk|tok-new/, 'no token in the logs')
})

t.test('a cached valid token is still counted against its uid', async (t) => {
  const { app } = await build(t, config)
  for (let i = 1; i <= 3; i++) t.equal((await app.inject(as('tok-good'))).statusCode, 200, `request ${i}`)
  for (let i = 1; i <= 3; i++) t.equal((await app.inject(as(`tok-junk-${i}`))).statusCode, 401, `junk token ${i}`)
  t.equal((await app.inject(as('tok-good'))).statusCode, 429, 'its own uid budget is spent')
})
