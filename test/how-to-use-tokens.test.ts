import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { ASSUMED, EXIT, scriptBench } from './helpers/how-to-use.js'
import { freePort } from '../dev/peers/free-port.js'
import { startOidc } from '../dev/peers/oidc.js'

// how_to_use.sh's token sources (OAUTH2_TOKEN_FILE, the client-credentials grant against
// oidc-provider, a Berry-style CREDENTIALS_DIR) and its bounded retries.

// RFC 6749 2.3.1: client id and secret are form-urlencoded before HTTP Basic; oidc-provider
// decodes them, so this secret only works if the script encodes it.
const CLIENT_SECRET = 's3cr"et\\pass+%/: ok'
const oidc = await startOidc({ clients: [{ clientId: 'stups_mint-sync', clientSecret: CLIENT_SECRET }] })
t.teardown(() => oidc.stop())
// ro2key verifies oidc-provider's JWTs with its JWKS (and other tokens with tokeninfo), and
// wants the `ro2key` scope: a token without it proves which scope the script asked for.
const { tokeninfo, TOKEN, scratch, run, spyDir } = await scriptBench(t, {
  JWT_ISSUER: oidc.issuer, JWT_AUDIENCE: oidc.audience, JWKS_URL: oidc.jwksUrl, OAUTH2_SCOPE: 'ro2key'
})

t.test('token from AUTH_URL with the client-credentials grant (oidc-provider)', async (t) => {
  const cc = { OAUTH2_TOKEN: undefined, AUTH_URL: oidc.tokenUrl, CLIENT_ID: 'stups_mint-sync', CLIENT_SECRET, OAUTH2_SCOPE: 'uid ro2key' }
  const log = join(scratch, 'argv-cc.log')
  oidc.resetCalls()
  const res = await run(['S3MintReadOnly', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { ...cc, PATH: `${spyDir(log)}:${process.env.PATH}` })
  t.equal(res.code, 0, res.stderr)
  t.match(JSON.parse(res.stdout).Arn, ASSUMED, 'ro2key verified the granted JWT; its credentials work')
  t.same({ token: oidc.calls.token, jwks: oidc.calls.jwks }, { token: 1, jwks: 1 }, 'one grant, one JWKS fetch by ro2key')
  const argv = readFileSync(log, 'utf8')
  t.match(argv, `curl: ${oidc.tokenUrl}`)
  t.notOk(argv.includes('s3cr'), 'no client secret in argv')
  t.notMatch(argv, /eyJ[\w-]+\.eyJ/, 'no JWT in argv')
  t.notOk(res.stderr.includes('s3cr') || res.stdout.includes('s3cr'), 'secret not printed')

  const narrow = await run(['S3MintReadOnly'], { ...cc, OAUTH2_SCOPE: 'uid' })
  t.equal(narrow.code, EXIT.refused, 'OAUTH2_SCOPE reaches the grant: a token without `ro2key` is refused')
  t.match(narrow.stderr, /HTTP 403 for S3MintReadOnly: Insufficient scope/)

  const refused = await run(['S3MintReadOnly'], { ...cc, CLIENT_SECRET: 'wrong' })
  t.equal(refused.code, EXIT.auth)
  t.match(refused.stderr, /answered HTTP 401: invalid_client client authentication failed/)
  t.notOk(refused.stderr.includes('wrong'), 'secret not printed')

  const incomplete = await run(['S3MintReadOnly'], { ...cc, CLIENT_SECRET: undefined })
  t.equal(incomplete.code, EXIT.usage)
  t.match(incomplete.stderr, /AUTH_URL is set but CLIENT_ID or CLIENT_SECRET is not/)

  // A newline would end the curl config line and start a new curl option.
  const calls = oidc.calls.token
  const injected = await run(['S3MintReadOnly'], { ...cc, CLIENT_SECRET: 'x\nurl = "http://127.0.0.1:9/"' })
  t.equal(injected.code, EXIT.usage)
  t.match(injected.stderr, /contains control characters/)
  t.equal(oidc.calls.token, calls, 'nothing sent to the token endpoint')
})

t.test('client from a Berry-style CREDENTIALS_DIR (client.json)', async (t) => {
  const dir = mkdtempSync(join(scratch, 'credentials-'))
  writeFileSync(join(dir, 'client.json'), JSON.stringify({ client_id: 'stups_mint-sync', client_secret: CLIENT_SECRET }), { mode: 0o600 })
  const env = { OAUTH2_TOKEN: undefined, AUTH_URL: oidc.tokenUrl, CREDENTIALS_DIR: dir, OAUTH2_SCOPE: 'uid ro2key' }
  const log = join(scratch, 'argv-dir.log')
  const before = oidc.calls.token
  const res = await run(['S3MintReadOnly'], { ...env, PATH: `${spyDir(log)}:${process.env.PATH}` })
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /^export AWS_ACCESS_KEY_ID='[A-Z0-9]+'\n/, 'credentials for the granted token')
  t.equal(oidc.calls.token, before + 1, 'one grant for the folder\'s client')
  t.notOk(readFileSync(log, 'utf8').includes('s3cr'), 'secret from client.json not in argv')

  const wins = await run(['S3MintReadOnly'], { ...env, CLIENT_ID: 'stups_mint-sync', CLIENT_SECRET: 'wrong' })
  t.equal(wins.code, EXIT.auth, 'CLIENT_ID and CLIENT_SECRET win over the folder')

  const empty = mkdtempSync(join(scratch, 'credentials-'))
  const missing = await run(['S3MintReadOnly'], { ...env, CREDENTIALS_DIR: empty })
  t.equal(missing.code, EXIT.usage)
  t.match(missing.stderr, /client\.json is not readable/)
  writeFileSync(join(empty, 'client.json'), '{"client_id": "mint-sync"}')
  const partial = await run(['S3MintReadOnly'], { ...env, CREDENTIALS_DIR: empty })
  t.equal(partial.code, EXIT.usage)
  t.match(partial.stderr, /must be a JSON object with client_id and client_secret/)
})

