import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { ASSUMED, EXIT, scriptBench } from './helpers/how-to-use.js'
import { freePort } from './peers/free-port.js'

// how_to_use.sh's token sources (OAUTH2_TOKEN_FILE, the client-credentials grant against
// oidc-provider, a Berry-style CREDENTIALS_DIR) and its bounded retries.

const { tokeninfo, TOKEN, scratch, run, spyDir } = await scriptBench(t)

// oidc-provider ships no TypeScript types: imported untyped (issue 3 brings a typed peer).
const { default: Provider } = await import('oidc-provider' as string) as { default: new (issuer: string, config: object) => any }

async function startOidc (clientId: string, clientSecret: string): Promise<{ tokenUrl: string, grants: Array<{ client: string, scope: string, token: string }>, errors: string[] }> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'uid ro2key' }],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    scopes: ['uid', 'ro2key'],
    ttl: { ClientCredentials: 600 }
  })
  const grants: Array<{ client: string, scope: string, token: string }> = []
  const errors: string[] = []
  provider.on('client_credentials.saved', (token: { jti: string, clientId: string, scope?: string }) => {
    tokeninfo.add(token.jti, { uid: 'stups_mint-sync', scope: token.scope ?? '' })
    grants.push({ client: token.clientId, scope: token.scope ?? '', token: token.jti })
  })
  provider.on('grant.error', (_ctx: unknown, err: { error?: string }) => { errors.push(err.error ?? 'unknown') })
  server.on('request', provider.callback())
  return { tokenUrl: `${issuer}/token`, grants, errors }
}

// RFC 6749 2.3.1: client id and secret are form-urlencoded before HTTP Basic; oidc-provider
// decodes them, so this secret only works if the script encodes it.
const CLIENT_SECRET = 's3cr"et\\pass+%/: ok'
const oidc = await startOidc('mint-sync', CLIENT_SECRET)

t.test('token from AUTH_URL with the client-credentials grant (oidc-provider)', async (t) => {
  const cc = { OAUTH2_TOKEN: undefined, AUTH_URL: oidc.tokenUrl, CLIENT_ID: 'mint-sync', CLIENT_SECRET, OAUTH2_SCOPE: 'uid ro2key' }
  const log = join(scratch, 'argv-cc.log')
  const before = oidc.grants.length
  const res = await run(['S3MintReadOnly', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { ...cc, PATH: `${spyDir(log)}:${process.env.PATH}` })
  t.equal(res.code, 0, res.stderr)
  t.match(JSON.parse(res.stdout).Arn, ASSUMED, 'the granted token got credentials that work')
  t.equal(oidc.grants.length, before + 1, 'one grant')
  t.match(oidc.grants.at(-1), { client: 'mint-sync', scope: 'uid ro2key' }, 'grant for the client with OAUTH2_SCOPE')
  const argv = readFileSync(log, 'utf8')
  t.match(argv, `curl: ${oidc.tokenUrl}`)
  for (const secret of ['s3cr', oidc.grants.at(-1)?.token ?? 'no token']) t.notOk(argv.includes(secret), 'no client secret or token in argv')
  t.notOk(res.stderr.includes('s3cr') || res.stdout.includes('s3cr'), 'secret not printed')

  const refused = await run(['S3MintReadOnly'], { ...cc, CLIENT_SECRET: 'wrong' })
  t.equal(refused.code, EXIT.auth)
  t.match(refused.stderr, /answered HTTP 401: invalid_client client authentication failed/)
  t.notOk(refused.stderr.includes('wrong'), 'secret not printed')

  const incomplete = await run(['S3MintReadOnly'], { ...cc, CLIENT_SECRET: undefined })
  t.equal(incomplete.code, EXIT.usage)
  t.match(incomplete.stderr, /AUTH_URL is set but CLIENT_ID or CLIENT_SECRET is not/)

  // A newline would end the curl config line and start a new curl option.
  const errorsBefore = oidc.errors.length
  const injected = await run(['S3MintReadOnly'], { ...cc, CLIENT_SECRET: 'x\nurl = "http://127.0.0.1:9/"' })
  t.equal(injected.code, EXIT.usage)
  t.match(injected.stderr, /contains control characters/)
  t.equal(oidc.errors.length, errorsBefore, 'nothing sent to the token endpoint')
  t.equal(oidc.grants.length, before + 1, 'no other grant')
})

t.test('client from a Berry-style CREDENTIALS_DIR (client.json)', async (t) => {
  const dir = mkdtempSync(join(scratch, 'credentials-'))
  writeFileSync(join(dir, 'client.json'), JSON.stringify({ client_id: 'mint-sync', client_secret: CLIENT_SECRET }), { mode: 0o600 })
  const env = { OAUTH2_TOKEN: undefined, AUTH_URL: oidc.tokenUrl, CREDENTIALS_DIR: dir }
  const log = join(scratch, 'argv-dir.log')
  const before = oidc.grants.length
  const res = await run(['S3MintReadOnly'], { ...env, PATH: `${spyDir(log)}:${process.env.PATH}` })
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /^export AWS_ACCESS_KEY_ID='[A-Z0-9]+'\n/, 'credentials for the granted token')
  t.match(oidc.grants.slice(before), [{ client: 'mint-sync' }], 'one grant for the folder\'s client')
  t.notOk(readFileSync(log, 'utf8').includes('s3cr'), 'secret from client.json not in argv')

  const wins = await run(['S3MintReadOnly'], { ...env, CLIENT_ID: 'mint-sync', CLIENT_SECRET: 'wrong' })
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
  const fresh = (): string => { const token = `tok-retry-${randomUUID()}`; tokeninfo.add(token, { uid: 'stups_mint-sync' }); return token }
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

