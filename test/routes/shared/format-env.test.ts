import { spawnSync } from 'node:child_process'
import { STSClient } from '@aws-sdk/client-sts'
import t from 'tap'
import { envLines, shellQuote } from '../../../src/routes/shared/format-env.js'
import { testConfig } from '../../helpers/build.js'
import { withPeers } from '../../helpers/peers.js'

const SHELLS = ['bash', 'sh']

/** Runs `script` in `shell` with `input` on stdin; the script usually evals it. */
function inShell (shell: string, script: string, input: string): { status: number | null, stdout: string, stderr: string } {
  const res = spawnSync(shell, ['-c', script], { input, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } })
  return { status: res.status, stdout: res.stdout, stderr: res.stderr }
}

t.test('shellQuote: every value comes back byte for byte after eval', async (t) => {
  const rows = [
    { name: 'plain', value: 'ASIAEXAMPLE123' },
    { name: 'base64 with / + =', value: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCY==' },
    { name: 'single quote', value: "it's" },
    { name: 'only quotes', value: "''" },
    { name: 'command substitution', value: '$(touch /tmp/pwned)`id`' },
    { name: 'variables and globs', value: '$HOME ${PATH} * ? [a]' },
    { name: 'backslash and double quote', value: '\\"\\n' },
    { name: 'newline and tab', value: 'a\nb\tc' },
    { name: 'empty', value: '' }
  ]
  for (const { name, value } of rows) t.match(shellQuote(value), /^'.*'$/s, `${name}: single-quoted`)
  // One shell run per shell: each row is an export line, read back NUL-separated.
  const script = rows.map(({ value }) => `export V=${shellQuote(value)}\nprintf '%s\\0' "$V"\n`).join('')
  for (const shell of SHELLS) {
    const res = inShell(shell, 'eval "$(cat)"', script)
    t.equal(res.status, 0, `${shell}: ${res.stderr}`)
    const back = res.stdout.split('\0').slice(0, -1)
    rows.forEach(({ name, value }, i) => t.equal(back[i], value, `${name} in ${shell}: value unchanged`))
  }
})

t.test('envLines: four export lines in a fixed order', async (t) => {
  const text = envLines({ Version: 1, AccessKeyId: 'AKID', SecretAccessKey: "s'cret", SessionToken: 'tok', Token: 'tok', Expiration: '2026-11-23T15:04:05.000Z' })
  t.equal(text, [
    "export AWS_ACCESS_KEY_ID='AKID'",
    "export AWS_SECRET_ACCESS_KEY='s'\\''cret'",
    "export AWS_SESSION_TOKEN='tok'",
    "export AWS_CREDENTIAL_EXPIRATION='2026-11-23T15:04:05.000Z'",
    ''
  ].join('\n'))
})

t.test('GET /get_key/{role}?format=…', async (t) => {
  const { tokeninfo, build, sts: real } = await withPeers(t, { roles: ['S3MintReadOnly'], tokens: { 'tok-mint': { uid: 'stups_mint-sync' } } })
  let stsCalls = 0
  const sts = { send: async (...args: Parameters<STSClient['send']>) => { stsCalls++; return await real.send(...args) } } as unknown as STSClient
  const { app, logs } = await build(t, testConfig({ TOKENINFO_URL: tokeninfo.url }), { sts })
  const headers = { authorization: 'Bearer tok-mint' }

  t.test('format=env: text/plain export lines that eval in bash and sh', async (t) => {
    const res = await app.inject({ url: '/get_key/S3MintReadOnly?format=env&duration=900', headers })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
    t.equal(res.headers['cache-control'], 'no-store')
    t.match(res.body, /^export AWS_ACCESS_KEY_ID='[A-Z0-9]+'\nexport AWS_SECRET_ACCESS_KEY='[^']+'\nexport AWS_SESSION_TOKEN='[^']+'\nexport AWS_CREDENTIAL_EXPIRATION='[^']+'\n$/)
    for (const shell of SHELLS) {
      const res2 = inShell(shell, 'eval "$(cat)"; printf "%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION"', res.body)
      t.equal(res2.status, 0, res2.stderr)
      const [key, secret, session, expiration] = res2.stdout.trimEnd().split('\n')
      t.match(key, /^[A-Z0-9]{16,}$/, `${shell}: access key id`)
      t.ok(secret && session, `${shell}: secret and session token`)
      const lifetime = Date.parse(expiration ?? '') - Date.now()
      t.ok(lifetime > 800_000 && lifetime <= 900_000, `${shell}: duration honoured (${lifetime} ms)`)
    }
    const secrets = [...res.body.matchAll(/^export AWS_(?:SECRET_ACCESS_KEY|SESSION_TOKEN)='([^']+)'$/gm)].map((m) => m[1] as string)
    t.equal(secrets.length, 2)
    for (const secret of secrets) t.notOk(logs.text.includes(secret), 'no secret in the log')
  })

  t.test('format=json and no format: the same JSON body', async (t) => {
    for (const url of ['/get_key/S3MintReadOnly?format=json', '/get_key/S3MintReadOnly']) {
      const res = await app.inject({ url, headers })
      t.equal(res.statusCode, 200, url)
      t.match(res.headers['content-type'], /^application\/json/, url)
      t.same(Object.keys(res.json()).sort(), ['AccessKeyId', 'Expiration', 'SecretAccessKey', 'SessionToken', 'Token', 'Version'], url)
    }
  })

  t.test('unknown format: 400 problem+json before any STS call', async (t) => {
    const before = stsCalls
    for (const format of ['xml', 'ENV', '', 'env%0a']) {
      const res = await app.inject({ url: `/get_key/S3MintReadOnly?format=${format}`, headers })
      t.equal(res.statusCode, 400, `format=${format}`)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      t.match(res.json(), { code: 'RO2KEY_BAD_REQUEST', status: 400, detail: /format/ }, `format=${format}: names the parameter`)
    }
    t.equal(stsCalls, before, 'STS never called')
  })

  t.test('errors stay problem+json with format=env', async (t) => {
    const res = await app.inject({ url: '/get_key/BillingReports?format=env', headers })
    t.equal(res.statusCode, 403)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.equal(res.json().code, 'RO2KEY_ROLE_NOT_ALLOWED')
  })
})
