import t from 'tap'
import { EXIT, scriptBench } from './helpers/how-to-use.js'
import { PROD } from './helpers/accounts.js'

// how_to_use.sh ACCOUNT/ROLE (issue 17) against the real app, moto and the aws CLI.
const POLICY = `
accounts:
  prod: arn:aws:iam::${PROD}:role
teams:
  mint: { roles: [S3MintReadOnly, "prod/S3Mint*"] }
members:
  stups_mint-sync: mint
members_realm: /services
`
const { run } = await scriptBench(t, { POLICY })

t.test('alias/role and id/role run the command with credentials in that account', async (t) => {
  for (const role of ['prod/S3MintReadOnly', `${PROD}/S3MintReadOnly`]) {
    const res = await run([role, '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'])
    t.equal(res.code, 0, res.stderr)
    const caller = JSON.parse(res.stdout)
    t.equal(caller.Account, PROD, role)
    t.match(caller.Arn, /:assumed-role\/S3MintReadOnly\/stups_mint-sync$/)
  }
  const home = await run(['S3MintReadOnly', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'])
  t.equal(JSON.parse(home.stdout).Account, '123456789012', 'a plain ROLE is still the default account')
})

t.test('an unlisted account and a malformed one', async (t) => {
  const unknown = await run(['staging/S3MintReadOnly', '--', 'true'])
  t.equal(unknown.code, EXIT.refused, unknown.stderr)
  t.match(unknown.stderr, /HTTP 404 for staging\/S3MintReadOnly: Account not served/)
  for (const bad of ['Prod/S3MintReadOnly', 'a/b/c', '/S3MintReadOnly', '../x']) {
    const res = await run([bad, '--', 'true'])
    t.equal(res.code, EXIT.usage, bad)
    t.match(res.stderr, /ROLE must be/)
  }
})
