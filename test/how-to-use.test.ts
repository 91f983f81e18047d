import { spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { build, testConfig } from './helpers/build.js'
import { freePort } from './peers/free-port.js'
import { startMoto, useMotoEnv } from './peers/moto.js'
import { startTokeninfo } from './peers/tokeninfo.js'

// how_to_use.sh against the real app listening on loopback, moto behind it, and the real
// aws CLI (v1; it honours AWS_ENDPOINT_URL_STS but wants AWS_DEFAULT_REGION, not AWS_REGION).

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SCRIPT = join(ROOT, 'how_to_use.sh')
const which = (cmd: string): string => spawnSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim()
const BASH = which('bash')
const CURL = which('curl')
const EXIT = { usage: 2, auth: 3, refused: 4, unavailable: 5 }

const moto = await startMoto()
useMotoEnv(moto)
const tokeninfo = await startTokeninfo()
t.teardown(async () => { await tokeninfo.stop(); await moto.stop() })
await moto.createRole('S3MintReadOnly')

const TOKEN = `tok-mint-${randomUUID()}`
tokeninfo.add(TOKEN, { uid: 'stups_mint-sync' })
const { app } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url }))
const RO2KEY_URL = await app.listen({ host: '127.0.0.1', port: 0 })

const scratch = mkdtempSync(join(tmpdir(), 'how-to-use-'))
t.teardown(() => rmSync(scratch, { recursive: true, force: true }))

// No AWS or ro2key settings leak in from this process: the script's credentials must do.
const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|OAUTH2_|RO2KEY_|CLIENT_|AUTH_URL)/.test(k)))
const baseEnv: Record<string, string | undefined> = {
  ...inherited,
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_STS: moto.url,
  RO2KEY_URL,
  OAUTH2_TOKEN: TOKEN,
  RO2KEY_RETRIES: '0'
}

interface Result { code: number | null, stdout: string, stderr: string }

async function run (args: string[], env: Record<string, string | undefined> = {}, command = SCRIPT, stdin = ''): Promise<Result> {
  const merged = Object.fromEntries(Object.entries({ ...baseEnv, ...env }).filter(([, v]) => v !== undefined)) as Record<string, string>
  const child = spawn(command, args, { cwd: ROOT, env: merged, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c })
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c })
  child.stdin.on('error', () => {}).end(stdin) // EPIPE when the script exits before reading
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (c) => resolve(c))
  })
  return { code, stdout, stderr }
}

const ASSUMED = /:assumed-role\/S3MintReadOnly\/stups_mint-sync$/

/** A PATH directory with only the named programs (symlinks to the real ones). */
function binDir (programs: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 'bin-'))
  for (const [name, target] of Object.entries(programs)) symlinkSync(target, join(dir, name))
  return dir
}

