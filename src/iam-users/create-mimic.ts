import { setTimeout as delay } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { StsLike } from '../aws/assume-role.js'
import type { Config } from '../config/index.js'
import { guardedStore } from '../grants/guarded-store.js'
import { createDynamoStore, type DynamoLike } from '../store/dynamo-store.js'
import type { Store } from '../store/store.js'
import type { RetryDeps } from './assume-mimic.js'
import { createMimicRoles, type MimicRoles } from './mimic-roles.js'
import type { MimicIamLike } from './mimic-permissions.js'
import { mimicRecords } from './mimic-store.js'
import { sweepMimicRoles, type MimicSweepResult } from './mimic-sweeper.js'
import { createOwnPrincipal } from './own-principal.js'

export interface MimicServiceDeps {
  /** the state store (default: DynamoDB STORE_TABLE through `dynamodb`) */
  store?: Store | undefined
  dynamodb?: DynamoLike | undefined
  /** IAM with a deadline and metrics (the IAM-user services' client) */
  iam: MimicIamLike
  /** ro2key's own STS (instrumented) */
  sts: StsLike
  /** seconds since the epoch */
  now: () => number
  /** the wait between AssumeRole retries (tests make it move their clock) */
  sleep?: ((ms: number) => Promise<void>) | undefined
  logger: FastifyBaseLogger
}

/** The mimic roles and what serves them; undefined without iam_users or STORE_TABLE (tracked to be cleaned). */
export interface MimicService {
  roles: MimicRoles
  iam: MimicIamLike
  sts: StsLike
  retry: RetryDeps
  /** one sweep of expired mimic roles (the sweeper's task) */
  sweep (): Promise<MimicSweepResult>
}

/** Builds the mimic roles from config when STORE_TABLE is set. */
export function createMimicService (config: Config, deps: MimicServiceDeps): MimicService | undefined {
  if (config.store === undefined || config.policy.iamUsers === undefined) return undefined
  if (deps.store === undefined && deps.dynamodb === undefined) return undefined
  const iam = deps.iam
  const store = deps.store ?? createDynamoStore(deps.dynamodb as DynamoLike, config.store.table)
  const now = (): number => Math.floor(deps.now())
  const ttl = config.mimic.ttl
  const roles = createMimicRoles({
    iam,
    records: mimicRecords(guardedStore(store), ttl),
    config: config.mimic,
    ownPrincipal: createOwnPrincipal(deps.sts, iam),
    now,
    log: deps.logger
  })
  return {
    roles,
    iam,
    sts: deps.sts,
    retry: { now: deps.now, sleep: deps.sleep ?? (async (ms) => { await delay(ms) }) },
    sweep: async () => await sweepMimicRoles({ iam, records: mimicRecords(store, ttl), now, log: deps.logger })
  }
}
