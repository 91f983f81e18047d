import { PARTITION_CONSOLE } from './aws/partitions.js'
import { buildPolicy, loadPolicyFile, type Policy } from './policy/policy-file.js'
import { parse } from 'yaml'
import { readLimits, type Limits } from './config-limits.js'

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov'

export interface Config {
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
  /** IAM role tag whose value lists the teams allowed to use the role; unset = tags not read */
  roleTeamsTag: string | undefined
  /** seconds a role's tags (and the tagged-role listing) are cached */
  roleTagsTtl: number
  /** AssumeRole sets SourceIdentity to the caller's uid */
  sourceIdentity: boolean
  /** AssumeRole sends session tags ro2key:uid, ro2key:team, ro2key:realm */
  sessionTags: boolean
  /** the session tags are marked transitive (survive role chaining) */
  transitiveTags: boolean
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
}

/** When getSigninToken gets SessionDuration; AWS refuses it for role-chained credentials. */
export type SessionDurationRule = 'auto' | 'always' | 'never'

/** GET /console/{role_name}: the AWS federation endpoint and how the sign-in URL is built. */
export interface ConsoleConfig {
  federationUrl: string
  /** Issuer of the login URL; undefined = the request's own base URL */
  issuer: string | undefined
  timeoutMs: number
  sessionDuration: SessionDurationRule
}

export interface IntrospectionConfig { url: string, clientId: string, clientSecret: string, audience: string | undefined }
export interface JwtConfig { issuer: string, audience: string, jwksUrl: string | undefined }

export type Env = Record<string, string | undefined>

/** Thrown at boot with every configuration problem at once. */
export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super('invalid configuration:\n  - ' + problems.join('\n  - '))
    this.name = 'ConfigError'
  }
}

const ARN_PREFIX = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role(\/[\w+=,.@-]+)*$/
const DEFAULT_REGION: Record<Partition, string> = { aws: 'us-east-1', 'aws-cn': 'cn-north-1', 'aws-us-gov': 'us-gov-west-1' }
const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])

