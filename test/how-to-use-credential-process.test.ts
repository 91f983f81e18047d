import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ASSUMED, EXIT, SCRIPT, scriptBench } from './helpers/how-to-use.js'

// Issue 20, item 10: how_to_use.sh --credential-process prints the AWS credential_process JSON;
// a refusal keeps ro2key's reason (curl --fail in a snippet printed only the status).
const { scratch, run, TOKEN } = await scriptBench(t)

t.test('--credential-process: Version 1 JSON that the aws CLI uses', async (t) => {
  const res = await run(['--credential-process', '--duration', '900', 'S3MintReadOnly'])
  t.equal(res.code, 0, res.stderr)
  const doc = JSON.parse(res.stdout)
  t.same(Object.keys(doc), ['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'])
  t.equal(doc.Version, 1)
  const config = join(scratch, 'aws-config')
  writeFileSync(config, `[profile mint]\ncredential_process = ${SCRIPT} --credential-process S3MintReadOnly\n`)
  const who = await run(['-c', 'exec aws --profile mint sts get-caller-identity --output json'],
    { AWS_CONFIG_FILE: config }, 'bash')
  t.equal(who.code, 0, who.stderr)
  t.match(JSON.parse(who.stdout).Arn, ASSUMED)
  t.notOk(who.stderr.includes(TOKEN))
})

t.test('--credential-process: a refusal prints the problem detail on stderr and exits non-zero', async (t) => {
  const res = await run(['--credential-process', '--duration', '7200', 'S3MintReadOnly'])
  t.equal(res.code, EXIT.refused)
  t.equal(res.stdout, '')
  t.match(res.stderr, /Duration above the team cap: duration is above 3600 seconds/)
  const config = join(scratch, 'aws-config-refused')
  writeFileSync(config, `[profile mint]\ncredential_process = ${SCRIPT} --credential-process BillingReports\n`)
  const who = await run(['-c', 'exec aws --profile mint sts get-caller-identity'], { AWS_CONFIG_FILE: config }, 'bash')
  t.not(who.code, 0)
  t.match(who.stderr, /Role not allowed/, 'the aws CLI shows the reason')
})
