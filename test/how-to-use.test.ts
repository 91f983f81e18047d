import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ASSUMED, EXIT, SCRIPT, scriptBench, which } from './helpers/how-to-use.js'
import { freePort } from '../dev/peers/free-port.js'

// how_to_use.sh with OAUTH2_TOKEN: running a command, export lines, refusals, usage, argv
// hygiene, its few dependencies. Token sources and retries: how-to-use-tokens.test.ts.

const BASH = which('bash')
const CURL = which('curl')
const { tokeninfo, TOKEN, RO2KEY_URL, scratch, run, binDir, spyDir } = await scriptBench(t)

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
