import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import t from 'tap'

// Issue 20 item 9: the demo's console flow works end to end (loopback federation endpoint), it
// shows a trust-policy refusal next to the success, and `--keep` prints an env under which
// `./how_to_use.sh … -- aws sts get-caller-identity` run by hand reaches moto, not AWS.
const ROOT = new URL('../', import.meta.url).pathname
const exec = promisify(execFile)

t.test('npm run demo -- --keep: console, trust refusal, and the env for running by hand', async (t) => {
  const demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--keep'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  demo.stderr.on('data', (d: Buffer) => { err += d.toString() })
  const exited = new Promise<number | null>((resolve) => demo.on('exit', resolve))
  t.teardown(async () => { if (demo.exitCode === null) { demo.kill('SIGINT'); await exited } })
  await new Promise<void>((resolve) => {
    demo.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('Ctrl-C stops everything')) resolve()
    })
    demo.on('exit', () => resolve())
  })
  t.equal(demo.exitCode, null, `the demo is running (stderr: ${err.slice(-500)})`)

  t.match(out, /ro2key: 200, a login URL at http:\/\/127\.0\.0\.1:\d+\/federation\?Action=login/, '/console answered')
  t.match(out, /federation endpoint: 302 to https:\/\/console\.aws\.amazon\.com\/, signed in as arn:aws:sts::123456789012:assumed-role\/S3MintReadOnly\/stups_mint-sync/)
  t.notMatch(out, /SigninToken=/, 'the sign-in token is never printed')
  t.match(out, /ro2key runs as arn:aws:iam::123456789012:user\/ro2key/)
  t.match(out, /GET \/get_key\/S3MintReadOnly -> 200 AccessKeyId ASIA/, 'the trusted role: credentials')
  t.match(out, /GET \/get_key\/BillingReports -> 403 RO2KEY_AWS_ACCESS_DENIED/, 'the role whose trust does not name ro2key: refused')

  const source = /^source (\S+demo\.env)/m.exec(out)?.[1]
  const command = /^(\.\/how_to_use\.sh S3MintReadOnly -- aws .*get-caller-identity)$/m.exec(out)?.[1]
  t.ok(source && command, 'the by-hand lines are printed')
  // A user's shell with AWS settings of its own: the env file must still send the call to moto.
  const userEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    AWS_PROFILE: 'someone-elses-profile',
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_DEFAULT_REGION: 'eu-central-1'
  }
  const { stdout } = await exec('bash', ['-c', `source ${source ?? ''} && ${command ?? 'false'} --output json`], { cwd: ROOT, env: userEnv })
  t.match(JSON.parse(stdout), { Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/S3MintReadOnly/stups_mint-sync' },
    'run by hand, the aws CLI reached moto with the vended credentials')

  demo.kill('SIGINT')
  t.equal(await exited, 130, 'Ctrl-C stops it')
})