/** Wrappers for curl and jq that record every argument they get, then run the real one. */
function spyDir (log: string): string {
  const dir = mkdtempSync(join(scratch, 'spy-'))
  for (const name of ['curl', 'jq']) {
    const real = which(name)
    writeFileSync(join(dir, name), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "${name}: $a"; done >> "${log}"\nexec "${real}" "$@"\n`)
    chmodSync(join(dir, name), 0o755)
  }
  return dir
}

t.test('runs the command with the role\'s credentials', async (t) => {
  const res = await run(['S3MintReadOnly', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'])
  t.equal(res.code, 0, res.stderr)
  t.match(JSON.parse(res.stdout).Arn, ASSUMED)
  t.notOk(res.stderr.includes(TOKEN), 'token not printed')
})

t.test('the command\'s exit status and arguments pass through unchanged', async (t) => {
  const res = await run(['S3MintReadOnly', '--', 'bash', '-c', 'printf "%s|" "$@" "$AWS_CREDENTIAL_EXPIRATION"; exit 7', '_', 'a b', "it's", '--duration'])
  t.equal(res.code, 7)
  t.match(res.stdout, /^a b\|it's\|--duration\|\d{4}-\d\d-\d\dT[\d:.]+Z\|$/)
})

t.test('without a command it prints export lines that eval in bash and sh', async (t) => {
  const res = await run(['--duration', '900', 'S3MintReadOnly'])
  t.equal(res.code, 0, res.stderr)
  const lines = res.stdout.trimEnd().split('\n')
  t.same(lines.map((l) => l.split('=')[0]), ['export AWS_ACCESS_KEY_ID', 'export AWS_SECRET_ACCESS_KEY', 'export AWS_SESSION_TOKEN', 'export AWS_CREDENTIAL_EXPIRATION'])
  for (const line of lines) t.match(line, /^export AWS_[A-Z_]+='[^']+'$/, 'single-quoted value')

  const show = 'eval "$(cat)"; printf "%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION"'
  for (const shell of [BASH, '/bin/sh']) {
    const evald = await run(['-c', show], {}, shell, res.stdout)
    const [key, secret, session, expiration] = evald.stdout.trimEnd().split('\n')
    t.match(key, /^[A-Z0-9]{16,}$/, `${shell}: access key`)
    t.ok(secret && session, `${shell}: secret and session token`)
    const lifetime = Date.parse(expiration ?? '') - Date.now()
    t.ok(lifetime > 800_000 && lifetime <= 900_000, `${shell}: --duration 900 honoured (${lifetime} ms)`)
  }
  const who = await run(['-c', 'eval "$(cat)" && exec aws sts get-caller-identity --output json'], {}, BASH, res.stdout)
  t.equal(who.code, 0, who.stderr)
  t.match(JSON.parse(who.stdout).Arn, ASSUMED, 'the exported credentials work')
})

t.test('refusals: message on stderr, distinct exit codes, nothing on stdout', async (t) => {
  const cases = [
    { name: 'role not allowed (403)', args: ['BillingReports'], env: {}, code: EXIT.refused, stderr: /HTTP 403 for BillingReports: Role not allowed: .*\(request [0-9a-f-]{36}\)/ },
    { name: 'duration above the cap (400)', args: ['--duration', '7200', 'S3MintReadOnly'], env: {}, code: EXIT.refused, stderr: /HTTP 400 for S3MintReadOnly: Duration above the team cap: .*3600/ },
    { name: 'unknown token (401)', args: ['S3MintReadOnly'], env: { OAUTH2_TOKEN: 'tok-nobody-knows' }, code: EXIT.auth, stderr: /HTTP 401 for S3MintReadOnly: Token not valid/ },
    { name: 'ro2key unreachable', args: ['S3MintReadOnly'], env: { RO2KEY_URL: `http://127.0.0.1:${await freePort()}` }, code: EXIT.unavailable, stderr: /could not reach .*try again later/ },
    { name: 'URL that is not ro2key (404)', args: ['S3MintReadOnly'], env: { RO2KEY_URL: `${RO2KEY_URL}/nowhere/` }, code: EXIT.refused, stderr: /HTTP 404/ }
  ]
  for (const c of cases) {
    const res = await run(c.args, c.env)
    t.equal(res.code, c.code, `${c.name}: exit code`)
    t.match(res.stderr, c.stderr, `${c.name}: stderr`)
    t.equal(res.stdout, '', `${c.name}: no export lines`)
    t.notOk(res.stderr.includes(TOKEN), `${c.name}: token not printed`)
  }
  const withCommand = await run(['BillingReports', '--', 'bash', '-c', 'echo ran'])
  t.equal(withCommand.code, EXIT.refused)
  t.equal(withCommand.stdout, '', 'the command does not run without credentials')
})

t.test('token service down behind ro2key -> 5xx -> upstream exit code', async (t) => {
  const token = `tok-down-${randomUUID()}`
  tokeninfo.add(token, { uid: 'stups_mint-sync' })
  tokeninfo.mode = 'error500'
  t.teardown(() => { tokeninfo.mode = 'ok' })
  const res = await run(['S3MintReadOnly'], { OAUTH2_TOKEN: token })
  t.equal(res.code, EXIT.unavailable)
  t.match(res.stderr, /HTTP 50[23] for S3MintReadOnly: Upstream/)
})