t.test('token from OAUTH2_TOKEN_FILE, read on every run', async (t) => {
  const file = join(scratch, 'token')
  const env = { OAUTH2_TOKEN: undefined, OAUTH2_TOKEN_FILE: file }
  for (const [desc, content] of [['raw token and newline', `${TOKEN}\n`], ['Bearer prefix (a container token file)', `Bearer ${TOKEN}`]] as const) {
    writeFileSync(file, content, { mode: 0o600 })
    const res = await run(['S3MintReadOnly'], env)
    t.equal(res.code, 0, `${desc}: ${res.stderr}`)
    t.match(res.stdout, /^export AWS_ACCESS_KEY_ID=/, desc)
  }
  writeFileSync(file, 'tok-rotated-away\n')
  const stale = await run(['S3MintReadOnly'], env)
  t.equal(stale.code, EXIT.auth, 'a rotated file is read again')
  t.equal((await run(['S3MintReadOnly'], { ...env, OAUTH2_TOKEN: TOKEN })).code, 0, 'OAUTH2_TOKEN wins over the file')

  writeFileSync(file, ' \n')
  const empty = await run(['S3MintReadOnly'], env)
  t.equal(empty.code, EXIT.usage)
  t.match(empty.stderr, /OAUTH2_TOKEN_FILE .* is empty/)
  const missing = await run(['S3MintReadOnly'], { ...env, OAUTH2_TOKEN_FILE: join(scratch, 'no-such-token') })
  t.equal(missing.code, EXIT.usage)
  t.match(missing.stderr, /OAUTH2_TOKEN_FILE .* is not a readable file/)
})

/** Resolves once `check` holds, polling; rejects after a generous bound. */
async function until (check: () => boolean, boundMs = 60_000): Promise<void> {
  const deadline = Date.now() + boundMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(10)
  }
}

t.test('retries: ro2key 503 with Retry-After, bounded', async (t) => {
  t.teardown(() => { tokeninfo.mode = 'ok' })
  // The token service throttles once: ro2key answers 503 with Retry-After: 5, the script
  // waits 5 s and the retry succeeds.
  // Fresh tokens: ro2key caches verified ones, and these requests must reach tokeninfo.
  const fresh = (): string => { const token = `tok-retry-${randomUUID()}`; tokeninfo.add(token, { uid: 'stups_mint-sync', scope: ['uid', 'ro2key'] }); return token }
  tokeninfo.mode = 'throttle'
  const calls = tokeninfo.calls
  const pending = run(['S3MintReadOnly'], { RO2KEY_RETRIES: '2', OAUTH2_TOKEN: fresh() })
  await until(() => tokeninfo.calls > calls)
  tokeninfo.mode = 'ok'
  const started = Date.now()
  const res = await pending
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /^export AWS_ACCESS_KEY_ID=/)
  t.match(res.stderr, /HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/get_key\/S3MintReadOnly; retry 1 of 2 in 5 s/)
  t.ok(Date.now() - started >= 4000, 'waited as Retry-After asked')

  tokeninfo.mode = 'throttle'
  const tooLong = await run(['S3MintReadOnly'], { RO2KEY_RETRIES: '2', RO2KEY_RETRY_MAX_WAIT: '1', OAUTH2_TOKEN: fresh() })
  t.equal(tooLong.code, EXIT.unavailable, 'a Retry-After above RO2KEY_RETRY_MAX_WAIT ends the run')
  t.match(tooLong.stderr, /asked to wait 5 s before retrying, more than RO2KEY_RETRY_MAX_WAIT=1/)
  t.match(tooLong.stderr, /HTTP 503 for S3MintReadOnly: Upstream unavailable/)
  t.notMatch(tooLong.stderr, /retry 1/)

  const unreachable = await run(['S3MintReadOnly'], { RO2KEY_RETRIES: '1', RO2KEY_URL: `http://127.0.0.1:${await freePort()}` })
  t.equal(unreachable.code, EXIT.unavailable)
  t.match(unreachable.stderr, /curl exit 7 from http:\/\/127\.0\.0\.1:\d+\/get_key\/S3MintReadOnly; retry 1 of 1 in 1 s\n.*could not reach/s)
})
