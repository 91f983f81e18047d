import t from 'tap'
import { ASSUMED, EXIT, scriptBench } from './helpers/how-to-use.js'

// how_to_use.sh on an RFC 9470 step-up (issue 16): exit 6 and a message that says to sign in with MFA.

const POLICY = JSON.stringify({
  teams: { mint: { roles: ['S3MintReadOnly'], require_mfa: { roles: ['S3MintReadOnly'] } } },
  members: { 'stups_mint-sync': 'mint' },
  members_realm: '/services'
})
const { tokeninfo, TOKEN, run } = await scriptBench(t, { POLICY })
tokeninfo.add('tok-mfa', { uid: 'stups_mint-sync', amr: ['pwd', 'otp'] })

t.test('a token without MFA: exit 6, sign in again with MFA, nothing on stdout', async (t) => {
  const res = await run(['S3MintReadOnly', '--', 'bash', '-c', 'echo ran'])
  t.equal(res.code, EXIT.stepUp, res.stderr)
  t.match(res.stderr, /HTTP 401 for S3MintReadOnly: This role needs a stronger sign-in: .*no amr.* \(request [0-9a-f-]{36}\)\. Sign in again with MFA, get a new token and retry\n$/)
  t.equal(res.stdout, '', 'the command does not run')
  t.notOk(res.stderr.includes(TOKEN), 'token not printed')
})

t.test('a token with MFA: credentials as usual', async (t) => {
  const res = await run(['S3MintReadOnly', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { OAUTH2_TOKEN: 'tok-mfa' })
  t.equal(res.code, 0, res.stderr)
  t.match(JSON.parse(res.stdout).Arn, ASSUMED)
})

t.test('--help documents exit 6', async (t) => {
  const res = await run(['--help'], { RO2KEY_URL: undefined, OAUTH2_TOKEN: undefined })
  t.match(res.stdout, /\n {2}6 {2}step-up required: .*MFA/)
})