t.test('usage errors', async (t) => {
  const cases = [
    { name: 'RO2KEY_URL unset', args: ['S3MintReadOnly'], env: { RO2KEY_URL: undefined }, stderr: /RO2KEY_URL is not set/ },
    { name: 'RO2KEY_URL not http', args: ['S3MintReadOnly'], env: { RO2KEY_URL: 'file:///etc/passwd' }, stderr: /http\(s\) URL/ },
    { name: 'no role', args: [], env: {}, stderr: /no ROLE given/ },
    { name: 'only a command', args: ['--', 'true'], env: {}, stderr: /no ROLE given/ },
    { name: 'role that would change the URL', args: ['../health?x'], env: {}, stderr: /ROLE must be/ },
    { name: 'duration not a number', args: ['--duration', '1h', 'S3MintReadOnly'], env: {}, stderr: /--duration must be a number/ },
    { name: 'duration without value', args: ['S3MintReadOnly', '--duration'], env: {}, stderr: /--duration needs a value/ },
    { name: 'unknown option', args: ['-x', 'S3MintReadOnly'], env: {}, stderr: /unknown option -x/ },
    { name: 'command without --', args: ['S3MintReadOnly', 'aws', 'sts'], env: {}, stderr: /put the command after --/ },
    { name: 'no token source', args: ['S3MintReadOnly'], env: { OAUTH2_TOKEN: undefined }, stderr: /no token: set OAUTH2_TOKEN/ },
    { name: 'token with a newline', args: ['S3MintReadOnly'], env: { OAUTH2_TOKEN: `${TOKEN}\nurl = "http://127.0.0.1:9/"` }, stderr: /the token contains control characters/ }
  ]
  for (const c of cases) {
    const res = await run(c.args, c.env)
    t.equal(res.code, EXIT.usage, `${c.name}: exit code`)
    t.match(res.stderr, c.stderr, `${c.name}: stderr`)
    t.equal(res.stdout, '', `${c.name}: stdout empty`)
  }
})

