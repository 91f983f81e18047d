import t from 'tap'
import { ASSUMED, EXIT, scriptBench } from '../helpers/how-to-use.js'

const POLICY = `
teams:
  mint: { roles: [], eligible: { roles: [S3MintReadOnly], max_grant: 3600 } }
  slow: { roles: [], eligible: { roles: [S3MintReadOnly], max_grant: 3600, approvers: [mint] } }
members: { stups_mint-sync: mint }
members_realm: /services
`
const bench = await scriptBench(t, { POLICY, STORE_TABLE: 'how-to-use-grants', STORE_CREATE: 'true', SWEEP_INTERVAL: '0' })

t.test('--grant ROLE requests the grant, then runs the command with the role', async (t) => {
  const without = await bench.run(['S3MintReadOnly', '--', 'true'])
  t.equal(without.code, EXIT.refused, 'no grant yet: refused')
  t.match(without.stderr, /needs an active grant/)
  const res = await bench.run(['--grant', 'S3MintReadOnly', '--duration', '1800', '--reason', 'INC-7 "quoted" \\ text', '--',
    'aws', 'sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'])
  t.equal(res.code, 0, res.stderr)
  t.match(res.stdout.trim(), ASSUMED)
  t.match(res.stderr, /grant [0-9a-f-]+ of S3MintReadOnly active until/)
  const again = await bench.run(['S3MintReadOnly', '--', 'true'])
  t.equal(again.code, 0, 'the grant holds for later runs')
})

t.test('--grant refusals exit 4 with the reason', async (t) => {
  const res = await bench.run(['--grant', 'S3MintAdmin', '--', 'true'])
  t.equal(res.code, EXIT.refused)
  t.match(res.stderr, /Not eligible/)
  const short = await bench.run(['--grant', 'S3MintReadOnly', '--duration', '600', '--', 'true'])
  t.equal(short.code, EXIT.refused)
  t.match(short.stderr, /900/)
})
