import { IAMClient } from '@aws-sdk/client-iam'
import { STSClient } from '@aws-sdk/client-sts'
import { setTimeout as sleep } from 'node:timers/promises'
import { instrumentedClient } from '../aws/instrumented-client.js'
import type { Config } from '../config/index.js'
import type { Metrics } from '../metrics/metrics.js'
import { createAccessKeys } from './access-keys.js'
import type { UsersIamLike } from './caller.js'
import type { StsWith } from './key-proof.js'
import { createKeys, type Keys } from './keys.js'

/** The outside dependencies of the IAM-user features; each defaults to the real one. */
export interface IamUsersDeps {
  iam?: UsersIamLike
  /** STS signing with a given key (the new key of /keys/rotate) */
  stsWith?: StsWith
  /** seconds since the epoch */
  now: () => number
  sleep?: (ms: number) => Promise<void>
  metrics: Metrics
  /** SDK client options (region, timeouts); endpoints come from the SDK's own settings */
  clientOptions: object
}

/** The IAM-user features (issue 15) and the clients made for them. */
export interface IamUsersService {
  /** IAM with a deadline and metrics, for everything under iam-users/ */
  iam: UsersIamLike
  keys: Keys
  close (): Promise<void>
}

/**
 * Built only when the policy has an iam_users section: without it no IAM client is made and every
 * IAM-user route answers 404 RO2KEY_NO_IAM_USER.
 */
export function createIamUsersService (config: Config, deps: IamUsersDeps): IamUsersService | undefined {
  if (config.policy.iamUsers === undefined) return undefined
  const timeout = config.limits.stsTimeoutMs
  const ownIam = deps.iam ? undefined : new IAMClient(deps.clientOptions)
  const iam = instrumentedClient((deps.iam ?? ownIam) as UsersIamLike, 'iam', timeout, deps.metrics)
  const stsWith: StsWith = deps.stsWith ?? ((credentials) => new STSClient({ ...deps.clientOptions, credentials }))
  const keys = createKeys({
    iam,
    accessKeys: createAccessKeys(iam),
    policy: config.policy,
    stsWith,
    now: deps.now,
    sleep: deps.sleep ?? (async (ms) => { await sleep(ms) })
  })
  return {
    iam,
    keys,
    async close () { ownIam?.destroy() }
  }
}