/** An integer variable in [min, max], or the fallback when unset. */
export function readInt (env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`)
    return fallback
  }
  return value
}

function readUrl (env: Env, name: string, problems: string[]): string | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  try {
    const url = new URL(raw)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme')
    return raw
  } catch {
    problems.push(`${name} must be an http(s) URL, got "${raw}"`)
    return undefined
  }
}

function readPolicy (env: Env, problems: string[]): Policy | undefined {
  const file = env.POLICY_FILE
  const inline = env.POLICY
  try {
    if (file) return loadPolicyFile(file)
    if (inline) return buildPolicy(parse(inline), 'POLICY')
  } catch (err) {
    problems.push(`${file ? 'POLICY_FILE' : 'POLICY'}: ${(err as Error).message}`)
    return undefined
  }
  if (env.ROLE_TEAMS_TAG) return { teams: new Map(), members: new Map() }
  problems.push('POLICY_FILE is not set: name a YAML or JSON file that maps teams to roles (see README), or set ROLE_TEAMS_TAG')
  return undefined
}

/** IAM tag keys: 1-128 of letters, digits, spaces and _.:/=+-@, not starting with aws: */
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/iu
const MAX_ROLE_TAGS_TTL = 3600

function readBool (env: Env, name: string, problems: string[]): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase()
  if (raw === '' || raw === 'false' || raw === '0') return false
  if (raw === 'true' || raw === '1') return true
  problems.push(`${name} must be true or false, got "${env[name]}"`)
  return false
}

function readAttribution (env: Env, problems: string[]): Pick<Config, 'roleTeamsTag' | 'roleTagsTtl' | 'sourceIdentity' | 'sessionTags' | 'transitiveTags'> {
  const roleTeamsTag = env.ROLE_TEAMS_TAG || undefined
  if (roleTeamsTag !== undefined && !TAG_KEY.test(roleTeamsTag)) {
    problems.push(`ROLE_TEAMS_TAG must be an IAM tag key (1-128 of letters, digits, spaces and _.:/=+-@, not starting with aws:), got "${roleTeamsTag}"`)
  }
  const sessionTags = readBool(env, 'SESSION_TAGS', problems)
  const transitiveTags = readBool(env, 'TRANSITIVE_TAGS', problems)
  if (transitiveTags && !sessionTags) problems.push('TRANSITIVE_TAGS=true needs SESSION_TAGS=true (only session tags can be transitive)')
  return {
    roleTeamsTag,
    roleTagsTtl: readInt(env, 'ROLE_TAGS_TTL', 60, 0, MAX_ROLE_TAGS_TTL, problems),
    sourceIdentity: readBool(env, 'SOURCE_IDENTITY', problems),
    sessionTags,
    transitiveTags
  }
}

const SESSION_DURATION_RULES: SessionDurationRule[] = ['auto', 'always', 'never']

function readConsole (env: Env, partition: Partition, problems: string[]): ConsoleConfig {
  const rule = (env.CONSOLE_SESSION_DURATION || 'auto') as SessionDurationRule
  if (!SESSION_DURATION_RULES.includes(rule)) {
    problems.push(`CONSOLE_SESSION_DURATION must be one of ${SESSION_DURATION_RULES.join(', ')}, got "${rule}"`)
  }
  return {
    federationUrl: readUrl(env, 'FEDERATION_URL', problems) ?? PARTITION_CONSOLE[partition].federationUrl,
    issuer: readUrl(env, 'CONSOLE_ISSUER', problems),
    timeoutMs: readInt(env, 'FEDERATION_TIMEOUT_MS', 5000, 100, 60000, problems),
    sessionDuration: rule
  }
}

/** A set of variables that only work together: all set, or none (named when half-set). */
function readSet (env: Env, names: string[], problems: string[]): boolean {
  const set = names.filter((n) => env[n])
  if (set.length === 0) return false
  const missing = names.filter((n) => !env[n])
  if (missing.length > 0) problems.push(`${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not: these work only together`)
  return missing.length === 0
}

function readIntrospection (env: Env, problems: string[]): IntrospectionConfig | undefined {
  if (!readSet(env, ['INTROSPECTION_URL', 'INTROSPECTION_CLIENT_ID', 'INTROSPECTION_CLIENT_SECRET'], problems)) return undefined
  const url = readUrl(env, 'INTROSPECTION_URL', problems)
  // The secret's value is never echoed, not even in a problem.
  return url ? { url, clientId: env.INTROSPECTION_CLIENT_ID as string, clientSecret: env.INTROSPECTION_CLIENT_SECRET as string, audience: env.INTROSPECTION_AUDIENCE || undefined } : undefined
}

function readJwt (env: Env, problems: string[]): JwtConfig | undefined {
  // JWKS_URL is optional: without it the keys are found through the issuer's OIDC discovery.
  const complete = readSet(env, ['JWT_ISSUER', 'JWT_AUDIENCE'], problems)
  if (!complete) {
    if (env.JWKS_URL && !env.JWT_ISSUER && !env.JWT_AUDIENCE) problems.push('JWKS_URL is set but JWT_ISSUER, JWT_AUDIENCE are not: these work only together')
    return undefined
  }
  const issuer = readUrl(env, 'JWT_ISSUER', problems)
  const jwksUrl = readUrl(env, 'JWKS_URL', problems)
  return issuer ? { issuer, audience: env.JWT_AUDIENCE as string, jwksUrl } : undefined
}

/** Reads and validates the whole configuration from env; throws ConfigError naming every problem. */
export function loadConfig (env: Env): Config {
  const problems: string[] = []
  const arnPrefix = env.ARN_PREFIX ?? ''
  const arnMatch = ARN_PREFIX.exec(arnPrefix)
  if (!env.ARN_PREFIX) {
    problems.push('ARN_PREFIX is not set: give the role ARN prefix, e.g. arn:aws:iam::123456789012:role')
  } else if (!arnMatch) {
    problems.push(`ARN_PREFIX must look like arn:aws:iam::123456789012:role (optionally /path, no trailing slash), got "${arnPrefix}"`)
  }
  const partition = (arnMatch?.[1] ?? 'aws') as Partition
  const tokeninfoUrl = readUrl(env, 'TOKENINFO_URL', problems)
  const introspection = readIntrospection(env, problems)
  const jwt = readJwt(env, problems)
  if (!env.TOKENINFO_URL && !env.INTROSPECTION_URL && !env.JWT_ISSUER && !env.JWKS_URL && !env.JWT_AUDIENCE) {
    problems.push('TOKENINFO_URL is not set, nor INTROSPECTION_URL or JWT_ISSUER: ro2key never serves unauthenticated; configure at least one token verifier (see README, "Identity providers")')
  }
  const logLevel = env.LOG_LEVEL || 'info'
  if (!LOG_LEVELS.has(logLevel)) problems.push(`LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}, got "${logLevel}"`)
  const config = {
    host: env.HOST || '0.0.0.0',
    port: readInt(env, 'PORT', 8080, 0, 65535, problems),
    logLevel,
    arnPrefix,
    partition,
    awsRegion: env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION[partition],
    tokeninfoUrl,
    tokeninfoTimeoutMs: readInt(env, 'TOKENINFO_TIMEOUT_MS', 3000, 100, 60000, problems),
    tokenCacheTtl: readInt(env, 'TOKEN_CACHE_TTL', 60, 0, 3600, problems),
    tokenCacheMaxEntries: readInt(env, 'TOKEN_CACHE_MAX_ENTRIES', 10000, 1, 1000000, problems),
    requiredScopes: (env.OAUTH2_SCOPE ?? '').split(/[\s,]+/).filter(Boolean),
    authUrl: readUrl(env, 'AUTH_URL', problems),
    teamClaim: env.TEAM_CLAIM || 'team',
    policy: readPolicy(env, problems),
    ...readAttribution(env, problems),
    console: readConsole(env, partition, problems),
    introspection,
    jwt,
    uidClaim: env.UID_CLAIM || undefined,
    credentialCacheMaxAge: readInt(env, 'CREDENTIAL_CACHE_MAX_AGE', 300, 0, 3600, problems),
    credentialCacheMaxEntries: readInt(env, 'CREDENTIAL_CACHE_MAX_ENTRIES', 10_000, 1, 1_000_000, problems),
    limits: readLimits(env, problems)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config as Config
}
