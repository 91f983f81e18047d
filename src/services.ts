import { STSClient } from '@aws-sdk/client-sts'
import type { FastifyBaseLogger } from 'fastify'
import type { Dispatcher } from 'undici'
import { verifierFor } from './services-verifier.js'
import { instrumentedClient } from './aws/instrumented-client.js'
import { createCredentialCache, type CredentialCache } from './aws/credential-cache.js'
import { createFederation, type Federation } from './aws/federation.js'
import { assumeRole, type StsLike } from './aws/assume-role.js'
import type { Config } from './config/index.js'
import { createUpstreamDispatcher } from './http/dispatcher.js'
import { createMetrics, type Metrics } from './metrics/metrics.js'
import { createRoleTags, type IamLike, type RoleTags } from './policy/role-tags.js'
import { partitionOfArn } from './aws/partition-clients.js'
import { createAccountServices, type AccountServices } from './services-accounts.js'
import type { GrantsService } from './grants/create.js'
import { lazyIamClient } from './aws/lazy-sdk.js'
import type { IamUsersService } from './iam-users/create.js'
import type { UsersIamLike } from './iam-users/caller.js'
import { createIamUserServices } from './services-iam-users.js'
import type { MimicService } from './iam-users/create-mimic.js'

import type { TokenVerifier } from './auth/token-verifier.js'
import type { ServiceDeps } from './services-deps.js'

export type { ServiceDeps }

/** What the routes and plugins use; `close()` releases the clients ro2key made (not the injected ones). */
export interface Services extends Omit<AccountServices, 'close'> {
  metrics: Metrics
  /** STS with a deadline and metrics */
  sts: StsLike
  /** IAM role tags when ROLE_TEAMS_TAG is set */
  roleTags: RoleTags | undefined
  /** the token verifier behind the token cache */
  verifier: TokenVerifier
  credentials: CredentialCache
  federation: Federation
  /** the clock every component was given (seconds since the epoch) */
  now: () => number
  /** time-boxed grants, when STORE_TABLE is set */
  grants: GrantsService | undefined
  /** IAM-user self-service (issue 15), when the policy has iam_users */
  iamUsers: IamUsersService | undefined
  /** roles that mimic IAM users (issue 15), when STORE_TABLE is set */
  mimic: MimicService | undefined
  close (): Promise<void>
}

const STS_CONNECT_TIMEOUT_MS = 2000

// Endpoint, credentials and retries come from the SDK's own settings
// (AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_IAM, the default credential chain, AWS_MAX_ATTEMPTS).
function awsClientOptions (config: Config, region = config.awsRegion) {
  return {
    region,
    requestHandler: { connectionTimeout: STS_CONNECT_TIMEOUT_MS, requestTimeout: config.limits.stsTimeoutMs }
  }
}

function roleTagsFor (
  config: Config, iam: IamLike | undefined, metrics: Metrics, now: () => number
): RoleTags | undefined {
  if (config.roleTeamsTag === undefined || iam === undefined) return undefined
  return createRoleTags({
    iam: instrumentedClient(iam, 'iam', config.limits.stsTimeoutMs, metrics),
    tagKey: config.roleTeamsTag,
    ttl: config.roleTagsTtl,
    arnPrefix: config.arnPrefix,
    now: () => Math.floor(now())
  })
}

function federationFor (config: Config, dispatcher: Dispatcher, metrics: Metrics): Federation {
  const raw = createFederation({ url: config.console.federationUrl, timeoutMs: config.console.timeoutMs, dispatcher })
  return {
    ...raw,
    signinToken: (...args) => metrics.timeUpstream('federation', () => raw.signinToken(...args))
  }
}

/** The composition root: every client, cache and verifier ro2key uses, built once from config. */
export async function createServices (
  config: Config, deps: ServiceDeps & { logger: FastifyBaseLogger }
): Promise<Services> {
  const metrics = deps.metrics ?? createMetrics()
  const now = deps.now ?? (() => Date.now() / 1000)
  const ownSts = deps.sts ? undefined : new STSClient(awsClientOptions(config))
  // IAM and DynamoDB are loaded only when a feature uses them (issue 19: start-up time and RSS)
  const ownIam = deps.iam ? undefined : lazyIamClient(awsClientOptions(config))
  const iam: IamLike = deps.iam ?? ownIam as IamLike
  const ownDispatcher = deps.dispatcher ? undefined : createUpstreamDispatcher(config.tokeninfoTimeoutMs)
  const dispatcher = deps.dispatcher ?? ownDispatcher as Dispatcher
  const sts = instrumentedClient(deps.sts ?? ownSts as STSClient, 'sts', config.limits.stsTimeoutMs, metrics)
  const roleTags = roleTagsFor(config, iam, metrics, now)
  const federation = federationFor(config, dispatcher, metrics)
  const accounts = createAccountServices(config, {
    sts,
    injectedSts: deps.sts !== undefined,
    federation,
    homeRoleTags: roleTags,
    iamWith: deps.iamWith,
    dispatcher,
    metrics,
    now,
    clientOptions: (region) => awsClientOptions(config, region)
  })
  const grants = config.store === undefined
    ? undefined
    : (await import('./grants/create.js')).createGrantsService(config, { ...deps, now })
  const { iamUsers, mimic } = await createIamUserServices(config, {
    ...deps, iam: iam as UsersIamLike, now, metrics, sts, clientOptions: awsClientOptions(config)
  }, grants)
  return {
    metrics,
    sts,
    ...accounts,
    roleTags,
    verifier: verifierFor(config, deps, dispatcher, metrics, now, deps.logger),
    credentials: createCredentialCache({
      // the credential cache keys on the whole AssumeRole input, the full role ARN included
      assume: (input) => assumeRole(accounts.stsFor(partitionOfArn(input.roleArn)), input),
      maxAgeSeconds: config.credentialCacheMaxAge,
      maxEntries: config.credentialCacheMaxEntries,
      now
    }),
    federation,
    now,
    grants,
    iamUsers,
    mimic,
    async close () {
      const owned = [ownSts?.destroy(), ownIam?.destroy(), ownDispatcher?.close()]
      await Promise.all([...owned, accounts.close(), grants?.close(), iamUsers?.close()])
    }
  }
}
