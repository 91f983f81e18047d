import type { Partition } from '../aws/partitions.js'
import type { Policy } from '../policy/policy-file.js'
import type { Accounts } from '../policy/accounts.js'
import { readAccounts } from './accounts.js'
import { readArnPrefix, readRegion } from './aws.js'
import { readAttribution, type Attribution } from './attribution.js'
import { readConsole, type ConsoleConfig } from './console.js'
import { checkMembersScope } from './members-scope.js'
import { readLimits, type Limits } from './operations.js'
import { readPolicy } from './policy.js'
import { readScopes } from './scopes.js'
import { readStoreConfig, type StoreConfig } from './store.js'
import { CONFIG_DOC, readEnum, readInt, readString, readUrl, type Env } from './read.js'
import { readTokenVerifiers, type IntrospectionConfig, type JwtConfig } from './tokens.js'
import { VARIABLES as V } from './variables.js'
import { readWeb, type WebConfig } from './web.js'

export type { Env } from './read.js'

/** ro2key's whole configuration, read once at boot (see docs/configuration.md). */
export interface Config extends Attribution {
  host: string
  port: number
  logLevel: string
  /** e.g. arn:aws:iam::123456789012:role (no trailing slash) */
  arnPrefix: string
  partition: Partition
  awsRegion: string
  tokeninfoUrl: string | undefined
  tokeninfoTimeoutMs: number
  /** verified tokens are reused this long at most (seconds; 0 = off) */
  tokenCacheTtl: number
  tokenCacheMaxEntries: number
  /** any one suffices; empty = no scope check */
  requiredScopes: string[]
  /** documentation only: shown as the token URL in the OpenAPI security scheme */
  authUrl: string | undefined
  teamClaim: string
  policy: Policy
  /** RFC 7662 introspection, when INTROSPECTION_URL is set */
  introspection: IntrospectionConfig | undefined
  /** JWT access tokens checked with the issuer's JWKS, when JWT_ISSUER is set */
  jwt: JwtConfig | undefined
  /** claim naming the caller in introspection and JWT answers; undefined: sub and fallbacks */
  uidClaim: string | undefined
  console: ConsoleConfig
  /** seconds an issued credential may be served again; 0 = no credential cache */
  credentialCacheMaxAge: number
  credentialCacheMaxEntries: number
  /** timeouts, rate limit, load shedding, metrics port, shutdown */
  limits: Limits
  /** ARN_PREFIX's account and the policy's `accounts:` (issue 17) */
  accounts: Accounts
  /** ROLE_TAGS_READER_ROLE: role name assumed in each account to read role tags there */
  roleTagsReaderRole: string | undefined
  /** the web page for people, when OIDC_ISSUER is set */
  web: WebConfig | undefined
  /** the grants' DynamoDB table and sweeper; undefined = stateless */
  store: StoreConfig | undefined
}

/** Thrown at boot with every configuration problem at once. */
export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super('invalid configuration:\n  - ' + problems.join('\n  - ') + `\nevery variable: ${CONFIG_DOC}`)
    this.name = 'ConfigError'
  }
}

/** Reads and validates the whole configuration from env; throws ConfigError naming every problem. */
export function loadConfig (env: Env): Config {
  const problems: string[] = []
  const { arnPrefix, partition } = readArnPrefix(env, problems)
  const { tokeninfoUrl, introspection, jwt } = readTokenVerifiers(env, problems)
  const logLevel = readEnum(env, V.LOG_LEVEL, problems)
  // read once: the console Issuer and the web redirect URI both use it
  const publicUrl = readUrl(env, V.PUBLIC_URL, problems)
  const config = {
    host: readString(env, V.HOST),
    port: readInt(env, V.PORT, problems),
    logLevel,
    arnPrefix,
    partition,
    awsRegion: readRegion(env, partition),
    tokeninfoUrl,
    tokeninfoTimeoutMs: readInt(env, V.TOKENINFO_TIMEOUT_MS, problems),
    tokenCacheTtl: readInt(env, V.TOKEN_CACHE_TTL, problems),
    tokenCacheMaxEntries: readInt(env, V.TOKEN_CACHE_MAX_ENTRIES, problems),
    requiredScopes: readScopes(env, problems),
    authUrl: readUrl(env, V.AUTH_URL, problems),
    teamClaim: readString(env, V.TEAM_CLAIM),
    policy: readPolicy(env, problems),
    ...readAttribution(env, problems),
    console: readConsole(env, partition, publicUrl, problems),
    introspection,
    jwt,
    uidClaim: readString(env, V.UID_CLAIM),
    credentialCacheMaxAge: readInt(env, V.CREDENTIAL_CACHE_MAX_AGE, problems),
    credentialCacheMaxEntries: readInt(env, V.CREDENTIAL_CACHE_MAX_ENTRIES, problems),
    limits: readLimits(env, problems),
    web: readWeb(env, publicUrl, problems)
  }
  const { accounts, roleTagsReaderRole } = readAccounts(env, arnPrefix, config.policy, problems)
  checkMembersScope(config.policy, { tokeninfoUrl, introspection, jwt }, problems)
  const store = readStoreConfig(env, config.policy, problems)
  if (problems.length > 0 || config.policy === undefined) throw new ConfigError(problems)
  return { ...config, policy: config.policy, accounts, roleTagsReaderRole, store }
}
