import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam'
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'
import { freePort } from './free-port.js'

export interface Moto {
  url: string
  /** the AWS SDK's and CLI's own settings that point them at this moto */
  env: Record<string, string>
  /** region, endpoint and credentials for an AWS SDK client at this moto */
  clientConfig: { region: string, endpoint: string, credentials: { accessKeyId: string, secretAccessKey: string } }
  iam: IAMClient
  /** A DynamoDB client at this moto (the grants' state store); the caller destroys it. */
  dynamodbClient (config?: DynamoDBClientConfig): DynamoDBClient
  createRole (name: string, trustPrincipal?: string): Promise<string>
  reset (): Promise<void>
  stop (): Promise<void>
}

const READY_TIMEOUT_MS = 20_000
export const MOTO_ACCOUNT = '123456789012'
export const ARN_PREFIX = `arn:aws:iam::${MOTO_ACCOUNT}:role`

function assertInstalled (): void {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' })
  if (probe.error) {
    throw new Error('moto_server is not on PATH: scripts/check-prerequisites.sh says how to install it (a venv; ' +
      'docs/prerequisites.md); the tests need a real STS/IAM emulator')
  }
}

async function waitReady (url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`)
    try {
      const res = await fetch(`${url}/moto-api/`)
      if (res.ok) return
    } catch {}
    await sleep(100)
  }
  throw new Error(`moto_server did not answer on ${url} within ${READY_TIMEOUT_MS} ms`)
}

/** Starts moto_server on a free loopback port (or `port`, to restart one); extraEnv e.g. INITIAL_NO_AUTH_ACTION_COUNT. */
export async function startMoto (extraEnv: Record<string, string> = {}, port?: number): Promise<Moto> {
  assertInstalled()
  port ??= await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
    env: { ...process.env, ...extraEnv }
  })
  await waitReady(url, child)
  const env = {
    AWS_ENDPOINT_URL_STS: url,
    AWS_ENDPOINT_URL_IAM: url,
    AWS_ENDPOINT_URL_DYNAMODB: url,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'moto-instance-secret-not-for-logs',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
  }
  const clientConfig = {
    region: env.AWS_REGION,
    endpoint: url,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }
  }
  const iam = new IAMClient(clientConfig)
  return {
    url,
    env,
    clientConfig,
    iam,
    dynamodbClient: (config = {}) => new DynamoDBClient({ ...clientConfig, ...config }),
    async createRole (name, trustPrincipal = `arn:aws:iam::${MOTO_ACCOUNT}:root`) {
      const trust = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: trustPrincipal }, Action: ['sts:AssumeRole'] }]
      }
      const out = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }))
      return out.Role?.Arn ?? ''
    },
    async reset () {
      await fetch(`${url}/moto-api/reset`, { method: 'POST' })
    },
    async stop () {
      iam.destroy()
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}

export interface StrictMoto {
  moto: Moto
  /** the IAM user's ARN, e.g. arn:aws:iam::123456789012:user/ro2key-instance */
  userArn: string
  credentials: { accessKeyId: string, secretAccessKey: string }
}

/**
 * moto that enforces SigV4, identity policies and role trust policies, with an IAM user (ro2key's
 * own identity) allowed `actions`. It stays open for exactly `setupCalls` more unauthenticated
 * calls (e.g. creating the roles under test), then checks everything.
 */
export async function startStrictMoto (
  t: { teardown (fn: () => unknown): void },
  opts: { user?: string, policyName?: string, actions: string | string[], setupCalls?: number }
): Promise<StrictMoto> {
  const user = opts.user ?? 'ro2key-instance'
  const moto = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: String(3 + (opts.setupCalls ?? 1)) })
  t.teardown(() => moto.stop())
  const created = await moto.iam.send(new CreateUserCommand({ UserName: user }))
  const key = await moto.iam.send(new CreateAccessKeyCommand({ UserName: user }))
  await moto.iam.send(new PutUserPolicyCommand({
    UserName: user,
    PolicyName: opts.policyName ?? 'ro2key',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: opts.actions, Resource: '*' }] })
  }))
  return {
    moto,
    userArn: created.User?.Arn ?? '',
    credentials: { accessKeyId: key.AccessKey?.AccessKeyId ?? '', secretAccessKey: key.AccessKey?.SecretAccessKey ?? '' }
  }
}
