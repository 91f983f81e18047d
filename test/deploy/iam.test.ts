import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import {
  CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, GetRoleCommand, IAMClient,
  PutRolePolicyCommand, PutUserPolicyCommand
} from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import t from 'tap'
import { MOTO_ACCOUNT, startMoto } from '../../dev/peers/moto.js'

// moto plus four aws CLI runs: seconds on a quiet machine, minutes on one shared by many jobs.
t.setTimeout(300_000)

const IAM_DIR = new URL('../../deploy/iam/', import.meta.url).pathname
const doc = (name: string): string => readFileSync(join(IAM_DIR, name), 'utf8')
const RO2KEY_ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/ro2key`
/** EC2 names an instance profile's session after the instance. */
const INSTANCE_SESSION = `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/ro2key/i-0123456789abcdef0`
const BUCKET = 'mint-bucket'
const run = promisify(execFile)

interface Keys { accessKeyId: string, secretAccessKey: string, sessionToken?: string }
type Statement = { Effect: string, Action: string | string[], Resource?: string | string[], Principal?: Record<string, string> }

t.test('every sample is an IAM policy document', async (t) => {
  const files = readdirSync(IAM_DIR).filter((f) => f.endsWith('.json'))
  t.ok(files.length >= 7)
  for (const file of files) {
    const policy = JSON.parse(doc(file)) as { Version: string, Statement: Statement[] }
    t.equal(policy.Version, '2012-10-17', `${file}: policy language version`)
    t.ok(Array.isArray(policy.Statement) && policy.Statement.length > 0, `${file}: statements`)
    for (const s of policy.Statement) {
      t.equal(s.Effect, 'Allow', `${file}: allow-list only`)
      t.notMatch([s.Action].flat().join(' '), /(^|\s)(\*|\w+:\*)(\s|$)/, `${file}: no wildcard actions`)
    }
  }
  const trust = JSON.parse(doc('target-role-trust.json')) as { Statement: Statement[] }
  t.same(trust.Statement.map((s) => s.Principal), [{ AWS: RO2KEY_ROLE }], 'the vended role trusts ro2key\'s role by name, nobody else')
})

t.test('in moto with authorization enforced: only ro2key\'s role gets the vended role, and it is read-only', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'ro2key-iam-'))
  t.teardown(() => rmSync(work, { recursive: true, force: true }))
  writeFileSync(join(work, 'object.txt'), 'mint data')
  const iamOf = (url: string, credentials: Keys): IAMClient => new IAMClient({ region: 'us-east-1', endpoint: url, credentials })
  const stsOf = (url: string, credentials: Keys): STSClient => new STSClient({ region: 'us-east-1', endpoint: url, credentials })
  const keysOf = (out: { AccessKey?: { AccessKeyId?: string, SecretAccessKey?: string } }): Keys =>
    ({ accessKeyId: out.AccessKey?.AccessKeyId ?? '', secretAccessKey: out.AccessKey?.SecretAccessKey ?? '' })
  /** The aws CLI as the S3 client, with the given identity. */
  const s3 = async (url: string, keys: Keys, ...args: string[]): Promise<{ ok: boolean, stderr: string }> => {
    const env = { PATH: process.env.PATH ?? '', HOME: work, AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, AWS_SESSION_TOKEN: keys.sessionToken ?? '', AWS_DEFAULT_REGION: 'us-east-1' }
    try {
      await run('aws', ['--endpoint-url', url, 's3api', ...args], { env, cwd: work })
      return { ok: true, stderr: '' }
    } catch (err) {
      return { ok: false, stderr: String((err as { stderr?: string }).stderr) }
    }
  }

  const keys: Record<string, Keys> = {}
  const admin: Keys = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'setup' }
  let url = ''
  const user = (name: string, policy: object): Array<() => Promise<unknown>> => [
    async () => iamOf(url, admin).send(new CreateUserCommand({ UserName: name })),
    async () => { keys[name] = keysOf(await iamOf(url, admin).send(new CreateAccessKeyCommand({ UserName: name }))) },
    async () => iamOf(url, admin).send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(policy) }))
  ]
  const role = (name: string, path: string, trust: string, ...policies: string[]): Array<() => Promise<unknown>> => [
    async () => iamOf(url, admin).send(new CreateRoleCommand({ RoleName: name, Path: path, AssumeRolePolicyDocument: trust })),
    ...policies.map((p, i) => async () => iamOf(url, admin).send(new PutRolePolicyCommand({ RoleName: name, PolicyName: `p${i}`, PolicyDocument: p })))
  ]
  const assumeAny = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }
  // Setup runs unauthenticated; moto enforces SigV4, identity and trust policies after it.
  const setup = [
    // "platform" stands in for EC2/ECS/EKS, which hand ro2key its role; moto cannot be EC2.
    ...user('platform', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: RO2KEY_ROLE }] }),
    ...user('intruder', assumeAny),
    ...role('ro2key', '/', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:user/platform` }, Action: 'sts:AssumeRole' }] }),
      doc('ro2key-permissions.json'), doc('ro2key-permissions-options.json')),
    // AWS matches a role ARN in a trust policy against that role's sessions; moto compares
    // principals literally, so here the sample names the session it will see.
    ...role('S3MintReadOnly', '/robots/', doc('target-role-trust.json').replace(RO2KEY_ROLE, INSTANCE_SESSION), doc('s3-read-only-policy.json')),
    // A role outside ARN_PREFIX that trusts anyone: only ro2key's own policy keeps it out of reach.
    ...role('Admin', '/', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] })),
    // The platform trust documents are accepted by IAM as they are.
    ...role('ro2key-ec2', '/', doc('ro2key-trust-ec2.json')),
    ...role('ro2key-ecs', '/', doc('ro2key-trust-ecs-tasks.json')),
    ...role('ro2key-irsa', '/', doc('ro2key-trust-eks-irsa.json')),
    async () => s3(url, admin, 'create-bucket', '--bucket', BUCKET),
    async () => s3(url, admin, 'put-object', '--bucket', BUCKET, '--key', 'data.txt', '--body', 'object.txt')
  ]
  const moto = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: String(setup.length) })
  t.teardown(() => moto.stop())
  url = moto.url
  for (const step of setup) await step()

  const assume = async (as: Keys, roleArn: string, extra: Record<string, unknown> = {}): Promise<Keys> => {
    const out = await stsOf(url, as).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'stups_mint-sync', ...extra }))
    t.ok(out.AssumedRoleUser?.Arn)
    const c = out.Credentials
    return { accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', sessionToken: c?.SessionToken ?? '' }
  }
  const ro2key = await assume(keys.platform as Keys, RO2KEY_ROLE, { RoleSessionName: 'i-0123456789abcdef0' })
  const vended = `arn:aws:iam::${MOTO_ACCOUNT}:role/robots/S3MintReadOnly`

  const mint = await assume(ro2key, vended, { SourceIdentity: 'stups_mint-sync', Tags: [{ Key: 'team', Value: 'mint' }] })
  t.match(mint.accessKeyId, /^ASIA/, 'ro2key\'s role assumes the vended role, with a source identity and session tags')
  await t.rejects(assume(keys.intruder as Keys, vended), { name: 'AccessDenied' }, 'another principal, even one allowed sts:AssumeRole on *, is not trusted')
  await t.rejects(assume(ro2key, `arn:aws:iam::${MOTO_ACCOUNT}:role/Admin`), { name: 'AccessDenied' }, 'a role outside ARN_PREFIX is out of ro2key\'s reach')
  await t.rejects(assume(ro2key, RO2KEY_ROLE), { name: 'AccessDenied' }, 'ro2key cannot re-assume its own role (outside ARN_PREFIX, and not self-trusted)')

  const roleOut = await iamOf(url, ro2key).send(new GetRoleCommand({ RoleName: 'S3MintReadOnly' }))
  t.equal(roleOut.Role?.Arn, vended, 'the options policy lets ro2key read a vended role (for role tags)')
  await t.rejects(iamOf(url, ro2key).send(new GetRoleCommand({ RoleName: 'Admin' })), { name: 'AccessDenied' }, 'but not roles outside ARN_PREFIX')

  const [read, write] = await Promise.all([
    s3(url, mint, 'get-object', '--bucket', BUCKET, '--key', 'data.txt', 'out.txt'),
    s3(url, mint, 'put-object', '--bucket', BUCKET, '--key', 'new.txt', '--body', 'object.txt')
  ])
  t.ok(read.ok, `the vended credentials read the bucket ${read.stderr}`)
  t.equal(readFileSync(join(work, 'out.txt'), 'utf8'), 'mint data')
  t.notOk(write.ok, 'and cannot write to it')
  t.match(write.stderr, /AccessDenied/)
})
