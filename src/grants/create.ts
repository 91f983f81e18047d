import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { IAMClient } from '@aws-sdk/client-iam'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config/index.js'
import { createDynamoStore, type DynamoLike } from '../store/dynamo-store.js'
import type { Store } from '../store/store.js'
import { createGroupMembership, type GroupIamLike } from './group-membership.js'
import { createGrants, type Grants } from './grants.js'

/** The outside dependencies of grants; each defaults to the real one. */
export interface GrantDeps {
  /** the state store itself (tests may pass any Store) */
  store?: Store
  /** DynamoDB client for the default store (and STORE_CREATE) */
  dynamodb?: DynamoLike
  iam?: GroupIamLike
  /** seconds since the epoch */
  now?: () => number
  logger: FastifyBaseLogger
}

/** Grants and the clients made for them (to close), or undefined without STORE_TABLE. */
export interface GrantsService {
  grants: Grants
  /** the DynamoDB client, for STORE_CREATE */
  dynamodb: DynamoLike | undefined
  close (): Promise<void>
}

const CONNECT_TIMEOUT_MS = 2000
/** A DynamoDB outage answers fast: two attempts, then 503. */
const MAX_ATTEMPTS = 2

/** Builds the grants from config when STORE_TABLE is set. */
export function createGrantsService (config: Config, deps: GrantDeps): GrantsService | undefined {
  const store = config.store
  if (store === undefined) return undefined
  const options = {
    region: config.awsRegion,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: config.limits.stsTimeoutMs }
  }
  const ownDynamo = deps.dynamodb || deps.store ? undefined : new DynamoDBClient(options)
  const ownIam = deps.iam ? undefined : new IAMClient(options)
  const dynamodb = deps.dynamodb ?? ownDynamo
  const now = deps.now ?? (() => Date.now() / 1000)
  const grants = createGrants({
    store: deps.store ?? createDynamoStore(dynamodb as DynamoLike, store.table),
    membership: createGroupMembership((deps.iam ?? ownIam) as GroupIamLike),
    policy: config.policy,
    now: () => Math.floor(now()),
    log: deps.logger
  }, config.arnPrefix)
  return {
    grants,
    dynamodb,
    async close () {
      ownDynamo?.destroy()
      ownIam?.destroy()
    }
  }
}
