import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateGroupCommand, CreateUserCommand } from '@aws-sdk/client-iam'
import { startMoto, ARN_PREFIX, type Moto } from '../peers/moto.js'
import { freePort } from '../peers/free-port.js'
import { startTokeninfo, type TokeninfoPeer } from '../peers/tokeninfo.js'
import { startCountingProxy, type CountingProxy } from './counting-proxy.js'
import { startHAProxy, assertHAProxyInstalled, type HAProxy } from './haproxy.js'
import { createReplica, type LogLine, type Replica } from './replica.js'

export const GROUP = 'mint-operators'
/** robots that load the fleet (one token each), and alice, who asks for grants */
export const ROBOTS = ['robot-0', 'robot-1', 'robot-2', 'robot-3', 'robot-4']
export const token = (uid: string): string => `tok-${uid}`

const POLICY = `
teams:
  mint:
    roles: [S3MintReadOnly]
    eligible: { roles: [S3MintAdmin], groups: [${GROUP}], max_grant: 3600 }
members: { alice: mint, ${ROBOTS.map((r) => `${r}: mint`).join(', ')} }
members_realm: /services
iam_users: { teams: [mint] }
`

export interface FleetOptions {
  /** replicas (default 3: a, b, c) */
  replicas?: number
  /** SWEEP_INTERVAL of every replica (default 1: three sweepers racing) */
  sweepInterval?: number
  /** more environment for every replica */
  env?: Record<string, string>
}

export interface Fleet {
  moto: Moto
  tokeninfo: TokeninfoPeer
  /** the replicas' IAM endpoint: moto behind a proxy that counts actions */
  iam: CountingProxy
  haproxy: HAProxy
  replicas: Replica[]
  /** every stdout line of every replica, parsed, across restarts */
  logs: LogLine[]
  /** stderr lines and unparsable stdout */
  errors: string[]
  table: string
  /** stops everything that is still running; safe to call twice */
  stop (): Promise<void>
}

/**
 * moto (STS, IAM, DynamoDB), the tokeninfo peer, N ro2key processes sharing one DynamoDB table,
 * and HAProxy in front, all on loopback; config in a temp dir. On any failure while starting,
 * whatever started is stopped before the error is thrown.
 */
export async function startFleet (opts: FleetOptions = {}): Promise<Fleet> {
  assertHAProxyInstalled()
  const dir = mkdtempSync(join(tmpdir(), 'ro2key-fleet-'))
  const stops: Array<() => Promise<void>> = [async () => { rmSync(dir, { recursive: true, force: true }) }]
  const stop = async (): Promise<void> => {
    for (const fn of stops.splice(0).reverse()) await fn().catch(() => {})
  }
  try {
    const moto = await startMoto()
    stops.push(() => moto.stop())
    const tokeninfo = await startTokeninfo()
    stops.push(() => tokeninfo.stop())
    for (const uid of ['alice', ...ROBOTS]) tokeninfo.add(token(uid), { uid, scope: ['uid'], expiresIn: 86_400 })
    for (const role of ['S3MintReadOnly', 'S3MintAdmin']) await moto.createRole(role)
    await moto.iam.send(new CreateUserCommand({ UserName: 'alice' }))
    await moto.iam.send(new CreateGroupCommand({ GroupName: GROUP }))
    const iam = await startCountingProxy(moto.url)
    stops.push(() => iam.stop())
    const table = 'ro2key-fleet'
    const env = {
      ...moto.env,
      AWS_ENDPOINT_URL_IAM: iam.url,
      ARN_PREFIX,
      TOKENINFO_URL: tokeninfo.url,
      POLICY,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      STORE_TABLE: table,
      STORE_CREATE: 'true',
      SWEEP_INTERVAL: String(opts.sweepInterval ?? 1),
      // longer than HAProxy needs to see /ready fail (CHECK: 2 x 200 ms), so no request meets a closed port
      SHUTDOWN_DELAY_MS: '1000',
      // one load generator, five robots: a per-uid limit would refuse the load itself
      RATE_LIMIT_PER_MINUTE: '0',
      // seven test suites share two cores here: an event-loop stall is the machine, not ro2key
      MAX_EVENT_LOOP_DELAY_MS: '0',
      ...opts.env
    }
    const logs: LogLine[] = []
    const errors: string[] = []
    const names = 'abcdefgh'.slice(0, opts.replicas ?? 3).split('')
    const replicas: Replica[] = []
    for (const name of names) replicas.push(createReplica(name, await freePort(), { ...env }, logs, errors))
    stops.push(async () => { await Promise.all(replicas.map((r) => r.kill())) })
    // the first creates the table (STORE_CREATE), the others find it
    await replicas[0]?.start()
    await Promise.all(replicas.slice(1).map((r) => r.start()))
    const haproxy = await startHAProxy(dir, replicas.map((r) => ({ name: r.name, port: r.port })))
    stops.push(() => haproxy.stop())
    for (const r of replicas) await haproxy.waitFor(r.name, 'UP')
    return { moto, tokeninfo, iam, haproxy, replicas, logs, errors, table, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