t.test('--help documents usage and exit codes, exits 0', async (t) => {
  for (const flag of ['--help', '-h']) {
    const res = await run([flag], { RO2KEY_URL: undefined, OAUTH2_TOKEN: undefined })
    t.equal(res.code, 0)
    t.match(res.stdout, /^Usage: .*how_to_use\.sh .*ROLE \[-- COMMAND/)
    for (const code of ['0', '2', '3', '4', '5']) t.match(res.stdout, new RegExp(`\\n  ${code}  \\w`), `documents exit ${code}`)
    for (const name of ['--duration', 'OAUTH2_TOKEN_FILE', 'AUTH_URL', 'CLIENT_ID', 'CLIENT_SECRET', 'CREDENTIALS_DIR', 'client.json', 'RO2KEY_RETRIES', 'Retry-After']) t.match(res.stdout, name, `documents ${name}`)
    t.equal(res.stderr, '')
  }
})

t.test('token and credentials never appear in a child\'s argv', async (t) => {
  const log = join(scratch, 'argv.log')
  const res = await run(['S3MintReadOnly'], { PATH: `${spyDir(log)}:${process.env.PATH}` })
  t.equal(res.code, 0, res.stderr)
  const argv = readFileSync(log, 'utf8')
  t.match(argv, `curl: ${RO2KEY_URL}/get_key/S3MintReadOnly`, 'the spy saw the real request')
  t.match(argv, /^jq: /m, 'the spy saw the JSON tool')
  t.notOk(argv.includes(TOKEN), 'no token in argv')
  t.notMatch(argv, /authorization|bearer/i, 'no Authorization header in argv')
  for (const secret of res.stdout.match(/'[^']+'/g) ?? []) {
    t.notOk(argv.includes(secret.slice(1, -1)), 'no credential value in argv')
  }
})

/**
 * oidc-provider (a certified OpenID Provider) with one client-credentials client, on loopback.
 * Its opaque tokens are registered with the tokeninfo peer as it issues them, as an IdP's
 * own tokeninfo endpoint would know them; `grants` records each grant it saw.
 */
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
  const res = await run(['S3MintReadOnly', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { ...env, PATH: `${spyDir(log)}:${process.env.PATH}` })
  t.equal(res.code, 0, res.stderr)
  t.match(JSON.parse(res.stdout).Arn, ASSUMED)
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

/** Resolves once `check` holds, polling. */
async function until (check: () => boolean): Promise<void> {
  while (!check()) await sleep(10)
}

t.test('retries: ro2key 503 with Retry-After, bounded', async (t) => {
  t.teardown(() => { tokeninfo.mode = 'ok' })
  // The token service throttles once: ro2key answers 503 with Retry-After: 5, the script
  // waits 5 s and the retry succeeds.
  tokeninfo.mode = 'throttle'
  const calls = tokeninfo.calls
  const pending = run(['S3MintReadOnly'], { RO2KEY_RETRIES: '2' })
  await until(() => tokeninfo.calls > calls)
  tokeninfo.mode = 'ok'
  const started = Date.now()
  const res = await pending
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout, /^export AWS_ACCESS_KEY_ID=/)
  t.match(res.stderr, /HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/get_key\/S3MintReadOnly; retry 1 of 2 in 5 s/)
  t.ok(Date.now() - started >= 4000, 'waited as Retry-After asked')

  tokeninfo.mode = 'throttle'
  const tooLong = await run(['S3MintReadOnly'], { RO2KEY_RETRIES: '2', RO2KEY_RETRY_MAX_WAIT: '1' })
  t.equal(tooLong.code, EXIT.unavailable, 'a Retry-After above RO2KEY_RETRY_MAX_WAIT ends the run')
  t.match(tooLong.stderr, /asked to wait 5 s before retrying, more than RO2KEY_RETRY_MAX_WAIT=1/)
  t.match(tooLong.stderr, /HTTP 503 for S3MintReadOnly: Upstream unavailable/)
  t.notMatch(tooLong.stderr, /retry 1/)

  const unreachable = await run(['S3MintReadOnly'], { RO2KEY_RETRIES: '1', RO2KEY_URL: `http://127.0.0.1:${await freePort()}` })
  t.equal(unreachable.code, EXIT.unavailable)
  t.match(unreachable.stderr, /curl exit 7 from http:\/\/127\.0\.0\.1:\d+\/get_key\/S3MintReadOnly; retry 1 of 1 in 1 s\n.*could not reach/s)
})

t.test('needs only bash, curl and one JSON tool', async (t) => {
  const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim()
  const tools: Record<string, string> = { python3: python, node: process.execPath }
  for (const [name, path] of Object.entries(tools)) {
    const PATH = binDir({ curl: CURL, [name]: path })
    const ok = await run([SCRIPT, 'S3MintReadOnly'], { PATH }, BASH)
    t.equal(ok.code, 0, `${name}: exit 0 ${ok.stderr}`)
    t.match(ok.stdout, /^export AWS_ACCESS_KEY_ID='[A-Z0-9]+'\nexport AWS_SECRET_ACCESS_KEY='.+'\nexport AWS_SESSION_TOKEN='.+'\nexport AWS_CREDENTIAL_EXPIRATION='\d{4}-[^']+'\n$/, `${name}: export lines`)
    const refused = await run([SCRIPT, 'BillingReports'], { PATH }, BASH)
    t.equal(refused.code, EXIT.refused, `${name}: 403`)
    t.match(refused.stderr, /HTTP 403 for BillingReports: Role not allowed: \S/, `${name}: problem title and detail parsed`)
  }
  const none = await run([SCRIPT, 'S3MintReadOnly'], { PATH: binDir({ curl: CURL }) }, BASH)
  t.equal(none.code, EXIT.usage)
  t.match(none.stderr, /needs one JSON tool on PATH: jq, python3 or node/)
})

const noShellcheck = which('shellcheck') ? false : 'shellcheck is not installed (apt-get install -y shellcheck); CI installs it'
t.test('shellcheck is clean', { skip: noShellcheck }, async (t) => {
  const res = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' })
  t.equal(res.status, 0, res.stdout + res.stderr)
})
