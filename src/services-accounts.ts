import { STSClient } from '@aws-sdk/client-sts'
import type { Dispatcher } from 'undici'
import type { StsLike } from './aws/assume-role.js'
import { createFederation, type Federation } from './aws/federation.js'
import { instrumentedClient } from './aws/instrumented-client.js'
import { lazyIamClient } from './aws/lazy-sdk.js'
import { perPartition, regionFor } from './aws/partition-clients.js'
import { PARTITION_CONSOLE, type Partition } from './aws/partitions.js'
import type { Config } from './config/index.js'
import type { Metrics } from './metrics/metrics.js'
import { createAccountRoleTags, type AwsCredentialIdentity, type RoleTagsIn } from './policy/account-role-tags.js'
import type { IamLike, RoleTags } from './policy/role-tags.js'

/** Test seam: an IAM client that signs with these credentials (default: a real IAMClient). */
export type IamWith = (credentials: () => Promise<AwsCredentialIdentity>, region: string) => IamLike

/** The per-account, per-partition clients of issue 17. */
export interface AccountServices {
  /** STS for a partition: ARN_PREFIX's is the configured client, others use their own region */
  stsFor: (partition: Partition) => StsLike
  /** the console federation endpoint of a partition (FEDERATION_URL applies to ARN_PREFIX's) */
  federationFor: (partition: Partition) => Federation
  roleTagsIn: RoleTagsIn
  close (): Promise<void>
}

export interface AccountServicesInput {
  sts: StsLike
  /** true when STS was injected: it serves every partition (tests) */
  injectedSts: boolean
  federation: Federation
  homeRoleTags: RoleTags | undefined
  iamWith: IamWith | undefined
  dispatcher: Dispatcher
  metrics: Metrics
  now: () => number
  clientOptions: (region: string) => object
}

/** STS, federation and role tags for every account ro2key serves. */
export function createAccountServices (config: Config, input: AccountServicesInput): AccountServices {
  const own: Array<{ destroy: () => void }> = []
  const timeout = config.limits.stsTimeoutMs
  const home = { partition: config.partition, region: config.awsRegion }
  const stsFor = perPartition<StsLike>(config.partition, input.sts, (partition) => {
    if (input.injectedSts) return input.sts
    const client = new STSClient(input.clientOptions(regionFor(partition, home)))
    own.push(client)
    return instrumentedClient(client, 'sts', timeout, input.metrics)
  })
  const federationFor = perPartition<Federation>(config.partition, input.federation, (partition) => {
    const { federationUrl } = PARTITION_CONSOLE[partition]
    return createFederation({ url: federationUrl, timeoutMs: config.console.timeoutMs, dispatcher: input.dispatcher })
  })
  const iamWith: IamWith = input.iamWith ?? ((credentials, region) => {
    const client = lazyIamClient({ ...input.clientOptions(region), credentials })
    own.push(client)
    return client
  })
  const roleTagsIn = createAccountRoleTags({
    home: input.homeRoleTags,
    readerRole: config.roleTagsReaderRole,
    tagKey: config.roleTeamsTag,
    ttl: config.roleTagsTtl,
    stsFor: (account) => stsFor(account.partition),
    iamWith: (account, credentials) => {
      const region = regionFor(account.partition, home)
      return instrumentedClient(iamWith(credentials, region), 'iam', timeout, input.metrics)
    },
    now: () => Math.floor(input.now())
  })
  return {
    stsFor,
    federationFor,
    roleTagsIn,
    async close () { for (const client of own) client.destroy() }
  }
}
