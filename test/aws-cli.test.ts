import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { testConfig } from './helpers/build.js'
import { withPeers } from './helpers/peers.js'

// The real aws CLI (v1, botocore) against the real app on loopback, with moto for STS: the
// README's ~/.aws/config and container snippets, run as written.

const { moto, tokeninfo, build } = await withPeers(t, { roles: ['S3MintReadOnly'] })

const TOKEN = `tok-mint-${randomUUID()}`
const OTHER_TOKEN = `tok-robotx-${randomUUID()}`
tokeninfo.add(TOKEN, { uid: 'stups_mint-sync' })
tokeninfo.add(OTHER_TOKEN, { uid: 'robot-x' })
const { app, logs } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url }))
const RO2KEY_URL = await app.listen({ host: '127.0.0.1', port: 0 })
const KEY_URL = `${RO2KEY_URL}/get_key/S3MintReadOnly`

const scratch = mkdtempSync(join(tmpdir(), 'aws-cli-'))
t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
const file = (name: string, text: string): string => { const path = join(scratch, name); writeFileSync(path, text, { mode: 0o600 }); return path }
const EMPTY = file('empty', '')

// Nothing of this host's AWS setup reaches the CLI: no keys, no profiles, no instance metadata.
const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')))
const cliEnv = {
  ...inherited,
  AWS_CONFIG_FILE: EMPTY,
  AWS_SHARED_CREDENTIALS_FILE: EMPTY,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_STS: moto.url
}

interface Result { code: number | null, stdout: string, stderr: string }

/** `aws ARGS` with extra environment, asynchronously: the app answers from this process. */
async function aws (args: string[], env: Record<string, string>): Promise<Result> {
  const child = spawn('aws', [...args, '--output', 'json'], { env: { ...cliEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c })
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c })
  const code = await new Promise<number | null>((resolve, reject) => { child.once('error', reject); child.once('close', resolve) })
  return { code, stdout, stderr }
}

const whoami = ['sts', 'get-caller-identity']
const arnOf = (res: Result): string => (JSON.parse(res.stdout) as { Arn: string }).Arn
const issued = (): number => logs.audits().filter((a) => a.event === 'issued').length

/** The README's credential_process line: the token is read from a file and reaches curl via stdin, never argv. */
function credentialProcess (tokenFile: string, url: string): string {
  return `sh -c 'printf "header = \\"Authorization: Bearer %s\\"\\n" "$(cat ${tokenFile})" | curl --silent --show-error --fail --config - ${url}'`
}

t.test('credential_process: a ~/.aws/config profile that calls curl', async (t) => {
  const tokenFile = file('token', `${TOKEN}\n`)
  const config = file('config', [
    '[profile mint]',
    `credential_process = ${credentialProcess(tokenFile, KEY_URL)}`,
    '[profile billing]',
    `credential_process = ${credentialProcess(tokenFile, `${RO2KEY_URL}/get_key/BillingReports`)}`,
    ''
  ].join('\n'))
  const before = issued()
  // Independent CLI runs in parallel: each spends about a second starting Python.
  const [res, refused] = await Promise.all([
    aws(['--profile', 'mint', ...whoami], { AWS_CONFIG_FILE: config }),
    aws(['--profile', 'billing', ...whoami], { AWS_CONFIG_FILE: config })
  ])
  t.equal(res.code, 0, res.stderr)
  t.match(arnOf(res), /:assumed-role\/S3MintReadOnly\/stups_mint-sync$/)
  t.equal(issued(), before + 1, 'one credential issued')
  t.not(refused.code, 0, 'a refused role fails the CLI')
  t.match(refused.stderr, /custom-process.*403/s, 'the CLI names the process and the HTTP status')
  t.notOk(refused.stderr.includes(TOKEN), 'token not in the error')
})

t.test('container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI', async (t) => {
  const cases: Array<{ desc: string, env: Record<string, string>, session: string }> = [
    { desc: 'token with Bearer prefix', env: { AWS_CONTAINER_AUTHORIZATION_TOKEN: `Bearer ${TOKEN}` }, session: 'stups_mint-sync' },
    { desc: 'raw token without Bearer', env: { AWS_CONTAINER_AUTHORIZATION_TOKEN: TOKEN }, session: 'stups_mint-sync' },
    { desc: 'token file (raw token)', env: { AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file('container-token', TOKEN) }, session: 'stups_mint-sync' },
    { desc: 'token file with Bearer, rotated to another robot', env: { AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file('rotated-token', `Bearer ${OTHER_TOKEN}`) }, session: 'robot-x' }
  ]
  const before = issued()
  const results = await Promise.all(cases.map(async (c) => await aws(whoami, { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${KEY_URL}?duration=1800`, ...c.env })))
  cases.forEach((c, i) => {
    const res = results[i] as Result
    t.equal(res.code, 0, `${c.desc}: ${res.stderr}`)
    t.match(arnOf(res), new RegExp(`:assumed-role/S3MintReadOnly/${c.session}$`), c.desc)
  })
  const audits = logs.audits().filter((a) => a.event === 'issued').slice(before)
  t.equal(audits.length, cases.length, 'one credential issued per CLI run (no early refresh)')
  t.same(audits.map((a) => a.duration), cases.map(() => 1800), '?duration in the URL honoured')
  t.same(audits.map((a) => a.uid).sort(), cases.map((c) => c.session).sort(), 'each run presented its own token')
})

t.test('container credentials that fail say why', async (t) => {
  // botocore sends the file verbatim and refuses a header with a newline: write the file without one.
  const [unknown, newline] = await Promise.all([
    aws(whoami, { AWS_CONTAINER_CREDENTIALS_FULL_URI: KEY_URL, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'tok-nobody-knows' }),
    aws(whoami, { AWS_CONTAINER_CREDENTIALS_FULL_URI: KEY_URL, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file('newline-token', `${TOKEN}\n`) })
  ])
  t.not(unknown.code, 0)
  t.match(unknown.stderr, /non 200 response 401 .*RO2KEY_TOKEN_INVALID/s, 'the CLI shows the problem+json')

  t.not(newline.code, 0)
  t.match(newline.stderr, /not a legal header value/)
  for (const res of [unknown, newline]) t.notOk(res.stderr.includes(TOKEN), 'token not in the error')
})
